"""Receiving photos: resumable, one copy per content, decoded and checked before anything is kept.

Every photo the server receives (``PUT /photos``, face enrolment, kiosk identification)
passes ``check_image``: a type other than JPEG/PNG/WebP is 415; a decompression bomb,
truncated or garbage data is 422; nothing of a refused photo is kept. Partial uploads are
kept per uploader (``{sha}.{uploader}.part``), so nobody learns of or completes another
person's upload, and they expire after ``PART_TTL``.
"""

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.face.imaging import (
    MAX_PIXELS,
    ImageInfo,
    ImageTooLargeError,
    NotAnImageError,
    UnsupportedImageError,
    inspect_image,
)
from app.domain import attachments
from app.domain.access import AccessDenied
from app.protocol import Reason
from backend_stub import db
from backend_stub.services import photo_checks
from backend_stub.errors import ApiError, BadRequest, Conflict, PayloadTooLarge, UnsupportedMedia
from backend_stub.settings import Settings

log = logging.getLogger(__name__)

#: An abandoned partial upload is deleted this long after its last chunk arrived.
PART_TTL = timedelta(hours=24)
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class UnprocessablePhoto(ApiError):
    """422: a photo of an accepted type that cannot be used (damaged, too many pixels, no face)."""

    status_code = 422


@dataclass(frozen=True)
class Stored:
    """The answer to one PUT: HTTP status and the ``Upload-Offset`` header."""

    status: int
    offset: str


def check_image(data: bytes, settings: Settings) -> ImageInfo:
    """Size-check and fully decode a received photo, or refuse it with a clear code.

    Raises:
        PayloadTooLarge: over ``max_photo_bytes`` (413 payload_too_large).
        UnsupportedMedia: not JPEG, PNG or WebP (415 unsupported_media_type).
        UnprocessablePhoto: too many pixels (422 image_too_large) or damaged (422 image_corrupt).
    """
    if len(data) > settings.max_photo_bytes:
        raise PayloadTooLarge(Reason.PAYLOAD_TOO_LARGE, f"A photo may be at most {settings.max_photo_bytes} bytes",
                              {"max_bytes": settings.max_photo_bytes})
    try:
        return inspect_image(data)
    except UnsupportedImageError:
        raise UnsupportedMedia(Reason.UNSUPPORTED_MEDIA_TYPE, "Only JPEG, PNG or WebP photos are accepted") from None
    except ImageTooLargeError as exc:
        raise UnprocessablePhoto(Reason.IMAGE_TOO_LARGE, str(exc), {"max_pixels": MAX_PIXELS}) from None
    except NotAnImageError:
        raise UnprocessablePhoto(Reason.IMAGE_CORRUPT, "The photo is damaged or incomplete") from None


def check_upload(data: bytes, settings: Settings) -> str:
    """Issue 11, bcattach: a complete upload's type: a photo (``check_image``) or a PDF
    (``app.domain.attachments.check_file``: its start and end markers); refused like a photo."""
    if attachments.sniff_kind(data[:16]) != attachments.PDF:
        return check_image(data, settings).content_type
    try:
        return attachments.check_file(data, settings.max_photo_bytes)
    except AccessDenied as exc:
        error = {Reason.PAYLOAD_TOO_LARGE: PayloadTooLarge, Reason.PDF_CORRUPT: UnprocessablePhoto}
        raise error.get(Reason(exc.reason), UnsupportedMedia)(Reason(exc.reason), exc.message) from None


def part_path(settings: Settings, sha: str, user_id: str) -> Path:
    """Where ``user_id``'s partial upload of ``sha`` grows (one per uploader)."""
    uploader = hashlib.sha256(user_id.encode()).hexdigest()[:16]
    return settings.photo_dir / f"{sha}.{uploader}.part"


def upload_offset(settings: Settings, sha: str, user_id: str) -> int:
    """Bytes of ``user_id``'s own partial upload of ``sha`` received so far."""
    part = part_path(settings, sha, user_id)
    return part.stat().st_size if part.exists() else 0


