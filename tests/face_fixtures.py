"""Shared helpers for the face tests: fixture photos, derived images, cached encodings.

The photos live in the repository, in ``tests/fixtures/faces`` (their source and licence
are in that folder's README and LICENSE); set SHOPFLOOR_FACES_DIR to use another folder.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from app.face import encode_photo, load_image

FACES_DIR = Path(
    os.environ.get("SHOPFLOOR_FACES_DIR")
    or Path(__file__).resolve().parent / "fixtures" / "faces"
)

IDENTITIES = (
    "alex_lacamoire",
    "biden",
    "kit_harington",
    "lin_manuel_miranda",
    "obama",
    "rose_leslie",
)
GROUP_PHOTO = "group_two_people.jpg"


def identity_of(name: str) -> str:
    """The identity a fixture file shows (its name prefix)."""
    for identity in IDENTITIES:
        if name.startswith(identity + "_"):
            return identity
    raise KeyError(name)


def single_face_photos() -> list[str]:
    """File names of every one-face fixture photo, sorted."""
    names = sorted(
        p.name for p in FACES_DIR.iterdir()
        if p.suffix.lower() in (".jpg", ".jpeg", ".png") and p.name != GROUP_PHOTO
    )
    assert names, f"no fixture photos in {FACES_DIR}"
    return names


@functools.cache
def photo(name: str) -> bytes:
    """The bytes of one fixture photo."""
    return (FACES_DIR / name).read_bytes()


@functools.cache
def embedding(name: str) -> np.ndarray:
    """The pipeline's embedding of a fixture photo, computed once per test session."""
    return encode_photo(photo(name)).embedding


def genuine_and_impostor_pairs() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """All unordered pairs of single-face photos, split by same / different identity."""
    genuine, impostor = [], []
    for a, b in itertools.combinations(single_face_photos(), 2):
        (genuine if identity_of(a) == identity_of(b) else impostor).append((a, b))
    return genuine, impostor


def to_jpeg(image: Image.Image | np.ndarray, quality: int = 90) -> bytes:
    """Encode a picture as JPEG bytes."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def to_png(image: Image.Image) -> bytes:
    """Encode a picture as PNG bytes (keeps alpha)."""
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def pil(name: str) -> Image.Image:
    """A fixture photo decoded upright as a Pillow RGB image."""
    return Image.fromarray(load_image(photo(name)))


def darkened(name: str, factor: float = 0.15) -> bytes:
    """The photo with its exposure cut to ``factor``."""
    return to_jpeg(ImageEnhance.Brightness(pil(name)).enhance(factor))


def blurred(name: str, fraction_of_face: float, face_px: int) -> bytes:
    """The photo with a Gaussian blur whose radius is a fraction of the face width."""
    return to_jpeg(pil(name).filter(ImageFilter.GaussianBlur(fraction_of_face * face_px)))


def no_face_image() -> bytes:
    """A smooth colour gradient with some shapes: a picture, but of no face."""
    y, x = np.mgrid[0:480, 0:640]
    rgb = np.stack([x * 255 // 639, y * 255 // 479, (x + y) * 255 // 1118], axis=-1)
    img = Image.fromarray(rgb.astype(np.uint8))
    img.paste((200, 40, 40), (100, 100, 220, 300))
    img.paste((30, 30, 160), (400, 200, 560, 260))
    return to_jpeg(img)


def selfie_640x480(name: str = "obama_1080p.jpg") -> bytes:
    """A 640x480 webcam-style selfie cut from a fixture photo, face centred."""
    from app.face import detect_faces

    image = load_image(photo(name))
    box = detect_faces(image)[0]
    # Frame the face so it is ~40 % of the frame height, as at arm's length.
    side = box.height / 0.4
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    w, h = side * 4 / 3, side
    left = int(max(0, min(image.shape[1] - w, cx - w / 2)))
    top = int(max(0, min(image.shape[0] - h, cy - h / 2)))
    crop = Image.fromarray(image).crop((left, top, left + int(w), top + int(h)))
    return to_jpeg(crop.resize((640, 480), Image.LANCZOS), quality=92)
