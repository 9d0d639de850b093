"""What each mutation type does on the server. The rules come from ``app.domain``.

A handler validates against the current server state, writes the domain rows and their
change-feed rows, and raises ``Rejected`` to refuse. The caller runs each handler in a
savepoint, so a refusal or a crash leaves nothing half-written; ``STAGED_TYPES`` only read
and stage their one insert, written with the batch's others (services/staged.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from app.domain import broadcasts as broadcast_rules
from app.domain.access import require_manager_of, require_self, require_store
from app.domain.roles import Actor
from app.protocol import Flag, Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import broadcasts, shift_news, task_board
from backend_stub.services.changes import emit
from backend_stub.services.outcomes import Rejected
from backend_stub.services.staged import StagedInserts
from backend_stub.settings import Settings


@dataclass(frozen=True)
class Context:
    """Facts about the mutation that are not in its payload.

    ``event_time`` is the server's estimate of when it happened; ``device_time`` what the
    device's clock said; ``flags`` what the push layer already noticed (e.g. clock_drift).
    """

    actor: Actor
    received_at: datetime
    event_time: datetime
    device_time: datetime | None = None
    settings: Settings | None = None
    flags: tuple[str, ...] = ()
    #: Where ``STAGED_TYPES`` handlers put their insert (None: they insert at once).
    staged: StagedInserts | None = None
    #: The device the action came from (issue 10, leave: every request step names it).
    device_id: str = ""


Handler = Callable[[Connection, object, Context], None]


_BY_ID = {t.name: select(t).where(t.c.id == bindparam("key"))
          for t in (db.notes, db.tasks, db.broadcasts)}


def _one(conn: Connection, table, key: str) -> dict | None:
    # Prebuilt statements: SQLAlchemy reuses their compiled form on every call.
    row = conn.execute(_BY_ID[table.name], {"key": key}).mappings().first()
    return None if row is None else dict(row)


def lock_people(conn: Connection, people) -> None:
    """Serialise actions touching the same people (sorted: two lockers never deadlock): hold
    their user rows before reading what a rule checks (their shifts, their hand-overs)."""
    ids = sorted(p for p in people if p)
    conn.execute(select(db.users.c.id).where(db.users.c.id.in_(ids)).order_by(db.users.c.id).with_for_update()).all()


def person_store_ids(conn: Connection, user_id: str) -> set[str]:
    """The stores a person works at (their own stores; the HQ admin works at none)."""
    return set(conn.execute(select(db.user_stores.c.store_id).where(
        db.user_stores.c.user_id == user_id)).scalars())


def broadcast_store_ids(conn: Connection, broadcast_id: str) -> list[str]:
    return list(
        conn.execute(
            select(db.broadcast_stores.c.store_id).where(
                db.broadcast_stores.c.broadcast_id == broadcast_id
            )
        ).scalars()
    )


def receipt_time(ctx: Context, claimed: datetime, sent: dict) -> datetime:
    """Issue 11, probe11: a read or acknowledgement's time of broadcast ``sent`` as receipts show
    it (the rule: app.domain.broadcasts.receipt_time), from what the push layer judged of the
    phone's clock."""
    shown = broadcast_rules.sent_at(db.aware(sent["created_at"]), sent["send_at"] and db.aware(sent["send_at"]))
    return broadcast_rules.receipt_time(claimed, ctx.device_time, ctx.event_time, ctx.received_at,
                                        Flag.CLOCK_DRIFT in ctx.flags, shown)


