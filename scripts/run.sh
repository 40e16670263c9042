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
.venv/bin/python manage.py loaddata units_bac_giang plan targets
# Fixtures load without history; give each row its first history entry (once).
.venv/bin/python manage.py populate_history --auto -v 0
# Province-scale demo data (marked as demo), once: later runs find it and skip this step.
.venv/bin/python manage.py seed_demo --scale province --seed 1 --if-empty
.venv/bin/python manage.py seed_demo_reports --if-empty
.venv/bin/python manage.py seed_demo_progress
.venv/bin/python manage.py create_demo_accounts
echo "Serving at http://127.0.0.1:8000 (Ctrl+C stops)."
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
