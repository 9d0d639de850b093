"""Issue 13, traintrainer: the training session's QR code, drawn (segno) and read back from a
camera picture (zxing-cpp).

Drawing is pure Python and runs everywhere, the browser web app included. Reading needs the
zxing-cpp extension, which the browser web app (Pyodide) lacks: ``can_read`` says whether this
device has it, and the app offers typing the code either way. Both libraries, and Pillow, are
imported inside the functions so importing this module costs nothing. Never raises on a bad
picture: a picture with no session QR code in it is ``None``.
"""

from __future__ import annotations

import importlib.util
import io
import logging

from app.domain.training.codes import CodeFormatError, QrPayload, parse_qr
from app.media.prepare import MAX_PIXELS

log = logging.getLogger(__name__)
#: A camera picture is shrunk to this long side before reading: a QR code held up to the
#: camera fills a good part of it, and zxing-cpp takes far longer on 12-MP pictures.
READ_SIDE = 1600


def can_read() -> bool:
    """Whether this device can read QR codes from pictures (zxing-cpp installed; never in Pyodide)."""
    try:
        return importlib.util.find_spec("zxingcpp") is not None
    except (ImportError, ValueError):
        return False


def png(text: str, *, scale: int = 10) -> bytes:
    """``text`` as a QR code PNG (error correction M, the standard 4-module quiet zone)."""
    import segno

    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def decode(data: bytes) -> str | None:
    """The text of the first QR code in a picture (JPEG, PNG, WebP...), or None: no QR code,
    not a picture, damaged, or too many pixels. Blocking (run it with ``offload``)."""
    try:
        from PIL import Image, UnidentifiedImageError
        import zxingcpp
    except ImportError:
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                log.info("qr: picture refused, %dx%d pixels", img.width, img.height)
                return None
            grey = img.convert("L")
        grey.thumbnail((READ_SIDE, READ_SIDE))
        found = zxingcpp.read_barcode(grey, formats=zxingcpp.BarcodeFormat.QRCode)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        log.info("qr: picture not readable: %s", type(exc).__name__)
        return None
    return found.text if found is not None and found.valid else None


def read_training_code(data: bytes) -> QrPayload | None:
    """The session and code of a training QR code in a picture, or None (none found, or a QR code
    that is not a Shopfloor session code)."""
    text = decode(data)
    if text is None:
        return None
    try:
        return parse_qr(text)
    except CodeFormatError:
        log.info("qr: a QR code that is not a training session code")  # not its text: could be anything
        return None
