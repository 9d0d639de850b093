"""Issue 12, photoprep: the chain's photo settings and the checks a reviewer is shown.

A task photo is prepared on the phone (``app.media.prepare``): the settings here say whether
its GPS position and its original time stay in it. When the server records the photo with a
task's completion it may flag it for the reviewer (``review_flags``):

- ``photo_reused``: its picture hash (a 64-bit average hash, ``average_hash``) is within
  ``REUSE_DISTANCE`` bits of a photo already used for another task or another store;
- ``photo_time_differs``: the time the camera wrote in it (EXIF) is more than
  ``max_time_gap_minutes`` away from when the task was completed (the server's estimate).

Pure: the caller passes the pixels (an 8x8 grayscale thumbnail) and the times.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

#: The key of these settings in the chain's settings (and its pulled entity id).
PHOTO_SETTINGS = "photos"
#: The longest side of a prepared photo, in pixels.
MAX_SIDE = 1600
#: JPEG quality of a prepared photo: small enough for a slow network, detail enough to review.
JPEG_QUALITY = 82
#: The side of the grayscale thumbnail a picture hash is taken from (8 x 8 = 64 bits).
HASH_SIDE = 8
#: Two pictures whose hashes differ in at most this many of 64 bits are taken as the same
#: picture (re-encoded, resized or slightly cropped); different scenes differ in ~32.
REUSE_DISTANCE = 6
MAX_GAP_MINUTES = 7 * 24 * 60
FLAG_REUSED = "photo_reused"
FLAG_TIME_DIFFERS = "photo_time_differs"


@dataclass(frozen=True)
class PhotoSettings:
    """What a prepared photo keeps, and how far its camera time may be from the completion."""

    keep_gps: bool = False
    keep_time: bool = True
    max_time_gap_minutes: int = 120

    def __post_init__(self) -> None:
        for name in ("keep_gps", "keep_time"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false (got {getattr(self, name)!r})")
        gap = self.max_time_gap_minutes
        if isinstance(gap, bool) or not isinstance(gap, int) or not 1 <= gap <= MAX_GAP_MINUTES:
            raise ValueError(f"max_time_gap_minutes must be a whole number from 1 to {MAX_GAP_MINUTES} (got {gap!r})")

    @classmethod
    def from_dict(cls, data: Any) -> "PhotoSettings":
        if not isinstance(data, dict):
            raise ValueError("settings must be an object")
        unknown = set(data) - {"keep_gps", "keep_time", "max_time_gap_minutes"}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_within(width: int, height: int, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """The size a ``width`` x ``height`` picture is shrunk to (never enlarged), aspect kept."""
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def average_hash(gray: Sequence[int]) -> str:
    """A picture hash: one bit per thumbnail pixel, set when brighter than the mean (16 hex digits).

    ``gray``: the ``HASH_SIDE`` x ``HASH_SIDE`` grayscale thumbnail's pixels, row by row.
    """
    pixels = list(gray)
    if len(pixels) != HASH_SIDE * HASH_SIDE:
        raise ValueError(f"a picture hash needs {HASH_SIDE * HASH_SIDE} pixels, got {len(pixels)}")
    mean = sum(pixels) / len(pixels)
    bits = 0
    for value in pixels:
        bits = (bits << 1) | (value > mean)
    return f"{bits:016x}"


def hash_distance(a: str, b: str) -> int:
    """How many of the 64 bits two picture hashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_reused(picture_hash: str | None, used_elsewhere: Iterable[str | None]) -> bool:
    """Whether a picture matches one already used for another task or store."""
    if not picture_hash:
        return False
    return any(other and hash_distance(picture_hash, other) <= REUSE_DISTANCE for other in used_elsewhere)


def time_differs(taken_at: datetime | None, done_at: datetime, settings: PhotoSettings) -> bool:
    """Whether the camera's time is further from the completion than the chain allows
    (no camera time, e.g. stripped by the chain's setting: nothing to compare)."""
    if taken_at is None:
        return False
    return abs(done_at - taken_at) > timedelta(minutes=settings.max_time_gap_minutes)


def review_flags(picture_hash: str | None, used_elsewhere: Iterable[str | None], taken_at: datetime | None,
                 done_at: datetime, settings: PhotoSettings) -> list[str]:
    """The flags a reviewer sees on a task photo (empty: nothing to look at)."""
    flags = []
    if is_reused(picture_hash, used_elsewhere):
        flags.append(FLAG_REUSED)
    if time_differs(taken_at, done_at, settings):
        flags.append(FLAG_TIME_DIFFERS)
    return flags
