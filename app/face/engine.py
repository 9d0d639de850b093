"""Face detection, landmarks and 128-d encodings, wrapping face_recognition (dlib).

Speed comes from two choices:

* detection (HOG, the expensive part on large photos) runs on a copy downscaled so its
  longest side is ``DETECT_MAX_SIDE``; a selfie's face is large, so nothing is lost;
* landmarks and the encoding run on a crop around the face from the *full-resolution*
  image, scaled so the face is about ``ENCODE_FACE_PX`` wide: the encoder always sees a
  sharp face, whatever the photo size, and never touches the whole photo.

face_recognition is imported inside the functions: phone builds have no dlib wheel and
must still be able to ``import app.face`` (they send selfies to the server instead).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.face.errors import FaceEngineUnavailableError
from app.face.imaging import downscale, resize

#: Longest side of the copy the detector sees. Tuned on the fixture photos: at 640 every
#: face down to ~12 % of the frame is found without upsampling, and HOG on a 640x480
#: frame costs ~30 ms on one core (it costs ~1 s on a 1920x1080 photo with upsampling).
DETECT_MAX_SIDE = 640
#: Face width fed to the landmark model and encoder. dlib's encoder works on a 150x150
#: chip that holds the face plus a margin; ~200 px of face keeps that chip sharp.
ENCODE_FACE_PX = 200
#: Margin kept around the face box in the crop, as a fraction of the box size: the
#: aligned chip extends beyond the detector box.
_CROP_MARGIN = 0.6
EMBEDDING_SIZE = 128


def _fr():
    """Import face_recognition on first use."""
    try:
        import face_recognition
    except ImportError as exc:  # phone builds
        raise FaceEngineUnavailableError(
            "face_recognition is not installed; verify selfies on the server"
        ) from exc
    except SystemExit as exc:
        # face_recognition calls quit() when its model package is missing.
        raise FaceEngineUnavailableError("face_recognition_models is not installed") from exc
    return face_recognition


@dataclass(frozen=True)
class Box:
    """A face rectangle in pixel coordinates of the full-resolution image."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def css(self) -> tuple[int, int, int, int]:
        """The (top, right, bottom, left) tuple face_recognition expects."""
        return (self.top, self.right, self.bottom, self.left)


#: dlib score offset for weak candidates: a masked face scores -0.1 to -0.8 on the fixtures
#: (the detector was trained on uncovered faces); a picture of no face gives nothing.
_WEAK_FACE_SCORE = -0.8
#: Weak candidates kept per pass: the best-scored one is sometimes a 40 px patch of the
#: mask or cheek, with the masked face itself second (biden, obama at 160 px).
_WEAK_PER_PASS = 2


@dataclass(frozen=True)
class Detection:
    """Faces found, and when none was, weak candidates (most likely first) to recognise a mask."""

    boxes: list[Box]
    weak: tuple[Box, ...] = ()


def _scan(fr, small: np.ndarray, upsample: int) -> tuple[list, list]:
    """One detector pass: ``(faces, weak)`` rects, weak ones best-scored first."""
    rects, scores, _ = fr.api.face_detector.run(small, upsample, _WEAK_FACE_SCORE)
    ranked = sorted(zip(scores, range(len(rects))), reverse=True)
    faces = [rects[i] for s, i in ranked if s >= 0]
    weak = [rects[i] for s, i in ranked if s < 0][:_WEAK_PER_PASS]
    return faces, weak


def find_faces(image: np.ndarray, *, max_side: int = DETECT_MAX_SIDE) -> Detection:
    """Find faces on a downscaled copy and return their boxes in full-size coordinates.

    A second pass with one upsampling runs only when the first finds nothing (a small
    face, ~70 px at arm's length in 640x480, or a masked one), so its cost is paid only
    when needed. Both passes also report candidates below the detector's threshold (same
    scan, no extra cost); when neither finds a face they come back as ``weak``, the
    plain pass's first (a large masked face scores better there), never matched, only
    checked for a mask.

    Args:
        image: RGB uint8 array.
        max_side: longest side of the copy the detector runs on.
    """
    fr = _fr()
    small, scale = downscale(image, max_side)
    faces, weak = _scan(fr, small, 0)
    if not faces:
        faces, weak_upsampled = _scan(fr, small, 1)
        weak += weak_upsampled
    locations = [(r.top(), r.right(), r.bottom(), r.left()) for r in faces]
    boxes = [_full_size(image, scale, loc) for loc in locations]
    weak_boxes = () if boxes else tuple(
        _full_size(image, scale, (r.top(), r.right(), r.bottom(), r.left())) for r in weak)
    # Largest first, so callers that want "the" face take boxes[0].
    return Detection(sorted(boxes, key=lambda b: b.width * b.height, reverse=True), weak_boxes)


