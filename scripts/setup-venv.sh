# Sourced by scripts/run.sh and scripts/test.sh: make .venv and install the pinned
# dependencies into it (requirements/run.txt, or requirements/<extras>.txt, e.g. "test").
# The pins are compiled from pyproject.toml with pip-tools; upgrading is a deliberate commit:
#   pip-compile --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
#     [--extra test] [--upgrade] -o requirements/<name>.txt pyproject.toml
# The project runs from its folder (manage.py, gunicorn hoagiai.wsgi): it is not installed.
# Usage: . scripts/setup-venv.sh [extras]
set -euo pipefail
lock="requirements/${1:-run}.txt"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r "$lock"
