"""Look and feel per session: fonts per language, large text, high contrast, RTL."""

from dataclasses import dataclass

import flet as ft

from app.ui.fonts import fallback_families_for, font_family_for


@dataclass
class Display:
    """The user's display preferences (Me > Display), remembered on the device."""

    large_text: bool = False
    high_contrast: bool = False

    @property
    def scale(self) -> float:
        return 1.3 if self.large_text else 1.0

    @property
    def touch(self) -> int:
        """Minimum touch-target height in px (48 is the accessibility floor)."""
        return 60 if self.large_text else 48


def build_theme(locale: str, display: Display) -> ft.Theme:
    """A Material theme using the bundled font of ``locale`` and the display settings."""
    if display.high_contrast:
        scheme = ft.ColorScheme(primary="#000000", on_primary="#FFFFFF", secondary="#002B80",
                                surface="#FFFFFF", on_surface="#000000", error="#B00000",
                                outline="#000000")
        return ft.Theme(font_family=font_family_for(locale), color_scheme=scheme)
    return ft.Theme(font_family=font_family_for(locale), color_scheme_seed="#00695C")


class Typography:
    """Text factory: every Text gets the session's font fallbacks and size scale.

    Flutter web cannot fetch fallback fonts offline, so a staff name in Chinese on a Thai
    screen needs the explicit fallback list to render real glyphs.
    """

    def __init__(self, locale: str, display: Display) -> None:
        self.family = font_family_for(locale)
        self.fallback = fallback_families_for(locale)
        self.display = display

    def text(self, value: str, size: float = 16, *, weight: ft.FontWeight | None = None,
             color: str | None = None, **kw) -> ft.Text:
        return ft.Text(value, size=size * self.display.scale, weight=weight, color=color,
                       font_family=self.family, font_family_fallback=self.fallback, **kw)

    def style(self, size: float = 16) -> ft.TextStyle:
        return ft.TextStyle(size=size * self.display.scale, font_family=self.family,
                            font_family_fallback=self.fallback)
