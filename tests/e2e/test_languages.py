"""Home in each of the 8 languages: a phone screenshot, and real glyphs rather than tofu.

Screenshots go to ``test-artifacts/screenshots/home-<locale>.png`` (git-ignored), with the
text crops the glyph check looked at under ``test-artifacts/screenshots/glyph-check/``.

How "not tofu" is decided. A glyph a font lacks is drawn as the font's ``.notdef`` glyph,
which in every font we ship (Noto) is a hollow box; Flutter web cannot fetch fallback
fonts offline, so a missing glyph shows up as exactly such a box. The check finds the
background regions enclosed by ink that are clean upright rectangles (the inside of a
tofu box; real letters' counters are rounder, CJK cells are wider than tall) in crops of
Home's translated title, greeting and sync status: there must be none. To prove the
counter sees tofu when there is tofu, a second tab of the same device loads the app with
every font file replaced (Playwright ``route``) by a font that has nothing but
``.notdef`` and a space, and waits on Me > Language: its bold title and regular status
line, in the same language, must come out (almost) all boxes.
"""

from __future__ import annotations

import io
import re
import time

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from app.i18n import SUPPORTED_LOCALES
from app.ui.fonts import ASSETS_DIR

from .conftest import (open_tab, ARTIFACTS, STAFF_NAME, Device, expect_home, heading, sign_in, switch_language,
                       tr)

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "screenshots"
CROPS = SHOTS / "glyph-check"
LANGUAGES = list(SUPPORTED_LOCALES)  # zh_Hant_HK, zh_Hans, en, ar, id, ms, th, vi


# ---- the tofu counter ------------------------------------------------------------------------


def ink_map(img: Image.Image) -> np.ndarray:
    """0..1 difference of each pixel from the background (the commonest colour on the edge)."""
    rgb = np.asarray(img.convert("RGB")).astype(np.int16)
    edge = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    colours, counts = np.unique(edge, axis=0, return_counts=True)
    return np.abs(rgb - colours[counts.argmax()]).max(axis=2) / 255.0


def ink_clusters(ink: np.ndarray, threshold: float = 0.25) -> int:
    """How many runs of inked columns (roughly: glyphs, or joined groups of glyphs) there are."""
    inked = (ink > threshold).any(axis=0).astype(np.int8)
    return int(np.count_nonzero(np.diff(np.concatenate([[0], inked])) == 1))


