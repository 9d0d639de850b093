"""Issue 10, shiftnews: publishing a roster tells each person affected what changed.

One "shift_change" broadcast per person, authored by the publishing manager, addressed to that
person alone (``broadcast_recipients``) and seen by the store's managers (for receipts). It
carries structured data only (the shift ids and what happened to each): the device writes the
text in the reader's language from its own copy of the shifts.
"""

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import roster
from backend_stub import db
from backend_stub.services.changes import emit

SHIFT_CHANGE = "shift_change"


def _broadcast_id(user_id: str, lines: list[roster.ShiftChange]) -> str:
    # The same publish replayed makes the same id; a later publish has new shift versions.
    told = ",".join(f"{c.shift.id}@{c.shift.version}" for c in lines)
    return "sc-" + hashlib.sha256(f"{user_id}|{told}".encode()).hexdigest()[:32]


def tell_person(conn: Connection, store_id: str, user_id: str, lines: list[roster.ShiftChange],
                author_id: str, created_at) -> str:
    """Write and emit the one person's shift-change broadcast; its id."""
    broadcast_id = _broadcast_id(user_id, lines)
    shift_ids = [c.shift.id for c in lines]
    row = {"id": broadcast_id, "author_id": author_id, "title": "", "body": "", "created_at": created_at,
           "kind": SHIFT_CHANGE, "shift_ids": json.dumps(shift_ids)}
    conn.execute(db.broadcasts.insert(), row)
    conn.execute(db.broadcast_stores.insert(), {"broadcast_id": broadcast_id, "store_id": store_id})
    conn.execute(db.broadcast_recipients.insert(), {"broadcast_id": broadcast_id, "user_id": user_id})
    data = {**row, "shift_ids": shift_ids, "store_ids": [store_id], "recipient_ids": [user_id],
            "changes": {c.shift.id: c.kind for c in lines}}
    emit(conn, "broadcast", broadcast_id, data, audience="user", user_id=user_id)
    emit(conn, "broadcast", broadcast_id, data, audience="managers", store_ids=[store_id])
    return broadcast_id


def recipients(conn: Connection, broadcast_id: str) -> set[str]:
    """The people a broadcast is addressed to (empty: everyone of its stores)."""
    table = db.broadcast_recipients
    return set(conn.execute(select(table.c.user_id).where(table.c.broadcast_id == broadcast_id)).scalars())


def tell_changes(conn: Connection, changes: dict[str, list[roster.ShiftChange]], author_id: str, created_at) -> None:
    """Issue 10, openshiftedit: one broadcast per person of ``changes`` (a trade or a claim that
    moved shifts), from the store of their first changed shift, like publishing's."""
    for user_id, lines in changes.items():
        tell_person(conn, lines[0].shift.store_id, user_id, lines, author_id, created_at)