def _broadcast_read(conn: Connection, p: m.BroadcastRead, ctx: Context) -> None:
    require_self(ctx.actor, p.user_id)
    targets = broadcast_store_ids(conn, p.broadcast_id)
    if not targets:
        raise Rejected(Reason.NOT_FOUND, "This broadcast no longer exists.")
    if not any(ctx.actor.covers(s) for s in targets):
        raise Rejected(Reason.FORBIDDEN_ROLE, "This broadcast was not sent to your store.")
    addressed = shift_news.recipients(conn, p.broadcast_id)  # issue 10, shiftnews
    if addressed and p.user_id not in addressed:
        raise Rejected(Reason.FORBIDDEN_ROLE, "This broadcast was not sent to you.")
    sent = _one(conn, db.broadcasts, p.broadcast_id)
    if not broadcast_rules.readers_had(sent["stage"]):  # issue 11, probe11: held for later, not theirs yet
        raise Rejected(Reason.NOT_FOUND, "This broadcast was not sent to you.")
    key = (db.broadcast_reads.c.broadcast_id == p.broadcast_id) & (
        db.broadcast_reads.c.user_id == p.user_id
    )
    if conn.execute(select(db.broadcast_reads.c.user_id).where(key)).first():
        return  # Read twice from two devices: the first receipt stands.
    row = {"broadcast_id": p.broadcast_id, "user_id": p.user_id, "read_at": receipt_time(ctx, p.read_at, sent),
           "received_at": ctx.received_at}
    conn.execute(db.broadcast_reads.insert(), row)
    data = {"id": f"{p.broadcast_id}:{p.user_id}", **row}
    emit(conn, "broadcast_read", data["id"], data, audience="user", user_id=p.user_id)
    if addressed and sent["kind"] != shift_news.SHIFT_CHANGE:
        # Issue 11, broadcasts: receipts reach the sender and their managers only.
        for user_id in sorted(broadcasts.followers(conn, sent["author_id"]) - {p.user_id}):
            emit(conn, "broadcast_read", data["id"], data, audience="user", user_id=user_id)
        return
    emit(conn, "broadcast_read", data["id"], data, audience="managers",
         store_ids=[s for s in targets if ctx.actor.covers(s)])


def _note_add(conn: Connection, p: m.NoteAdd, ctx: Context) -> None:
    require_self(ctx.actor, p.user_id)
    require_store(ctx.actor, p.store_id)
    if p.shift_id and not conn.execute(select(db.shifts.c.id).where(
            db.shifts.c.id == p.shift_id, db.shifts.c.store_id == p.store_id)).first():
        raise Rejected(Reason.NOT_FOUND, "This shift is not one of this store's.")
    # An existing id is a per-item conflict: found by the staged insert, or by the primary
    # key (the push layer turns that IntegrityError into the same conflict).
    row = {"id": p.note_id, "store_id": p.store_id, "author_id": p.user_id,
           "shift_id": p.shift_id, "body": p.body, "created_at": ctx.event_time}
    if ctx.staged is not None:
        ctx.staged.add(db.notes, row)
    else:
        conn.execute(db.notes.insert(), row)
    emit(conn, "note", p.note_id, row, audience="store", store_ids=[p.store_id])


def _note_delete(conn: Connection, p: m.NoteDelete, ctx: Context) -> None:
    note = _one(conn, db.notes, p.note_id)
    if note is None:
        raise Rejected(Reason.NOT_FOUND, "This note no longer exists.")
    if note["author_id"] != ctx.actor.user_id:
        require_manager_of(ctx.actor, [note["store_id"]])
    conn.execute(db.notes.delete().where(db.notes.c.id == p.note_id))
    emit(conn, "note", p.note_id, None, audience="store", store_ids=[note["store_id"]])


def _task_complete(conn: Connection, p: m.TaskComplete, ctx: Context) -> None:
    # Issue 12, taskboard: photos, note and checklist, for review (services/task_board.py).
    task_board.complete(conn, p, ctx.actor, ctx.event_time)


def _broadcast_create(conn: Connection, p: m.BroadcastCreate, ctx: Context) -> None:
    if _one(conn, db.broadcasts, p.broadcast_id):
        raise Rejected(Reason.CONFLICT, "A broadcast with this id already exists.")
    broadcasts.send(conn, p, ctx.actor, ctx.event_time)  # issue 11, broadcasts: audiences


def _broadcast_acknowledge(conn: Connection, p: m.BroadcastAcknowledge, ctx: Context) -> None:
    sent = _one(conn, db.broadcasts, p.broadcast_id)
    if sent is not None:  # issue 11, probe11 (one that does not exist is refused below)
        p = p.model_copy(update={"acknowledged_at": receipt_time(ctx, p.acknowledged_at, sent)})
    broadcasts.acknowledge(conn, p, ctx.actor, ctx.received_at)  # issue 11, broadcasts


#: Types whose handler only reads before it stages its one insert in ``ctx.staged``: it
#: writes nothing itself, so it needs no savepoint of its own.
STAGED_TYPES = frozenset({"note.add"})

#: Basic mutation type -> handler (see services/registry.py for the full table).
BASIC_HANDLERS: dict[str, Handler] = {
    "broadcast.read": _broadcast_read,
    "note.add": _note_add,
    "note.delete": _note_delete,
    "task.complete": _task_complete,
    "broadcast.create": _broadcast_create,
    "broadcast.acknowledge": _broadcast_acknowledge,  # issue 11, broadcasts
}
