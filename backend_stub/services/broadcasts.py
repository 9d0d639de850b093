"""Issue 11, broadcasts on the server: audiences resolved in one place (app.domain.broadcasts
rules over this database's people), sending, acknowledging, delivery on pull, and who may read.

A broadcast sent to an audience is written with one ``broadcast_recipients`` row per person
reached (staff in two stores once). Its feed rows go to those people, the sender and the
sender's managers only (``audience="user"``), so nobody else pulls it. Older broadcasts with no
recipient rows reach everyone of their stores (``broadcast_stores``), as before.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection

from app.domain import broadcast_checks as checks
from app.domain import broadcasts as rules
from app.domain.access import AccessDenied, require_self
from app.domain.roles import Actor, Role
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import broadcast_attachments, broadcast_schedule
from backend_stub.services.changes import emit
from backend_stub.services.outcomes import Rejected

def area_stores(conn: Connection) -> dict[str, list[str]]:
    """Each area -> its stores."""
    found: dict[str, list[str]] = defaultdict(list)
    for store_id, area in conn.execute(select(db.stores.c.id, db.stores.c.area).order_by(db.stores.c.id)):
        found[area].append(store_id)
    return dict(found)


def people(conn: Connection, *, store_ids: Iterable[str] = (), user_ids: Iterable[str] = ()) -> list[rules.Person]:
    """Active people working at ``store_ids`` or named in ``user_ids``, with all their stores."""
    u, us = db.users.c, db.user_stores.c
    stores, named = list(store_ids), list(user_ids)
    if not stores and not named:
        return []
    chosen = select(us.user_id).where(us.store_id.in_(stores)) if stores else None
    where = or_(*([u.id.in_(chosen)] if chosen is not None else []), *([u.id.in_(named)] if named else []))
    rows = conn.execute(select(u.id, u.role, us.store_id).select_from(
        db.users.outerjoin(db.user_stores, us.user_id == u.id)).where(u.active, where).order_by(u.id, us.store_id))
    found: dict[str, tuple[str, list[str]]] = {}
    for user_id, role, store_id in rows:
        found.setdefault(user_id, (role, []))[1].extend([store_id] if store_id else [])
    return [rules.Person(uid, Role(role), tuple(s)) for uid, (role, s) in found.items()]


def resolve(conn: Connection, actor: Actor, audience: rules.Audience) -> dict[str, str | None]:
    """The people ``actor`` reaches with ``audience`` (-> store counted under); AccessDenied when
    the audience is empty or outside the actor's stores."""
    areas = area_stores(conn)
    named = people(conn, user_ids=audience.user_ids)
    rules.check_may_address(actor, audience, areas, named)
    where = rules.places(audience, areas) or (actor.store_ids if audience.role else set())
    return rules.resolve(actor, audience, areas, people(conn, store_ids=where, user_ids=audience.user_ids))


def count(conn: Connection, actor: Actor, audience: rules.Audience) -> dict:
    """What ``POST /broadcasts/audience-count`` answers: people reached, and per store."""
    reached = resolve(conn, actor, audience)
    per_store: dict[str, int] = defaultdict(int)
    for store_id in reached.values():
        per_store[store_id or ""] += 1
    return {"people": len(reached),
            "stores": [{"store_id": s or None, "people": n} for s, n in sorted(per_store.items())]}


def followers(conn: Connection, author_id: str) -> set[str]:
    """The sender and their managers (above them, covering one of their stores; HQ): who may
    follow a broadcast's receipts."""
    author = conn.execute(select(db.users.c.role).where(db.users.c.id == author_id)).scalar_one_or_none()
    if author is None:
        return set()
    us = db.user_stores.c
    theirs = select(us.store_id).where(us.user_id == author_id)
    above = [r.value for r in Role if r.outranks(Role(author))]
    rows = conn.execute(select(db.users.c.id).where(db.users.c.active, db.users.c.role.in_(above), or_(
        db.users.c.role == Role.HQ_ADMIN.value,
        db.users.c.id.in_(select(us.user_id).where(us.store_id.in_(theirs))))))
    return {author_id, *rows.scalars()}


def send(conn: Connection, p: m.BroadcastCreate, actor: Actor, created_at: datetime) -> None:
    """Write a broadcast to its resolved audience and tell exactly them, the sender and the
    sender's managers."""
    try:
        reached = resolve(conn, actor, p.audience())
        rules.check_schedule(created_at, p.send_at, p.expires_at)  # issue 11, bcwrite
        checks.check_valid(p.check and p.check.rule(), p.kind)  # issue 11, bccheck
    except AccessDenied as exc:
        raise Rejected(Reason(exc.reason), exc.message) from None
    if not reached:
        raise Rejected(Reason.BROADCAST_AUDIENCE_EMPTY, "Nobody is in this audience.")
    chosen = {"store_ids": p.store_ids, "area": p.area, "role": p.role, "user_ids": p.user_ids}
    translations = {code: t.model_dump() for code, t in sorted(p.translations.items())}  # issue 11, bcwrite
    row = {"id": p.broadcast_id, "author_id": actor.user_id, "title": p.title, "body": p.body,
           "created_at": created_at, "kind": p.kind, "pinned": p.pinned, "audience": json.dumps(chosen),
           "translations": json.dumps(translations), "send_at": p.send_at, "expires_at": p.expires_at,
           "stage": rules.stage(created_at, p.send_at, p.expires_at),
           "check_question": p.check and json.dumps(p.check.rule().as_dict())}  # issue 11, bccheck
    conn.execute(db.broadcasts.insert(), row)
    files = broadcast_attachments.attach(conn, p, actor.user_id)  # issue 11, bcattach
    broadcast_schedule.due_watch.scheduled(p.send_at, p.expires_at)  # this process looks then
    store_ids = sorted({s for s in reached.values() if s} | set(p.store_ids))
    if store_ids:
        conn.execute(db.broadcast_stores.insert(), [{"broadcast_id": p.broadcast_id, "store_id": s}
                                                   for s in store_ids])
    conn.execute(db.broadcast_recipients.insert(), [
        {"broadcast_id": p.broadcast_id, "user_id": uid, "store_id": sid} for uid, sid in sorted(reached.items())])
    data = {**row, "audience": chosen, "translations": translations, "store_ids": store_ids, "recipient_ids": sorted(reached),
            "attachments": files}
    # Issue 11, bcwrite: one to send later reaches its readers then (broadcast_schedule.release_due).
    readers = set(reached) if row["stage"] == rules.SENT else set()
    for user_id in sorted(readers | followers(conn, actor.user_id)):
        emit(conn, "broadcast", p.broadcast_id, data, audience="user", user_id=user_id)


