"""Issue 11, bcwrite: editing a sent broadcast, keeping its history.

The sender or one of their managers edits the text (and its other-language versions) of the
version they saw; an edit made on an older one is refused (``broadcast_edited_meanwhile``), so
nobody's edit is undone unseen. The version it replaces is kept in ``broadcast_versions`` with who
wrote it and when. Editing an urgent broadcast asks everyone to acknowledge it again: their
acknowledgements are cleared (and taken off their phones), and the new version carries the one
before (``previous``) so each phone shows what changed.
"""

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from app.domain import broadcasts as rules
from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import broadcasts
from backend_stub.services.broadcast_schedule import feed_data
from backend_stub.services.changes import emit
from backend_stub.services.outcomes import Rejected

_B, _R = db.broadcasts.c, db.broadcast_recipients.c


def _check(conn: Connection, b: dict, p: m.BroadcastEdit, actor: Actor) -> None:
    author = conn.execute(select(db.users.c.role).where(db.users.c.id == b["author_id"])).scalar_one()
    us = db.user_stores.c
    stores = conn.execute(select(us.store_id).where(us.user_id == b["author_id"])).scalars()
    try:
        rules.check_may_edit(actor, b["author_id"], Role(author), stores, b["kind"], b["version"], p.base_version)
    except AccessDenied as exc:
        raise Rejected(Reason(exc.reason), exc.message) from None


def _again_for_everyone(conn: Connection, broadcast_id: str, told: set[str]) -> None:
    """An urgent one was edited: every acknowledgement is asked for again."""
    acked = list(conn.execute(select(_R.user_id).where(
        _R.broadcast_id == broadcast_id, _R.acknowledged_at.is_not(None))).scalars())
    conn.execute(update(db.broadcast_recipients).where(_R.broadcast_id == broadcast_id).values(acknowledged_at=None))
    for user_id in acked:
        for to in sorted({user_id} | told):
            emit(conn, "broadcast_ack", f"{broadcast_id}:{user_id}", None, audience="user", user_id=to)


def edit(conn: Connection, p: m.BroadcastEdit, actor: Actor, at: datetime) -> None:
    """Replace a broadcast's text with a new version, keeping the one before."""
    b = conn.execute(select(db.broadcasts).where(_B.id == p.broadcast_id)).mappings().first()
    if b is None or not broadcasts.may_read(conn, actor, p.broadcast_id):
        raise Rejected(Reason.NOT_FOUND, "No such broadcast for you.")
    b = dict(b)
    _check(conn, b, p, actor)
    conn.execute(db.broadcast_versions.insert(), {
        "broadcast_id": b["id"], "version": b["version"], "title": b["title"], "body": b["body"],
        "translations": b["translations"], "written_by": b["edited_by"] or b["author_id"],
        "written_at": b["edited_at"] or b["created_at"]})
    translations = {code: t.model_dump() for code, t in sorted(p.translations.items())}
    new = {"title": p.title, "body": p.body, "translations": json.dumps(translations), "version": b["version"] + 1,
           "edited_by": actor.user_id, "edited_at": at}
    conn.execute(update(db.broadcasts).where(_B.id == b["id"]).values(**new))
    data, recipients = feed_data(conn, {**b, **new})
    told = broadcasts.followers(conn, b["author_id"])
    if b["kind"] == rules.URGENT:
        _again_for_everyone(conn, b["id"], told)
    data["previous"] = {"title": b["title"], "body": b["body"]}
    readers = set(recipients) if b["stage"] == rules.SENT else set()  # held or expired: not theirs yet/now
    for user_id in sorted(readers | told):
        emit(conn, "broadcast", b["id"], data, audience="user", user_id=user_id)


def history(conn: Connection, broadcast_id: str) -> list[dict]:
    """Every version, oldest first, with who wrote it and when (the last is the current one)."""
    v = db.broadcast_versions.c
    rows = [dict(r) for r in conn.execute(select(db.broadcast_versions).where(
        v.broadcast_id == broadcast_id).order_by(v.version)).mappings()]
    b = conn.execute(select(db.broadcasts).where(_B.id == broadcast_id)).mappings().one()
    rows.append({"broadcast_id": broadcast_id, "version": b["version"], "title": b["title"], "body": b["body"],
                 "translations": b["translations"], "written_by": b["edited_by"] or b["author_id"],
                 "written_at": b["edited_at"] or b["created_at"]})
    names = dict(conn.execute(select(db.users.c.id, db.users.c.name).where(  # issue 11, bcsaved: the History screen
        db.users.c.id.in_({r["written_by"] for r in rows}))).all())
    return [{**r, "translations": json.loads(r["translations"] or "{}"),
             "written_by_name": names.get(r["written_by"], r["written_by"])} for r in rows]


def _broadcast_edit(conn: Connection, p: m.BroadcastEdit, ctx) -> None:
    edit(conn, p, ctx.actor, ctx.received_at)


BROADCAST_EDIT_HANDLERS = {"broadcast.edit": _broadcast_edit}

__all__ = ["BROADCAST_EDIT_HANDLERS", "edit", "history"]
