"""Decoding photo bytes into RGB arrays, and the cheap resizes the pipeline relies on.

Pillow is imported inside the functions, like face_recognition elsewhere, so that
``import app.face`` stays cheap and works on builds that only need the pure helpers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from app.domain.attachments import sniff_image_type  # the photo types accepted anywhere
from app.face.errors import NotAnImageError
# Issue 12, photoprep: one pixel limit and one RGB conversion for every photo.
from app.media.prepare import MAX_PIXELS, to_rgb

#: JPEGs are decoded at a reduced DCT scale when this keeps the longest side at least
#: this long: memory stays bounded on huge photos and a selfie's face stays sharp.
_JPEG_DECODE_SIDE = 2048


class UnsupportedImageError(NotAnImageError):
    """Not a JPEG, PNG or WebP file (e.g. a GIF, HEIC or PDF)."""


class ImageTooLargeError(NotAnImageError):
    """The header declares more than MAX_PIXELS pixels (a decompression bomb)."""


class CorruptImageError(NotAnImageError):
    """JPEG/PNG/WebP magic bytes, but the data is truncated or garbage."""


@dataclass(frozen=True)
class ImageInfo:
    """What a fully decoded photo turned out to be."""

    content_type: str
    width: int
    height: int


@contextmanager
def _open_checked(data: bytes, max_pixels: int) -> Iterator:
    """Open a JPEG/PNG/WebP, refuse it on its header's size, then decode it fully.

    Every photo the server receives goes through here: uploads, enrolment, kiosk
    identification and selfie re-verification. Yields the loaded Pillow image.
    """
    from PIL import Image, ImageFile, UnidentifiedImageError

    # face_recognition switches this on when imported; a truncated photo must fail here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"image must be bytes, not {type(data).__name__}")
    kind = sniff_image_type(bytes(data[:16]))
    if kind is None:
        raise UnsupportedImageError("not a JPEG, PNG or WebP image" if data else "empty image")
    try:
        with Image.open(io.BytesIO(data), formats=[kind.removeprefix("image/").upper()]) as im:
            # Image.open read only the header: nothing is allocated before this check.
            if im.width * im.height > max_pixels:
                raise ImageTooLargeError(f"image too large: {im.width}x{im.height} pixels")
            scale = min(8, max(im.size) // _JPEG_DECODE_SIDE)
            if kind == "image/jpeg" and scale > 1:
                im.draft("RGB", (im.width // scale, im.height // scale))
            im.load()  # truncated or garbage data fails here, not later
            yield im
    except NotAnImageError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses the largest bombs itself, inside Image.open: still "too large", not "damaged".
        raise ImageTooLargeError(f"image too large: {exc}") from None
    except (UnidentifiedImageError, OSError, SyntaxError,
            ValueError, EOFError) as exc:
        raise CorruptImageError(f"not a decodable image: {exc}") from exc


def inspect_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """Decode a received photo completely and say what it is.

    Raises:
        UnsupportedImageError: not JPEG, PNG or WebP.
        ImageTooLargeError: more than ``max_pixels`` pixels (checked before decoding).
        CorruptImageError: truncated, or garbage behind valid magic bytes.
    """
    with _open_checked(data, max_pixels) as im:
        return ImageInfo(sniff_image_type(bytes(data[:16])), *im.size)


def _decode(data: bytes):
    """Open (checked), EXIF-rotate and convert to RGB; returns a Pillow image."""
    from PIL import ImageOps

    with _open_checked(data, MAX_PIXELS) as im:
        # Phones store portrait photos landscape plus an Orientation tag; the detector
        # only finds upright faces, so apply the tag before anything else.
        return to_rgb(ImageOps.exif_transpose(im))


def load_image(data: bytes) -> np.ndarray:
    """Decode image bytes (JPEG, PNG incl. RGBA, WebP, ...) to an upright RGB array.

    Args:
        data: the encoded image as uploaded.

    Returns:
        A ``(height, width, 3)`` uint8 array, EXIF orientation applied, alpha composited
        onto white.

    Raises:
        NotAnImageError: the bytes are empty, not a JPEG/PNG/WebP, truncated, or over
            MAX_PIXELS (see inspect_image for the subclasses).
        TypeError: ``data`` is not bytes-like.
    """
    return np.asarray(_decode(data))


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize an RGB or grayscale array with bilinear filtering (box pre-reduction)."""
    from PIL import Image

    if image.shape[1] == width and image.shape[0] == height:
        return image
    pil = Image.fromarray(image)
    # reducing_gap lets Pillow shrink by whole factors first: about 3x faster on phone
    # photos, with no visible difference at detector resolution.
    return np.asarray(pil.resize((width, height), Image.BILINEAR, reducing_gap=2.0))


def downscale(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """Shrink so the longest side is at most ``max_side``; never enlarges.

    Returns:
        ``(small, scale)`` where ``small`` pixel coordinates = original * ``scale``.
    """
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale >= 1.0:
        return image, 1.0
    return resize(image, max(1, round(w * scale)), max(1, round(h * scale))), scale


def to_gray(image: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 luma as float32, the brightness people perceive."""
    rgb = image.astype(np.float32)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
