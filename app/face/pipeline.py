"""From photo bytes to decisions: enrolment and one-shot selfie verification."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.face.engine import DETECT_MAX_SIDE, Box, encode_face, find_faces
from app.face.errors import FaceError, FaceQualityError, QualityCode
from app.face.imaging import load_image
from app.face.mask import lower_face_covered
from app.face.matching import DEFAULT_TOLERANCE, MatchResult, verify
from app.face.quality import DEFAULT_THRESHOLDS, FaceQuality, QualityThresholds, check_quality

#: Photos asked for at enrolment: different moments give the matcher poses to choose from.
ENROL_PHOTOS = 3


class InconsistentEnrolmentError(FaceError):
    """Enrolment photos do not all show the same person.

    Attributes:
        pair: indexes of the two photos that disagree most.
        distance: their distance.
    """

    def __init__(self, pair: tuple[int, int], distance: float):
        super().__init__(
            f"enrolment photos {pair[0]} and {pair[1]} show different people "
            f"(distance {distance:.2f})"
        )
        self.pair = pair
        self.distance = distance


@dataclass(frozen=True)
class FaceSample:
    """One usable face from one photo: its embedding and how it was measured."""

    embedding: np.ndarray
    box: Box
    quality: FaceQuality


def encode_photo(
    image_bytes: bytes,
    *,
    max_side: int = DETECT_MAX_SIDE,
    num_jitters: int = 1,
    thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
) -> FaceSample:
    """Decode, detect (downscaled), check quality and encode the single face of a photo.

    Raises:
        NotAnImageError: the bytes are not an image.
        FaceQualityError: no face, several faces, too small, too dark, too blurry, or a
            mask (a covered face is never encoded, so never matched nor refused).
        FaceEngineUnavailableError: face_recognition is not installed.
    """
    image = load_image(image_bytes)
    found = find_faces(image, max_side=max_side)
    boxes = found.boxes
    # The detector often misses a masked face: its weak best guesses are checked for a mask.
    if not boxes and any(lower_face_covered(image, box) for box in found.weak):
        raise FaceQualityError(QualityCode.MASK, "the lower face is covered")
    quality = check_quality(image, boxes, thresholds)
    if lower_face_covered(image, boxes[0]):
        raise FaceQualityError(QualityCode.MASK, "the lower face is covered")
    embedding = encode_face(image, boxes[0], num_jitters=num_jitters)
    return FaceSample(embedding=embedding, box=boxes[0], quality=quality)


def enrol(
    photos: Sequence[bytes],
    *,
    min_photos: int = ENROL_PHOTOS,
    tolerance: float = DEFAULT_TOLERANCE,
    num_jitters: int = 1,
    max_side: int = DETECT_MAX_SIDE,
    thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
) -> list[np.ndarray]:
    """Turn enrolment photos into embeddings; the photos themselves are not kept.

    Args:
        photos: encoded photos, normally ENROL_PHOTOS of them.
        min_photos: refuse fewer photos than this.
        tolerance: every pair of photos must be at most this far apart, so a photo of
            someone else cannot slip into the enrolment.
        num_jitters: passed to the encoder (enrolment can afford to be slower).
        max_side: detection resolution.
        thresholds: quality limits.

    Returns:
        One float64 (128,) embedding per photo, in order.

    Raises:
        ValueError: fewer than ``min_photos`` photos.
        FaceQualityError: a photo is unusable (``.frame`` is its index).
        InconsistentEnrolmentError: the photos show different people.
    """
    if len(photos) < max(1, min_photos):
        raise ValueError(f"enrolment needs at least {max(1, min_photos)} photos, got {len(photos)}")
    embeddings = []
    for index, data in enumerate(photos):
        try:
            sample = encode_photo(
                data, max_side=max_side, num_jitters=num_jitters, thresholds=thresholds
            )
        except FaceError as exc:
            if hasattr(exc, "frame"):
                exc.frame = index
            raise
        embeddings.append(sample.embedding)
    worst = max(
        (
            (float(np.linalg.norm(embeddings[i] - embeddings[j])), (i, j))
            for i, j in itertools.combinations(range(len(embeddings)), 2)
        ),
        default=None,
    )
    if worst is not None and worst[0] > tolerance:
        raise InconsistentEnrolmentError(worst[1], worst[0])
    return embeddings


def verify_selfie(
    image_bytes: bytes,
    enrolled,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    max_side: int = DETECT_MAX_SIDE,
    thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
) -> MatchResult:
    """One shot: downscaled detection, quality checks, encoding, comparison.

    Args:
        image_bytes: the clock-in selfie as uploaded.
        enrolled: the staff member's enrolment embeddings.
        tolerance: match threshold.
        max_side: detection resolution.
        thresholds: quality limits.

    Raises:
        NotAnImageError, FaceQualityError, FaceEngineUnavailableError: see encode_photo().
    """
    sample = encode_photo(image_bytes, max_side=max_side, thresholds=thresholds)
    return verify(sample.embedding, enrolled, tolerance)
