#!/usr/bin/env python3
"""Regenerate assets/fonts/ from Debian's Noto fonts (fonts-noto-cjk, fonts-noto-core).

Flet web must not fetch fonts from a CDN, so every script the app shows is
bundled, subset to keep the download small:

* Noto Sans HK (Regular + Bold), from the HK face of NotoSansCJK-*.ttc:
  Big5 level-1 hanzi (5,401) + Big5 symbols + common Hong Kong characters
  (HKSCS Cantonese, place names, given names) + Latin, CJK punctuation,
  full-width forms + every character our catalogues and Babel formats use.
* Noto Sans SC (Regular), from the SC face: GB 2312 (6,763 hanzi + symbols) + the same extras.
* Noto Sans (Regular + Bold): Latin incl. Vietnamese, punctuation, currency.
* Noto Sans Thai / Noto Sans Arabic (Regular + Bold), each merged with basic
  Latin from Noto Sans so a Thai or Arabic screen needs no second font for
  digits, "PIN" or "HK$".

CJK faces stay CFF (.otf); the others are TrueType (.ttf). Hinting is dropped
(Flutter does not use it). All OpenType layout features are kept (Arabic
joining, Thai mark positioning, CJK punctuation forms).

    python scripts/build_fonts.py              # writes assets/fonts/*
    python scripts/build_fonts.py --check      # only report coverage gaps

Requires fontTools and the Debian packages fonts-noto-cjk, fonts-noto-core.
"""

from __future__ import annotations

import argparse
import io
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger, Options as MergeOptions
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n.glyphs import required_text  # noqa: E402
from app.i18n.locales import SUPPORTED_LOCALES  # noqa: E402

OUT = ROOT / "assets" / "fonts"
CJK_DIR = Path("/usr/share/fonts/opentype/noto")
CORE_DIR = Path("/usr/share/fonts/truetype/noto")
CJK_FACES = {"JP": 0, "KR": 1, "SC": 2, "TC": 3, "HK": 4}  # index in NotoSansCJK-*.ttc
LICENSE_SOURCES = [Path("/usr/share/doc/fonts-noto-cjk/copyright"), Path("/usr/share/doc/fonts-noto-core/copyright")]

# Characters common in Hong Kong that Big5 level 1 lacks: Cantonese (HKSCS),
# district and estate names, and frequent given names / surnames.
HK_EXTRA = (
    "㗎嘅咗嘢冇佢哋喺嚟嗰啲咁噉乜唔係嚿餸瞓攰搵揾睇嘥啱諗咪咩嘞喎囉吖呀啦喇嘛咋嗱噃呢冚掂嬲靚噏㩒撳揸擰攞孭嗌"
    "焗煲嘈閂氹凼窿蝕抌啤咭孖孻乸曱甴喐郁嚡瀡趷㷫嚫揼𨋢啫嘩哂晒啩蛇屎揀抆嗮冧嘟"
    "埗鰂涌灣荃屯朗觀塘旺角尖沙咀鯉筲箕坳埔坪瀝圍邨凹蠔脷嶺澳貢坑窩蘭硤啟鱲鞍荔孚汀港葵衣欖錦莆"
    "鄺鍾冼岑翟覃隋蒙喬邱麥黎鄧蔡譚龐區歐祁駱盧鄔甄屈柯廖湛甘尹游卓馮嚴"
    "婷雯琪詠穎嘉翹蔚晞曦燊浠樂熙晴芷蕎蕙瑩嫣嬅禧靖晉峯峰鏗燝瀚灝滔焯潼淇鈞銘鍵鑫溢棨頌頴綺瑋煒暐韻嫻姍珮詩曉"
    "綫着衞麪纔峯着裏啓"
)

COMMON_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20BF),  # Currency symbols
    (0x2100, 0x214F),  # Letterlike (No., TM)
    (0x2190, 0x2199),  # Arrows
    (0x2212, 0x2212),  # Minus sign
]
CJK_RANGES = COMMON_RANGES + [
    (0x2460, 0x24FF),  # Enclosed alphanumerics (①)
    (0x25A0, 0x25FF),  # Geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
]
LATIN_RANGES = COMMON_RANGES + [
    (0x0100, 0x024F),  # Latin Extended-A/B
    (0x02B0, 0x02FF),  # Spacing modifiers
    (0x0300, 0x036F),  # Combining diacritics
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2150, 0x218F),  # Number forms
    (0x2200, 0x22FF),  # Math operators
    (0x25A0, 0x25FF),  # Geometric shapes
]
ARABIC_RANGES = [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),
                 (0x200C, 0x200F), (0x061C, 0x061C)]
