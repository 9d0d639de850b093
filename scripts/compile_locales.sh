#!/usr/bin/env bash
# Compile locales/<locale>/LC_MESSAGES/messages.po -> messages.mo (ignored by git).
# Run by scripts/bootstrap.sh and CI; app.i18n also compiles a missing .mo in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
"$PY" -m babel.messages.frontend compile -d locales -D messages --statistics
