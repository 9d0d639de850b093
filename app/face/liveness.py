"""Liveness from 2-3 frames taken while the user blinks or turns their head.

A printed or on-screen photo held up to the camera can move, but only rigidly: the whole
picture shifts, scales or rotates in the image plane. A live head turning or blinking
changes the *shape* of its landmark constellation: the nose moves relative to the jaw
line, the eyelids close. So each pair of frames is compared after removing the best
similarity transform (Procrustes alignment); what remains is non-rigid motion.

Frames are also checked to show one and the same person, and a still photo sent as
every frame (identical or re-encoded copies) is named as such.

This stops replayed photos and casual spoofs, not a video replay or a 3-D mask; it is one
signal among geofence, replay fingerprints and manager review.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.face.engine import DETECT_MAX_SIDE, detect_faces, encode_face, face_landmarks
from app.face.errors import FaceQualityError, QualityCode
from app.face.imaging import load_image
from app.face.matching import DEFAULT_TOLERANCE
from app.face.replay import dhash, hamming

#: Smallest non-rigid landmark motion (RMS residual after similarity alignment, as a
#: fraction of the face's RMS size) that counts as a live movement. Measured (see
#: docs/face.md): a photo re-encoded, shrunk, shifted or rotated gives up to 0.048 (the
#: landmark model jitters with the detector box); two poses of one person give 0.079 to
#: 0.27 (obama_1 vs obama_2: 0.18).
MIN_MOTION = 0.065
#: Smallest change of the yaw proxy (nose offset from the jaw centre / jaw width): up to
#: 0.033 for re-encoded copies, 0.074 and more between two poses.
MIN_YAW_CHANGE = 0.06
#: Smallest change of the eye aspect ratio: a blink takes it from ~0.3 to under 0.15;
#: landmark jitter on re-encoded copies reaches 0.08.
MIN_EYE_CHANGE = 0.12
#: Frames whose 256-bit difference hashes differ in at most this many bits are copies of
#: one picture and refused whatever the landmarks say. Mild re-encoding flips 0-10 bits;
#: harsher copies are left to the motion thresholds above.
STILL_MAX_BITS = 16

REASON_STILL_PHOTO = "still_photo"
REASON_NO_MOTION = "no_motion"
REASON_DIFFERENT_PEOPLE = "different_people"

_JAW_LEFT, _JAW_RIGHT, _NOSE_TIP = 0, 16, 30
_EYES = (slice(36, 42), slice(42, 48))


@dataclass(frozen=True)
class LivenessResult:
    """Outcome of check_liveness.

    Attributes:
        live: the frames show a live person moving.
        reason: why not live ("still_photo", "no_motion", "different_people"), else None.
        motion: largest non-rigid landmark motion between two frames.
        yaw_change: largest change of the yaw proxy between two frames.
        eye_change: largest change of the eye aspect ratio between two frames.
        identity_distance: largest embedding distance between two frames.
    """

    live: bool
    reason: str | None
    motion: float
    yaw_change: float
    eye_change: float
    identity_distance: float


def nonrigid_motion(a: np.ndarray, b: np.ndarray) -> float:
    """RMS landmark residual after aligning ``b`` onto ``a`` by a similarity transform,
    relative to the RMS size of ``a``: 0 for any shift/zoom/in-plane rotation."""
    # Complex numbers make the 2-D similarity fit a one-line least-squares problem.
    za = (a[:, 0] - a[:, 0].mean()) + 1j * (a[:, 1] - a[:, 1].mean())
    zb = (b[:, 0] - b[:, 0].mean()) + 1j * (b[:, 1] - b[:, 1].mean())
    size = np.sqrt(np.mean(np.abs(za) ** 2))
    if size == 0 or not np.any(zb):
        return 0.0
    coef = np.vdot(zb, za) / np.vdot(zb, zb)
    return float(np.sqrt(np.mean(np.abs(za - coef * zb) ** 2)) / size)


def yaw_proxy(points: np.ndarray) -> float:
    """Signed offset of the nose tip from the jaw's midpoint, along the jaw line, as a
    fraction of the jaw width: ~0 facing the camera, +-0.2 or more turned."""
    left, right, nose = points[_JAW_LEFT], points[_JAW_RIGHT], points[_NOSE_TIP]
    axis = right - left
    width2 = float(axis @ axis)
    if width2 == 0:
        return 0.0
    return float((nose - (left + right) / 2) @ axis / width2)


def eye_aspect_ratio(points: np.ndarray) -> float:
    """Mean eye aspect ratio of both eyes (eyelid gap / eye width); drops on a blink."""
    ratios = []
    for eye in _EYES:
        p = points[eye]
        vertical = np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])
        horizontal = 2.0 * np.linalg.norm(p[0] - p[3])
        ratios.append(vertical / horizontal if horizontal else 0.0)
    return float(np.mean(ratios))


def _max_pairwise(values: Sequence, fn) -> float:
    return max(fn(a, b) for a, b in itertools.combinations(values, 2))


def check_liveness(
    frames: Sequence[bytes],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    min_motion: float = MIN_MOTION,
    min_yaw_change: float = MIN_YAW_CHANGE,
    min_eye_change: float = MIN_EYE_CHANGE,
    max_side: int = DETECT_MAX_SIDE,
) -> LivenessResult:
    """Decide whether 2-3 frames show a live person blinking or turning their head.

    Args:
        frames: encoded frames (JPEG/PNG), in capture order.
        tolerance: frames must all be within this embedding distance of each other.
        min_motion: non-rigid landmark motion that counts as movement.
        min_yaw_change: head-turn change that counts as movement.
        min_eye_change: eye-aspect-ratio change that counts as a blink.
        max_side: detection resolution.

    Returns:
        A LivenessResult; ``live`` is True only for one person who really moved.

    Raises:
        ValueError: fewer than 2 or more than 5 frames.
        NotAnImageError: a frame is not an image.
        FaceQualityError: a frame has no face or several (``.frame`` is its index).
    """
    if not 2 <= len(frames) <= 5:
        raise ValueError(f"liveness needs 2 to 5 frames, got {len(frames)}")
    images = [load_image(f) for f in frames]
    points, embeddings, hashes = [], [], []
    for index, image in enumerate(images):
        boxes = detect_faces(image, max_side=max_side)
        if len(boxes) != 1:
            code = QualityCode.NO_FACE if not boxes else QualityCode.SEVERAL_FACES
            raise FaceQualityError(code, f"frame {index}: {len(boxes)} faces", frame=index)
        points.append(face_landmarks(image, boxes[0]))
        embeddings.append(encode_face(image, boxes[0]))
        hashes.append(dhash(image))

    identity = _max_pairwise(embeddings, lambda a, b: float(np.linalg.norm(a - b)))
    motion = _max_pairwise(points, nonrigid_motion)
    yaw = _max_pairwise([yaw_proxy(p) for p in points], lambda a, b: abs(a - b))
    eyes = _max_pairwise([eye_aspect_ratio(p) for p in points], lambda a, b: abs(a - b))
    still = _max_pairwise(hashes, hamming) <= STILL_MAX_BITS

    moved = motion >= min_motion or yaw >= min_yaw_change or eyes >= min_eye_change
    if identity > tolerance:
        reason = REASON_DIFFERENT_PEOPLE
    elif still:
        reason = REASON_STILL_PHOTO
    elif not moved:
        reason = REASON_NO_MOTION
    else:
        reason = None
    return LivenessResult(
        live=reason is None,
        reason=reason,
        motion=motion,
        yaw_change=yaw,
        eye_change=eyes,
        identity_distance=identity,
    )
