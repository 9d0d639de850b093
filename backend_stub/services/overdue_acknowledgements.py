"""Issue 11, bcfollow: after the reminder period, who has still not acknowledged an urgent
broadcast, for the manager on duty of their store: its store manager, or a manager with a shift
there now. The period is the chain's urgent-repeat period (app.domain.urgent_repeats) counted
from when the broadcast was sent (``urgent_repeats.sent_at``: its send-later time, else when it
was written; issue 11, bcsaved: counted from writing, one sent later was listed before anyone had
it); only the last week's broadcasts are listed.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select
from sqlalchemy.engine import Connection

from app.domain import broadcasts as rules
from app.domain.roles import Actor, Role
from backend_stub import db
from backend_stub.services import urgent_repeats

LOOK_BACK = timedelta(days=7)


def on_duty_stores(conn: Connection, actor: Actor, now: datetime) -> set[str]:
    """The stores ``actor`` is the manager on duty of: their own as store manager, and any with
    their shift now (a manager covering it)."""
    if not actor.role.is_manager:
        return set()
    s = db.shifts.c
    working = set(conn.execute(select(s.store_id).where(
        s.user_id == actor.user_id, s.starts_at <= now, s.ends_at > now, s.status == "published")).scalars())
    return working | (set(actor.store_ids) if actor.role is Role.STORE_MANAGER else set())


def not_acknowledged(conn: Connection, actor: Actor, now: datetime) -> list[dict]:
    """Each urgent broadcast past its reminder period with people of the actor's on-duty stores
    who have not acknowledged it (oldest first), with those people per store."""
    stores = on_duty_stores(conn, actor, now)
    if not stores:
        return []
    period = timedelta(minutes=urgent_repeats.load(conn).for_minutes)
    b, r, u = db.broadcasts.c, db.broadcast_recipients.c, db.users.c
    sent = case((b.send_at > b.created_at, b.send_at), else_=b.created_at)  # urgent_repeats.sent_at, in SQL
    rows = conn.execute(
        select(b.id, b.title, sent.label("sent_at"), r.store_id, r.user_id, u.name)
        .select_from(db.broadcast_recipients.join(db.broadcasts, b.id == r.broadcast_id)
                     .join(db.users, u.id == r.user_id))
        .where(b.kind == rules.URGENT, r.acknowledged_at.is_(None), r.store_id.in_(sorted(stores)),
               and_(sent <= now - period, sent >= now - LOOK_BACK), or_(u.active, u.active.is_(None)))
        .order_by(sent, b.id, r.store_id, u.name))
    found: dict[str, dict] = {}
    for row in rows:
        item = found.setdefault(row.id, {"broadcast_id": row.id, "title": row.title, "sent_at": row.sent_at,
                                         "people": []})
        item["people"].append({"user_id": row.user_id, "name": row.name, "store_id": row.store_id})
    return list(found.values())
