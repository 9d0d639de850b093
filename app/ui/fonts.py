"""Bundled fonts (assets/fonts, built by scripts/build_fonts.py) and which to use per locale.

Data only, no Flet import. Typical use in a Flet app::

    page.fonts = FONT_FILES                       # family -> path under assets/
    page.theme = ft.Theme(font_family=font_family_for(t.locale))
    # where Flutter's fontFamilyFallback is reachable: fallback_families_for(t.locale)

Flet registers one file per family name, so bold faces are separate families
("Noto Sans HK Bold"); use :func:`bold_family_for` for headings where the
synthetic bold of the regular face is not good enough. In the language picker,
render each language's native name in ``font_family_for(code)``.

Web mode loads nothing from a CDN: text in a script the chosen family lacks
(a Chinese staff name on an English screen) needs the fallback list.
"""

from __future__ import annotations

from pathlib import Path

#: ``<repo>/assets``: FONT_FILES paths are relative to it (Flet's assets_dir).
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"

HK = "Noto Sans HK"
SC = "Noto Sans SC"
LATIN = "Noto Sans"
THAI = "Noto Sans Thai"
ARABIC = "Noto Sans Arabic"

#: Family name -> font file relative to the assets directory (for ``page.fonts``).
FONT_FILES: dict[str, str] = {
    HK: "fonts/NotoSansHK-Regular.otf",
    f"{HK} Bold": "fonts/NotoSansHK-Bold.otf",
    SC: "fonts/NotoSansSC-Regular.otf",
    LATIN: "fonts/NotoSans-Regular.ttf",
    f"{LATIN} Bold": "fonts/NotoSans-Bold.ttf",
    THAI: "fonts/NotoSansThai-Regular.ttf",
    f"{THAI} Bold": "fonts/NotoSansThai-Bold.ttf",
    ARABIC: "fonts/NotoSansArabic-Regular.ttf",
    f"{ARABIC} Bold": "fonts/NotoSansArabic-Bold.ttf",
}

#: What the app registers in ``page.fonts``: regular faces only. No screen uses the Bold
#: families, and every registered file is downloaded at each web start.
REGULAR_FONT_FILES: dict[str, str] = {f: p for f, p in FONT_FILES.items() if not f.endswith(" Bold")}

_PRIMARY = {"zh_Hant_HK": HK, "zh_Hans": SC, "th": THAI, "ar": ARABIC}
#: Regular families, in the order a fallback search should try them.
_REGULAR = (HK, SC, LATIN, THAI, ARABIC)


def _key(locale: str) -> str:
    """Map any tag to one of our font keys (``zh-TW`` -> zh_Hant_HK, ``th-TH`` -> th)."""
    if locale in _PRIMARY:
        return locale
    from app.i18n.locales import DEFAULT_LOCALE, negotiate  # local import: keeps this module light

    code = negotiate([locale]) if locale else DEFAULT_LOCALE
    # negotiate() falls back to the default (Chinese) for unknown languages; fonts should not.
    if code == DEFAULT_LOCALE and not locale.lower().startswith(("zh", "yue")):
        return "en"
    return code


def font_family_for(locale: str) -> str:
    """The regular family that covers every string of ``locale``'s UI."""
    return _PRIMARY.get(_key(locale), LATIN)


def bold_family_for(locale: str) -> str:
    """A real bold family for ``locale`` (SC has none: its regular face is returned)."""
    family = font_family_for(locale)
    bold = f"{family} Bold"
    return bold if bold in FONT_FILES else family


def fallback_families_for(locale: str) -> list[str]:
    """Other regular families, most likely needed first, for content in other scripts."""
    primary = font_family_for(locale)
    if primary == SC:
        order = [LATIN, HK, THAI, ARABIC]
    elif primary == HK:
        order = [LATIN, SC, THAI, ARABIC]
    else:  # Latin, Thai, Arabic UIs in a Hong Kong shop: Traditional Chinese names first
        order = [LATIN, HK, SC, THAI, ARABIC]
    return [family for family in order if family != primary]


def font_path(family: str) -> Path:
    """Absolute path of a family's file."""
    return ASSETS_DIR / FONT_FILES[family]
