"""Photo quality checks for enrolment photos and clock-in selfies.

Each failure has its own machine code (QualityCode) so the UI can give precise advice
("move closer", "turn on a light", "hold still"). The thresholds below were set on the
fixture photos (see docs/face.md): every fixture passes with a wide margin, and the
darkened / blurred versions the tests make fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.face.engine import Box
from app.face.errors import FaceQualityError, QualityCode
from app.face.imaging import resize, to_gray

#: Faces are measured on a crop resized to this square, so the sharpness figure does not
#: depend on photo resolution.
_PROBE_PX = 128


@dataclass(frozen=True)
class QualityThresholds:
    """Limits a usable face must meet. All are configurable per deployment.

    Attributes:
        min_face_px: face box width in original pixels; below it the encoding is mush.
        min_face_fraction: face width / shorter image side; a selfie taken at arm's
            length is 0.25-0.6, the smallest fixture face is 0.18.
        min_brightness: mean luma (0-255) of the face; fixtures are 95-151, a
            photo in a dark stockroom is under 30.
        min_sharpness: variance of the Laplacian of the brightness-normalised face at
            128x128; sharp fixtures score 87-950, a blur of 1 % of the face width 15-37,
            2 % under 10.
    """

    min_face_px: int = 80
    min_face_fraction: float = 0.12
    min_brightness: float = 40.0
    min_sharpness: float = 20.0


DEFAULT_THRESHOLDS = QualityThresholds()


@dataclass(frozen=True)
class FaceQuality:
    """Measured quality of one face (what the thresholds are compared with)."""

    face_px: int
    face_fraction: float
    brightness: float
    sharpness: float


def _face_gray(image: np.ndarray, box: Box) -> np.ndarray:
    crop = image[box.top:box.bottom, box.left:box.right]
    return to_gray(resize(np.ascontiguousarray(crop), _PROBE_PX, _PROBE_PX))


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian: high for crisp edges, low for blur."""
    lap = (gray[:-2, 1:-1] + gray[2:, 1:-1] + gray[1:-1, :-2] + gray[1:-1, 2:]
           - 4.0 * gray[1:-1, 1:-1])
    return float(lap.var())


def measure_face(image: np.ndarray, box: Box) -> FaceQuality:
    """Measure size, brightness and sharpness of one face."""
    gray = _face_gray(image, box)
    brightness = float(gray.mean())
    # Normalise to a mean of 128 first: the Laplacian scales with exposure, and a dim but
    # sharp face must be reported as too dark, not as blurry.
    sharpness = laplacian_variance(gray * (128.0 / max(brightness, 1.0)))
    return FaceQuality(
        face_px=box.width,
        face_fraction=box.width / min(image.shape[:2]),
        brightness=brightness,
        sharpness=sharpness,
    )


def check_quality(
    image: np.ndarray,
    boxes: Sequence[Box],
    thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
) -> FaceQuality:
    """Check that a photo holds exactly one usable face.

    Checks run in the order of the advice a user can act on: no face, several faces,
    too small (move closer), too dark, too blurry.

    Args:
        image: full-resolution RGB array.
        boxes: the faces detect_faces() found.
        thresholds: limits to apply.

    Returns:
        The measurements of the single face.

    Raises:
        FaceQualityError: with the code of the first failed check.
    """
    if not boxes:
        raise FaceQualityError(QualityCode.NO_FACE, "no face found in the photo")
    if len(boxes) > 1:
        raise FaceQualityError(
            QualityCode.SEVERAL_FACES, f"{len(boxes)} faces in the photo; exactly one is needed"
        )
    q = measure_face(image, boxes[0])
    if q.face_px < thresholds.min_face_px or q.face_fraction < thresholds.min_face_fraction:
        raise FaceQualityError(
            QualityCode.TOO_SMALL,
            f"face is {q.face_px} px ({q.face_fraction:.0%} of the frame); move closer",
        )
    if q.brightness < thresholds.min_brightness:
        raise FaceQualityError(
            QualityCode.TOO_DARK, f"face brightness {q.brightness:.0f} is too low"
        )
    if q.sharpness < thresholds.min_sharpness:
        raise FaceQualityError(
            QualityCode.TOO_BLURRY, f"face sharpness {q.sharpness:.1f} is too low"
        )
    return q
