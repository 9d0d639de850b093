"""Photo quality checks for enrolment photos and clock-in selfies.

Each failure has its own machine code (QualityCode) so the UI can give precise advice
("move closer", "turn on a light", "hold still"). The thresholds below were set on the
fixture photos from measured match margins (see QualityThresholds and docs/face.md,
"Quality gates"): a face is refused only where a decision on it would risk being wrong.
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

    Set from measured match margins (docs/face.md, "Quality gates"): a face is refused only
    where a decision on it would really risk being wrong. Fixture photos framed in 640x480
    at a given face width (detector box widths in brackets), then a horizontal motion
    smear of a fraction of a 200 px face; "genuine" is the largest distance to the same
    person's other photos, "impostor" the smallest to anyone else (tolerance 0.55)::

        face / smear             genuine max  impostor min  sharpness
        200 px (150-215)         0.53         0.69          100-1318
        80 px (72-87)            0.53         0.69          82-427
        70 px (72-87)            0.53         0.68          63-197
        60 px (52-72)            0.56         0.68          50-303
        50 px (36-72)            0.55         0.68          25-191
        40 px (36-44)            0.58         0.66          19-84
        30 px                    4 of 14 photos: no face found
        smear 3 %                0.54         0.69          57-326
        smear 6 %                0.61         0.67          30-167
        smear 10 %               0.70         0.67          19-106
        smear 15 %               0.71         0.65          14-72
        smear 20 %               0.74         0.62          12-56
        smear 30 %               0.77         0.56          12-39   (8 of 14: no face)

    Attributes:
        min_face_px: face box width in original pixels. At 52 px and below genuine
            distances pass the tolerance and the impostor floor starts to fall (0.66 at
            36-44 px); from 62 px up both stay where they are on full photos.
        min_face_fraction: face width / shorter image side. The encoder works on a
            full-resolution crop, so the fraction itself carries no risk: 0 (off).
        min_brightness: mean luma (0-255) of the face; fixtures are 95-151, a
            photo in a dark stockroom is under 30.
        min_sharpness: variance of the Laplacian of the brightness-normalised face at
            128x128. A Gaussian blur of 2 % of the face width scores under 10; a smear of
            up to 15 % still keeps the impostor floor at 0.65 or more, so only what scores
            under 10 is refused (a genuine face that blurry is mostly just not matched).
    """

    min_face_px: int = 60
    min_face_fraction: float = 0.0
    min_brightness: float = 40.0
    min_sharpness: float = 10.0


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
