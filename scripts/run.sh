#!/usr/bin/env bash
# Set up everything on a bare machine with Python 3.11+ and serve the portal at
# http://127.0.0.1:8000 (development settings, SQLite unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/setup-venv.sh

if [ ! -f .env ]; then
  # Development settings for this machine only; .env is not committed.
  secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
  printf 'DEBUG=on\nSECRET_KEY=%s\n' "$secret" > .env
  echo "Wrote .env with DEBUG=on (development only)."
fi

.venv/bin/python manage.py migrate --noinput
# The plan, Bắc Giang's units and the targets, into an empty database only: loading them
# again would undo what happened to them since (the units ended on 30/6/2025, targets the
# Department edited in the admin).
.venv/bin/python manage.py load_reference_data -v 0
# Province-scale demo data (marked as demo), once: later runs find it and skip this step.
.venv/bin/python manage.py seed_demo --scale province --seed 1 --if-empty
# The 1/7/2025 arrangement (DESIGN §7): the new Tỉnh Bắc Ninh, the registry moved to its
# communes; a second run changes nothing. The GSO table leaves out three communes: for the
# DEMO ONLY, each goes to the new ward that took its namesake neighbour (Phường Tân An,
# Phường Yên Dũng, Phường Cảnh Thụy); a real deployment asks the Department.
.venv/bin/python manage.py apply_reform_2025 \
  --successor 07693=07682 --successor 07732=07681 --successor 07744=07738
.venv/bin/python manage.py seed_demo_reports --if-empty
.venv/bin/python manage.py seed_demo_progress
.venv/bin/python manage.py create_demo_accounts
echo "Serving at http://127.0.0.1:8000 (Ctrl+C stops)."
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
