"""Fingerprints of selfies, to refuse one seen before (a replayed photo).

A fingerprint is the SHA-256 of the bytes (catches the exact same upload) plus a 256-bit
difference hash of the picture (catches the same photo re-encoded, resized or
re-compressed by a messaging app). Storing seen fingerprints is the caller's job;
everything here is pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from app.face.imaging import load_image, resize, to_gray

#: Side of the difference-hash grid: 16x16 = 256 bits. A 64-bit hash (8x8) put two
#: different fixture photos only 9 bits apart while harsh re-encoding flipped 4; at 256
#: bits the gap is 71 versus 22.
_HASH_SIDE = 16
#: Two photos whose difference hashes differ in at most this many of 256 bits are the
#: same picture. On the fixtures, re-encoding (JPEG quality 30-85, resized to 30-100 %)
#: flips at most 22 bits; the closest two different photos differ in 71.
REPLAY_MAX_BITS = 40


@dataclass(frozen=True)
class PhotoFingerprint:
    """What is remembered of a selfie: no pixels, only hashes.

    Attributes:
        sha256: hex digest of the uploaded bytes.
        dhash: 256-bit difference hash of the decoded, upright picture.
    """

    sha256: str
    dhash: int

    def __str__(self) -> str:
        return f"{self.sha256}:{self.dhash:064x}"

    @classmethod
    def parse(cls, text: str) -> PhotoFingerprint:
        """Inverse of ``str()``, for fingerprints kept as text."""
        sha, _, dh = text.partition(":")
        if len(sha) != 64 or not dh:
            raise ValueError(f"not a photo fingerprint: {text!r}")
        return cls(sha256=sha.lower(), dhash=int(dh, 16))


def dhash(image: np.ndarray) -> int:
    """256-bit difference hash: is each cell of a 17x16 grey thumbnail brighter than its
    right neighbour. Robust to re-compression, scaling and small colour changes."""
    thumb = to_gray(resize(np.ascontiguousarray(image), _HASH_SIDE + 1, _HASH_SIDE))
    bits = (thumb[:, 1:] > thumb[:, :-1]).flatten()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return (a ^ b).bit_count()


def fingerprint(image_bytes: bytes, image: np.ndarray | None = None) -> PhotoFingerprint:
    """Fingerprint a photo.

    Args:
        image_bytes: the photo as uploaded.
        image: the already-decoded picture, to save decoding it again.

    Raises:
        NotAnImageError: the bytes are not an image.
    """
    if image is None:
        image = load_image(image_bytes)
    return PhotoFingerprint(
        sha256=hashlib.sha256(bytes(image_bytes)).hexdigest(), dhash=dhash(image)
    )


def is_replay(
    fp: PhotoFingerprint,
    seen: Iterable[PhotoFingerprint | str],
    *,
    max_bits: int = REPLAY_MAX_BITS,
) -> bool:
    """Has this photo (or a re-encoded copy of it) been seen before?

    Args:
        fp: the new photo's fingerprint.
        seen: fingerprints of earlier selfies (objects or their ``str()`` form), e.g. the
            same staff member's last N punches.
        max_bits: difference-hash distance still counted as the same picture; 0 only
            catches pixel-identical pictures, -1 disables the perceptual check.
    """
    for old in seen:
        if isinstance(old, str):
            old = PhotoFingerprint.parse(old)
        if old.sha256 == fp.sha256 or hamming(old.dhash, fp.dhash) <= max_bits:
            return True
    return False
