"""Issue 11, bcwrite: broadcasts sent later and broadcasts that expire.

A broadcast with ``send_at`` still ahead is written at once but "held": only its sender and their
managers pull it, and nobody else can read it. Each pull first moves what is due on: a held one
whose time came goes to its readers; one whose ``expires_at`` passed is taken off its readers'
phones (a deletion) and is no longer readable by them. Phones also hide an expired one
themselves, offline too.
"""

import json
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection

from app.domain import broadcasts as rules
from backend_stub import db
from backend_stub.services.broadcast_receipts import utc
from backend_stub.services.changes import emit

_B, _R = db.broadcasts.c, db.broadcast_recipients.c


def feed_data(conn: Connection, b: dict) -> tuple[dict, list[str]]:
    """What a phone is sent of a broadcast row, and who it is sent to."""
    recipients = sorted(conn.execute(select(_R.user_id).where(_R.broadcast_id == b["id"])).scalars())
    s = db.broadcast_stores.c
    store_ids = sorted(conn.execute(select(s.store_id).where(s.broadcast_id == b["id"])).scalars())
    return {**b, "audience": json.loads(b["audience"] or "{}"), "translations": json.loads(b["translations"] or "{}"),
            "store_ids": store_ids, "recipient_ids": recipients}, recipients


def _due(now: datetime):
    return (_B.stage != rules.EXPIRED) & or_((_B.stage == rules.HELD) & (_B.send_at <= now), _B.expires_at <= now)


def any_due(conn: Connection, now: datetime) -> bool:
    """Whether a broadcast is due to be sent or to expire (read only: most pulls find none)."""
    return conn.execute(select(_B.id).where(_due(now)).limit(1)).first() is not None


def move_due(conn: Connection, now: datetime) -> None:
    """Send the held broadcasts whose time came; take expired ones off their readers' phones."""
    due = conn.execute(select(db.broadcasts).where(_due(now))).mappings().all()
    for row in due:
        b = dict(row)
        b["stage"] = rules.stage(now, utc(b["send_at"]), utc(b["expires_at"]))
        conn.execute(update(db.broadcasts).where(_B.id == b["id"]).values(stage=b["stage"]))
        data, recipients = feed_data(conn, b)
        for user_id in recipients:
            emit(conn, "broadcast", b["id"], data if b["stage"] == rules.SENT else None,
                 audience="user", user_id=user_id)


__all__ = ["any_due", "feed_data", "move_due"]
