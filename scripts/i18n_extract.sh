#!/usr/bin/env bash
# Refresh the translation catalogues in one go:
#   1. pybabel extract over app/ -> locales/messages.pot
#   2. pybabel update (or init) locales/<locale>/LC_MESSAGES/messages.po for every
#      supported locale, keeping existing translations (changed msgids become fuzzy)
#   3. copy msgids into the English catalogue, tidy every catalogue (no stale "# | msgid"
#      comments, no obsolete "#~" entries, a current PO-Revision-Date), then compile.
# Then translate every empty / fuzzy entry (tests/test_i18n.py fails until you do).
#
#   scripts/i18n_extract.sh               refresh everything
#   scripts/i18n_extract.sh --pot FILE    only extract into FILE (used by the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
pybabel() { "$PY" -m babel.messages.frontend "$@"; }

POT=locales/messages.pot
ONLY_EXTRACT=0
if [ "${1:-}" = "--pot" ]; then
  POT=${2:?usage: $0 --pot FILE}
  ONLY_EXTRACT=1
fi

# Keywords: the defaults (_ gettext ngettext pgettext npgettext N_ ...) plus our
# plural marker Nn_ (app/i18n/markers.py). Translator methods (t.gettext,
# t.ngettext, t._) match by name.
pybabel -q extract \
  -F babel.cfg \
  -k _ -k gettext -k N_ -k ngettext:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -k Nn_:1,2 \
  --add-comments=Translators: \
  --project=Shopfloor --version=1.0 \
  --copyright-holder="Shopfloor" \
  --msgid-bugs-address="i18n@shopfloor.hk" \
  --width=76 \
  -o "$POT" \
  app

[ "$ONLY_EXTRACT" = 1 ] && exit 0

for locale in $("$PY" -m app.i18n locales); do
  po=locales/$locale/LC_MESSAGES/messages.po
  if [ -f "$po" ]; then
    pybabel -q update -i "$POT" -d locales -D messages -l "$locale" --ignore-obsolete --width=76
  else
    pybabel -q init -i "$POT" -d locales -D messages -l "$locale" --width=76
  fi
done
"$PY" -m app.i18n fill-source
"$PY" -m app.i18n tidy
bash scripts/compile_locales.sh