def holes(ink: np.ndarray, threshold: float = 0.5) -> list[tuple[int, int, float]]:
    """(height, width, fill) of each background region enclosed by ink.

    fill = region area / its bounding-box area: 1.0 for a rectangle, ~0.8 for a round
    counter like the inside of "o".
    """
    background = np.pad(ink <= threshold, 1, constant_values=True)
    outside = np.zeros_like(background)
    outside[0, :] = outside[-1, :] = outside[:, 0] = outside[:, -1] = True
    while True:  # grow the outside through background pixels until it stops
        grown = outside.copy()
        grown[1:] |= outside[:-1]
        grown[:-1] |= outside[1:]
        grown[:, 1:] |= outside[:, :-1]
        grown[:, :-1] |= outside[:, 1:]
        grown &= background
        if (grown == outside).all():
            break
        outside = grown
    inside = background & ~outside
    found, seen = [], np.zeros_like(inside)
    for y0, x0 in zip(*np.nonzero(inside)):
        if seen[y0, x0]:
            continue
        seen[y0, x0] = True
        todo, ys, xs = [(y0, x0)], [], []
        while todo:
            y, x = todo.pop()
            ys.append(y)
            xs.append(x)
            for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if inside[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    todo.append((ny, nx))
        h, w = max(ys) - min(ys) + 1, max(xs) - min(xs) + 1
        found.append((h, w, len(ys) / (h * w)))
    return found


def tofu_boxes(ink: np.ndarray) -> int:
    """Hollow boxes: enclosed regions that are upright rectangles, taller than wide.

    Noto's .notdef (at any weight) encloses a clean rectangle (fill >= 0.99 measured);
    the counters of real letters are rounder (o, n, D: fill <= 0.93 measured) or wider
    than tall (the cells of CJK characters such as 日).
    """
    return sum(1 for h, w, fill in holes(ink) if h >= 8 and h >= 1.25 * w and fill >= 0.97)


def glyph_stats(png: bytes) -> tuple[int, int]:
    """(ink clusters, tofu boxes) of a one-line text crop."""
    ink = ink_map(Image.open(io.BytesIO(png)))
    return ink_clusters(ink), tofu_boxes(ink)


# ---- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def phone(chromium, web_client):
    """The module's device, signed in, at 2x pixel density (a phone's sharpness)."""
    d = Device(chromium, web_client, device_scale_factor=2)
    d.open()
    sign_in(d)
    yield d
    d.close()


@pytest.fixture(scope="module")
def tofu_font() -> bytes:
    """A font with only .notdef (Noto's hollow box) and a space: every other glyph is tofu."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(ASSETS_DIR / "fonts" / "NotoSans-Regular.ttf")
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[0x20])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def tofu_tab(phone, tofu_font):
    """Another tab of the same device where every font file is the tofu font, parked on
    Me > Language (switching there is one tap)."""
    twin = phone.another_tab()

    def block_fonts(page):
        page.route("**/fonts/*", lambda route: route.fulfill(
            status=200, body=tofu_font, content_type="font/ttf"))

    twin.open(before=block_fonts)
    page, t = twin.page, twin.tr
    expect_home(page, t)
    open_tab(page, t, "Me")
    page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("Language")))).click()
    expect(heading(page, t, "Language")).to_be_visible()
    yield twin
    twin.page.close()


def home_texts(page, t) -> dict:
    """Translated texts of Home, each its own one-line semantics node (crop = its box)."""
    return {
        "title": heading(page, t, "Home"),  # bold
        "greeting": page.get_by_text(t.gettext("Hello, {name}", name=STAFF_NAME), exact=True),  # bold
        "status": page.get_by_text(t.gettext("All changes synced")),  # regular
    }


def language_texts(page, t) -> dict:
    """Translated texts of Me > Language: a bold title and the regular status line."""
    return {"title": heading(page, t, "Language"),
            "status": page.get_by_text(t.gettext("All changes synced"))}


def show_home_in(phone, code: str) -> None:
    """The signed-in tab, on Home, in language ``code``."""
    phone.page.bring_to_front()
    if phone.tr.locale != code:
        switch_language(phone, code)
    expect_home(phone.page, phone.tr)


def pick_language(twin, code: str) -> None:
    """On Me > Language, tap ``code``'s native name; the screen turns to that language."""
    twin.page.bring_to_front()
    if twin.tr.locale != code:
        twin.page.get_by_role("radio", name=SUPPORTED_LOCALES[code], exact=True).click()
        twin.tr = tr(code)
    expect(heading(twin.page, twin.tr, "Language")).to_be_visible()


def text_crops(page, texts: dict, accept, timeout_s: float = 6.0) -> dict[str, tuple[bytes, int, int]]:
    """{name: (PNG, ink clusters, tofu boxes)} of the given text nodes, re-taken for a few
    seconds until ``accept(crops)`` (fonts may still be arriving right after a tab opens)."""
    for locator in texts.values():
        expect(locator).to_be_visible()
    deadline = time.monotonic() + timeout_s
    while True:
        # Let Flutter paint the frame whose semantics we saw.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        crops = {}
        for name, locator in texts.items():
            png = locator.screenshot()
            crops[name] = (png, *glyph_stats(png))
        if accept(crops) or time.monotonic() > deadline:
            return crops
        page.wait_for_timeout(300)


def real_glyphs(crops) -> bool:
    return all(boxes == 0 and clusters >= 2 for _, clusters, boxes in crops.values())


def all_tofu(crops) -> bool:
    return all(boxes >= 2 and boxes >= 0.5 * clusters for _, clusters, boxes in crops.values())


# ---- the test ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_home_screenshot_has_real_glyphs(code, phone, tofu_tab):
    """Home in each language: a phone screenshot is saved, and its translated title, greeting
    and sync status are drawn with real glyphs (no tofu boxes), while texts of that language
    with the fonts taken away are all boxes (calibration: the check does see its tofu)."""
    show_home_in(phone, code)
    real = text_crops(phone.page, home_texts(phone.page, phone.tr), real_glyphs)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.page.screenshot(path=SHOTS / f"home-{code}.png")
    pick_language(tofu_tab, code)
    reference = text_crops(tofu_tab.page, language_texts(tofu_tab.page, tofu_tab.tr), all_tofu)

    CROPS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, (png, clusters, boxes) in reference.items():
        (CROPS / f"{code}-language-{name}-tofu.png").write_bytes(png)
        if not all_tofu({name: reference[name]}):
            problems.append(f"calibration failed: without fonts the {name} of Me > Language "
                            f"shows only {boxes} tofu boxes in {clusters} glyph clusters")
    for name, (png, clusters, boxes) in real.items():
        (CROPS / f"{code}-home-{name}.png").write_bytes(png)
        if boxes:
            problems.append(f"{name}: {boxes} tofu box(es) among {clusters} glyph clusters")
        if clusters < 2:
            problems.append(f"{name}: only {clusters} glyph clusters drawn")
    assert not problems, (f"{code} ({SUPPORTED_LOCALES[code]}): " + "; ".join(problems)
                          + f" -- crops in {CROPS}")
    assert phone.external == [], f"requests left the machine: {phone.external}"
