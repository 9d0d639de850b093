"""Issue 11, broadcasts: the audience count before sending, one broadcast, and its receipts.

Sending, reading and acknowledging are mutations (``/sync/push``: they work offline). These
routes need the server: ``POST /broadcasts/audience-count`` (how many people an audience reaches,
with the same scoping as sending), ``GET /broadcasts/{id}`` (only for its recipients, its sender
and the sender's managers) and ``GET /broadcasts/{id}/receipts`` (the sender and their managers).
Someone else gets 404 either way, so a broadcast's existence is not given away.
"""

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.convertors import StringConvertor, register_url_convertor
from sqlalchemy import select

from app.domain.access import AccessDenied
from app.protocol import Reason
from app.protocol.mutations import BroadcastAudience
from backend_stub import db
from backend_stub.deps import CurrentUser, DbRead
from backend_stub.errors import BadRequest, Forbidden, NotFound
from backend_stub.openapi import errors
from backend_stub.services import broadcast_edits, broadcast_receipts, broadcasts, overdue_acknowledgements

router = APIRouter(prefix="/broadcasts", tags=["broadcasts"])


class BroadcastIdConvertor(StringConvertor):
    """A broadcast id in a path: never the name of a route beside it, so
    ``/broadcasts/audience-count`` is only that route (no GET answers there as a broadcast
    "audience-count", and its ``Allow`` lists exactly the methods documented)."""

    regex = r"(?!(?:audience-count|not-acknowledged)(?:/|$))[^/]+"


register_url_convertor("broadcast_id", BroadcastIdConvertor())


@router.post("/audience-count", responses=errors(400, 401, 403))
def audience_count(body: BroadcastAudience, caller: CurrentUser, conn: DbRead) -> dict[str, Any]:
    """How many people this audience reaches (per store), before sending to it."""
    try:
        return broadcasts.count(conn, caller.actor, body.audience())
    except AccessDenied as exc:
        error = BadRequest if exc.reason == Reason.BROADCAST_AUDIENCE_EMPTY else Forbidden
        raise error(Reason(exc.reason), exc.message) from None


@router.get("/not-acknowledged", responses=errors(401, 403))
def not_acknowledged(caller: CurrentUser, conn: DbRead) -> list[dict[str, Any]]:
    """Issue 11, bcfollow: for the manager on duty of a store, who there has still not
    acknowledged an urgent broadcast after the reminder period."""
    if not caller.actor.role.is_manager:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only managers see who has not acknowledged.")
    found = overdue_acknowledgements.not_acknowledged(conn, caller.actor, datetime.now(UTC))
    return [{**item, "sent_at": broadcast_receipts.utc(item["sent_at"])} for item in found]


def _hidden(broadcast_id: str) -> NotFound:
    return NotFound(Reason.NOT_FOUND, f"No broadcast {broadcast_id} for you.")


@router.get("/{broadcast_id:broadcast_id}", responses=errors(401, 404))
def read_broadcast(broadcast_id: str, caller: CurrentUser, conn: DbRead) -> dict[str, Any]:
    """One broadcast, for someone it was sent to, its sender or the sender's managers."""
    if not broadcasts.may_read(conn, caller.actor, broadcast_id):
        raise _hidden(broadcast_id)
    row = conn.execute(select(db.broadcasts).where(db.broadcasts.c.id == broadcast_id)).mappings().one()
    found = {k: broadcast_receipts.utc(v) for k, v in row.items()}
    return {**found, "translations": json.loads(row["translations"] or "{}")}  # issue 11, bcwrite


@router.get("/{broadcast_id}/receipts", responses=errors(401, 404))
def receipts(broadcast_id: str, caller: CurrentUser, conn: DbRead,
             status: Annotated[str, Query(pattern="^(all|unread|unacknowledged)$")] = "all") -> dict[str, Any]:
    """Delivered, read and acknowledged, per store (counts and percentages) and per person."""
    author = conn.execute(select(db.broadcasts.c.author_id).where(
        db.broadcasts.c.id == broadcast_id)).scalar_one_or_none()
    if author is None or not broadcasts.may_follow(conn, caller.actor, author):
        raise _hidden(broadcast_id)
    return broadcast_receipts.receipts(conn, broadcast_id, status)


@router.get("/{broadcast_id}/versions", responses=errors(401, 404))
def broadcast_versions(broadcast_id: str, caller: CurrentUser, conn: DbRead) -> list[dict[str, Any]]:
    """Issue 11, bcwrite: every version of a broadcast, who wrote it and when (the sender and
    their managers, as for receipts)."""
    author = conn.execute(select(db.broadcasts.c.author_id).where(db.broadcasts.c.id == broadcast_id)).scalar()
    if author is None or not broadcasts.may_follow(conn, caller.actor, author):
        raise _hidden(broadcast_id)
    return [{k: broadcast_receipts.utc(v) for k, v in r.items()} for r in broadcast_edits.history(conn, broadcast_id)]
