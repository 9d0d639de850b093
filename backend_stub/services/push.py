"""Applying a pushed batch exactly once.

Per device the server keeps the last applied mutation number in ``device_state``, and per
mutation its idempotency key and outcome in ``mutations``; both are written in the same
transaction as the mutation's effects. So a replayed batch, a duplicated delivery or a
retry after a lost response finds the mutation recorded and answers ``duplicate`` with the
original outcome, without applying it again.

Each mutation runs in a savepoint, so a refusal leaves nothing half-written, except the
``STAGED_TYPES`` (notes), which write nothing themselves: their rows are inserted together
(services/staged.py). If anything fails in the database outside a savepoint, the batch is
rolled back to its start and replayed one savepoint per mutation, the exact slow path.
"""

import json
import logging
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import String, any_, bindparam, literal, null, select, text, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied
from app.domain.clock import assess_event_time
from app.protocol import PAYLOADS, Flag, ItemResult, ItemStatus, Mutation, PushRequest, Reason
from backend_stub import db, feed_order
from backend_stub.bulk import insert_rows
from backend_stub.deps import Caller
from backend_stub.errors import BadRequest, Conflict
from backend_stub.services.changes import buffered, discard_after
from backend_stub.services.handlers import STAGED_TYPES, Context, Rejected
from backend_stub.services.registry import HANDLERS
from backend_stub.services.staged import CONFLICT_MESSAGE, StagedInserts
from backend_stub.settings import Settings

log = logging.getLogger(__name__)
#: An idempotency key already recorded for another account (a forged or copied outbox).
FOREIGN_KEY_MESSAGE = "This action's key was already used by another account."


def _take_device_turn(conn: Connection, device_id: str) -> None:
    """Hold this device's turn until commit, before anything of it is read: two pushes of
    one device at once (a retry sent while the first still runs) then run one after the
    other, and the second finds the first's actions recorded and answers them as
    duplicates. Without it both read "nothing applied yet", both applied the batch, and the
    second died on the unique action records (a 500). SQLite needs none: its write
    transactions already run one at a time (BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        # A transaction-level advisory lock in a two-key space of its own: no row written,
        # and it works before the device's first row exists. The same statement registers
        # the push as a feed writer (backend_stub/feed_order.py): one round trip for both.
        conn.execute(_DEVICE_TURN, {"device_id": device_id})
        feed_order.mark_registered(conn)


_DEVICE_TURN = text(f"SELECT pg_advisory_xact_lock(7302, hashtext(:device_id)), {feed_order.TICKET}")


def _any_of(conn: Connection, column, values: list[str]):  # noqa: ANN001
    """``column IN values``; on PostgreSQL as one array parameter, so the statement's text is
    the same for every batch (psycopg and the server prepare it once; a list of 100 keys
    made a new statement text, parsed and planned anew, for each push)."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("keys", values, type_=postgresql.ARRAY(String)))
    return column.in_(values)


def _recorded(conn: Connection, device_id: str, batch: list[Mutation]) -> tuple[int, dict, dict]:
    """The device's last applied number and the outcomes already recorded for this batch, by
    idempotency key and by number: one query (a round trip each used to be three)."""
    t, state = db.mutations.c, db.device_state.c
    keys, seqs = {str(m.idempotency_key) for m in batch}, {m.seq for m in batch}
    recorded = select(literal(1).label("kind"), t.seq, t.idempotency_key, t.device_id, t.user_id, t.status,
                      t.reason, t.message, t.flags).where(
        _any_of(conn, t.idempotency_key, sorted(keys))
        # The numbers are consecutive (apply_batch checked): a range, not a list of 500.
        | ((t.device_id == device_id) & t.seq.between(min(seqs), max(seqs))))
    # The first SELECT names a UNION's columns: its one row is the device's, the rest blank.
    blank = [null().label(c) for c in ("idempotency_key", "device_id", "user_id", "status", "reason", "message",
                                       "flags")]
    last = select(literal(0).label("kind"), state.last_seq.label("seq"), *blank).where(
        state.device_id == device_id)
    last_seq, by_key, by_seq = 0, {}, {}
    for row in conn.execute(union_all(last, recorded)).mappings():
        if row["kind"] == 0:
            last_seq = row["seq"]
            continue
        if row["idempotency_key"] in keys:
            by_key[row["idempotency_key"]] = dict(row)
        if row["device_id"] == device_id and row["seq"] in seqs:
            by_seq[row["seq"]] = row["idempotency_key"]
    return last_seq, by_key, by_seq


def _as_duplicate(mut: Mutation, row: dict) -> ItemResult:
    return ItemResult(seq=mut.seq, idempotency_key=mut.idempotency_key,
                      status=ItemStatus.DUPLICATE, original_status=ItemStatus(row["status"]),
                      reason=row["reason"], message=row["message"], flags=json.loads(row["flags"]))


