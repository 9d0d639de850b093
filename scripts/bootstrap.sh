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
# pip's own failures must fail this script; only its noise about local mirrors is hidden.
pip_install() { .venv/bin/pip install -q "$@" 2> >(grep -v '^WARNING: Location' >&2); }
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python dependencies into .venv (about a minute)"
  pip_install --upgrade pip
  pip_install -r requirements.txt
  # face-recognition depends on the source package "dlib" (a slow C++ build); the
  # prebuilt dlib-bin wheel already provides the dlib module, so skip its dependencies.
  pip_install --no-deps face-recognition==1.3.0
  .venv/bin/python -c "import face_recognition, flet, fastapi, sqlite_utils, playwright"
  echo "$want" > "$stamp"
fi
# Compile translation catalogues (.po -> .mo) so the UI has them.
if [ -x scripts/compile_locales.sh ]; then bash scripts/compile_locales.sh; fi
