"""Issue 11, bcwrite: broadcasts sent later and broadcasts that expire.

A broadcast with ``send_at`` still ahead is written at once but "held": only its sender and their
managers pull it, and nobody else can read it. Each pull first moves what is due on: a held one
whose time came goes to its readers; one whose ``expires_at`` passed is taken off its readers'
phones (a deletion) and is no longer readable by them. Phones also hide an expired one
themselves, offline too.
"""

import json
import threading
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
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
    a = db.broadcast_attachments.c  # issue 11, bcattach: its photos and PDF files
    files = [dict(f) for f in conn.execute(select(a.sha256, a.kind, a.name, a.size).where(
        a.broadcast_id == b["id"]).order_by(a.position)).mappings()]
    return {**b, "audience": json.loads(b["audience"] or "{}"), "translations": json.loads(b["translations"] or "{}"),
            "store_ids": store_ids, "recipient_ids": recipients, "attachments": files}, recipients


def _due(now: datetime):
    return (_B.stage != rules.EXPIRED) & or_((_B.stage == rules.HELD) & (_B.send_at <= now), _B.expires_at <= now)


def next_due(conn: Connection) -> datetime | None:
    """The earliest time a broadcast is due to be sent or to expire (None: nothing scheduled)."""
    send = conn.execute(select(func.min(_B.send_at)).where(_B.stage == rules.HELD)).scalar()
    expire = conn.execute(select(func.min(_B.expires_at)).where(_B.stage != rules.EXPIRED)).scalar()
    times = [utc(t) for t in (send, expire) if t is not None]
    return min(times) if times else None


class DueWatch:
    """When this server process next needs to look for broadcasts due, so that a pull (the hot
    path of every phone) does not ask the database each time. It knows the earliest time due that
    this process has seen (its own writes tell it at once, ``scheduled``), and looks again at
    least every ``refresh`` for those another worker process wrote (sent up to that much late)."""

    def __init__(self, refresh: timedelta = timedelta(seconds=15)) -> None:
        self.refresh, self._next, self._lock = refresh, None, threading.Lock()

    def should_look(self, now: datetime) -> bool:
        with self._lock:
            return self._next is None or now >= self._next

    def looked(self, now: datetime, due: datetime | None) -> None:
        with self._lock:
            self._next = min(now + self.refresh, due) if due else now + self.refresh

    def scheduled(self, *times: datetime | None) -> None:
        with self._lock:
            for t in times:
                if t is not None and self._next is not None:
                    self._next = min(self._next, utc(t))


#: This process's watch (each uvicorn worker has its own).
due_watch = DueWatch()


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


__all__ = ["DueWatch", "due_watch", "feed_data", "move_due", "next_due"]
