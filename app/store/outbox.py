"""The transactional outbox: each user action's mutation, numbered, until the server answers.

Rows move ``pending -> done`` (applied or duplicate) or ``pending -> rejected`` (kept with
the reason so the user sees it; never retried); ``pending -> discarded`` when the user
gives queued actions up (logout). Numbers come from SQLite's AUTOINCREMENT, so a number
is never reused, even after a row is pruned.

The server takes each device's numbers strictly in order. So an action refused on the
device (its photo was refused) or discarded still uses up its number: it goes to the
server as a *void* (``mutation.void``, under a key derived from the action's key), which
changes nothing there and lets the next number through. A late copy of the original can
never be applied after that: its number is taken. ``acked_at`` marks the rows the server
has answered; the others are sent, in order, by ``pending``.
"""

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlite_utils import Database

from app.protocol import EventClock, ItemResult, ItemStatus, Mutation, Reason
from app.protocol.mutations import VOID
from app.store.pull_apply import restart_pull
from app.store.undo import settle, waiting_refs

_VOID_KEYS = uuid.UUID("5b0f6c62-8d0e-4f0e-9a57-3c1f9e7f1d2a")


def void_key(idempotency_key: str) -> str:
    """The key of an action's void: stable, so a resent void is recognised as a duplicate."""
    return str(uuid.uuid5(_VOID_KEYS, str(idempotency_key)))


def enqueue(db: Database, *, type: str, payload: dict, clock: EventClock, entity_ref: str) -> int:
    """Add a mutation (call inside the action's transaction, after ``undo.remember``). Returns its number."""
    cur = db.execute(
        "INSERT INTO outbox (idempotency_key, type, payload, device_time, monotonic_ms, boot_id,"
        " clock_offset_ms, status, created_at, entity_ref) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [str(uuid.uuid4()), type, json.dumps(payload, ensure_ascii=False),
         clock.device_time.isoformat(), clock.monotonic_ms, clock.boot_id, clock.clock_offset_ms,
         "pending", datetime.now(UTC).isoformat(), entity_ref],
    )
    return cur.lastrowid


def _to_mutation(row: dict) -> Mutation:
    clock = EventClock(device_time=row["device_time"], monotonic_ms=row["monotonic_ms"],
                       boot_id=row["boot_id"], clock_offset_ms=row["clock_offset_ms"])
    if row["status"] in ("rejected", "discarded"):
        return Mutation(seq=row["seq"], idempotency_key=void_key(row["idempotency_key"]), type=VOID,
                        payload={}, clock=clock)
    return Mutation(seq=row["seq"], idempotency_key=row["idempotency_key"], type=row["type"],
                    payload=json.loads(row["payload"]), clock=clock)


def pending(db: Database, limit: int, from_seq: int | None = None) -> list[Mutation]:
    """The oldest mutations the server has not answered, in order (refused or discarded
    ones as voids). ``from_seq``: every mutation from that number on, answered or not
    (the server lost them, e.g. restored from a backup)."""
    if from_seq is None:
        rows = db.query("SELECT * FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT ?", [limit])
    else:
        rows = db.query("SELECT * FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?", [from_seq, limit])
    batch: list[Mutation] = []
    for row in rows:
        if batch and row["seq"] != batch[-1].seq + 1:
            break  # a batch must be consecutive (an older app left unanswered rows between answered ones)
        batch.append(_to_mutation(row))
    return batch


def record_results(db: Database, results: Iterable[ItemResult]) -> None:
    """Store the server's answers and settle the records they touched (inside one transaction)."""
    now = datetime.now(UTC).isoformat()
    for res in results:
        found = list(db.query("SELECT seq, idempotency_key, status, entity_ref FROM outbox WHERE seq=?",
                              [res.seq]))
        if not found:
            continue
        row = found[0]
        if str(res.idempotency_key) == row["idempotency_key"]:
            _record_action(db, row, res, now)
        else:
            _record_void(db, row, res, now)


def _record_action(db: Database, row: dict, res: ItemResult, now: str) -> None:
    outcome = res.original_status if res.status is ItemStatus.DUPLICATE else res.status
    refused = outcome is ItemStatus.REJECTED
    if row["status"] == "discarded":
        # Discarded while it was on its way: it reached the server after all.
        db.execute("UPDATE outbox SET status=?, acked_at=?, attempts=attempts+1 WHERE seq=?",
                   ["discarded" if refused else "done", now, row["seq"]])
        if not refused:
            restart_pull(db)  # its local effect was undone: fetch what the server holds
        return
    db.execute("UPDATE outbox SET status=?, reason=?, message=?, flags=?, acked_at=?, attempts=attempts+1"
               " WHERE seq=?", ["rejected" if refused else "done", res.reason, res.message,
                                json.dumps(res.flags), now, row["seq"]])
    if row["status"] == "pending" or (refused and row["status"] == "done"):
        settle(db, row["entity_ref"], refused)


