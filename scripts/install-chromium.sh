# Sourced by scripts/test.sh: Debian's chromium for the real-browser journeys (tests/browser/).
# Playwright drives this browser; it never downloads one. Installed once, through apt-get
# (as root, or through sudo); without either, the journeys are skipped outside CI and fail in CI.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  apt_get="apt-get"
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then apt_get="sudo apt-get"; else apt_get=""; fi
  fi
  if [ -n "$apt_get" ]; then
    export DEBIAN_FRONTEND=noninteractive
    $apt_get install -y -qq chromium >/dev/null \
      || { $apt_get update -qq && $apt_get install -y -qq chromium >/dev/null; } \
      || echo "could not install chromium: the browser journeys will not run" >&2
  else
    echo "chromium is missing and apt-get needs root: the browser journeys will not run" >&2
  fi
fi