def recipient(conn: Connection, broadcast_id: str, user_id: str) -> dict | None:
    """The person's recipient row of a broadcast, if it was sent to them."""
    r = db.broadcast_recipients.c
    row = conn.execute(select(db.broadcast_recipients).where(
        r.broadcast_id == broadcast_id, r.user_id == user_id)).mappings().first()
    return None if row is None else dict(row)


def acknowledge(conn: Connection, p: m.BroadcastAcknowledge, actor: Actor, received_at: datetime) -> None:
    """The person acknowledges an urgent broadcast sent to them; the first acknowledgement stands."""
    require_self(actor, p.user_id)
    b = db.broadcasts.c
    kind = conn.execute(select(b.kind, b.author_id, b.check_question, b.stage).where(b.id == p.broadcast_id)).first()
    mine = recipient(conn, p.broadcast_id, p.user_id)
    # Never say whether someone else's broadcast exists; one held for later is not theirs yet (probe11).
    if kind is None or mine is None or not rules.readers_had(kind.stage):
        raise Rejected(Reason.NOT_FOUND, "This broadcast was not sent to you.")
    if kind.kind != rules.URGENT:
        raise Rejected(Reason.BROADCAST_NOT_URGENT, "Only urgent broadcasts are acknowledged.")
    if mine["acknowledged_at"] is not None:
        return
    _check_answer(kind.check_question, p.answer)  # issue 11, bccheck
    r = db.broadcast_recipients.c
    conn.execute(update(db.broadcast_recipients).where(r.broadcast_id == p.broadcast_id, r.user_id == p.user_id)
                 .values(acknowledged_at=p.acknowledged_at))
    key = f"{p.broadcast_id}:{p.user_id}"
    data = {"id": key, "broadcast_id": p.broadcast_id, "user_id": p.user_id,
            "acknowledged_at": p.acknowledged_at, "received_at": received_at}
    for user_id in sorted({p.user_id} | followers(conn, kind.author_id)):
        emit(conn, "broadcast_ack", key, data, audience="user", user_id=user_id)


def _check_answer(stored: str | None, answer: int | None) -> None:
    """Issue 11, bccheck: an urgent broadcast asking a check question is acknowledged only with
    the right answer (the phone checked it too; the server never trusts that)."""
    if not checks.answer_is_right(checks.Check.from_dict(json.loads(stored or "null")), answer):
        raise Rejected(Reason.BROADCAST_WRONG_ANSWER, "That is not the right answer.")


def mark_delivered(conn: Connection, user_id: str, broadcast_ids: Iterable[str], at: datetime) -> None:
    """The person's phone pulled these broadcasts: delivered now (the first pull stands)."""
    ids = sorted(set(broadcast_ids))
    if not ids:
        return
    r = db.broadcast_recipients.c
    conn.execute(update(db.broadcast_recipients).where(
        r.user_id == user_id, r.broadcast_id.in_(ids), r.delivered_at.is_(None)).values(delivered_at=at))


def may_read(conn: Connection, actor: Actor, broadcast_id: str) -> bool:
    """Whether ``actor`` may read a broadcast: sent to them (or, for one without recipients, to
    one of their stores), or theirs to follow."""
    b = conn.execute(select(db.broadcasts.c.author_id, db.broadcasts.c.stage).where(
        db.broadcasts.c.id == broadcast_id)).first()
    if b is None:
        return False
    if b.stage != rules.SENT:  # issue 11, bcwrite: held or expired: its sender and managers only
        return may_follow(conn, actor, b.author_id)
    r = db.broadcast_recipients.c
    addressed = conn.execute(select(r.user_id).where(r.broadcast_id == broadcast_id).limit(1)).first()
    if addressed is None:  # before issue 11: everyone of its stores
        s = db.broadcast_stores.c
        stores = set(conn.execute(select(s.store_id).where(s.broadcast_id == broadcast_id)).scalars())
        return bool(actor.store_ids & stores)
    return recipient(conn, broadcast_id, actor.user_id) is not None or may_follow(conn, actor, b.author_id)


def may_follow(conn: Connection, actor: Actor, author_id: str) -> bool:
    """Receipts: the sender and their managers only (app.domain.broadcasts.may_follow_receipts)."""
    author = conn.execute(select(db.users.c.role).where(db.users.c.id == author_id)).scalar_one_or_none()
    if author is None:
        return False
    us = db.user_stores.c
    theirs = conn.execute(select(us.store_id).where(us.user_id == author_id)).scalars()
    return rules.may_follow_receipts(actor, author_id, Role(author), theirs)


__all__ = ["acknowledge", "count", "followers", "mark_delivered", "may_follow", "may_read", "people", "resolve",
           "send"]