def _record_void(db: Database, row: dict, res: ItemResult, now: str) -> None:
    db.execute("UPDATE outbox SET acked_at=?, attempts=attempts+1 WHERE seq=?", [now, row["seq"]])
    if res.status is ItemStatus.REJECTED and res.reason == Reason.SEQ_REUSED:
        # The number was taken by the original: it had reached the server before being
        # given up. Show what the server holds.
        if row["status"] == "discarded":
            db.execute("UPDATE outbox SET status='done' WHERE seq=?", [row["seq"]])
        restart_pull(db)


def refuse(db: Database, seqs: Iterable[int], reason: str, message: str | None = None) -> int:
    """Refuse waiting actions on the device (e.g. the server refused their photo): they are
    shown as rejected with ``reason``, their local effect undone, and only a void is sent."""
    return _give_up(db, seqs, "rejected", reason, message)


def discard_pending(db: Database) -> int:
    """Give up every waiting action (logout anyway): undone locally, never applied on the server."""
    seqs = [r[0] for r in db.execute("SELECT seq FROM outbox WHERE status='pending'")]
    return _give_up(db, seqs, "discarded", None, None)


def _give_up(db: Database, seqs: Iterable[int], status: str, reason: str | None, message: str | None) -> int:
    count = 0
    for seq in seqs:
        found = list(db.query("SELECT entity_ref FROM outbox WHERE seq=? AND status='pending'", [seq]))
        if not found:
            continue
        db.execute("UPDATE outbox SET status=?, reason=?, message=? WHERE seq=?", [status, reason, message, seq])
        settle(db, found[0]["entity_ref"], refused=True)
        count += 1
    return count


def drop_unused_photos(db: Database) -> list[str]:
    """Forget queued photos no waiting action cites any more (its action was refused or
    discarded). Returns their files, for the caller to delete once this commits: a selfie
    nobody will send does not stay on the phone."""
    rows = list(db.query(
        "SELECT sha256, path FROM photo_uploads p WHERE status='pending' AND NOT EXISTS"
        " (SELECT 1 FROM outbox o WHERE o.status='pending' AND instr(o.payload, p.sha256) > 0)"))
    for row in rows:
        db.execute("DELETE FROM photo_uploads WHERE sha256=?", [row["sha256"]])
    return [row["path"] for row in rows]


def citing(db: Database, sha256: str) -> list[int]:
    """Waiting actions whose payload names this photo."""
    return [r[0] for r in db.execute(
        "SELECT seq FROM outbox WHERE status='pending' AND instr(payload, ?) > 0 ORDER BY seq", [sha256])]


def last_answered_seq(db: Database) -> int:
    """The highest mutation number the server has answered (0 when none)."""
    return db.execute("SELECT coalesce(max(seq), 0) FROM outbox WHERE status IN ('done', 'rejected')").fetchone()[0]


def waiting_count(db: Database) -> int:
    """How many actions have not reached the server yet."""
    return db.execute("SELECT count(*) FROM outbox WHERE status='pending'").fetchone()[0]


#: meta key: refused actions up to this number belong to someone who has since left the device.
_REJECTED_HIDDEN_UPTO = "rejected_hidden_upto"


def rejected(db: Database) -> list[dict]:
    """Actions the server refused, newest first, with their reason code and message (only those
    of the person now using the device: see ``hide_rejected``)."""
    return list(db.query("SELECT seq, type, payload, reason, message, device_time, acked_at"
                         " FROM outbox WHERE status='rejected' AND seq > COALESCE("
                         "(SELECT CAST(value AS INTEGER) FROM meta WHERE key=?), 0) ORDER BY seq DESC",
                         [_REJECTED_HIDDEN_UPTO]))


def hide_rejected(db: Database) -> None:
    """Another person signs in on this device: the last person's refused actions (what they
    did, when, and why it was refused) are no longer listed. The rows stay: their numbers
    still matter to sync."""
    last = db.execute("SELECT MAX(seq) FROM outbox").fetchone()[0]
    if last is not None:
        db["meta"].upsert({"key": _REJECTED_HIDDEN_UPTO, "value": str(last)}, pk="key")


def pending_refs(db: Database) -> set[str]:
    """Records with local changes the server has not confirmed yet."""
    return waiting_refs(db)
