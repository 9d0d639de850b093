"""Bundled fonts (assets/fonts) cover every string each locale shows (app.ui.fonts)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTCollection, TTFont

from app.i18n import SUPPORTED_LOCALES
from app.i18n.glyphs import catalog_strings, formatted_samples, required_chars
from app.ui.fonts import ASSETS_DIR, FONT_FILES, bold_family_for, fallback_families_for, font_family_for, font_path

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "assets" / "fonts"
CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian fonts-noto-cjk
TTC_FACE = {"SC": 2, "TC": 3, "HK": 4}


@lru_cache(maxsize=None)
def _font(family: str) -> TTFont:
    return TTFont(font_path(family))


@lru_cache(maxsize=None)
def _cmap(family: str) -> frozenset[int]:
    return frozenset(_font(family).getBestCmap())


def _needs_glyph(ch: str) -> bool:
    # Control and format characters (RLM, ALM, ZWJ) are handled by the shaper, not drawn.
    return unicodedata.category(ch)[0] not in ("C",) and ch not in "\n\t"


def _missing(family: str, text) -> str:
    cmap = _cmap(family)
    return "".join(sorted({ch for ch in text if _needs_glyph(ch) and ord(ch) not in cmap}))


def test_font_files_exist_and_parse():
    """Every file in FONT_FILES exists under assets/ and every table of it decompiles with fontTools."""
    assert ASSETS_DIR == ROOT / "assets"
    for family, rel in FONT_FILES.items():
        path = ASSETS_DIR / rel
        assert path.is_file(), path
        assert path.suffix in (".ttf", ".otf")
        font = TTFont(path)
        font.ensureDecompiled()
        for tag in font.keys():
            font[tag]  # noqa: B018 - decompile every table
        assert "cmap" in font and ("glyf" in font or "CFF " in font), family
        bold = family.endswith("Bold")
        assert (font["OS/2"].usWeightClass >= 700) == bold, family


def test_licence_and_readme_are_bundled():
    """assets/fonts ships the SIL Open Font License text and a README naming the sources."""
    ofl = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl and "Adobe" in ofl and "Google" in ofl
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    assert "NotoSansCJK-Regular.ttc" in readme and "build_fonts.py" in readme


def test_fonts_stay_small():
    """All bundled fonts together stay under 12 MB (web mode downloads them)."""
    total = sum(p.stat().st_size for p in FONTS.iterdir() if p.suffix in (".ttf", ".otf"))
    assert total < 12_000_000, total


@pytest.mark.parametrize("locale", list(SUPPORTED_LOCALES))
def test_locale_font_covers_its_catalogue(locale):
    """Every character of every translated string of the locale is in the locale's own font (no fallback needed)."""
    family = font_family_for(locale)
    text = "".join(catalog_strings(locale))
    assert not _missing(family, text), f"{locale} ({family}) lacks: {_missing(family, text)!r}"


@pytest.mark.parametrize("locale", list(SUPPORTED_LOCALES))
def test_locale_font_covers_babel_output(locale):
    """Dates (all months, weekdays, AM/PM), durations, numbers and HKD amounts render in the locale's font."""
    family = font_family_for(locale)
    text = "".join(formatted_samples(locale))
    assert not _missing(family, text), f"{locale} ({family}) lacks: {_missing(family, text)!r}"


@pytest.mark.parametrize("locale", list(SUPPORTED_LOCALES))
def test_bold_font_covers_the_same_text(locale):
    """Where a bold family exists it covers the same characters as the regular one."""
    bold = bold_family_for(locale)
    assert not _missing(bold, required_chars(locale)), (locale, bold)


def test_picker_names_render_in_their_own_font():
    """Each language's native name in the picker is drawable with that language's font."""
    for code, name in SUPPORTED_LOCALES.items():
        assert not _missing(font_family_for(code), name), (code, name)


