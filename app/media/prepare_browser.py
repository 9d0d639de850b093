"""Issue 12, webphoto: a task photo prepared by the browser, for the installable web app (Python
on Pyodide, no Pillow there).

The same result as ``app.media.prepare.prepare_photo``: the browser decodes the picture
(``createImageBitmap`` with ``imageOrientation: "from-image"``: upright by its EXIF
orientation), draws it on an ``OffscreenCanvas`` with its long side at most ``MAX_SIDE`` over
white (transparent pixels), and encodes a JPEG at ``JPEG_QUALITY``. The canvas writes no EXIF,
so GPS and time are gone; the ones the chain keeps are copied back from the camera's JPEG
(``app.media.exif_lite``). A picture with too many pixels is refused from its header, before
the browser decodes anything.

The browser's promises are waited for with ``pyodide.ffi.run_sync`` (stack switching, like
``app.platform.fetch``): the page keeps drawing meanwhile.
"""

from __future__ import annotations

import logging

from app.domain.attachments import sniff_image_type
from app.domain.photo_checks import JPEG_QUALITY, MAX_SIDE, PhotoSettings, fit_within
from app.media import exif_lite
from app.media.prepare import MAX_PIXELS, PhotoUnreadable, PreparedPhoto

log = logging.getLogger(__name__)


def prepare_in_browser(data: bytes, settings: PhotoSettings = PhotoSettings(),
                       max_side: int = MAX_SIDE) -> PreparedPhoto:
    """The photo as it is uploaded, prepared by the browser (see the module's docstring).

    Raises:
        PhotoUnreadable: not a JPEG/PNG/WebP, damaged (the browser cannot decode it), or too
            many pixels.
        RuntimeError: called where the stack cannot be suspended (a plain JS callback).
    """
    kind = sniff_image_type(bytes(data[:16]))
    if kind is None:
        raise PhotoUnreadable("not a JPEG, PNG or WebP picture")
    size = exif_lite.pixel_size(data)
    if size is None:
        raise PhotoUnreadable("no readable size in the picture's header")
    if size[0] * size[1] > MAX_PIXELS:
        raise PhotoUnreadable(f"too many pixels: {size[0]}x{size[1]}")
    from pyodide.ffi import can_run_sync, run_sync  # Pyodide only

    if not can_run_sync():
        raise RuntimeError("the browser's photo encoder cannot be waited for from here")
    jpeg, width, height = run_sync(_encode(bytes(data), kind, max_side))
    return PreparedPhoto(exif_lite.with_exif(jpeg, exif_lite.kept_fields(data, settings)), width, height)


async def _encode(data: bytes, kind: str, max_side: int) -> tuple[bytes, int, int]:
    """Decode upright, shrink onto a white canvas, encode a JPEG; returns it and its size."""
    import js
    from pyodide.ffi import JsException, to_js

    def obj(**fields):
        return to_js(fields, dict_converter=js.Object.fromEntries)

    blob = js.Blob.new(to_js([to_js(data)]), obj(type=kind))
    try:
        bitmap = await js.createImageBitmap(blob, obj(imageOrientation="from-image"))
    except JsException as exc:  # InvalidStateError: the browser cannot decode these bytes
        raise PhotoUnreadable(f"the browser cannot decode this picture: {exc}") from None
    try:
        width, height = fit_within(bitmap.width, bitmap.height, max_side)
        canvas = js.OffscreenCanvas.new(width, height)
        draw = canvas.getContext("2d")
        draw.fillStyle = "#ffffff"  # what a person sees behind transparent pixels
        draw.fillRect(0, 0, width, height)
        draw.imageSmoothingQuality = "high"
        draw.drawImage(bitmap, 0, 0, width, height)
    finally:
        bitmap.close()
    out = await canvas.convertToBlob(obj(type="image/jpeg", quality=JPEG_QUALITY / 100))
    buffer = await out.arrayBuffer()
    return buffer.to_bytes(), width, height
