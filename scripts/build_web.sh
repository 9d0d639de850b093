#!/usr/bin/env bash
# Build the installable web app (the staff app, Python in the browser) into dist/web/.
# Uses only the package registries, once: later builds take a few seconds.
# Options go to `python -m webapp` (e.g. --api-url http://127.0.0.1:8000, --dist DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/bootstrap.sh
bash scripts/compile_locales.sh >/dev/null
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec .venv/bin/python -m webapp "$@"
