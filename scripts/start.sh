#!/usr/bin/env bash
# Start the product: the API with a seeded demo chain, the installable staff web app (Python
# in the browser, works offline; built into dist/web by scripts/build_web.sh) and the
# server-driven Flet web client (kiosks, desktops). Prints the URLs and the demo logins.
# Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system_deps.sh
bash scripts/bootstrap.sh
API_PORT=${SHOPFLOOR_API_PORT:-8000}
WEB_PORT=${SHOPFLOOR_WEB_PORT:-8550}
STAFF_PORT=${SHOPFLOOR_STAFF_PORT:-8551}
HOST=${SHOPFLOOR_HOST:-127.0.0.1}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export SHOPFLOOR_DATA_DIR=${SHOPFLOOR_DATA_DIR:-$PWD/data/server}
export SHOPFLOOR_API_URL=${SHOPFLOOR_API_URL:-http://$HOST:$API_PORT}
# The staff app's origin: the only one the API's CORS allows.
export SHOPFLOOR_WEB_ORIGINS=${SHOPFLOOR_WEB_ORIGINS:-http://$HOST:$STAFF_PORT}
bash scripts/build_web.sh --api-url "$SHOPFLOOR_API_URL"
.venv/bin/python -m backend_stub seed
.venv/bin/python -m backend_stub serve --host "$HOST" --port "$API_PORT" &
api_pid=$!
.venv/bin/python -m webapp.serve --host "$HOST" --port "$STAFF_PORT" &
staff_pid=$!
trap 'kill $api_pid $staff_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  .venv/bin/python -c "import httpx,sys; sys.exit(0 if httpx.get('http://$HOST:$API_PORT/v1/health').status_code==200 else 1)" 2>/dev/null && break
  sleep 0.2
done
cat <<MSG

  Shopfloor is running
  ────────────────────
  Staff app, works offline : http://$HOST:$STAFF_PORT/   (installable; Python runs in the browser)
  Kiosk / desktop web      : http://$HOST:$WEB_PORT/   (server-driven, needs the network)
  API                      : http://$HOST:$API_PORT/v1   (OpenAPI docs: http://$HOST:$API_PORT/docs)

  Log in with a demo login listed above, e.g. S3001 / 1111 (staff, Causeway Bay)
  or M2001 / 7100 (store manager). Ctrl-C stops them all.

MSG
.venv/bin/python -m app.main --web --host "$HOST" --port "$WEB_PORT"
