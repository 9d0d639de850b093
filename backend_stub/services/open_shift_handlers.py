"""Issue 10, open shifts: managers add them (drafts until the week is published), staff claim.

Every rule comes from ``app.domain.open_shifts`` and the chain's shift rules, run here again on
the server's own roster (the device's verdict is never trusted). Scope: only a manager of the
store adds an open shift or picks among its claimants; drafts reach the store's managers only,
published open shifts the whole store; a claim reaches its claimant and the store's managers.
The last place: a claim takes it only by raising ``filled`` while it is below ``slots`` in one
conditional UPDATE (the open shift's row is also locked first), so of two claims at once
exactly one wins and the other is refused with "already taken".
"""

import json
import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import open_shifts, roster
from app.domain.access import require_manager_of
from app.domain.shift_rules import Override
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import roster_handlers, shift_news, trade_handlers
from backend_stub.services.availability import load_settings
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context
from backend_stub.services.outcomes import Rejected

log = logging.getLogger(__name__)
_O = db.open_shifts.c
_C = db.open_shift_claims.c


def _refuse(exc: open_shifts.ClaimRefused | roster.RosterRefused) -> Rejected:
    return Rejected(Reason(exc.reason), exc.message)


def _model(row: dict) -> open_shifts.OpenShift:
    return open_shifts.OpenShift(row["id"], row["store_id"], row["role"], db.aware(row["starts_at"]),
                                 db.aware(row["ends_at"]), row["slots"], row["status"], row["filled"], row["version"])


def _emit_open_shift(conn: Connection, row: dict) -> None:
    audience = roster_handlers.shift_audience(row["status"])  # drafts: the store's managers only
    emit(conn, "open_shift", row["id"], row, audience=audience, store_ids=[row["store_id"]])


def _emit_claim(conn: Connection, row: dict) -> None:
    data = {**row, "findings": json.loads(row["findings"] or "{}"), "overrides": json.loads(row["overrides"] or "[]")}
    emit(conn, "open_shift_claim", row["id"], data, audience="user", user_id=row["user_id"])
    emit(conn, "open_shift_claim", row["id"], data, audience="managers", store_ids=[row["store_id"]])


def _load(conn: Connection, open_shift_id: str, ctx: Context) -> dict:
    """The open shift, locked; a draft exists only for the store's managers (staff learn nothing)."""
    row = conn.execute(select(db.open_shifts).where(_O.id == open_shift_id).with_for_update()).mappings().first()
    hidden = row is not None and row["status"] == roster.DRAFT and not (
        ctx.actor.role.is_manager and row["store_id"] in ctx.actor.store_ids)
    if row is None or hidden:
        raise Rejected(Reason.NOT_FOUND, "This open shift no longer exists.")
    return dict(row)


def open_shift_create(conn: Connection, p: m.OpenShiftCreate, ctx: Context) -> None:
    """A new open shift on the store's roster, as a draft."""
    require_manager_of(ctx.actor, [p.store_id])
    starts_at, ends_at = p.starts_at.astimezone(UTC), p.ends_at.astimezone(UTC)
    try:
        open_shifts.check_open_shift(starts_at, ends_at, p.slots, now=ctx.event_time)
    except roster.RosterRefused as exc:
        raise _refuse(exc) from None
    row = {"id": p.open_shift_id, "store_id": p.store_id, "starts_at": starts_at, "ends_at": ends_at,
           "role": p.role, "slots": p.slots, "filled": 0, "status": roster.DRAFT, "version": 1,
           "created_by": ctx.actor.user_id, "created_at": ctx.received_at, "updated_at": ctx.received_at}
    conn.execute(db.open_shifts.insert(), row)  # a reused id: the push layer answers "conflict"
    _emit_open_shift(conn, row)


def _live_claimants(conn: Connection, open_shift_id: str, but: str | None = None) -> set[str]:
    rows = conn.execute(select(_C.user_id, _C.id).where(
        _C.open_shift_id == open_shift_id, _C.state.in_(sorted(open_shifts.LIVE_CLAIMS)))).all()
    return {user_id for user_id, claim_id in rows if claim_id != but}


def _check(conn: Connection, row: dict, user_id: str, now: datetime, but: str | None = None):
    """The rules' verdict on ``user_id`` taking a place on the open shift (raises ``Rejected``)."""
    shift = _model(row)
    trade_handlers._lock_people(conn, {user_id})
    person = trade_handlers._person(conn, user_id)
    index = trade_handlers._roster(conn, {user_id}, [shift.as_shift()])
    try:
        return open_shifts.check_claim(shift, person, _live_claimants(conn, row["id"], but), index,
                                       load_settings(conn), now)
    except open_shifts.ClaimRefused as exc:
        raise _refuse(exc) from None


