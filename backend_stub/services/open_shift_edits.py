"""Issue 10, openshiftedit: a manager edits (times, role, places) or cancels an open shift.

The rules are ``app.domain.open_shifts.check_edit`` / ``check_cancel`` (the manager's phone ran
them too), run here on the server's own row, locked. Scope: a manager of the open shift's store
only (another store's manager and staff are refused). An edit or cancel made on an older version
than the stored one is refused "changed meanwhile". New times or a new role re-run the shift
rules on every claim still waiting: a claim they now refuse is closed as refused, with the rule.
Cancelling closes the waiting claims as cancelled; people who already have a place keep their
(ordinary) shift. Claimants pull their claim's new state and read it in their own language.
"""

import json
import logging
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import open_shifts, roster
from app.domain.access import require_manager_of
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import open_shift_handlers as handlers
from backend_stub.services import trade_handlers
from backend_stub.services.availability import load_settings
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context

log = logging.getLogger(__name__)
_O = db.open_shifts.c
_C = db.open_shift_claims.c


def _load_managed(conn: Connection, open_shift_id: str, ctx: Context) -> dict:
    """The open shift, locked, for a manager of its store only."""
    require_manager_of(ctx.actor, [])
    row = handlers._load(conn, open_shift_id, ctx)
    require_manager_of(ctx.actor, [row["store_id"]])
    return row


def _waiting_claims(conn: Connection, open_shift_id: str) -> list[dict]:
    return [dict(r) for r in conn.execute(select(db.open_shift_claims).where(
        _C.open_shift_id == open_shift_id, _C.state == open_shifts.WAITING).order_by(_C.id)).mappings()]


def _close_claim(conn: Connection, claim: dict, changes: dict) -> None:
    conn.execute(db.open_shift_claims.update().where(_C.id == claim["id"]).values(**changes))
    handlers._emit_claim(conn, {**claim, **changes})


def _recheck_claims(conn: Connection, shift: open_shifts.OpenShift, ctx: Context) -> int:
    """The shift rules again on each waiting claim; those now refused are closed. How many."""
    settings, refused = load_settings(conn), 0
    for claim in _waiting_claims(conn, shift.id):
        user_id = claim["user_id"]
        trade_handlers._lock_people(conn, {user_id})
        check = open_shifts.claim_rules(shift, trade_handlers._person(conn, user_id),
                                        trade_handlers._roster(conn, {user_id}, [shift.as_shift()]),
                                        settings, ctx.received_at)
        changes = {"state": open_shifts.after_recheck(check), "findings": json.dumps(check.to_dict())}
        if changes["state"] == open_shifts.REFUSED:
            changes |= {"decided_by": ctx.actor.user_id, "decided_at": ctx.received_at}
            refused += 1
        _close_claim(conn, claim, changes)
    return refused


def open_shift_edit(conn: Connection, p: m.OpenShiftEdit, ctx: Context) -> None:
    """New times, role or places for the places still open (the version must be the stored one)."""
    row = _load_managed(conn, p.open_shift_id, ctx)
    before = handlers._model(row)
    try:
        after = open_shifts.check_edit(before, p.version, p.starts_at.astimezone(UTC), p.ends_at.astimezone(UTC),
                                       p.slots, p.role, ctx.received_at)
    except roster.RosterRefused as exc:
        raise handlers._refuse(exc) from None
    values = {"starts_at": after.starts_at, "ends_at": after.ends_at, "role": p.role, "slots": p.slots,
              "version": after.version, "updated_at": ctx.received_at}
    conn.execute(db.open_shifts.update().where(_O.id == row["id"]).values(**values))
    handlers._emit_open_shift(conn, {**row, **values})
    refused = _recheck_claims(conn, after, ctx) if open_shifts.times_changed(before, after) else 0
    log.info("open shift %s edited by %s: %d waiting claim(s) now refused", row["id"], ctx.actor.user_id, refused)


def open_shift_cancel(conn: Connection, p: m.OpenShiftCancel, ctx: Context) -> None:
    """Cancel the places still open; waiting claims are closed as cancelled (their people told)."""
    row = _load_managed(conn, p.open_shift_id, ctx)
    try:
        left = open_shifts.check_cancel(handlers._model(row), p.version, p.keep_filled, ctx.received_at)
    except roster.RosterRefused as exc:
        raise handlers._refuse(exc) from None
    for claim in _waiting_claims(conn, row["id"]):
        _close_claim(conn, claim, {"state": open_shifts.CANCELLED, "decided_by": ctx.actor.user_id,
                                   "decided_at": ctx.received_at})
    if left is None:  # a draft: staff never saw it, so it simply goes
        conn.execute(db.open_shifts.delete().where(_O.id == row["id"]))
        emit(conn, "open_shift", row["id"], None, audience="managers", store_ids=[row["store_id"]])
        return
    values = {"status": left, "version": row["version"] + 1, "updated_at": ctx.received_at}
    conn.execute(db.open_shifts.update().where(_O.id == row["id"]).values(**values))
    handlers._emit_open_shift(conn, {**row, **values})
    log.info("open shift %s cancelled by %s (%d place(s) kept)", row["id"], ctx.actor.user_id, row["filled"])


OPEN_SHIFT_EDIT_HANDLERS = {
    "open_shift.edit": open_shift_edit,
    "open_shift.cancel": open_shift_cancel,
}
