"""Text contrast of the theme, normal and high contrast, against WCAG 2 (AA 4.5:1, AAA 7:1)."""

from __future__ import annotations

import re
from pathlib import Path

import flet as ft
import pytest

from app.ui.theme import COLOURS, SCHEMES, STRIP_TINT, Display, colour

UI = Path(__file__).resolve().parents[1] / "app" / "ui"
AA, AAA = 4.5, 7.0


def rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg: str, bg: str) -> float:
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def blend(tint: str, alpha: float, under: str) -> str:
    """``tint`` at opacity ``alpha`` over ``under`` (the status strip's background)."""
    mixed = [alpha * a + (1 - alpha) * b for a, b in zip(rgb(tint), rgb(under))]
    return "#" + "".join(f"{round(c * 255):02X}" for c in mixed)


def text_pairs(high_contrast: bool) -> list[tuple[str, str, str]]:
    """(what, text colour, background) for every text the theme and the screens draw."""
    scheme, display = SCHEMES[high_contrast], Display(high_contrast=high_contrast)
    surfaces = {k: v for k, v in scheme.items() if k.startswith("surface")}
    pairs = [("on_primary/primary", scheme["on_primary"], scheme["primary"]),
             ("on_error/error", scheme["on_error"], scheme["error"]),
             ("nav selected", scheme["on_secondary_container"], scheme["secondary_container"])]
    for where, bg in surfaces.items():
        for role in ("on_surface", "on_surface_variant", "primary", "error"):
            pairs.append((f"{role}/{where}", scheme[role], bg))
        for name in COLOURS:
            if name != ft.Colors.WHITE:
                pairs.append((f"{name}/{where}", colour(name, display), bg))
    # The sync strip: its state colour on a faint tint of itself (none in high contrast).
    for state in (ft.Colors.GREEN_800, ft.Colors.ORANGE_900, ft.Colors.BLUE_800):
        tint = colour(state, display)
        bg = scheme["surface"] if high_contrast else blend(tint, STRIP_TINT, scheme["surface"])
        for text in (state, ft.Colors.GREY_700, ft.Colors.RED_800):
            pairs.append((f"strip {state}: {text}", colour(text, display), bg))
        pairs.append((f"strip {state}: on_surface", scheme["on_surface"], bg))
    # Error snack bar: white on red.
    pairs.append(("error snack bar", colour(ft.Colors.WHITE, display), colour(ft.Colors.RED_900, display)))
    return pairs


@pytest.mark.parametrize("high_contrast, floor", [(False, AA), (True, AAA)], ids=["normal", "high-contrast"])
def test_every_text_colour_meets_wcag(high_contrast, floor):
    """Every text colour on every background the theme uses reads at AA (normal) / AAA (high contrast)."""
    weak = [(what, round(ratio(fg, bg), 2)) for what, fg, bg in text_pairs(high_contrast)
            if ratio(fg, bg) < floor]
    assert weak == []


def test_high_contrast_really_is_higher():
    """High contrast raises every pair's contrast (not 'barely changes anything')."""
    normal = {what: ratio(fg, bg) for what, fg, bg in text_pairs(False)}
    high = {what: ratio(fg, bg) for what, fg, bg in text_pairs(True)}
    assert all(high[w] >= normal[w] for w in normal if w in high)
    assert min(high.values()) >= AAA
    assert sum(high.values()) / len(high) > 1.5 * sum(normal.values()) / len(normal)


def test_screens_use_only_checked_colours():
    """Every named colour in app/ui is in the checked table, so a new colour cannot skip the check."""
    used = set()
    for path in UI.rglob("*.py"):
        used |= {f"Colors.{m}" for m in re.findall(r"ft\.Colors\.([A-Z][A-Z_0-9]+)", path.read_text())}
    known = {str(name) for name in COLOURS}
    assert used - known == set()
