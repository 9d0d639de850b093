"""Photo upload addressed by SHA-256: repeatable and resumable, one copy per content.

``HEAD /photos/{sha}`` answers 200 when the photo is stored and the caller may read it,
else 404 with ``Upload-Offset`` (bytes of the caller's own partial upload). ``PUT
/photos/{sha}`` sends the whole file or, with ``Content-Range: bytes start-end/total``, the
next chunk from ``Upload-Offset``. ``GET`` returns it to those who may read it
(``app.domain.access.may_read_photo``); to anyone else it does not exist.
"""

import re

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.domain.roles import Actor
from app.protocol import Reason
from backend_stub import db
from backend_stub.deps import CurrentUser, EngineDep, SettingsDep
from backend_stub.errors import BadRequest, NotFound
from backend_stub.services import photo_refs, uploads

router = APIRouter(prefix="/photos", tags=["photos"])
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _check_sha(sha: str) -> str:
    if not _SHA.match(sha):
        raise BadRequest(Reason.VALIDATION_ERROR, "Photo address must be a lowercase SHA-256 hex digest")
    return sha


def _readable(engine: Engine, actor: Actor, sha: str) -> dict | None:
    """The photo's row if it is stored and ``actor`` may read it, else None."""
    with engine.connect().execution_options(readonly=True) as conn, conn.begin():
        row = conn.execute(select(db.photos).where(db.photos.c.sha256 == sha)).mappings().first()
        if row is None or not photo_refs.may_read(conn, actor, sha, row["uploaded_by"]):
            return None
        return dict(row)


@router.head("/{sha}")
def photo_status(sha: str, caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> Response:
    """200 if stored and readable by the caller; else 404 with the caller's own upload offset."""
    _check_sha(sha)
    if _readable(engine, caller.actor, sha):
        return Response(status_code=200)
    offset = uploads.upload_offset(settings, sha, caller.actor.user_id)
    return Response(status_code=404, headers={"Upload-Offset": str(offset)})


@router.put("/{sha}")
async def upload_photo(sha: str, request: Request, caller: CurrentUser, engine: EngineDep,
                       settings: SettingsDep) -> Response:
    """Store a photo (or the next chunk of one). Repeating an upload stores nothing new."""
    _check_sha(sha)
    body = await request.body()
    # Hashing and decoding the photo are blocking: off the event loop.
    stored = await run_in_threadpool(uploads.store_chunk, engine, settings, sha, body,
                                     request.headers.get("content-range"), caller.actor.user_id)
    return Response(status_code=stored.status, headers={"Upload-Offset": stored.offset})


@router.get("/{sha}")
def get_photo(sha: str, caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> Response:
    """The photo bytes: its uploader, managers of a store where a record cites it, HQ."""
    row = _readable(engine, caller.actor, _check_sha(sha))
    if row is None:
        raise NotFound(Reason.NOT_FOUND, "No such photo")
    return Response((settings.photo_dir / sha).read_bytes(), media_type=row["content_type"])
