"""Loading the gettext catalogues under ``locales/``.

Compiled ``.mo`` files are built by ``scripts/compile_locales.sh`` (bootstrap and
CI run it). When a ``.mo`` is missing, or older than its ``.po`` (a translator
just edited it), the ``.po`` is compiled in memory instead, so a fresh checkout
and the tests show real translations, never a silent English fallback.

Loaded catalogues are immutable and cached process-wide; the *choice* of
language lives in each session's :class:`~app.i18n.translator.Translator`.

``python -m app.i18n`` (see ``__main__.py``) is the helper CLI of
``scripts/i18n_extract.sh``.
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from typing import TYPE_CHECKING

from babel.support import Translations

if TYPE_CHECKING:  # babel.messages is imported where it is used: the app's start reads .mo only
    from babel.messages.catalog import Catalog

from .locales import SOURCE_LOCALE

DOMAIN = "messages"

#: ``<repo>/locales``; override with the SHOPFLOOR_LOCALES_DIR environment variable.
LOCALES_DIR = Path(os.environ.get("SHOPFLOOR_LOCALES_DIR") or Path(__file__).resolve().parents[2] / "locales")

_cache: dict[tuple[str, str], Translations] = {}
_lock = threading.Lock()


class CatalogNotFoundError(FileNotFoundError):
    """A supported locale has neither a .mo nor a .po file."""


def po_path(locale: str, locales_dir: Path | str | None = None) -> Path:
    return Path(locales_dir or LOCALES_DIR) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str, locales_dir: Path | str | None = None) -> Path:
    return po_path(locale, locales_dir).with_suffix(".mo")


def read_catalog(path: Path | str, locale: str | None = None) -> Catalog:
    from babel.messages.pofile import read_po

    with open(path, "rb") as fp:
        return read_po(fp, locale=locale, domain=DOMAIN)


def compile_catalog(catalog: Catalog, *, use_fuzzy: bool = False) -> bytes:
    """A parsed catalogue -> .mo bytes."""
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=use_fuzzy)
    return buf.getvalue()


def _load_uncached(locale: str, locales_dir: Path) -> Translations:
    po = po_path(locale, locales_dir)
    mo = mo_path(locale, locales_dir)
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if po.exists():
        data = compile_catalog(read_catalog(po, locale))
        return Translations(io.BytesIO(data), domain=DOMAIN)
    raise CatalogNotFoundError(f"no catalogue for {locale!r}: neither {mo} nor {po} exists")


def load_translations(locale: str, locales_dir: Path | str | None = None) -> Translations:
    """The compiled catalogue for ``locale`` (cached; treat it as read-only)."""
    directory = Path(locales_dir or LOCALES_DIR)
    key = (str(directory), locale)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _cache[key] = _load_uncached(locale, directory)
        return cached


def clear_cache() -> None:
    """Forget loaded catalogues (after recompiling them at run time, and in tests)."""
    with _lock:
        _cache.clear()


def fill_source_catalog(locales_dir: Path | str | None = None, locale: str = SOURCE_LOCALE) -> int:
    """Give every untranslated entry of the source-language catalogue its msgid.

    English msgids *are* the English text, so the en catalogue only needs a
    human when the wording should differ from the code. Returns how many entries
    were filled; clears the fuzzy flag of entries it fills.
    """
    path = po_path(locale, locales_dir)
    catalog = read_catalog(path, locale)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            singular, plural = message.id[0], message.id[1]
            forms = [singular] + [plural] * (catalog.num_plurals - 1)
            if message.fuzzy or not all(message.string or ()):
                message.string = tuple(forms)
                filled += 1
        elif message.fuzzy or not message.string:
            message.string = message.id
            filled += 1
        if message.fuzzy:
            message.flags.discard("fuzzy")
    if filled:
        from babel.messages.pofile import write_po

        with open(path, "wb") as fp:
            write_po(fp, catalog, width=76, include_previous=False)
    return filled
