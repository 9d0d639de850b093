"""Photo upload addressed by SHA-256: repeatable and resumable, one copy per content.

``HEAD /photos/{sha}`` answers 200 when the photo is stored, else 404 with
``Upload-Offset`` (bytes already received). ``PUT /photos/{sha}`` sends the whole file or,
with ``Content-Range: bytes start-end/total``, the next chunk from ``Upload-Offset``.
"""

import hashlib
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Path as PathParam, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.protocol import Reason
from backend_stub import db
from backend_stub.deps import CurrentUser, EngineDep, SettingsDep
from backend_stub.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, UnsupportedMedia
from backend_stub.openapi import errors

router = APIRouter(prefix="/photos", tags=["photos"])
_OFFSET = {"Upload-Offset": {"description": "Bytes received so far (`done` once stored)",
                             "schema": {"type": "string"}}}
STATUS_RESPONSES = {200: {"description": "Stored", "content": None},
                    404: {"description": "Not stored yet", "headers": _OFFSET, "content": None}}
UPLOAD_RESPONSES = {200: {"description": "Already stored", "headers": _OFFSET, "content": None},
                    201: {"description": "Stored", "headers": _OFFSET, "content": None},
                    202: {"description": "Chunk received, send the next", "headers": _OFFSET, "content": None},
                    **errors(BadRequest, Conflict, PayloadTooLarge, UnsupportedMedia)}
PHOTO_RESPONSES = {200: {"description": "The photo",
                         "content": {kind: {} for kind in ("image/jpeg", "image/png", "image/webp")}},
                   **errors(NotFound)}
_SHA = re.compile(r"^[0-9a-f]{64}$")
#: A photo's address: the lowercase hex SHA-256 of its bytes (anything else is a 422).
PhotoAddress = Annotated[str, PathParam(pattern=_SHA.pattern, description="Lowercase hex SHA-256 of the photo")]
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def sniff_image_type(head: bytes) -> str | None:
    """The image type from the file's first bytes (never trust the client's Content-Type)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _lock(sha: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(sha, threading.Lock())


def _check_sha(sha: str) -> str:
    if not _SHA.match(sha):
        raise BadRequest(Reason.VALIDATION_ERROR, "Photo address must be a lowercase SHA-256 hex digest")
    return sha


def _stored(engine: Engine, sha: str) -> dict | None:
    with engine.connect().execution_options(readonly=True) as conn, conn.begin():
        row = conn.execute(select(db.photos).where(db.photos.c.sha256 == sha)).mappings().first()
    return None if row is None else dict(row)


@router.head("/{sha}", response_class=Response, responses=STATUS_RESPONSES)
def photo_status(sha: PhotoAddress, _caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> Response:
    """200 if stored; else 404 with how many bytes of a resumable upload arrived."""
    _check_sha(sha)
    if _stored(engine, sha):
        return Response(status_code=200)
    part = settings.photo_dir / f"{sha}.part"
    offset = part.stat().st_size if part.exists() else 0
    return Response(status_code=404, headers={"Upload-Offset": str(offset)})


def _finish(engine: Engine, final: Path, part: Path, sha: str, kind: str, user_id: str) -> None:
    digest = hashlib.sha256()
    with part.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != sha:
        part.unlink(missing_ok=True)
        raise BadRequest(Reason.HASH_MISMATCH, "The uploaded bytes do not match the photo's SHA-256")
    size = part.stat().st_size
    part.replace(final)  # atomic: a reader sees the whole photo or none
    with engine.begin() as conn:
        if not conn.execute(select(db.photos.c.sha256).where(db.photos.c.sha256 == sha)).first():
            conn.execute(db.photos.insert().values(sha256=sha, size=size, content_type=kind,
                                                   uploaded_by=user_id, created_at=datetime.now(UTC)))


def _store_chunk(engine: Engine, settings, sha: str, body: bytes, crange: str | None,
                 user_id: str) -> Response:
    with _lock(sha):
        if _stored(engine, sha):
            return Response(status_code=200, headers={"Upload-Offset": "done"})
        start, total = 0, len(body)
        if crange:
            match = _RANGE.match(crange.strip())
            if not match:
                raise BadRequest(Reason.VALIDATION_ERROR, "Content-Range must be 'bytes start-end/total'")
            start, end, total = map(int, match.groups())
            if end - start + 1 != len(body) or end >= total:
                raise BadRequest(Reason.VALIDATION_ERROR, "Content-Range does not match the body")
        if total > settings.max_photo_bytes:
            raise PayloadTooLarge(Reason.PAYLOAD_TOO_LARGE,
                                  f"A photo may be at most {settings.max_photo_bytes} bytes")
        part = settings.photo_dir / f"{sha}.part"
        have = part.stat().st_size if part.exists() else 0
        if start != have:
            raise Conflict(Reason.UPLOAD_OFFSET_MISMATCH, f"Resume from byte {have}", {"upload_offset": have})
        if start == 0:
            kind = sniff_image_type(body[:16])
            if kind is None:
                raise UnsupportedMedia(Reason.UNSUPPORTED_MEDIA_TYPE, "Only JPEG, PNG or WebP photos are accepted")
        with part.open("ab") as fh:
            fh.write(body)
        if have + len(body) < total:
            return Response(status_code=202, headers={"Upload-Offset": str(have + len(body))})
        with part.open("rb") as fh:
            kind = sniff_image_type(fh.read(16)) or "application/octet-stream"
        _finish(engine, settings.photo_dir / sha, part, sha, kind, user_id)
        return Response(status_code=201, headers={"Upload-Offset": "done"})


@router.put("/{sha}", response_class=Response, responses=UPLOAD_RESPONSES)
async def upload_photo(sha: PhotoAddress, request: Request, caller: CurrentUser, engine: EngineDep,
                       settings: SettingsDep) -> Response:
    """Store a photo (or the next chunk of one). Repeating an upload stores nothing new."""
    _check_sha(sha)
    body = await request.body()
    return await run_in_threadpool(_store_chunk, engine, settings, sha, body,
                                   request.headers.get("content-range"), caller.actor.user_id)


@router.get("/{sha}", response_class=Response, responses=PHOTO_RESPONSES)
def get_photo(sha: PhotoAddress, caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> Response:
    """The photo bytes (managers and the uploader only)."""
    row = _stored(engine, _check_sha(sha))
    if row is None or (row["uploaded_by"] != caller.actor.user_id and not caller.actor.role.is_manager):
        raise NotFound(Reason.NOT_FOUND, "No such photo")
    return Response((settings.photo_dir / sha).read_bytes(), media_type=row["content_type"])
