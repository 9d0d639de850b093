"""Exceptions raised by the face package.

Hierarchy::

    FaceError                      base: catch this to handle every face failure
    +-- NotAnImageError            the bytes are not a decodable JPEG/PNG/... image
    +-- FaceQualityError           a photo is unusable; ``.code`` says why (QualityCode)
    +-- FaceEngineUnavailableError face_recognition/dlib is not installed (phone builds)
    +-- EmbeddingDecryptError      an encrypted embedding is tampered, truncated or the
                                   key is wrong

Liveness and matching outcomes are results, not exceptions: a refused match is a normal
answer. Exceptions are for inputs that cannot be judged at all.
"""

from __future__ import annotations

from enum import StrEnum


class QualityCode(StrEnum):
    """Machine codes for unusable photos; the UI maps each one to advice."""

    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_SMALL = "too_small"
    TOO_DARK = "too_dark"
    TOO_BLURRY = "too_blurry"
    #: The mouth and nose are covered (a surgical mask): never decide on such a face.
    MASK = "mask"


class FaceError(Exception):
    """Base class of every error raised by app.face."""


class NotAnImageError(FaceError, ValueError):
    """The bytes could not be decoded as an image."""


class FaceQualityError(FaceError):
    """A photo cannot be used for enrolment or verification.

    Attributes:
        code: what is wrong, as a QualityCode (a str, so it serialises as e.g. "no_face").
        frame: index of the offending frame for multi-frame checks (liveness), else None.
    """

    def __init__(self, code: QualityCode, message: str, *, frame: int | None = None):
        super().__init__(message)
        self.code = QualityCode(code)
        self.frame = frame

    def __reduce__(self):  # keep .code when pickled across worker processes
        return (_rebuild_quality_error, (self.code, str(self), self.frame))


def _rebuild_quality_error(code, message, frame):
    return FaceQualityError(code, message, frame=frame)


class FaceEngineUnavailableError(FaceError, ImportError):
    """face_recognition (dlib) is not installed: verify on the server instead."""


class EmbeddingDecryptError(FaceError):
    """An encrypted embedding failed authentication or is malformed."""