def _full_size(image: np.ndarray, scale: float, location: tuple[int, int, int, int]) -> Box:
    h, w = image.shape[:2]
    top, right, bottom, left = location
    return Box(top=max(0, round(top / scale)), right=min(w, round(right / scale)),
               bottom=min(h, round(bottom / scale)), left=max(0, round(left / scale)))


def detect_faces(image: np.ndarray, *, max_side: int = DETECT_MAX_SIDE) -> list[Box]:
    """The faces find_faces() is sure of, largest first."""
    return find_faces(image, max_side=max_side).boxes


def _face_crop(image: np.ndarray, box: Box) -> tuple[np.ndarray, Box, float, int, int]:
    """Crop around ``box`` with a margin, scaled so the face is ~ENCODE_FACE_PX wide.

    Returns:
        ``(crop, box_in_crop, scale, x0, y0)``: crop pixel = (full pixel - (x0, y0)) * scale.
    """
    h, w = image.shape[:2]
    mx, my = round(box.width * _CROP_MARGIN), round(box.height * _CROP_MARGIN)
    x0, y0 = max(0, box.left - mx), max(0, box.top - my)
    x1, y1 = min(w, box.right + mx), min(h, box.bottom + my)
    crop = image[y0:y1, x0:x1]
    scale = min(1.0, ENCODE_FACE_PX / max(1, box.width))
    if scale < 1.0:
        crop = resize(crop, max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    inner = Box(
        top=round((box.top - y0) * scale),
        right=round((box.right - x0) * scale),
        bottom=round((box.bottom - y0) * scale),
        left=round((box.left - x0) * scale),
    )
    return np.ascontiguousarray(crop), inner, scale, x0, y0


def encode_face(image: np.ndarray, box: Box, *, num_jitters: int = 1) -> np.ndarray:
    """Compute the 128-d encoding of the face in ``box``.

    Args:
        image: full-resolution RGB array.
        box: the face, from detect_faces().
        num_jitters: re-sample the face this many times with small jitter and average
            (slower by the same factor; measured gain on the fixtures is < 0.02).

    Returns:
        A float64 array of shape (128,).
    """
    fr = _fr()
    crop, inner, _, _, _ = _face_crop(image, box)
    encodings = fr.face_encodings(crop, [inner.css()], num_jitters=num_jitters, model="small")
    return np.asarray(encodings[0], dtype=np.float64)


def face_landmarks(image: np.ndarray, box: Box) -> np.ndarray:
    """The 68-point model's landmarks, without the 8 inner-lip points.

    Returns:
        A (60, 2) float array of (x, y) in full-resolution pixels, in dlib order: jaw 0-16,
        brows 17-26, nose 27-35, eyes 36-47 (right-of-image eye first), outer lip 48-59.
    """
    fr = _fr()
    crop, inner, scale, x0, y0 = _face_crop(image, box)
    marks = fr.face_landmarks(crop, [inner.css()], model="large")[0]
    points = (
        marks["chin"] + marks["left_eyebrow"] + marks["right_eyebrow"] + marks["nose_bridge"]
        + marks["nose_tip"] + marks["left_eye"] + marks["right_eye"]
        # top_lip starts with outer points 48-54, bottom_lip with outer points 54-59, 48.
        + marks["top_lip"][:7] + marks["bottom_lip"][1:6]
    )
    pts = np.asarray(points, dtype=np.float64)
    return pts / scale + np.array([x0, y0], dtype=np.float64)
