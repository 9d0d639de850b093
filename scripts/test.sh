#!/usr/bin/env bash
# Run the whole test suite: installs what it needs (Python deps in .venv; Debian packages
# through scripts/system_deps.sh: Chromium, gettext, npm and Node.js, fonts, PostgreSQL), then pytest. The installable web app is built once
# by the tests that need it (tests/web_dist.py; downloads cached in .cache/web). The API tests run on SQLite and on a throwaway PostgreSQL cluster that
# tests/servers.py starts in a temporary folder (as an unprivileged user) and removes.
# Extra arguments go to pytest (e.g. scripts/test.sh -k sync).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/system_deps.sh
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
