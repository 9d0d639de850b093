"""Photo upload addressed by SHA-256: repeatable and resumable, one copy per content.

``HEAD /photos/{sha}`` answers 200 when the photo is stored and the caller may read it,
else 404 with ``Upload-Offset`` (bytes of the caller's own partial upload). ``PUT
/photos/{sha}`` sends the whole file or, with ``Content-Range: bytes start-end/total``, the
next chunk from ``Upload-Offset``. ``GET`` returns it to those who may read it
(``app.domain.access.may_read_photo``); to anyone else it does not exist.

Issue 11, bcattach: the same upload carries a broadcast's files: JPEG, PNG or WebP photos and
PDF files (``%PDF-`` ... ``%%EOF``, at most 10 MB; ``app.domain.attachments``). A broadcast's file is
read by the broadcast's audience, its sender and the sender's managers (404 to anyone else).
"""

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path as PathParam, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.domain import attachments
from app.domain.access import may_read_certificate
from app.domain.attendance import HONG_KONG
from app.domain.roles import Actor
from app.protocol import Reason
from backend_stub import db
from backend_stub.deps import CurrentUser, EngineDep, SettingsDep
from backend_stub.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, UnsupportedMedia
from backend_stub.openapi import errors
from backend_stub.services import photo_refs, request_handlers, uploads

router = APIRouter(prefix="/photos", tags=["photos"])
_OFFSET = {"Upload-Offset": {"description": "Bytes received so far (`done` once stored)",
                             "schema": {"type": "string"}}}
STATUS_RESPONSES = {200: {"description": "Stored", "content": None},
                    404: {"description": "Not stored yet", "headers": _OFFSET, "content": None}}
UPLOAD_RESPONSES = {200: {"description": "Already stored", "headers": _OFFSET, "content": None},
                    201: {"description": "Stored", "headers": _OFFSET, "content": None},
                    202: {"description": "Chunk received, send the next", "headers": _OFFSET, "content": None},
                    **errors(BadRequest, Conflict, PayloadTooLarge, UnsupportedMedia,
                                             uploads.UnprocessablePhoto)}
PHOTO_RESPONSES = {200: {"description": "The photo (or a broadcast's PDF file)",
                         "content": {kind: {} for kind in sorted(attachments.KINDS)}},
                   **errors(NotFound)}
_SHA = re.compile(r"^[0-9a-f]{64}$")
_SERVED_PHOTO_HEADERS = {"X-Content-Type-Options": "nosniff",
                         "Content-Security-Policy": "default-src 'none'; sandbox"}
#: A photo's address: the lowercase hex SHA-256 of its bytes (anything else is a 422).
PhotoAddress = Annotated[str, PathParam(pattern=_SHA.pattern, description="Lowercase hex SHA-256 of the photo")]


def _check_sha(sha: str) -> str:
    if not _SHA.match(sha):
        raise BadRequest(Reason.VALIDATION_ERROR, "Photo address must be a lowercase SHA-256 hex digest")
    return sha


def _readable(engine: Engine, actor: Actor, sha: str) -> dict | None:
    """The photo's row if it is stored and ``actor`` may read it, else None."""
    with engine.connect().execution_options(readonly=True) as conn, conn.begin():
        row = conn.execute(select(db.photos).where(db.photos.c.sha256 == sha)).mappings().first()
        if row is None:
            return None
        # Issue 10, delegation: a sick-leave certificate has its own, narrower readers.
        readers = request_handlers.certificate_readers(conn, sha, datetime.now(HONG_KONG).date())
        if readers is not None:
            allowed = may_read_certificate(actor, row["uploaded_by"], readers)
        else:
            allowed = photo_refs.may_read(conn, actor, sha, row["uploaded_by"])
        return dict(row) if allowed else None


@router.head("/{sha}", response_class=Response, responses=STATUS_RESPONSES)
def photo_status(sha: PhotoAddress, caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> Response:
    """200 if stored and readable by the caller; else 404 with the caller's own upload offset."""
    _check_sha(sha)
    if _readable(engine, caller.actor, sha):
        return Response(status_code=200)
    offset = uploads.upload_offset(settings, sha, caller.actor.user_id)
    return Response(status_code=404, headers={"Upload-Offset": str(offset)})


@router.put("/{sha}", response_class=Response, responses=UPLOAD_RESPONSES)
async def upload_photo(sha: PhotoAddress, request: Request, caller: CurrentUser, engine: EngineDep,
                       settings: SettingsDep) -> Response:
    """Store a photo or a broadcast's PDF file (or the next chunk of one). Repeating an upload stores
    nothing new. Refused, keeping nothing: 413 over 8 MB (a photo) or 10 MB (a PDF); 415 neither a
    JPEG/PNG/WebP photo nor a PDF; 422 an undecodable photo, or a PDF without its end (`pdf_corrupt`)."""
    _check_sha(sha)
    body = await request.body()
    # Hashing and decoding the photo are blocking: off the event loop.
    stored = await run_in_threadpool(uploads.store_chunk, engine, settings, sha, body,
                                     request.headers.get("content-range"), caller.actor.user_id)
    return Response(status_code=stored.status, headers={"Upload-Offset": stored.offset})


@router.get("/{sha}", response_class=Response, responses=PHOTO_RESPONSES)
def get_photo(sha: PhotoAddress, caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> Response:
    """The photo bytes: its uploader, managers of a store where a record cites it, HQ; a sick-leave
    certificate only to the people with a part in its request; a broadcast's photo or PDF to the
    broadcast's audience, sender and the sender's managers (issue 11). 404 to anyone else."""
    row = _readable(engine, caller.actor, _check_sha(sha))
    if row is None:
        raise NotFound(Reason.NOT_FOUND, "No such photo")
    # Served as the checked image type only: no sniffing, no scripts, even if bytes trail the image.
    return Response((settings.photo_dir / sha).read_bytes(), media_type=row["content_type"],
                    headers=_SERVED_PHOTO_HEADERS)
