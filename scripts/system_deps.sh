#!/usr/bin/env bash
# Install the Debian packages the product and its tests need, if missing (as root, or with
# sudo): Chromium (real-browser tests), gettext (msgfmt), npm and Node.js (the web app's
# build: Rive's runtime from npm, the app compiled to bytecode under Node.js), Noto fonts,
# PostgreSQL's server binaries. Used by scripts/start.sh and scripts/test.sh.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)
command -v npm >/dev/null || need+=(npm)
command -v node >/dev/null || need+=(nodejs)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
