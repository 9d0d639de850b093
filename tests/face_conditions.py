"""Selfies as a store's phones take them, built from the fixture photos.

One function per condition a chain would ask about (arm's length, dim back room, harsh
window light, motion blur, heavy JPEG, a tilted head, a surgical mask) and the two ways a
print is held up to the camera (turned, keystoned). Shared by the face tests and
``benchmarks/bench_face_accuracy.py`` so both measure the same pictures.

Every function takes a fixture file name and returns JPEG bytes, except where it says.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

from app.face import detect_faces, load_image
from tests.face_fixtures import photo, to_jpeg

FRAME = (640, 480)


@functools.cache
def _face_box(name: str):
    image = load_image(photo(name))
    boxes = detect_faces(image)
    assert boxes, f"no face found in fixture {name}"
    return image, max(boxes, key=lambda b: b.width * b.height)


def framed(name: str, face_px: int, frame: tuple[int, int] = FRAME) -> Image.Image:
    """The photo scaled so the face is ``face_px`` wide, centred in a ``frame`` picture.

    A face of ~70 px in 640x480 is a phone held at arm's length in a store.
    """
    image, box = _face_box(name)
    scale = face_px / box.width
    small = Image.fromarray(image).resize(
        (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale))), Image.LANCZOS)
    cx, cy = (box.left + box.right) / 2 * scale, (box.top + box.bottom) / 2 * scale
    canvas = Image.new("RGB", frame, (128, 128, 128))
    canvas.paste(small, (round(frame[0] / 2 - cx), round(frame[1] / 2 - cy)))
    return canvas


def selfie(name: str, face_px: int = 200) -> bytes:
    """A plain 640x480 selfie with a face ``face_px`` wide."""
    return to_jpeg(framed(name, face_px), quality=90)


def dim(name: str, face_px: int = 200, factor: float = 0.3) -> bytes:
    """A back room: exposure cut to ``factor``, with sensor noise."""
    image = ImageEnhance.Brightness(framed(name, face_px)).enhance(factor)
    noisy = np.asarray(image, dtype=np.int16) + np.random.default_rng(7).normal(0, 4, (FRAME[1], FRAME[0], 3))
    return to_jpeg(np.clip(noisy, 0, 255).astype(np.uint8), quality=85)


def harsh(name: str, face_px: int = 200) -> bytes:
    """Window light: one side of the face burnt out, the other in shadow."""
    image = np.asarray(framed(name, face_px), dtype=np.float32)
    ramp = np.linspace(1.7, 0.45, FRAME[0], dtype=np.float32)[None, :, None]
    return to_jpeg(np.clip(image * ramp, 0, 255).astype(np.uint8))


def motion_blurred(name: str, face_px: int = 200, length_fraction: float = 0.06) -> bytes:
    """A hand that moved: a horizontal smear ``length_fraction`` of the face width long."""
    image = np.asarray(framed(name, face_px), dtype=np.float32)
    length = max(2, round(face_px * length_fraction))
    smeared = sum(np.roll(image, shift - length // 2, axis=1) for shift in range(length)) / length
    return to_jpeg(smeared.astype(np.uint8))


def jpeg_artefacts(name: str, face_px: int = 200, quality: int = 12) -> bytes:
    """A heavily compressed upload (a weak mall signal)."""
    return to_jpeg(framed(name, face_px), quality=quality)


def tilted(name: str, face_px: int = 200, degrees: float = 20.0) -> bytes:
    """A head tilted sideways by ``degrees``."""
    return to_jpeg(framed(name, face_px).rotate(degrees, resample=Image.BICUBIC, fillcolor=(128, 128, 128)))


def masked_image(image: Image.Image) -> Image.Image:
    """A light-blue surgical mask drawn over the nose and everything below it."""
    import face_recognition

    marks = face_recognition.face_landmarks(np.asarray(image))
    assert marks, "no landmarks to put a mask on"
    points = marks[0]
    chin = points["chin"]
    bridge = points["nose_bridge"]
    # From one cheek along the jaw to the other, then across the middle of the nose.
    top_y = (bridge[1][1] + bridge[-1][1]) / 2
    outline = [(chin[0][0], top_y)] + list(chin) + [(chin[-1][0], top_y)]
    masked = image.copy()
    ImageDraw.Draw(masked).polygon(outline, fill=(170, 205, 230))
    return masked


def masked(name: str, face_px: int = 200) -> bytes:
    """The selfie with a surgical mask on."""
    return to_jpeg(masked_image(framed(name, face_px)))


def _perspective_coefficients(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """Pillow's 8 PERSPECTIVE coefficients mapping output points ``dst`` back to input ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return list(np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float)))


def warp(image: Image.Image, corners: list[tuple[float, float]]) -> Image.Image:
    """The picture as a flat sheet whose corners land on ``corners`` (TL, TR, BR, BL)."""
    w, h = image.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = _perspective_coefficients(src, corners)
    return image.transform(image.size, Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=(90, 90, 90))


def printed_turned(image: Image.Image, yaw_degrees: float, camera_distance: float = 2.5) -> Image.Image:
    """A flat print of ``image`` turned ``yaw_degrees`` about its vertical axis, seen by a pinhole camera.

    The near edge grows and the far edge shrinks, as when someone tilts a photo at the camera.
    """
    w, h = image.size
    angle = math.radians(yaw_degrees)
    corners = []
    for x, y in ((0, 0), (w, 0), (w, h), (0, h)):
        # Sheet coordinates centred on the print, in units of its width.
        sx, sy = (x - w / 2) / w, (y - h / 2) / w
        depth = camera_distance + sx * math.sin(angle)
        px = sx * math.cos(angle) * camera_distance / depth
        py = sy * camera_distance / depth
        corners.append((w / 2 + px * w, h / 2 + py * w))
    return warp(image, corners)


def keystoned(image: Image.Image, amount: float) -> Image.Image:
    """A print tipped back: its top edge ``amount`` (a fraction of the width) narrower."""
    w, h = image.size
    inset = w * amount / 2
    return warp(image, [(inset, 0), (w - inset, 0), (w, h), (0, h)])


def print_sequence(name: str, yaw_degrees: float, frames: int = 3, face_px: int = 200) -> list[bytes]:
    """Frames of a print being turned from square-on to ``yaw_degrees`` (JPEG bytes each)."""
    image = framed(name, face_px)
    steps = [yaw_degrees * i / (frames - 1) for i in range(frames)]
    return [to_jpeg(printed_turned(image, yaw)) for yaw in steps]


def keystone_sequence(name: str, amount: float, frames: int = 3, face_px: int = 200) -> list[bytes]:
    """Frames of a print being tipped back from flat to ``amount`` keystone (JPEG bytes each)."""
    image = framed(name, face_px)
    return [to_jpeg(keystoned(image, amount * i / (frames - 1))) for i in range(frames)]


CONDITIONS = {
    "selfie 200 px": selfie,
    "arm's length 70 px": lambda name: selfie(name, 70),
    "dim": dim,
    "harsh light": harsh,
    "motion blur": motion_blurred,
    "JPEG artefacts": jpeg_artefacts,
    "tilt 20 degrees": tilted,
    "mask": masked,
}
