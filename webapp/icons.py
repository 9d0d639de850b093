"""Shopfloor's own icons for the installed app (flet-web ships Flet's logo in their place).

Drawn at build time with Pillow: the app's brand colour with a white "S" in the bundled Noto
Sans Bold. Maskable icons keep the letter inside the 80 % safe zone a launcher may crop to.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.ui.theme import SEED

FONT = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "NotoSans-Bold.ttf"

#: file in dist -> (size in px, maskable: full-bleed background, smaller letter)
ICONS = {
    "icons/icon-192.png": (192, False),
    "icons/icon-512.png": (512, False),
    "icons/icon-maskable-192.png": (192, True),
    "icons/icon-maskable-512.png": (512, True),
    "icons/apple-touch-icon-192.png": (192, True),
    "icons/loading-animation.png": (512, False),
    "favicon.png": (32, False),
}


def draw_icon(size: int, maskable: bool) -> Image.Image:
    """One square icon of ``size`` pixels."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, size, size), fill=SEED)
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=SEED)
    font = ImageFont.truetype(str(FONT), int(size * (0.5 if maskable else 0.66)))
    draw.text((size / 2, size / 2), "S", fill="#FFFFFF", font=font, anchor="mm")
    return image


def write_icons(dist: Path) -> None:
    """Replace flet-web's icons in ``dist`` with Shopfloor's."""
    for name, (size, maskable) in ICONS.items():
        image = draw_icon(size, maskable)
        (image.convert("RGB") if maskable else image).save(dist / name, optimize=True)
