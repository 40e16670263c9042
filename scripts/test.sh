#!/usr/bin/env bash
# The whole test suite: lint, migrations in step, tests on SQLite and on PostgreSQL,
# the real-browser journeys included (Debian's chromium, installed when missing).
# PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hoagiai);
# pytest-django creates and drops the test database "test_hoagiai" itself.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/setup-venv.sh test
. scripts/install-chromium.sh
export DJANGO_SETTINGS_MODULE=hoagiai.settings_test

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== migrations in step with the models"
.venv/bin/python manage.py makemigrations --check --dry-run

echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest -q "$@"

pg_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hoagiai}"
if .venv/bin/python -c "import environ, psycopg2, sys; c = environ.Env.db_url_config(sys.argv[1]); psycopg2.connect(dbname='postgres', user=c['USER'], host=c['HOST'], port=c['PORT'] or 5432, password=c['PASSWORD']).close()" "$pg_url" 2>/dev/null; then
  echo "== tests on PostgreSQL"
  DATABASE_URL="$pg_url" .venv/bin/python -m pytest -q --create-db "$@"
elif [ "${CI:-}" = "true" ] || [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL is not reachable at $pg_url" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $pg_url: skipped (CI runs it)"
fi
