"""The transactional outbox: each user action's mutation, numbered, until the server answers.

Rows move ``pending -> done`` (applied or duplicate) or ``pending -> rejected`` (kept with
the server's reason so the user sees it; never retried). Numbers come from SQLite's
AUTOINCREMENT, so a number is never reused, even after a row is pruned.
"""

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlite_utils import Database

from app.protocol import EventClock, ItemResult, ItemStatus, Mutation

_DOMAIN_TABLES = {"broadcast_read": "broadcast_reads", "note": "notes", "task": "tasks",
                  "punch": "punches"}


def enqueue(db: Database, *, type: str, payload: dict, clock: EventClock, entity_ref: str) -> int:
    """Add a mutation (call inside the action's transaction). Returns its number."""
    cur = db.execute(
        "INSERT INTO outbox (idempotency_key, type, payload, device_time, monotonic_ms, boot_id,"
        " clock_offset_ms, status, created_at, entity_ref) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [str(uuid.uuid4()), type, json.dumps(payload, ensure_ascii=False),
         clock.device_time.isoformat(), clock.monotonic_ms, clock.boot_id, clock.clock_offset_ms,
         "pending", datetime.now(UTC).isoformat(), entity_ref],
    )
    return cur.lastrowid


def _to_mutation(row: dict) -> Mutation:
    return Mutation(
        seq=row["seq"], idempotency_key=row["idempotency_key"], type=row["type"],
        payload=json.loads(row["payload"]),
        clock=EventClock(device_time=row["device_time"], monotonic_ms=row["monotonic_ms"],
                         boot_id=row["boot_id"], clock_offset_ms=row["clock_offset_ms"]),
    )


def pending(db: Database, limit: int, from_seq: int | None = None) -> list[Mutation]:
    """The oldest pending mutations, in order. ``from_seq`` also resends finished ones
    (the server asked for them again after losing them)."""
    if from_seq is None:
        rows = db.query("SELECT * FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?", [limit])
    else:
        rows = db.query("SELECT * FROM outbox WHERE seq >= ? AND status != 'rejected' ORDER BY seq"
                        " LIMIT ?", [from_seq, limit])
    return [_to_mutation(r) for r in rows]


def record_results(db: Database, results: Iterable[ItemResult]) -> None:
    """Store the server's answers (call inside one transaction)."""
    now = datetime.now(UTC).isoformat()
    for res in results:
        outcome = res.original_status if res.status is ItemStatus.DUPLICATE else res.status
        rejected = outcome is ItemStatus.REJECTED
        db.execute(
            "UPDATE outbox SET status=?, reason=?, message=?, flags=?, acked_at=?, attempts=attempts+1"
            " WHERE seq=? AND status='pending'",
            ["rejected" if rejected else "done", res.reason, res.message, json.dumps(res.flags),
             now, res.seq],
        )
        ref = db.execute("SELECT entity_ref FROM outbox WHERE seq=?", [res.seq]).fetchone()
        if ref and ref[0]:
            _settle(db, ref[0], rejected)


def _settle(db: Database, entity_ref: str, rejected: bool) -> None:
    """Mark the local row the mutation touched: rejected, or synced when nothing else waits."""
    kind, _, key = entity_ref.partition(":")
    table = _DOMAIN_TABLES.get(kind)
    if table is None:
        return
    if rejected:
        state = "rejected"
    elif db.execute("SELECT 1 FROM outbox WHERE entity_ref=? AND status='pending'", [entity_ref]).fetchone():
        return
    else:
        state = "synced"
    db.execute(f"UPDATE {table} SET sync_state=? WHERE id=?", [state, key])


def last_answered_seq(db: Database) -> int:
    """The highest mutation number the server has answered (0 when none)."""
    return db.execute("SELECT coalesce(max(seq), 0) FROM outbox WHERE status IN ('done', 'rejected')").fetchone()[0]


def waiting_count(db: Database) -> int:
    """How many actions have not reached the server yet."""
    return db.execute("SELECT count(*) FROM outbox WHERE status='pending'").fetchone()[0]


def rejected(db: Database) -> list[dict]:
    """Actions the server refused, newest first, with their reason code and message."""
    return list(db.query("SELECT seq, type, payload, reason, message, device_time, acked_at"
                         " FROM outbox WHERE status='rejected' ORDER BY seq DESC"))


def pending_refs(db: Database) -> set[str]:
    """Records with local changes the server has not confirmed yet."""
    return {r[0] for r in db.execute(
        "SELECT DISTINCT entity_ref FROM outbox WHERE status='pending' AND entity_ref IS NOT NULL")}
