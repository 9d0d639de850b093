#!/usr/bin/env bash
# Start the product: the API with a seeded demo chain, and the Flet web client.
# Prints the URLs and the demo logins. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
API_PORT=${SHOPFLOOR_API_PORT:-8000}
WEB_PORT=${SHOPFLOOR_WEB_PORT:-8550}
HOST=${SHOPFLOOR_HOST:-127.0.0.1}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export SHOPFLOOR_DATA_DIR=${SHOPFLOOR_DATA_DIR:-$PWD/data/server}
export SHOPFLOOR_API_URL=${SHOPFLOOR_API_URL:-http://$HOST:$API_PORT}
.venv/bin/python -m backend_stub seed
.venv/bin/python -m backend_stub serve --host "$HOST" --port "$API_PORT" &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  .venv/bin/python -c "import httpx,sys; sys.exit(0 if httpx.get('http://$HOST:$API_PORT/v1/health').status_code==200 else 1)" 2>/dev/null && break
  sleep 0.2
done
cat <<MSG

  Shopfloor is running
  ────────────────────
  Web client : http://$HOST:$WEB_PORT/
  API        : http://$HOST:$API_PORT/v1   (OpenAPI docs: http://$HOST:$API_PORT/docs)

  Log in with a demo login listed above, e.g. S3001 / 1111 (staff, Causeway Bay)
  or M2001 / 7100 (store manager). Ctrl-C stops both.

MSG
.venv/bin/python -m app.main --web --host "$HOST" --port "$WEB_PORT"