class _Replay(Exception):
    """A step without its own savepoint failed: replay the batch one savepoint per mutation."""


def _as_rejection(exc: Exception, mut: Mutation) -> Exception:
    """What a handler's failure means for its mutation: a refusal, never the batch's 500."""
    if isinstance(exc, (AccessDenied, Rejected)):
        return exc
    if isinstance(exc, IntegrityError):
        # e.g. a record id that already exists: this item is refused, the batch goes on.
        return Rejected(Reason.CONFLICT, CONFLICT_MESSAGE)
    # A bug or unusable stored data (e.g. an undecodable selfie): retrying cannot help, and
    # a 500 would block every later action of the device for good.
    log.exception("%s (seq %s) failed; rejected", mut.type, mut.seq)
    return Rejected(Reason.PROCESSING_FAILED, "The server could not process this action.")


def _run_handler(conn: Connection, handler, payload, ctx: Context, mut: Mutation) -> None:
    """Run one handler: staged ones as they are, the others inside their own savepoint."""
    if ctx.staged is not None:
        try:
            handler(conn, payload, ctx)
        except (AccessDenied, Rejected):
            raise  # refused before anything was staged or written
        except Exception as exc:
            raise _Replay from exc
        return
    mark = buffered(conn)
    # A plain SAVEPOINT on the driver's cursor (not begin_nested): same guarantee at a
    # fraction of the overhead.
    savepoint = conn.connection.dbapi_connection.cursor()
    savepoint.execute("SAVEPOINT mutation")
    try:
        handler(conn, payload, ctx)
    except OperationalError:
        raise  # the database itself is unavailable or locked: the whole batch is retried
    except Exception as exc:
        savepoint.execute("ROLLBACK TO SAVEPOINT mutation")
        savepoint.execute("RELEASE SAVEPOINT mutation")
        discard_after(conn, mark)
        raise _as_rejection(exc, mut) from None
    savepoint.execute("RELEASE SAVEPOINT mutation")


def _apply_one(conn: Connection, caller: Caller, req: PushRequest, mut: Mutation,
               received_at: datetime, settings: Settings | None,
               staged: StagedInserts | None) -> tuple[ItemResult, dict]:
    timing = assess_event_time(
        event_device_time=mut.clock.device_time, event_monotonic_ms=mut.clock.monotonic_ms,
        event_boot_id=mut.clock.boot_id, sent_device_time=req.sent.device_time,
        sent_monotonic_ms=req.sent.monotonic_ms, sent_boot_id=req.sent.boot_id,
        received_at=received_at,
    )
    flags = [Flag.CLOCK_DRIFT.value] if timing.drifted else []
    status, reason, message = ItemStatus.APPLIED, None, None
    handler, model = HANDLERS.get(mut.type), PAYLOADS.get(mut.type)
    try:
        if handler is None or model is None:
            raise Rejected(Reason.UNKNOWN_MUTATION_TYPE, f"Unknown action type {mut.type!r}.")
        try:
            payload = model.model_validate(mut.payload)
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:5])
            raise Rejected(Reason.INVALID_PAYLOAD, f"Invalid fields: {fields}") from None
        ctx = Context(actor=caller.actor, received_at=received_at, event_time=timing.estimated_time,
                      device_time=mut.clock.device_time, settings=settings, flags=tuple(flags),
                      staged=staged if mut.type in STAGED_TYPES else None, device_id=caller.device_id)
        _run_handler(conn, handler, payload, ctx, mut)
    except (AccessDenied, Rejected) as exc:
        status, reason, message = ItemStatus.REJECTED, exc.reason, exc.message
    record = dict(
        idempotency_key=str(mut.idempotency_key), device_id=req.device_id, seq=mut.seq,
        type=mut.type, user_id=caller.actor.user_id, status=status.value, reason=reason,
        message=message, flags=json.dumps(flags), device_time=mut.clock.device_time,
        estimated_time=timing.estimated_time, received_at=received_at,
    )
    result = ItemResult(seq=mut.seq, idempotency_key=mut.idempotency_key, status=status,
                        reason=reason, message=message, flags=flags)
    return result, record


class _Batch:
    """One pass over a batch: results in order, records to insert, staged rows' owners."""

    def __init__(self, conn: Connection, staged: StagedInserts | None) -> None:
        self.conn, self.staged = conn, staged
        self.results: list[ItemResult] = []
        self.records: dict[int, dict] = {}  # result index -> its mutations row
        self.spans: dict[int, tuple[int, int]] = {}  # result index -> its queued changes

    def write_staged(self) -> None:
        """Insert the staged rows; a row whose id exists turns its mutation into a conflict."""
        if self.staged is None or not self.staged.rows:
            return
        try:
            conflicted = self.staged.write(self.conn)
        except OperationalError:
            raise
        except Exception as exc:
            raise _Replay from exc
        pending = self.conn.info.get("pending_changes", [])
        for i in sorted(conflicted, reverse=True):  # later spans first: earlier ones stay put
            start, end = self.spans[i]
            del pending[start:end]
            old, record = self.results[i], self.records[i]
            record.update(status=ItemStatus.REJECTED.value, reason=Reason.CONFLICT,
                          message=CONFLICT_MESSAGE)
            self.results[i] = ItemResult(
                seq=old.seq, idempotency_key=old.idempotency_key, status=ItemStatus.REJECTED,
                reason=Reason.CONFLICT, message=CONFLICT_MESSAGE, flags=old.flags)


