"""Issue 11, bcfollow: "remind them" on the server.

``broadcast.remind`` is queued on the sender's phone (offline too); who it reaches is decided
here when it arrives: the broadcast's recipients who have not read it yet (for an urgent one,
not acknowledged yet). Someone who read it in the meantime gets nothing. Only the sender and the
sender's managers may remind (the same people who follow its receipts).
"""

import json

from sqlalchemy import and_, func, select, update

from app.domain import broadcasts as rules
from app.domain.access import AccessDenied, require_self
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import broadcasts
from backend_stub.services.changes import emit
from backend_stub.services.outcomes import Rejected

READ, ACKNOWLEDGE = "read", "acknowledge"


def not_yet(conn, broadcast_id: str, waiting_for: str) -> list[str]:
    """The recipients who have not read (or, ``acknowledge``, not acknowledged) it yet."""
    r, rd = db.broadcast_recipients.c, db.broadcast_reads.c
    query = select(r.user_id).where(r.broadcast_id == broadcast_id).order_by(r.user_id)
    if waiting_for == ACKNOWLEDGE:
        return list(conn.execute(query.where(r.acknowledged_at.is_(None))).scalars())
    unread = query.select_from(db.broadcast_recipients.outerjoin(db.broadcast_reads, and_(
        rd.broadcast_id == r.broadcast_id, rd.user_id == r.user_id))).where(rd.user_id.is_(None))
    return list(conn.execute(unread).scalars())


def remind(conn, p: m.BroadcastRemind, ctx) -> None:
    """Record the reminder and send it to exactly those who have not read/acknowledged yet."""
    sent = conn.execute(select(db.broadcasts.c.author_id, db.broadcasts.c.kind, db.broadcasts.c.stage).where(
        db.broadcasts.c.id == p.broadcast_id)).first()
    if sent is None or not broadcasts.may_follow(conn, ctx.actor, sent.author_id):
        # never say whether someone else's broadcast exists
        raise Rejected(Reason.NOT_FOUND, "No such broadcast of yours or your team's.")
    r = db.broadcast_reminders.c
    # Spaced by arrival: the server buzzes the people when a reminder arrives (and a phone's clock
    # could be set to anything).
    last = conn.execute(select(func.max(r.received_at)).where(r.broadcast_id == p.broadcast_id)).scalar()
    try:
        rules.check_may_remind(sent.stage)  # issue 11, probe11: held or expired: nobody to remind
        rules.check_reminder_gap(last and db.aware(last), ctx.received_at)  # nobody buzzed every minute
    except AccessDenied as exc:
        raise Rejected(Reason(exc.reason), exc.message) from None
    waiting_for = ACKNOWLEDGE if sent.kind == rules.URGENT else READ
    people = not_yet(conn, p.broadcast_id, waiting_for)
    row = {"id": p.reminder_id, "broadcast_id": p.broadcast_id, "sent_by": ctx.actor.user_id,
           "sent_at": p.sent_at, "received_at": ctx.received_at, "waiting_for": waiting_for,
           "people": len(people), "recipient_ids": json.dumps(people)}
    conn.execute(db.broadcast_reminders.insert(), row)
    data = {k: v for k, v in row.items() if k != "recipient_ids"}  # who was chased stays with followers
    for user_id in people:
        emit(conn, "broadcast_reminder", p.reminder_id, data, audience="user", user_id=user_id)
    for user_id in sorted(broadcasts.followers(conn, sent.author_id) - set(people)):
        emit(conn, "broadcast_reminder", p.reminder_id, data, audience="user", user_id=user_id)


def sent_reminders(conn, broadcast_id: str) -> list[dict]:
    """The reminders sent for a broadcast, oldest first, with the sender's name (receipts)."""
    b, u = db.broadcast_reminders.c, db.users.c
    rows = conn.execute(select(b.id, b.sent_at, b.sent_by, u.name.label("sent_by_name"), b.waiting_for, b.people)
                        .select_from(db.broadcast_reminders.join(db.users, u.id == b.sent_by))
                        .where(b.broadcast_id == broadcast_id).order_by(b.sent_at, b.id))
    return [dict(row._mapping) for row in rows]


def set_locale(conn, p: m.UserLocaleSet, ctx) -> None:
    """The language a person chose on their phone (their own only)."""
    require_self(ctx.actor, p.user_id)
    conn.execute(update(db.users).where(db.users.c.id == p.user_id).values(locale=p.locale))


REMINDER_HANDLERS = {"broadcast.remind": remind, "user.locale": set_locale}
