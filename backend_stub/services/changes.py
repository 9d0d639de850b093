"""The change feed: every server write appends rows here in the same transaction.

Pull cursors are positions in ``changes.seq``, the server's own monotonic sequence,
never a clock. Each row names who may see it (its audience), so a pull is one indexed
query scoped to the caller's role and stores.
"""

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.engine import Connection

from app.domain.roles import Actor, Role
from app.protocol import Reason
from backend_stub import db, feed_order
from backend_stub.engine import insert_changes
from backend_stub.errors import BadRequest

#: Issue 12, insprun: who pulls inspection templates (those who inspect stores).
INSPECTORS = (Role.AREA_MANAGER, Role.HQ_ADMIN)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite hands back naive datetimes; we only store UTC.
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value)!r}")


def to_json(data: Any) -> str:
    """Serialise a change payload (datetimes as ISO 8601 UTC)."""
    return json.dumps(data, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def emit(
    conn: Connection,
    entity: str,
    entity_id: str,
    data: dict | None,
    *,
    audience: str,
    store_ids: Iterable[str | None] = (None,),
    user_id: str | None = None,
) -> None:
    """Queue one change per store (or one for a user/all audience). ``data=None`` is a deletion.

    Rows are buffered on the connection and written by ``flush`` before commit, in one
    executemany: a 500-mutation push then costs one insert here, not 500.
    """
    now = datetime.now(UTC)
    payload = None if data is None else to_json(data)
    buffer = conn.info.setdefault("pending_changes", [])
    buffer.extend(
        {
            "entity": entity,
            "entity_id": entity_id,
            "op": "delete" if data is None else "upsert",
            "data": payload,
            "audience": audience,
            "store_id": store_id,
            "user_id": user_id,
            "created_at": now,
        }
        for store_id in store_ids
    )


def buffered(conn: Connection) -> int:
    """How many changes are queued (to drop those of a rolled-back savepoint)."""
    return len(conn.info.get("pending_changes", ()))


def discard_after(conn: Connection, mark: int) -> None:
    """Drop changes queued after ``mark`` (their writes were rolled back)."""
    del conn.info.setdefault("pending_changes", [])[mark:]


def flush(conn: Connection) -> None:
    """Write queued changes now, in order (also done automatically at commit)."""
    rows = conn.info.pop("pending_changes", [])
    if rows:
        insert_changes(conn, rows)


def _tag(created_at: Any, entity: str, entity_id: str) -> str:
    """A fingerprint of a feed row. A database restored from an older copy re-uses positions
    for other rows, so a cursor from before the restore no longer matches."""
    return hashlib.sha256(f"{created_at}|{entity}|{entity_id}".encode()).hexdigest()[:12]


def encode_cursor(seq: int, tag: str = "") -> str:
    """Opaque to clients: they store it and send it back, nothing more."""
    return base64.urlsafe_b64encode(f"v2:{seq}:{tag}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, str | None]:
    """The position a cursor names and its fingerprint (``None``: a v1 cursor, which has none).
    An empty cursor means from the start."""
    if not cursor:
        return 0, None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, rest = raw.partition(":")
        if version == "v1":
            seq, tag = rest, None
        elif version == "v2" and ":" in rest:
            seq, tag = rest.split(":", 1)
        else:
            raise ValueError(raw)
        if int(seq) < 0:
            raise ValueError(raw)
        return int(seq), tag
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(Reason.INVALID_CURSOR, "The sync cursor is not one this server issued") from None


def visible_to(actor: Actor):
    """SQL condition: the change rows this actor may pull."""
    c = db.changes.c
    stores = list(actor.store_ids)
    return or_(
        c.audience == "all",
        and_(c.audience == "user", c.user_id == actor.user_id),
        and_(c.audience == "store", c.store_id.in_(stores)),
        and_(c.audience == "managers", c.store_id.in_(stores)) if actor.role.is_manager else false(),
        # Issue 10, availview: a reduced copy about ``user_id`` for the other staff of the store
        # (managers and the person pull the full record instead).
        (and_(c.audience == "colleagues", c.store_id.in_(stores), c.user_id != actor.user_id)
         if not actor.role.is_manager else false()),
        # Issue 12, insprun: inspection templates, for the area managers and HQ covering a store
        # of the template's area (no store: a chain-wide template, for all of them).
        (and_(c.audience == "inspectors", c.store_id.is_(None) | c.store_id.in_(stores))
         if actor.role in INSPECTORS else false()),
    )


@dataclass(frozen=True)
class Page:
    """One pull: the changes (each a JSON object of ``Change``), where to resume (and its
    fingerprint), whether more follow, and the device's last applied mutation number, read
    in the same snapshot."""

    changes: list[str]
    position: int
    tag: str
    has_more: bool
    last_applied_seq: int
    #: Issue 11, broadcasts: the broadcasts in this page (their delivery is recorded on pull).
    broadcast_ids: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The page as ``PullResponse`` JSON."""
        return (f'{{"changes":[{",".join(self.changes)}],'
                f'"cursor":{json.dumps(encode_cursor(self.position, self.tag))},'
                f'"has_more":{"true" if self.has_more else "false"},"last_applied_seq":{self.last_applied_seq}}}')


def _row_fields(seq: Any) -> list:
    """Scalar subqueries: the fingerprinted fields of the feed row at ``seq``."""
    c = db.changes.c
    return [select(col).where(c.seq == seq).scalar_subquery() for col in (c.created_at, c.entity, c.entity_id)]


def _ends(conn: Connection, after: int, device_id: str, horizon: int | None) -> tuple[int, str, str, int]:
    """One round trip: the feed's head (its last row at or below ``horizon``), the
    fingerprints of the head row and of the row at ``after``, and the device's last applied
    number."""
    last_row = select(func.coalesce(func.max(db.changes.c.seq), 0))
    if horizon is not None:
        last_row = last_row.where(db.changes.c.seq <= horizon)
    head = last_row.scalar_subquery()
    state = db.device_state.c
    last = select(state.last_seq).where(state.device_id == device_id).scalar_subquery()
    row = conn.execute(select(head, *_row_fields(head), *_row_fields(after), last)).one()
    head_tag = "" if row[0] == 0 else "-" if row[3] is None else _tag(*row[1:4])
    after_tag = "" if after == 0 else "-" if row[6] is None else _tag(*row[4:7])
    return row[0], head_tag, after_tag, row[7] or 0


def pull(conn: Connection, actor: Actor, device_id: str, after: int, limit: int,
         tag: str | None = None) -> Page:
    """Changes after ``after`` that ``actor`` may see, oldest first (two round trips; three
    on PostgreSQL, whose feed horizon is read first: backend_stub/feed_order.py).

    When the page is not full the position jumps to the feed's head, so invisible rows are
    never scanned twice.
    """
    head, head_tag, after_tag, last_seq = _ends(conn, after, device_id, feed_order.horizon(conn))
    if after > head or (tag is not None and tag != after_tag):
        # Not issued by this feed (e.g. the server was restored from an older backup and
        # its feed may since have grown past the position): accepting it would silently
        # skip every change up to that position.
        raise BadRequest(Reason.INVALID_CURSOR, "The sync cursor is not one this server issued")
    c = db.changes.c
    rows = conn.execute(
        select(c.seq, c.entity, c.entity_id, c.op, c.data, c.created_at)
        .where(c.seq > after, c.seq <= head, visible_to(actor))
        .order_by(c.seq)
        .limit(limit)
    ).all()
    # Each change as JSON straight from its stored payload (to_json wrote it): parsing it
    # into a model to serialise it again cost a pull of 100 changes about a millisecond.
    changes = [f'{{"seq":{r.seq},"entity":{json.dumps(r.entity)},"id":{json.dumps(r.entity_id)},'
               f'"op":{json.dumps(r.op)},"data":{"null" if r.data is None else r.data}}}' for r in rows]
    sent = tuple(r.entity_id for r in rows if r.entity == "broadcast" and r.op == "upsert")
    if len(rows) == limit:
        last = rows[-1]
        return Page(changes, last.seq, _tag(last.created_at, last.entity, last.entity_id), True, last_seq, sent)
    return Page(changes, head, head_tag, False, last_seq, sent)