def _lock(sha: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(sha, threading.Lock())


def _range(crange: str | None, body: bytes) -> tuple[int, int]:
    if not crange:
        return 0, len(body)
    match = _RANGE.match(crange.strip())
    if not match:
        raise BadRequest(Reason.VALIDATION_ERROR, "Content-Range must be 'bytes start-end/total'")
    start, end, total = map(int, match.groups())
    if end - start + 1 != len(body) or end >= total:
        raise BadRequest(Reason.VALIDATION_ERROR, "Content-Range does not match the body")
    return start, total


def _finish(engine: Engine, settings: Settings, part: Path, sha: str, user_id: str) -> Stored:
    """Hash, decode and keep the complete upload; a refused one leaves nothing behind."""
    try:
        data = part.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise BadRequest(Reason.HASH_MISMATCH, "The uploaded bytes do not match the photo's SHA-256")
        content_type = check_upload(data, settings)
    except ApiError:
        part.unlink(missing_ok=True)
        raise
    with engine.begin() as conn:
        if conn.execute(select(db.photos.c.sha256).where(db.photos.c.sha256 == sha)).first():
            part.unlink(missing_ok=True)  # the same bytes were already kept: one copy per content
            return Stored(200, "done")
        part.replace(settings.photo_dir / sha)  # atomic: a reader sees the whole photo or none
        conn.execute(db.photos.insert().values(sha256=sha, size=len(data), content_type=content_type,
                                               uploaded_by=user_id, created_at=datetime.now(UTC)))
        if content_type in attachments.IMAGE_TYPES:  # issue 12, photoprep: its picture hash and camera time
            photo_checks.record_details(conn, sha, data)
    return Stored(201, "done")


def store_chunk(engine: Engine, settings: Settings, sha: str, body: bytes, crange: str | None,
                user_id: str) -> Stored:
    """Append one chunk (or the whole photo) of ``user_id``'s upload; finish when complete.

    An address already stored is answered "done" only after the bytes prove to be that
    photo: the answer never tells someone without the photo that it exists.
    """
    with _lock(sha):
        start, total = _range(crange, body)
        # Issue 11, bcattach: a PDF (a broadcast's file) may be larger than a photo; a later
        # chunk's kind is unknown here (the whole file is checked when complete).
        kind = attachments.sniff_kind(body[:16]) if start == 0 else attachments.PDF
        most = max(attachments.limit(kind, settings.max_photo_bytes), 0 if start == 0 else settings.max_photo_bytes)
        if total > most:
            raise PayloadTooLarge(Reason.PAYLOAD_TOO_LARGE, f"This file may be at most {most} bytes",
                                  {"max_bytes": most})
        part = part_path(settings, sha, user_id)
        have = part.stat().st_size if part.exists() else 0
        if start != have:
            raise Conflict(Reason.UPLOAD_OFFSET_MISMATCH, f"Resume from byte {have}", {"upload_offset": have})
        if start == 0 and attachments.sniff_kind(body[:16]) is None:
            raise UnsupportedMedia(Reason.UNSUPPORTED_MEDIA_TYPE, "Only JPEG, PNG or WebP photos or PDF files are accepted")
        with part.open("ab") as fh:
            fh.write(body)
        if have + len(body) < total:
            return Stored(202, str(have + len(body)))
        return _finish(engine, settings, part, sha, user_id)


def expire_partial_uploads(settings: Settings, now: datetime | None = None) -> int:
    """Delete partial uploads untouched for ``PART_TTL`` (an abandoned upload); returns how many."""
    cutoff = ((now or datetime.now(UTC)) - PART_TTL).timestamp()
    expired = 0
    for part in settings.photo_dir.glob("*.part"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
                expired += 1
        except FileNotFoundError:
            continue  # finished or expired meanwhile
    if expired:
        log.info("expired %d abandoned partial photo uploads", expired)
    return expired
