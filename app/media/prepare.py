"""Issue 12, photoprep: a task photo made ready for upload on the phone, and what the server
reads back from it (its picture hash and camera time).

``prepare_photo``: decode a camera JPEG (or PNG/WebP), turn the pixels upright by the EXIF
orientation (the tag is dropped), shrink the long side to ``MAX_SIDE``, and write a JPEG that
keeps only the original time and GPS position, each when the chain's settings say so
(``app.domain.photo_checks.PhotoSettings``). Every other EXIF field (camera serial, maker notes,
thumbnails) is dropped. Pillow is imported inside the functions so that importing this module
costs nothing; the installable web app has no Pillow and prepares with the browser instead
(``app.media.prepare_browser``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from app.domain.attachments import sniff_image_type
from app.domain.photo_checks import HASH_SIDE, JPEG_QUALITY, MAX_SIDE, PhotoSettings, average_hash, fit_within

#: EXIF tags: the sub-IFDs, the times, and the orientation.
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME, _DATETIME_ORIGINAL, _OFFSET_ORIGINAL = 0x0132, 0x9003, 0x9011
#: Refuse images above this many pixels, read from the header before any pixel is allocated
#: (everywhere: the phone here, the server through app.face.imaging). A 50 MP phone photo
#: (8160x6120) passes; a 7999x7999 PNG bomb (64 MP, a few KB on the wire, ~1 GB once
#: decoded) does not.
MAX_PIXELS = 50_000_000
_WHITE = (255, 255, 255)


class PhotoUnreadable(ValueError):
    """Not a JPEG, PNG or WebP picture, damaged, or too many pixels."""


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready for the upload queue."""

    data: bytes
    width: int
    height: int


def to_rgb(im):
    """RGB pixels; transparent ones composited onto white (what a person sees behind them)."""
    from PIL import Image

    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, _WHITE)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return im.convert("RGB")


def _open(data: bytes, draft_side: int):
    """Open a picture (header only), refuse a bomb, and ask a JPEG for a cheaper decode scale
    that still keeps its long side at least ``draft_side`` (a 4000 px JPEG decodes at 2000)."""
    from PIL import Image

    kind = sniff_image_type(bytes(data[:16]))
    if kind is None:
        raise PhotoUnreadable("not a JPEG, PNG or WebP picture")
    try:
        im = Image.open(io.BytesIO(data), formats=[kind.removeprefix("image/").upper()])
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoUnreadable(f"not a readable picture: {exc}") from None
    if im.width * im.height > MAX_PIXELS:
        raise PhotoUnreadable(f"too many pixels: {im.width}x{im.height}")
    if kind == "image/jpeg":
        scale = max(im.size) / draft_side
        if scale >= 2:
            im.draft("RGB", (round(im.width / scale), round(im.height / scale)))
    return im


def _kept_exif(source, settings: PhotoSettings):
    """A new EXIF block with only what the chain keeps (no orientation: the pixels are upright)."""
    from PIL import Image

    kept = Image.Exif()
    if settings.keep_time:
        if _DATETIME in source:
            kept[_DATETIME] = source[_DATETIME]
        times = {tag: value for tag, value in source.get_ifd(_EXIF_IFD).items()
                 if tag in (_DATETIME_ORIGINAL, _OFFSET_ORIGINAL)}
        if times:
            kept.get_ifd(_EXIF_IFD).update(times)
    if settings.keep_gps and source.get_ifd(_GPS_IFD):
        kept.get_ifd(_GPS_IFD).update(source.get_ifd(_GPS_IFD))
    return kept


def _browser_without_pillow() -> bool:
    """True in the installable web app, which ships no Pillow (docs/photos.md)."""
    from importlib.util import find_spec

    from app.platform.runtime import in_browser

    return in_browser() and find_spec("PIL") is None


def prepare_photo(data: bytes, settings: PhotoSettings = PhotoSettings(), max_side: int = MAX_SIDE) -> PreparedPhoto:
    """The photo as it is uploaded: upright, long side at most ``max_side``, JPEG, EXIF trimmed.

    In the installable web app (Pyodide, no Pillow) the browser prepares it instead
    (``app.media.prepare_browser``): the same size, orientation, quality and kept EXIF.

    Raises:
        PhotoUnreadable: not a JPEG/PNG/WebP, damaged or truncated, or too many pixels.
    """
    if _browser_without_pillow():
        from app.media.prepare_browser import prepare_in_browser

        return prepare_in_browser(data, settings, max_side)
    from PIL import Image, ImageOps

    im = _open(data, max_side)
    try:
        source = im.getexif()
        im.load()  # a truncated or damaged picture fails here
        upright = to_rgb(ImageOps.exif_transpose(im))
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoUnreadable(f"damaged picture: {exc}") from None
    size = fit_within(*upright.size, max_side)
    if size != upright.size:
        # Bicubic: a third cheaper than Lanczos for a 2000 -> 1600 px step, no visible difference.
        upright = upright.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=JPEG_QUALITY, exif=_kept_exif(source, settings).tobytes())
    return PreparedPhoto(out.getvalue(), *upright.size)


def picture_hash(data: bytes) -> str:
    """The picture's average hash (``app.domain.photo_checks.average_hash``), taken upright."""
    from PIL import Image, ImageOps

    im = _open(data, HASH_SIDE * 8)
    try:
        small = ImageOps.exif_transpose(im).convert("L").resize((HASH_SIDE, HASH_SIDE), Image.Resampling.BOX)
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoUnreadable(f"damaged picture: {exc}") from None
    return average_hash(small.tobytes())


def taken_at(data: bytes, default_tz: tzinfo) -> datetime | None:
    """When the camera says the picture was taken (EXIF original time, with its offset when
    written, else in ``default_tz``); None when it carries no readable time."""
    try:
        exif = _open(data, MAX_SIDE).getexif()
    except PhotoUnreadable:
        return None
    ifd = exif.get_ifd(_EXIF_IFD)
    text = ifd.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    try:
        at = datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return at.replace(tzinfo=_offset(ifd.get(_OFFSET_ORIGINAL)) or default_tz)


def _offset(text: object) -> tzinfo | None:
    """An EXIF offset such as ``+08:00``, or None."""
    try:
        sign = -1 if str(text)[0] == "-" else 1
        hours, minutes = str(text)[1:6].split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    except (ValueError, IndexError):
        return None
