"""Look and feel per session: fonts per language, large text, high contrast, RTL."""

from dataclasses import dataclass

import flet as ft

from app.i18n import SUPPORTED_LOCALES
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


SEED = "#00695C"

#: The theme's own colours, fixed (not left to the seed) so their contrast can be checked.
#: Normal mode meets WCAG AA (4.5:1); high contrast is pure black on white (AAA, 7:1 and up).
SCHEMES = {
    False: dict(primary=SEED, on_primary="#FFFFFF", secondary_container="#CCE8E2",
                on_secondary_container="#00201C", surface="#F8FAF9", on_surface="#191C1B",
                on_surface_variant="#3F4946", surface_container_lowest="#FFFFFF",
                surface_container_low="#F2F4F3", surface_container="#ECEEED",
                surface_container_high="#E6E9E7", surface_container_highest="#E1E3E2",
                error="#B3261E", on_error="#FFFFFF", outline="#6F7976"),
    True: dict(primary="#000000", on_primary="#FFFFFF", secondary_container="#000000",
               on_secondary_container="#FFFFFF", surface="#FFFFFF", on_surface="#000000",
               on_surface_variant="#000000", surface_container_lowest="#FFFFFF",
               surface_container_low="#FFFFFF", surface_container="#FFFFFF",
               surface_container_high="#FFFFFF", surface_container_highest="#FFFFFF",
               error="#8B0000", on_error="#FFFFFF", outline="#000000"),
}

#: Every named colour the screens give text or icons, as drawn in normal mode (the Material
#: shade, darkened where the shade fails AA on the light surfaces) and in high contrast.
#: tests/test_contrast.py fails when a screen uses a colour missing here.
COLOURS = {
    ft.Colors.GREY_700: ("#616161", "#000000"),
    ft.Colors.GREY_800: ("#424242", "#000000"),
    ft.Colors.RED_800: ("#B71C1C", "#7A0000"),
    ft.Colors.RED_900: ("#B71C1C", "#7A0000"),
    ft.Colors.GREEN_800: ("#1B5E20", "#004200"),  # Material #2E7D32 is 4.0:1 on cards,
    ft.Colors.ORANGE_900: ("#B43D00", "#5C2300"),  # Material's #E65100 is only 3.8:1 on white
    ft.Colors.BLUE_800: ("#0D47A1", "#002B80"),
    ft.Colors.TEAL_800: ("#00695C", "#003D33"),
    ft.Colors.WHITE: ("#FFFFFF", "#FFFFFF"),
}


def colour(name: str | None, display: Display) -> str | None:
    """The hex a named colour is drawn with under the display settings (None = theme default)."""
    if name is None:
        return None
    pair = COLOURS.get(name)
    if pair is None:
        return name
    return pair[1] if display.high_contrast else pair[0]


#: Opacity of the status strip's tint over the surface (normal mode; high contrast has none).
STRIP_TINT = 0.08


def strip_background(tint: str, display: Display) -> str | None:
    """The status strip's background: a faint tint of its state colour, plain in high contrast."""
    return None if display.high_contrast else ft.Colors.with_opacity(STRIP_TINT, tint)


def build_theme(locale: str, display: Display) -> ft.Theme:
    """A Material theme using the bundled font of ``locale`` and the display settings."""
    scheme = ft.ColorScheme(**SCHEMES[display.high_contrast])
    return ft.Theme(font_family=font_family_for(locale), color_scheme_seed=SEED, color_scheme=scheme)


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
        return ft.Text(value, size=size * self.display.scale, weight=weight,
                       color=colour(color, self.display),
                       font_family=self.family, font_family_fallback=self.fallback, **kw)

    def style(self, size: float = 16) -> ft.TextStyle:
        return ft.TextStyle(size=size * self.display.scale, font_family=self.family,
                            font_family_fallback=self.fallback)


def flutter_locale(locale: str) -> ft.Locale:
    """The app's locale code (``zh_Hant_HK``, ``th``) as Flutter's locale (language, script, country)."""
    language, *rest = locale.split("_")
    script = next((p for p in rest if len(p) == 4), None)
    country = next((p for p in rest if len(p) == 2), None)
    return ft.Locale(language, country, script)


def flutter_locales(locale: str) -> ft.LocaleConfiguration:
    """Flutter's own texts (the Back button's name, a field's "characters remaining", the text
    selection menu) in the app's language, not English."""
    return ft.LocaleConfiguration(supported_locales=[flutter_locale(code) for code in SUPPORTED_LOCALES],
                                  current_locale=flutter_locale(locale))
