"""Issue 12, inspreport: the bundled Noto fonts in the PDF report, and which one draws each run of text.

Only the repo's own subsets in ``assets/fonts`` are used (never a system font, never a download):
Noto Sans (Latin, Vietnamese), Noto Sans HK (Traditional Chinese, Big5 level 1 and common HK
characters), Noto Sans Thai and Noto Sans Arabic. ReportLab embeds TrueType outlines only and the
HK subset has PostScript (CFF) outlines, so it is converted to TrueType in memory once per process
with fontTools (about 7-10 s on a busy 2-core machine) and kept in the server's data folder
(``cache/``), so only the first report after a deployment pays for it. Thai and Arabic are shaped
with HarfBuzz (``uharfbuzz``: Thai marks placed, Arabic letters joined); an Arabic run of several
words is put right to left word by word (ReportLab has no bidi line layout without ``rlbidi``), so
a wrapped Arabic line keeps its words in order only within the line.
"""

import hashlib
import io
import os
import re
import threading
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"

LATIN, LATIN_BOLD = "ShopfloorLatin", "ShopfloorLatin-Bold"
HK = "ShopfloorHK"
THAI, THAI_BOLD = "ShopfloorThai", "ShopfloorThai-Bold"
ARABIC, ARABIC_BOLD = "ShopfloorArabic", "ShopfloorArabic-Bold"

_FILES = {LATIN: "NotoSans-Regular.ttf", LATIN_BOLD: "NotoSans-Bold.ttf",
          THAI: "NotoSansThai-Regular.ttf", THAI_BOLD: "NotoSansThai-Bold.ttf",
          ARABIC: "NotoSansArabic-Regular.ttf", ARABIC_BOLD: "NotoSansArabic-Bold.ttf"}
_SHAPED = {THAI, THAI_BOLD, ARABIC, ARABIC_BOLD}
_BOLD = {LATIN: LATIN_BOLD, THAI: THAI_BOLD, ARABIC: ARABIC_BOLD, HK: HK}  # HK: one face (size)
_lock = threading.Lock()


def _truetype(cff_path: Path) -> io.BytesIO:
    """A CFF-outlined OpenType font as a TrueType (glyf) font: cubic curves to quadratics."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(cff_path)
    glyphs, order = font.getGlyphSet(), font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"], font["glyf"] = newTable("loca"), glyf
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs, maxp.maxZones = 0x00010000, len(order), 1
    for field in ("maxPoints maxContours maxCompositePoints maxCompositeContours maxTwilightPoints maxStorage "
                  "maxFunctionDefs maxInstructionDefs maxStackElements maxSizeOfInstructions "
                  "maxComponentElements maxComponentDepth").split():
        setattr(maxp, field, 0)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out


@cache
def _hk_characters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONTS_DIR / "NotoSansHK-Regular.otf", lazy=True).getBestCmap())


def _hk_truetype(cache_dir: Path | None) -> io.BytesIO:
    """The HK subset as TrueType: converted once, then kept in ``cache_dir`` (the server's own data
    folder) under the source file's hash, so a restarted server does not convert it again."""
    source = FONTS_DIR / "NotoSansHK-Regular.otf"
    cached = None
    if cache_dir is not None:
        cached = cache_dir / f"NotoSansHK-Regular.{hashlib.sha256(source.read_bytes()).hexdigest()[:16]}.ttf"
        if cached.is_file():
            return io.BytesIO(cached.read_bytes())
    converted = _truetype(source)
    if cached is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(converted.getvalue())
        partial.replace(cached)  # atomic: another worker never reads half a font
    return converted


def warm_cache(cache_dir: Path) -> None:
    """Convert the HK font into ``cache_dir`` now, so no report waits for it (a deploy step, or a
    test run's start)."""
    _hk_truetype(cache_dir)


def register(cache_dir: Path | None = None) -> None:
    """Register the report's fonts with ReportLab and set its output options (once per process;
    thread-safe)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if HK in pdfmetrics.getRegisteredFontNames():
            return
        # Binary streams: ASCII85 made a report with 20 photos 25% larger and about 3 s slower
        # (benchmarks/bench_inspection_report.py). Process-wide; nothing else here uses ReportLab.
        rl_config.useA85 = 0
        for name, file in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file), shapable=name in _SHAPED))
        pdfmetrics.registerFont(TTFont(HK, _hk_truetype(cache_dir), shapable=False))


def _script(char: str) -> str | None:
    """The font a character needs (None: any font will do, it joins its neighbours' run)."""
    code = ord(char)
    if char.isspace() or (code < 0x80 and not char.isalpha()):
        return None
    if 0x0E00 <= code <= 0x0E7F:
        return THAI
    if 0x0600 <= code <= 0x08FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return ARABIC
    if 0x2E80 <= code <= 0xA4CF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or code >= 0x20000:
        return HK
    return LATIN


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font, run) pieces; spaces, digits and ASCII punctuation stay in the run
    they are in (so a shaped run is not broken at every space)."""
    out: list[tuple[str, str]] = []
    for char in text:
        font = _script(char) or (out[-1][0] if out else None)
        if out and (font is None or out[-1][0] == font):
            out[-1] = (out[-1][0], out[-1][1] + char)
        else:
            out.append((font or LATIN, char))
    return out


_ARABIC_WORDS = re.compile(r"\S+")


def _right_to_left(run: str) -> str:
    """An Arabic run's words in visual order (each word is shaped right to left by HarfBuzz)."""
    stripped = run.rstrip()
    return " ".join(reversed(_ARABIC_WORDS.findall(stripped))) + run[len(stripped):]


def markup(text: str, bold: bool = False) -> str:
    """``text`` as ReportLab paragraph markup, each run in a bundled font that has its glyphs."""
    parts = []
    for font, run in runs(text):
        if font == ARABIC:
            run = _right_to_left(run)
        parts.append(f'<font face="{_BOLD[font] if bold else font}">{escape(run)}</font>')
    return "".join(parts)


def base_font(text: str, bold: bool = False) -> str:
    """The paragraph font for ``text``: a shaped one when it holds Thai or Arabic (ReportLab shapes
    a paragraph only when its own font is shapable)."""
    fonts = {font for font, _run in runs(text)}
    font = THAI if THAI in fonts else ARABIC if ARABIC in fonts else LATIN
    return _BOLD[font] if bold else font


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` the bundled Traditional Chinese subset cannot draw (drawn as boxes)."""
    return {char for char in text if _script(char) == HK and ord(char) not in _hk_characters()}