THAI_RANGES = [(0x0E00, 0x0E7F), (0x200B, 0x200D)]


def ranges(rs: list[tuple[int, int]]) -> set[int]:
    return {cp for lo, hi in rs for cp in range(lo, hi + 1)}


def dbcs(codec: str, leads: range, trails: list[int]) -> set[int]:
    out = set()
    for hi in leads:
        for lo in trails:
            try:
                out.add(ord(bytes([hi, lo]).decode(codec)))
            except (UnicodeDecodeError, TypeError):
                pass
    return out


def big5_level1() -> set[int]:
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    return dbcs("big5", range(0xA1, 0xA4), trails) | dbcs("big5", range(0xA4, 0xC7), trails)


def gb2312() -> set[int]:
    return dbcs("gb2312", range(0xA1, 0xAA), list(range(0xA1, 0xFF))) | dbcs(
        "gb2312", range(0xB0, 0xF8), list(range(0xA1, 0xFF))
    )


def text_codepoints(text: str) -> set[int]:
    return {ord(c) for c in text if unicodedata.category(c)[0] not in ("C",) or c in "\u00a0\u202f"}


def locale_text(*locales: str) -> str:
    return "\n".join(required_text(loc) for loc in locales)


def subset_font(font: TTFont, unicodes: set[int]) -> TTFont:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.drop_tables += ["vhea", "vmtx", "VORG", "DSIG"]
    options.ignore_missing_unicodes = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    return font


def set_names(font: TTFont, family: str, style: str, note: str) -> None:
    """Rename the subset so it never shadows an installed full font of the same name."""
    name = font["name"]
    full = f"{family} {style}" if style != "Regular" else family
    ps = f"{family.replace(' ', '')}-{style}"
    for rec_id, value in ((1, family), (2, style), (4, full), (6, ps), (16, family), (17, style)):
        name.removeNames(nameID=rec_id)
        name.setName(value, rec_id, 3, 1, 0x409)
    old = name.getDebugName(5) or ""
    name.removeNames(nameID=5)
    name.setName(f"{old}; {note}".strip("; "), 5, 3, 1, 0x409)


def missing(font: TTFont, unicodes: set[int]) -> set[int]:
    cmap = font.getBestCmap()
    return {cp for cp in unicodes if cp not in cmap}


def report_missing(label: str, gaps: set[int], required: set[int]) -> None:
    lost = sorted(gaps & required)
    if lost:
        print(f"  ! {label}: {len(lost)} required characters missing: {''.join(map(chr, lost[:60]))}")


def build_cjk(region: str, weight: str, unicodes: set[int], required: set[int], check: bool) -> Path | None:
    src = CJK_DIR / f"NotoSansCJK-{weight}.ttc"
    font = TTCollection(src, lazy=True).fonts[CJK_FACES[region]]
    original_family = font["name"].getDebugName(1)
    assert original_family == f"Noto Sans CJK {region}", original_family
    report_missing(f"{region} {weight}", missing(font, required), required)
    if check:
        return None
    subset_font(font, unicodes)
    set_names(font, f"Noto Sans {region} Shopfloor", weight, f"subset of {original_family} {weight} (Debian fonts-noto-cjk)")
    out = OUT / f"NotoSans{region}-{weight}.otf"
    font.save(out)
    return out


def latin_piece(weight: str, unicodes: set[int], exclude: set[int]) -> TTFont:
    font = TTFont(CORE_DIR / f"NotoSans-{weight}.ttf")
    return subset_font(font, unicodes - exclude)


def build_latin(weight: str, required: set[int], check: bool) -> Path | None:
    font = TTFont(CORE_DIR / f"NotoSans-{weight}.ttf")
    report_missing(f"Latin {weight}", missing(font, required), required)
    if check:
        return None
    subset_font(font, ranges(LATIN_RANGES) | required)
    set_names(font, "Noto Sans Shopfloor", weight, "subset of Noto Sans (Debian fonts-noto-core)")
    out = OUT / f"NotoSans-{weight}.ttf"
    font.save(out)
    return out


