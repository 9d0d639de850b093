"""Decoding photo bytes into RGB arrays, and the cheap resizes the pipeline relies on.

Pillow is imported inside the functions, like face_recognition elsewhere, so that
``import app.face`` stays cheap and works on builds that only need the pure helpers.
"""

from __future__ import annotations

import io

import numpy as np

from app.face.errors import NotAnImageError

#: Refuse images above this many pixels: a phone photo is ~12-50 MP; anything bigger is a
#: decompression bomb or not a selfie.
MAX_PIXELS = 64_000_000
#: Transparent pixels are composited onto this colour. White is what a user sees behind a
#: transparent PNG, so detection sees the same picture they do.
_BACKGROUND = (255, 255, 255)


def _decode(data: bytes):
    """Open, EXIF-rotate and convert to RGB; returns a Pillow image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"image must be bytes, not {type(data).__name__}")
    if len(data) == 0:
        raise NotAnImageError("empty image")
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_PIXELS:
                raise NotAnImageError(f"image too large: {im.width}x{im.height}")
            im.load()
            # Phones store portrait photos landscape plus an Orientation tag; the detector
            # only finds upright faces, so apply the tag before anything else.
            im = ImageOps.exif_transpose(im)
            return _to_rgb(im)
    except NotAnImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError) as exc:
        raise NotAnImageError(f"not a decodable image: {exc}") from exc


def _to_rgb(im):
    from PIL import Image

    if im.mode == "RGB":
        return im
    has_alpha = im.mode in ("RGBA", "LA", "PA") or (
        im.mode == "P" and "transparency" in im.info
    )
    if has_alpha:
        rgba = im.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, _BACKGROUND)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return im.convert("RGB")


def load_image(data: bytes) -> np.ndarray:
    """Decode image bytes (JPEG, PNG incl. RGBA, WebP, ...) to an upright RGB array.

    Args:
        data: the encoded image as uploaded.

    Returns:
        A ``(height, width, 3)`` uint8 array, EXIF orientation applied, alpha composited
        onto white.

    Raises:
        NotAnImageError: the bytes are empty, not an image, truncated, or absurdly large.
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
