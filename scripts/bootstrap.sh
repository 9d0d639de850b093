#!/usr/bin/env bash
# Create .venv (if missing or stale) and install the pinned dependencies.
# Safe to re-run: it only reinstalls when requirements.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python dependencies into .venv (about a minute)"
  .venv/bin/pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/pip install -q -r requirements.txt 2>&1 | grep -v '^WARNING: Location' || true
  # face-recognition pins the source package "dlib"; dlib-bin already provides it.
  .venv/bin/pip install -q --no-deps face-recognition==1.3.0 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c "import face_recognition, flet, fastapi, sqlite_utils" 
  echo "$want" > "$stamp"
fi
# Compile translation catalogues (.po -> .mo) so the UI has them.
if [ -x scripts/compile_locales.sh ]; then bash scripts/compile_locales.sh; fi
