"""Liveness from 2-3 frames taken while the user blinks or turns their head.

A printed or on-screen photo held up to the camera can move, turn and tip, but it stays
flat: whatever its pose, one homography (perspective transform of a plane) maps its
landmarks from one frame to the next. A live head turning moves the nose tip against the
eyes and mouth (they are not in one plane), and a blink closes the eyelids, which no
transform of a flat picture does. So every pair of frames is fitted with a homography on
the face's rigid core (nose, eye and mouth corners); what it cannot explain is 3-D motion.
The eyelids are checked against where the same homography puts them: a closing the flat
picture does not explain is a blink.

Frames are also checked to show one and the same person, and a still photo sent as
every frame (identical or re-encoded copies) is named as such.

This stops replayed photos and prints (turned, tipped or shifted), not a video replay or a
3-D mask; it is one signal among geofence, replay fingerprints and manager review.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.face.engine import DETECT_MAX_SIDE, detect_faces, encode_face, face_landmarks
from app.face.errors import FaceQualityError, QualityCode
from app.face.homography import apply_homography, fit_homography, rms_size
from app.face.imaging import load_image
from app.face.matching import DEFAULT_TOLERANCE
from app.face.replay import dhash, hamming

#: Smallest 3-D motion: RMS residual of the best homography fit of the core landmarks
#: between two frames, as a fraction of the face's RMS size (all landmarks). Measured on
#: 3-frame prints of 12 fixture photos (docs/face.md, "Liveness"): turned 15-45 degrees
#: either way, up to 0.036 (biden_1 turned 45 degrees; the landmark model strains on a
#: squeezed face); keystoned 0.1-0.4 either way, up to 0.026. Real pose pairs of one
#: person: 0.042 (rose_leslie_1/2, a small turn; 0.041 on 640x480 selfie crops) to 0.128.
#: The margin is thin on both sides; a print turned past 45 degrees can pass.
MIN_DEPTH = 0.038
#: Smallest eyelid closing (eye aspect ratio) beyond what the homography predicts, that
#: counts as a blink: a blink takes the ratio from 0.2-0.32 (open; obama_1: 0.22,
#: rose_leslie_1: 0.32) to ~0.05. Prints reach 0.114 (lin_manuel_miranda_1 turned 45
#: degrees), real pose pairs with open eyes 0.070 (0.111 on 640x480 selfie crops).
MIN_BLINK = 0.13
#: Frames whose 256-bit difference hashes differ in at most this many bits are copies of
#: one picture and refused whatever the landmarks say. Mild re-encoding flips 0-10 bits;
#: harsher copies are left to the motion thresholds above.
STILL_MAX_BITS = 16

REASON_STILL_PHOTO = "still_photo"
REASON_NO_MOTION = "no_motion"
REASON_DIFFERENT_PEOPLE = "different_people"

_JAW_LEFT, _JAW_RIGHT, _NOSE_TIP = 0, 16, 30
_EYES = (slice(36, 42), slice(42, 48))
#: The rigid core of the face: nose bridge and base, eye corners, mouth corners. The jaw
#: line and eyebrows are left out: on a squeezed print the landmark model bends them
#: towards a frontal face shape, which reads as 3-D motion that is not there.
_CORE = np.r_[27:36, 36, 39, 42, 45, 48, 54]


@dataclass(frozen=True)
class LivenessResult:
    """Outcome of check_liveness.

    Attributes:
        live: the frames show a live person moving.
        reason: why not live ("still_photo", "no_motion", "different_people"), else None.
        motion: largest non-rigid landmark motion between two frames (shape change after
            a similarity fit; a turned print has it too, so it is not decisive).
        yaw_change: largest change of the yaw proxy between two frames (information).
        eye_change: largest eyelid closing between two frames that the flat-picture fit
            does not explain (the blink signal).
        depth: largest residual of the flat-picture (homography) fit between two frames
            (the 3-D motion signal).
        identity_distance: largest embedding distance between two frames.
    """

    live: bool
    reason: str | None
    motion: float
    yaw_change: float
    eye_change: float
    identity_distance: float
    depth: float


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


def flat_residual(a: np.ndarray, b: np.ndarray) -> float:
    """RMS residual of the best homography mapping ``a``'s core landmarks onto ``b``'s,
    relative to the RMS size of ``b``: ~0 for any view of a flat picture."""
    h = fit_homography(a[_CORE], b[_CORE])
    size = rms_size(b)
    if size == 0:
        return 0.0
    misfit = apply_homography(h, a[_CORE]) - b[_CORE]
    return float(np.sqrt(np.mean(np.sum(misfit**2, axis=1))) / size)


def unexplained_blink(a: np.ndarray, b: np.ndarray) -> float:
    """How much more closed (eye aspect ratio) the eyes are in one frame than the flat-picture
    fit from the other predicts, either way round: ~0 for a print, ~0.2 for a blink."""
    closing = 0.0
    for src, dst in ((a, b), (b, a)):
        predicted = apply_homography(fit_homography(src[_CORE], dst[_CORE]), src)
        closing = max(closing, eye_aspect_ratio(predicted) - eye_aspect_ratio(dst))
    return closing


def _max_pairwise(values: Sequence, fn) -> float:
    return max(fn(a, b) for a, b in itertools.combinations(values, 2))


def check_liveness(
    frames: Sequence[bytes],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    min_depth: float = MIN_DEPTH,
    min_blink: float = MIN_BLINK,
    max_side: int = DETECT_MAX_SIDE,
) -> LivenessResult:
    """Decide whether 2-3 frames show a live person blinking or turning their head.

    Args:
        frames: encoded frames (JPEG/PNG), in capture order.
        tolerance: frames must all be within this embedding distance of each other.
        min_depth: flat-picture fit residual that counts as 3-D movement.
        min_blink: unexplained eyelid closing that counts as a blink.
        max_side: detection resolution.

    Returns:
        A LivenessResult; ``live`` is True only for one person who really moved in 3-D or
        blinked. Frames that one perspective transform of a flat picture explains are
        refused as ``no_motion``.

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
    depth = _max_pairwise(points, flat_residual)
    blink = _max_pairwise(points, unexplained_blink)
    still = _max_pairwise(hashes, hamming) <= STILL_MAX_BITS

    moved = depth >= min_depth or blink >= min_blink
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
        eye_change=blink,
        identity_distance=identity,
        depth=depth,
    )
