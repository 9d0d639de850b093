#!/usr/bin/env bash
# Run the whole test suite: installs what it needs (Python deps in .venv, Debian's
# Chromium for the real-browser tests, gettext for msgfmt, PostgreSQL's server binaries,
# npm for the web app's Rive runtime), then pytest. The installable web app is built once
# by the tests that need it (tests/web_dist.py; downloads cached in .cache/web). The API tests run on SQLite and on a throwaway PostgreSQL cluster that
# tests/servers.py starts in a temporary folder (as an unprivileged user) and removes.
# Extra arguments go to pytest (e.g. scripts/test.sh -k sync).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)
command -v npm >/dev/null || need+=(npm)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit $status