def test_script_faces_per_locale():
    """zh locales use the CJK faces, th/ar their script faces, Latin-script locales Noto Sans; fallbacks cover the rest."""
    assert font_family_for("zh_Hant_HK") == "Noto Sans HK"
    assert font_family_for("zh_Hans") == "Noto Sans SC"
    assert font_family_for("th") == "Noto Sans Thai"
    assert font_family_for("ar") == "Noto Sans Arabic"
    for code in ("en", "id", "ms", "vi"):
        assert font_family_for(code) == "Noto Sans"
    regular = {f for f in FONT_FILES if not f.endswith(" Bold")}
    for code in SUPPORTED_LOCALES:
        chain = [font_family_for(code), *fallback_families_for(code)]
        assert len(chain) == len(set(chain)) and set(chain) == regular, code
    # An English screen can show a Hong Kong staff name and a Thai colleague's name.
    name = "陳大文 สมชาย Nguyễn"
    chain = [font_family_for("en"), *fallback_families_for("en")]
    assert all(any(ord(ch) in _cmap(f) for f in chain) for ch in name if not ch.isspace())


def test_cjk_faces_cover_common_characters():
    """The HK face keeps Big5 level-1 plus common Hong Kong characters; the SC face keeps GB 2312."""
    hk, sc = _cmap("Noto Sans HK"), _cmap("Noto Sans SC")
    big5_l1 = {ord(bytes([hi, lo]).decode("big5")) for hi in range(0xA4, 0xC6)
               for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))}
    assert big5_l1 <= hk
    for ch in "嘅咗嘢冇佢哋喺埗鰂邨鄺":  # Cantonese, 深水埗, 鰂魚涌, 屋邨, surname 鄺
        assert ord(ch) in hk, ch
    gb = {ord(bytes([hi, lo]).decode("gb2312")) for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)
          if (hi, lo) not in {(0xD7, lo2) for lo2 in range(0xFA, 0xFF)}}
    assert len(gb) == 6763 and gb <= sc
    assert all(ord(c) in hk and ord(c) in sc for c in "０１２！？（）「」、。HK$")
    assert all(ord(c) in _cmap("Noto Sans") for c in "ẤẦẨẪẬắằẳẵặđơưĐƠƯ")


def _outline(font: TTFont, ch: str):
    glyph = font.getBestCmap()[ord(ch)]
    pen = RecordingPen()
    font.getGlyphSet()[glyph].draw(pen)
    return pen.value


def test_hk_face_is_the_hong_kong_variant():
    """The HK file is Noto Sans CJK HK: its name says so and its glyphs match the HK face, not TC or SC."""
    hk = _font("Noto Sans HK")
    names = " ".join(str(r) for r in hk["name"].names)
    assert "Noto Sans CJK HK" in names
    assert "Noto Sans CJK SC" in " ".join(str(r) for r in _font("Noto Sans SC")["name"].names)
    assert CJK_TTC.exists(), "install the Debian package fonts-noto-cjk"
    ttc = TTCollection(CJK_TTC, lazy=True)
    faces = {region: ttc.fonts[index] for region, index in TTC_FACE.items()}
    # Characters whose Hong Kong form differs from the Taiwan (TC) one.
    differing = [ch for ch in "七五份保俞偏前削南反及"
                 if faces["HK"].getBestCmap()[ord(ch)] != faces["TC"].getBestCmap()[ord(ch)]]
    assert len(differing) >= 5
    for ch in differing:
        ours = _outline(hk, ch)
        assert ours == _outline(faces["HK"], ch), ch
        assert ours != _outline(faces["TC"], ch), ch


def test_arabic_and_thai_fonts_keep_shaping_features():
    """The merged Arabic/Thai fonts keep OpenType joining and mark features and carry basic Latin."""
    for family, script, features in (("Noto Sans Arabic", "arab", {"init", "medi", "fina", "rlig"}),
                                     ("Noto Sans Thai", "thai", {"ccmp"})):
        font = _font(family)
        gsub = font["GSUB"].table
        assert script in {r.ScriptTag for r in gsub.ScriptList.ScriptRecord}, family
        assert features <= {r.FeatureTag for r in gsub.FeatureList.FeatureRecord}, family
        assert "GPOS" in font
        assert all(ord(c) in _cmap(family) for c in "Shopfloor PIN HK$0123456789,.:()…"), family