def _apply_all(conn: Connection, caller: Caller, req: PushRequest, settings: Settings | None,
               recorded: list[dict], last: int,
               staged: StagedInserts | None) -> tuple[_Batch, int]:
    received_at = datetime.now(UTC)
    by_key, by_seq = dict(recorded[0]), recorded[1]
    batch = _Batch(conn, staged)
    for mut in req.mutations:
        key = str(mut.idempotency_key)
        fresh = key not in by_key and mut.seq not in by_seq and mut.seq > last
        if not (fresh and mut.type in STAGED_TYPES):
            # Anything else may read what the staged rows would write (or report their outcome).
            batch.write_staged()
        if key in by_key and by_key[key]["user_id"] != caller.actor.user_id:
            # Someone else's key: never their outcome (it would leak), never applied.
            batch.results.append(ItemResult(
                seq=mut.seq, idempotency_key=mut.idempotency_key, status=ItemStatus.REJECTED,
                reason=Reason.CONFLICT, message=FOREIGN_KEY_MESSAGE))
        elif key in by_key:
            batch.results.append(_as_duplicate(mut, by_key[key]))
        elif mut.seq in by_seq:
            # Same number, another key: the device reused a number. Never apply it.
            batch.results.append(ItemResult(
                seq=mut.seq, idempotency_key=mut.idempotency_key, status=ItemStatus.REJECTED,
                reason=Reason.SEQ_REUSED, message="This action's number was already used."))
        elif mut.seq <= last:
            # Acknowledged long ago and its record since pruned: still not applied again.
            batch.results.append(ItemResult(seq=mut.seq, idempotency_key=mut.idempotency_key,
                                            status=ItemStatus.DUPLICATE))
        else:
            index, mark = len(batch.results), buffered(conn)
            if staged is not None:
                staged.owner = index
            result, record = _apply_one(conn, caller, req, mut, received_at, settings, staged)
            batch.results.append(result)
            batch.records[index] = by_key[key] = record
            batch.spans[index] = (mark, buffered(conn))
        last = max(last, mut.seq)
    batch.write_staged()
    return batch, last


def apply_batch(conn: Connection, caller: Caller, req: PushRequest,
                settings: Settings | None = None) -> tuple[list[ItemResult], int]:
    """Apply a batch in order inside the caller's transaction.

    Raises:
        BadRequest: numbers in the batch are not consecutive.
        Conflict: the batch starts after a gap (an earlier batch has not arrived yet);
            the client resends from ``details.expected_seq``.
    """
    seqs = [m.seq for m in req.mutations]
    if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
        raise BadRequest(Reason.VALIDATION_ERROR, "Mutation numbers in a batch must be consecutive")
    _take_device_turn(conn, req.device_id)
    last, *recorded = _recorded(conn, req.device_id, req.mutations)
    if seqs[0] > last + 1:
        raise Conflict(Reason.SEQUENCE_GAP, f"Expected action {last + 1} first",
                       {"expected_seq": last + 1, "last_applied_seq": last})
    if any(m.type in STAGED_TYPES for m in req.mutations):
        mark = buffered(conn)
        savepoint = conn.connection.dbapi_connection.cursor()
        savepoint.execute("SAVEPOINT batch")
        try:
            batch, last = _apply_all(conn, caller, req, settings, recorded, last, StagedInserts())
        except _Replay:
            log.info("batch of %s replayed one savepoint per action", req.device_id)
            savepoint.execute("ROLLBACK TO SAVEPOINT batch")
            discard_after(conn, mark)
            batch, last = _apply_all(conn, caller, req, settings, recorded, last, None)
        savepoint.execute("RELEASE SAVEPOINT batch")
    else:
        batch, last = _apply_all(conn, caller, req, settings, recorded, last, None)
    state = {"last_seq": last, "updated_at": datetime.now(UTC)}
    if conn.execute(db.device_state.update().where(
            db.device_state.c.device_id == req.device_id).values(**state)).rowcount == 0:
        conn.execute(db.device_state.insert().values(device_id=req.device_id, **state))
    insert_rows(conn, db.mutations, list(batch.records.values()))
    # The batch's change rows are written by the engine's commit hook, right before COMMIT
    # (no code path can commit its writes and forget their change rows).
    return batch.results, last
