"""Helper CLI for scripts/i18n_extract.sh.

    python -m app.i18n locales                  # supported locale codes, one line
    python -m app.i18n fill-source [DIR]        # copy msgids into the en catalogue
    python -m app.i18n tidy [DIR]               # drop stale comments / obsolete entries (.po)
"""

from __future__ import annotations

import sys

from .catalogs import fill_source_catalog
from .catalogs import LOCALES_DIR, po_path
from .locales import SOURCE_LOCALE, SUPPORTED_LOCALES
from .tidy import tidy_catalogue


def main(argv: list[str]) -> int:
    if argv[:1] == ["fill-source"]:
        count = fill_source_catalog(argv[1] if len(argv) > 1 else None)
        sys.stdout.write(f"filled {count} {SOURCE_LOCALE} entr{'y' if count == 1 else 'ies'} from msgids\n")
        return 0
    if argv[:1] == ["tidy"]:
        locales_dir = argv[1] if len(argv) > 1 else LOCALES_DIR
        changed = [code for code in SUPPORTED_LOCALES if tidy_catalogue(po_path(code, locales_dir), code)]
        sys.stdout.write(f"tidied {len(changed)} catalogue(s)\n")
        return 0
    if argv[:1] == ["locales"]:
        sys.stdout.write(" ".join(SUPPORTED_LOCALES) + "\n")
        return 0
    sys.stderr.write("usage: python -m app.i18n {locales | fill-source [LOCALES_DIR] | tidy [LOCALES_DIR]}\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