def _take_place(conn: Connection, row: dict, claim_id: str, user_id: str, ctx: Context) -> str:
    """Give the claimant a place: ``filled`` up only while a place is left, and their shift."""
    done = conn.execute(db.open_shifts.update().where(
        _O.id == row["id"], _O.filled < _O.slots, _O.status == roster.PUBLISHED).values(
        filled=_O.filled + 1, version=_O.version + 1, updated_at=ctx.received_at))
    if done.rowcount != 1:
        raise Rejected(Reason.OPEN_SHIFT_FULL, "Someone else already took the last place on this shift.")
    shift = open_shifts.taken_shift(_model(row), claim_id, user_id)
    shift_row = {"id": shift.id, "store_id": shift.store_id, "user_id": user_id, "starts_at": shift.starts_at,
                 "ends_at": shift.ends_at, "position": shift.role, "status": roster.PUBLISHED, "role": shift.role,
                 "version": 1, "published_version": 1, "updated_at": ctx.received_at,
                 "updated_by": ctx.actor.user_id}
    conn.execute(db.shifts.insert(), shift_row)
    emit(conn, "shift", shift.id, shift_row, audience="store", store_ids=[shift.store_id])
    # Issue 10, openshiftedit: the claimant is told of their new shift, as publishing tells people.
    shift_news.tell_changes(conn, roster.handover_changes([(roster_handlers.span(shift_row), None)]),
                            ctx.actor.user_id, ctx.event_time)
    fresh = conn.execute(select(db.open_shifts).where(_O.id == row["id"])).mappings().one()
    _emit_open_shift(conn, dict(fresh))
    return shift.id


def open_shift_claim(conn: Connection, p: m.OpenShiftClaim, ctx: Context) -> None:
    """A claim, re-checked here: refused with its reason, approved at once (first valid claim
    wins: the claimant's shift is made in this transaction), or waiting for the manager."""
    row = _load(conn, p.open_shift_id, ctx)
    check = _check(conn, row, ctx.actor.user_id, ctx.received_at)
    state = open_shifts.after_claim(check, load_settings(conn))
    claim = {"id": p.claim_id, "open_shift_id": row["id"], "store_id": row["store_id"],
             "user_id": ctx.actor.user_id, "state": state, "shift_id": None,
             "findings": json.dumps(check.to_dict()), "overrides": "[]", "created_at": ctx.received_at,
             "decided_by": None, "decided_at": None}
    if state == open_shifts.APPROVED:
        claim |= {"shift_id": _take_place(conn, row, p.claim_id, ctx.actor.user_id, ctx),
                  "decided_by": "auto", "decided_at": ctx.received_at}
    conn.execute(db.open_shift_claims.insert(), claim)  # a reused id: "conflict"
    _emit_claim(conn, claim)
    log.info("open shift %s claimed by %s: %s", row["id"], ctx.actor.user_id, state)


def open_shift_pick(conn: Connection, p: m.OpenShiftPick, ctx: Context) -> None:
    """A manager of the store gives a claimant a place (rules re-run now) or turns them down."""
    claim = conn.execute(select(db.open_shift_claims).where(_C.id == p.claim_id).with_for_update()).mappings().first()
    if claim is None:
        raise Rejected(Reason.NOT_FOUND, "This claim no longer exists.")
    claim = dict(claim)
    require_manager_of(ctx.actor, [claim["store_id"]])
    row = _load(conn, claim["open_shift_id"], ctx)
    try:
        open_shifts.check_pick(_model(row), claim["state"], p.approve)
    except open_shifts.ClaimRefused as exc:
        raise _refuse(exc) from None
    changes = {"state": open_shifts.DECLINED, "decided_by": ctx.actor.user_id, "decided_at": ctx.received_at}
    if p.approve:
        check = _check(conn, row, claim["user_id"], ctx.received_at, but=claim["id"])
        asked = [Override(o.code, o.person_id, ctx.actor.user_id, o.reason, ctx.received_at) for o in p.overrides]
        try:
            used = open_shifts.accepted_warnings(check, asked)
        except open_shifts.ClaimRefused as exc:
            raise _refuse(exc) from None
        for o in used:
            log.info("override %s for %s on open-shift claim %s by %s", o.code, o.person_id, claim["id"], o.by)
        changes |= {"state": open_shifts.APPROVED, "findings": json.dumps(check.to_dict()),
                    "overrides": json.dumps(open_shifts.overrides_json(used)),
                    "shift_id": _take_place(conn, row, claim["id"], claim["user_id"], ctx)}
    conn.execute(db.open_shift_claims.update().where(_C.id == claim["id"]).values(**changes))
    _emit_claim(conn, {**claim, **changes})


def publish_week(conn: Connection, store_id: str, monday, ctx: Context) -> int:
    """Publishing a roster week publishes its open shifts too (staff see them from now)."""
    start, end = roster.week_bounds(monday)
    rows = conn.execute(select(db.open_shifts).where(
        _O.store_id == store_id, _O.status == roster.DRAFT, _O.starts_at >= start, _O.starts_at < end)).mappings()
    published = 0
    for row in [dict(r) for r in rows]:
        values = {"status": roster.PUBLISHED, "version": row["version"] + 1, "updated_at": ctx.received_at}
        conn.execute(db.open_shifts.update().where(_O.id == row["id"]).values(**values))
        _emit_open_shift(conn, {**row, **values})
        published += 1
    return published


def expire_started(conn: Connection, now: datetime) -> int:
    """Claims still waiting for the manager when their open shift starts expire (housekeeping)."""
    rows = conn.execute(select(db.open_shift_claims).join(db.open_shifts, _O.id == _C.open_shift_id).where(
        _C.state == open_shifts.WAITING, _O.starts_at <= now)).mappings().all()
    for row in rows:
        conn.execute(db.open_shift_claims.update().where(_C.id == row["id"]).values(state=open_shifts.EXPIRED))
        _emit_claim(conn, {**dict(row), "state": open_shifts.EXPIRED})
    return len(rows)


OPEN_SHIFT_HANDLERS = {
    "open_shift.create": open_shift_create,
    "open_shift.claim": open_shift_claim,
    "open_shift.pick": open_shift_pick,
}
