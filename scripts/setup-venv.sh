# Sourced by scripts/run.sh and scripts/test.sh: make .venv and install the project into it.
# Usage: . scripts/setup-venv.sh [extras]   (extras e.g. "test")
set -euo pipefail
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install --quiet -e ".[${extras}]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
