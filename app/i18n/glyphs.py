"""All the text a locale can put on screen from our own code.

Used by ``scripts/build_fonts.py`` (to choose which glyphs to keep in the
bundled fonts) and by ``tests/test_fonts.py`` (to prove they are there):
every translated string of the locale's catalogue, the language picker's native
names, and Babel's output for dates, times, durations, numbers and HKD amounts.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .catalogs import po_path, read_catalog
from .locales import SUPPORTED_LOCALES
from .translator import Translator

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def catalog_strings(locale: str, locales_dir: Path | str | None = None) -> list[str]:
    """Every non-empty msgstr (each plural form) of the locale's .po, placeholders removed."""
    catalog = read_catalog(po_path(locale, locales_dir), locale)
    out: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        out.extend(_PLACEHOLDER.sub("", s) for s in strings if s)
    return out


def formatted_samples(locale: str, locales_dir: Path | str | None = None) -> list[str]:
    """Babel output for this locale: every month and weekday, AM/PM, durations, money."""
    t = Translator(locale, locales_dir=locales_dir)
    out: list[str] = []
    # 2025-01-01 (Wed) .. + 12 months, morning and afternoon, all four widths.
    for month in range(1, 13):
        for hour in (3, 15):
            value = dt.datetime(2025, month, month + 1, hour, 5, tzinfo=dt.timezone.utc)
            for width in ("short", "medium", "long", "full"):
                out.append(t.format_datetime(value, width))
                out.append(t.format_date(value, width))
            out.append(t.format_skeleton("MMMEd", value))
            out.append(t.format_skeleton("yMMMM", value))
    for day in range(7):
        out.append(t.format_date(dt.date(2025, 1, 5 + day), "EEEE EEE"))
    out.append(t.format_interval(dt.datetime(2025, 1, 1, 1), dt.datetime(2025, 1, 1, 10)))
    for unit, seconds in (("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400),
                          ("week", 7 * 86400), ("month", 31 * 86400), ("year", 366 * 86400)):
        for n in (1, 2, 5, 11, 100):
            delta = dt.timedelta(seconds=seconds * n)
            out.append(t.format_timedelta(delta, granularity=unit))
            out.append(t.format_timedelta(delta, granularity=unit, format="short"))
            out.append(t.format_timedelta(delta, granularity=unit, add_direction=True))
            out.append(t.format_timedelta(-delta, granularity=unit, add_direction=True))
    for amount in (0, 1, 88, 1234.5, -1234567.891):
        out.append(t.format_hkd(amount))
        out.append(t.format_decimal(amount))
        out.append(t.format_percent(amount / 100))
    out.append(t.format_list(["A", "B", "C"]))
    return out


def required_text(locale: str, locales_dir: Path | str | None = None) -> str:
    """Catalogue strings + the locale's picker name + Babel samples, as one string."""
    parts = catalog_strings(locale, locales_dir)
    parts.append(SUPPORTED_LOCALES[locale])
    parts.extend(formatted_samples(locale, locales_dir))
    return "\n".join(parts)


def required_chars(locale: str, locales_dir: Path | str | None = None) -> set[str]:
    """The characters of :func:`required_text` that need a glyph (no controls/format marks)."""
    import unicodedata

    return {
        ch
        for ch in required_text(locale, locales_dir)
        if unicodedata.category(ch)[0] not in ("C", "Z") or ch in ("\u00a0", "\u202f")
    }
