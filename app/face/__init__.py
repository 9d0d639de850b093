"""Face verification for clock-in: enrolment, 1:1 and 1:N matching, quality, liveness.

Used by the server and by desktop/web clients. face_recognition (dlib) is imported only
when a function needs it, so phone builds without dlib can still ``import app.face`` (and
use the pure helpers: matching, fingerprints, encryption); their selfies are verified by
the server. See docs/face.md for the measurements behind the thresholds.

Typical use::

    enrolled = enrol([photo1, photo2, photo3])              # photos are not kept
    blobs = [encrypt_embedding(e, key, context=staff_id.encode()) for e in enrolled]
    ...
    result = verify_selfie(selfie_bytes, enrolled)          # MatchResult
    if result.matched and not is_replay(fingerprint(selfie_bytes), seen): ...
"""

from app.face.crypto import decrypt_embedding, encrypt_embedding, new_key
from app.face.decision import FaceDecision, Outcome, decide
from app.face.engine import (
    DETECT_MAX_SIDE,
    EMBEDDING_SIZE,
    Box,
    detect_faces,
    encode_face,
    face_landmarks,
)
from app.face.errors import (
    EmbeddingDecryptError,
    FaceEngineUnavailableError,
    FaceError,
    FaceQualityError,
    NotAnImageError,
    QualityCode,
)
from app.face.imaging import load_image
from app.face.liveness import LivenessResult, check_liveness
from app.face.matching import (
    DEFAULT_TOLERANCE,
    Gallery,
    IdentifyResult,
    MatchResult,
    face_distances,
    identify,
    verify,
)
from app.face.pipeline import (
    ENROL_PHOTOS,
    FaceSample,
    InconsistentEnrolmentError,
    encode_photo,
    enrol,
    verify_selfie,
)
from app.face.quality import (
    DEFAULT_THRESHOLDS,
    FaceQuality,
    QualityThresholds,
    check_quality,
    measure_face,
)
from app.face.replay import PhotoFingerprint, fingerprint, is_replay

__all__ = [
    "DEFAULT_THRESHOLDS",
    "DEFAULT_TOLERANCE",
    "DETECT_MAX_SIDE",
    "EMBEDDING_SIZE",
    "ENROL_PHOTOS",
    "Box",
    "FaceDecision",
    "EmbeddingDecryptError",
    "FaceEngineUnavailableError",
    "FaceError",
    "FaceQuality",
    "FaceQualityError",
    "FaceSample",
    "Gallery",
    "IdentifyResult",
    "InconsistentEnrolmentError",
    "LivenessResult",
    "MatchResult",
    "NotAnImageError",
    "Outcome",
    "PhotoFingerprint",
    "QualityCode",
    "QualityThresholds",
    "check_liveness",
    "check_quality",
    "decide",
    "decrypt_embedding",
    "detect_faces",
    "encode_face",
    "encode_photo",
    "enrol",
    "encrypt_embedding",
    "face_distances",
    "face_landmarks",
    "fingerprint",
    "identify",
    "is_replay",
    "load_image",
    "measure_face",
    "new_key",
    "verify",
    "verify_selfie",
]
