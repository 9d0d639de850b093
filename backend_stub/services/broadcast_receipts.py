"""Issue 11, broadcasts: receipts of one broadcast for its sender and their managers.

Per store, one aggregate query (GROUP BY over the broadcast's recipient rows joined to their
reads): how many were reached, delivered (their phone pulled it), read and acknowledged. Per
person, one query, optionally only those who have not read it yet.
"""

from datetime import UTC, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from backend_stub import db
from backend_stub.services import broadcast_reminders

STATUSES = ("all", "unread", "unacknowledged")


def utc(value):
    """A stored time as aware UTC (SQLite hands back naive datetimes; only UTC is stored)."""
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _joined():
    r, rd = db.broadcast_recipients.c, db.broadcast_reads.c
    return db.broadcast_recipients.outerjoin(
        db.broadcast_reads, and_(rd.broadcast_id == r.broadcast_id, rd.user_id == r.user_id))


def per_store(conn: Connection, broadcast_id: str) -> list[dict]:
    """Counts and percentages per store the broadcast reached (one aggregate query)."""
    r, rd = db.broadcast_recipients.c, db.broadcast_reads.c
    rows = conn.execute(
        select(r.store_id, func.count().label("people"),
               # read on a phone means that phone had it, whatever the delivery write saw
               func.count(func.coalesce(r.delivered_at, rd.read_at)).label("delivered"),
               func.count(rd.read_at).label("read"), func.count(r.acknowledged_at).label("acknowledged"))
        .select_from(_joined()).where(r.broadcast_id == broadcast_id).group_by(r.store_id).order_by(r.store_id))
    out = []
    for row in rows:
        counts = {k: row._mapping[k] for k in ("people", "delivered", "read", "acknowledged")}
        out.append({"store_id": row.store_id, **counts,
                    **{f"{k}_pct": _percent(counts[k], counts["people"]) for k in ("delivered", "read", "acknowledged")}})
    return out


def per_language(conn: Connection, broadcast_id: str) -> list[dict]:
    """Issue 11, bcfollow: read and acknowledged per the readers' language setting (``None``:
    never set), one aggregate query."""
    r, rd, u = db.broadcast_recipients.c, db.broadcast_reads.c, db.users.c
    rows = conn.execute(
        select(u.locale, func.count().label("people"), func.count(rd.read_at).label("read"),
               func.count(r.acknowledged_at).label("acknowledged"))
        .select_from(_joined().join(db.users, u.id == r.user_id))
        .where(r.broadcast_id == broadcast_id).group_by(u.locale)
        .order_by(u.locale.is_(None), u.locale))  # not set: last, on both backends
    return [{"locale": row.locale, "people": row.people, "read": row.read, "acknowledged": row.acknowledged,
             "read_pct": _percent(row.read, row.people), "acknowledged_pct": _percent(row.acknowledged, row.people)}
            for row in rows]


def per_person(conn: Connection, broadcast_id: str, status: str = "all") -> list[dict]:
    """Each person reached with their delivered/read/acknowledged times (``status``: only those
    not read yet, or not acknowledged yet)."""
    r, rd, u = db.broadcast_recipients.c, db.broadcast_reads.c, db.users.c
    query = (select(r.user_id, u.name, r.store_id, r.delivered_at, rd.read_at, r.acknowledged_at)
             .select_from(_joined().join(db.users, u.id == r.user_id))
             .where(r.broadcast_id == broadcast_id).order_by(r.store_id, u.name))
    if status == "unread":
        query = query.where(rd.read_at.is_(None))
    elif status == "unacknowledged":
        query = query.where(r.acknowledged_at.is_(None))
    return [{k: utc(v) for k, v in row._mapping.items()} for row in conn.execute(query)]


def receipts(conn: Connection, broadcast_id: str, status: str = "all") -> dict:
    """The whole answer of ``GET /broadcasts/{id}/receipts``."""
    stores = per_store(conn, broadcast_id)
    total = {k: sum(s[k] for s in stores) for k in ("people", "delivered", "read", "acknowledged")}
    total |= {f"{k}_pct": _percent(total[k], total["people"]) for k in ("delivered", "read", "acknowledged")}
    reminders = [{k: utc(v) for k, v in r.items()} for r in broadcast_reminders.sent_reminders(conn, broadcast_id)]
    stage = conn.execute(select(db.broadcasts.c.stage).where(db.broadcasts.c.id == broadcast_id)).scalar()
    return {"broadcast_id": broadcast_id, "stage": stage, "total": total, "stores": stores,
            "people": per_person(conn, broadcast_id, status), "reminders": reminders,
            "languages": per_language(conn, broadcast_id)}
