#!/usr/bin/env bash
# Refresh the Vietnamese catalog after changing user-facing strings (needs GNU gettext),
# then translate the new entries in locale/vi/LC_MESSAGES/django.po and run this again
# to compile. Both the .po and the compiled .mo are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=hoagiai.settings_test
.venv/bin/python manage.py makemessages -l vi --no-location --no-obsolete \
  -i ".venv/*" -i "tools/*" -i "tests/*" -i "staticfiles/*"
.venv/bin/python manage.py compilemessages -l vi -i ".venv" -i "staticfiles"
msgfmt --check --statistics -o /dev/null locale/vi/LC_MESSAGES/django.po