def build_merged(script: str, weight: str, own: set[int], required: set[int], check: bool) -> Path | None:
    """Noto Sans <script> subset + basic Latin from Noto Sans, as one font."""
    primary = TTFont(CORE_DIR / f"NotoSans{script}-{weight}.ttf")
    primary_cmap = set(primary.getBestCmap())
    latin_src = TTFont(CORE_DIR / f"NotoSans-{weight}.ttf")
    latin_cmap = set(latin_src.getBestCmap())
    gaps = {cp for cp in required if cp not in primary_cmap and cp not in latin_cmap}
    report_missing(f"{script} {weight}", gaps, required)
    if check:
        return None
    subset_font(primary, own | required)
    keep = set(primary.getBestCmap())
    latin = latin_piece(weight, ranges(COMMON_RANGES) | (required - keep), keep)
    with io.BytesIO() as a, io.BytesIO() as b:
        primary.save(a)
        latin.save(b)
        a.seek(0)
        b.seek(0)
        merged = Merger(options=MergeOptions(drop_tables=["vhea", "vmtx"])).merge([a, b])
    # The merger keeps the first font's vertical metrics (taller, for marks) and names.
    set_names(merged, f"Noto Sans {script} Shopfloor", weight,
              f"subset of Noto Sans {script} + Noto Sans Latin (Debian fonts-noto-core)")
    out = OUT / f"NotoSans{script}-{weight}.ttf"
    merged.save(out)
    return out


def write_license() -> None:
    text = LICENSE_SOURCES[0].read_text(encoding="utf-8")
    start = text.index("License: SIL-1.1\n -----")
    body = text[start:].split("\n\nLicense:", 1)[0]
    lines = [ln[1:] if ln.startswith(" ") else ln for ln in body.splitlines()[1:]]
    lines = ["" if ln == "." else ln for ln in lines]
    copyrights = []
    for src in (CJK_DIR / "NotoSansCJK-Regular.ttc", CORE_DIR / "NotoSans-Regular.ttf",
                CORE_DIR / "NotoSansThai-Regular.ttf", CORE_DIR / "NotoSansArabic-Regular.ttf"):
        font = TTCollection(src).fonts[0] if src.suffix == ".ttc" else TTFont(src)
        copyrights.append(f"{src.name}: {font['name'].getDebugName(0)}")
    header = [
        "The fonts in this directory are subsets of the Noto fonts, licensed under the",
        "SIL Open Font License, Version 1.1 (below). Copyright notices of the originals:",
        "",
        *copyrights,
        "",
    ]
    (OUT / "OFL.txt").write_text("\n".join(header + lines).rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report characters the sources lack")
    args = parser.parse_args(argv)

    han_locales = ("zh_Hant_HK", "zh_Hans")
    han_required = text_codepoints(locale_text(*han_locales))
    latin_required = text_codepoints(locale_text("en", "id", "ms", "vi"))
    thai_required = text_codepoints(locale_text("th") + SUPPORTED_LOCALES["th"])
    arabic_required = text_codepoints(locale_text("ar") + SUPPORTED_LOCALES["ar"])
    # CJK faces also carry Latin for their own UI (dates, "PIN", "HK$").
    hk_set = big5_level1() | {ord(c) for c in HK_EXTRA} | ranges(CJK_RANGES) | han_required
    sc_set = gb2312() | ranges(CJK_RANGES) | han_required

    if not args.check:
        OUT.mkdir(parents=True, exist_ok=True)
    built = [
        build_cjk("HK", "Regular", hk_set, han_required, args.check),
        build_cjk("HK", "Bold", hk_set, han_required, args.check),
        build_cjk("SC", "Regular", sc_set, han_required, args.check),
        build_latin("Regular", latin_required, args.check),
        build_latin("Bold", latin_required, args.check),
        build_merged("Thai", "Regular", ranges(THAI_RANGES), thai_required, args.check),
        build_merged("Thai", "Bold", ranges(THAI_RANGES), thai_required, args.check),
        build_merged("Arabic", "Regular", ranges(ARABIC_RANGES), arabic_required, args.check),
        build_merged("Arabic", "Bold", ranges(ARABIC_RANGES), arabic_required, args.check),
    ]
    if args.check:
        return 0
    write_license()
    total = 0
    for path in built:
        assert path is not None
        size = path.stat().st_size
        total += size
        print(f"{path.relative_to(ROOT)}  {size / 1e6:.2f} MB  {len(TTFont(path).getBestCmap())} chars")
    print(f"total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
