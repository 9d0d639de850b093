"""Issue 10, trades: swaps, offers and cover requests through sync, decided on the server.

The shift rules (``app.domain.shift_rules``) run here again on the server's own roster (the
device's verdict is never trusted); the states come from ``app.domain.trades``. Scope: a
staff member trades only their own published shifts; the colleague works at a store the
chain lets them cover; only a manager of the shift's store decides. Conflicts: each action
locks the trade and the people it touches (``FOR UPDATE`` on PostgreSQL; SQLite writers are
serial already) and hands shifts over only if they are still at the version the request saw,
so of two managers approving conflicting trades exactly one wins.
"""

import json
import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import roster, trades
from app.domain.access import require_manager_of, require_self, require_store
from app.domain.shift_rules import (
    Override, Person, RosterIndex, Shift, Trade, TradeCheck, TradeKind, check_trade,
)
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import roster_handlers, shift_news, training_skills
from backend_stub.services.availability import load_availability, load_settings
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, lock_people, person_store_ids
from backend_stub.services.outcomes import Rejected

log = logging.getLogger(__name__)
_S = db.shifts.c
_T = db.shift_trades.c


def _refuse(exc: trades.TradeRefused) -> Rejected:
    return Rejected(Reason(exc.reason), exc.message)


def _shift(row) -> Shift:
    return Shift(row["id"], row["user_id"], row["store_id"], row["role"] or "", db.aware(row["starts_at"]),
                 db.aware(row["ends_at"]), row["status"])


def _load_shift(conn: Connection, shift_id: str, lock: bool = False) -> dict:
    query = select(db.shifts).where(_S.id == shift_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This shift no longer exists.")
    return dict(row)


_lock_people = lock_people  # moved to handlers (issue10fix): rosters and delegations serialise too


def _person(conn: Connection, user_id: str, now: datetime | None = None) -> Person:
    """A colleague as the rules see them: rostered roles, and (issue 13) the skills their valid
    training grants now, which a shift needing that skill checks."""
    roles = conn.execute(select(_S.role).where(_S.user_id == user_id).distinct()).scalars()
    found = trades.person(user_id, person_store_ids(conn, user_id), roles, load_availability(conn, user_id))
    return training_skills.with_training_of(conn, found, now or datetime.now(UTC))


def _roster(conn: Connection, people, shifts: list[Shift]) -> RosterIndex:
    """The live shifts of ``people`` around the traded shifts (what the rules look at)."""
    start, end = trades.roster_window(shifts)
    rows = conn.execute(select(db.shifts).where(
        _S.user_id.in_(sorted(people)), _S.status == "published", _S.starts_at >= start,
        _S.starts_at < end)).mappings()
    return RosterIndex.build(_shift(r) for r in rows)


def _check(conn: Connection, kind: TradeKind, shift: Shift, taker_id: str, swap: Shift | None,
           now: datetime) -> TradeCheck:
    involved = {taker_id, shift.person_id} - {None}
    people = {p: _person(conn, p, now) for p in involved}
    roster = _roster(conn, involved, [shift, swap])
    return check_trade(Trade(kind, shift, taker_id, swap), people, roster, load_settings(conn), now)


def _row(conn: Connection, trade_id: str) -> dict:
    row = conn.execute(select(db.shift_trades).where(_T.id == trade_id).with_for_update()).mappings().first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This request no longer exists.")
    return dict(row)


def _save(conn: Connection, row: dict, changes: dict, ctx: Context) -> None:
    """Store the trade's new state and send it to the store's devices."""
    changes = {**changes, "updated_at": ctx.received_at}
    conn.execute(db.shift_trades.update().where(_T.id == row["id"]).values(**changes))
    _emit(conn, {**row, **changes})


#: Trades between two named people; the others (pool offers, cover requests) are the store's.
_BETWEEN_TWO = frozenset({TradeKind.SWAP.value, TradeKind.OFFER.value})


def _emit(conn: Connection, row: dict) -> None:
    data = {k: v for k, v in row.items() if k not in ("findings", "overrides")}
    data["findings"] = json.loads(row["findings"] or "{}")
    data["overrides"] = json.loads(row["overrides"] or "[]")
    if row["kind"] in _BETWEEN_TWO:  # a colleague's private offer: the two of them and the managers
        for person in {row["requester_id"], row["taker_id"]} - {None}:
            emit(conn, "trade", row["id"], data, audience="user", user_id=person)
        emit(conn, "trade", row["id"], data, audience="managers", store_ids=[row["store_id"]])
    else:  # open to the store: anyone eligible may take it, and all see when it is gone
        emit(conn, "trade", row["id"], data, audience="store", store_ids=[row["store_id"]])


def _current(conn: Connection, row: dict, ctx: Context) -> tuple[Shift, Shift | None]:
    """The trade's shifts as they stand, refused when either changed since the request."""
    shift_row = _load_shift(conn, row["shift_id"], lock=True)
    trades.require_unchanged(row["shift_version"], shift_row["version"], shift_row["user_id"], row["requester_id"])
    swap = None
    if row["swap_shift_id"]:
        swap_row = _load_shift(conn, row["swap_shift_id"], lock=True)
        trades.require_unchanged(row["swap_shift_version"], swap_row["version"], swap_row["user_id"], row["taker_id"])
        swap = _shift(swap_row)
    return _shift(shift_row), swap


def trade_request(conn: Connection, p: m.TradeRequest, ctx: Context) -> None:
    """A new request, checked at once: refused with its reasons, or waiting for the colleague."""
    kind = TradeKind(p.kind)
    try:
        trades.request_shape(kind, p.taker_id, p.swap_shift_id is not None)
    except trades.TradeRefused as exc:
        raise _refuse(exc) from None
    shift_row = _load_shift(conn, p.shift_id, lock=True)
    require_self(ctx.actor, shift_row["user_id"])
    require_store(ctx.actor, shift_row["store_id"])
    _lock_people(conn, {ctx.actor.user_id, p.taker_id})
    shift = _shift(shift_row)
    swap = _shift(_load_shift(conn, p.swap_shift_id, lock=True)) if p.swap_shift_id else None
    swap_version = None
    try:
        trades.require_unchanged(p.shift_version, shift_row["version"], shift.person_id, ctx.actor.user_id)
        if swap is not None:
            swap_version = _load_shift(conn, p.swap_shift_id)["version"]
            trades.require_unchanged(p.swap_shift_version or 0, swap_version, swap.person_id, p.taker_id)
        trades.require_not_asked_twice(kind, p.taker_id, conn.execute(select(_T.kind, _T.taker_id, _T.state).where(
            _T.shift_id == p.shift_id)).all())
    except trades.TradeRefused as exc:
        raise _refuse(exc) from None
    if p.taker_id is None:
        check = trades.open_request_check(kind, shift, load_settings(conn), ctx.received_at)
    else:
        check = _check(conn, kind, shift, p.taker_id, swap, ctx.received_at)
    row = {"id": p.trade_id, "kind": kind.value, "store_id": shift.store_id, "shift_id": shift.id,
           "shift_version": shift_row["version"], "swap_shift_id": p.swap_shift_id, "swap_shift_version": swap_version,
           "requester_id": ctx.actor.user_id, "taker_id": p.taker_id, "state": trades.after_request(kind, check),
           "findings": json.dumps(check.to_dict()), "overrides": "[]", "created_at": ctx.received_at,
           "updated_at": ctx.received_at, "decided_by": None, "decided_at": None}
    conn.execute(db.shift_trades.insert(), row)  # a reused id: the push layer answers "conflict"
    _emit(conn, row)


def trade_respond(conn: Connection, p: m.TradeRespond, ctx: Context) -> None:
    """The named colleague (or, for a pool offer or cover, whoever takes it) says yes or no."""
    row = _row(conn, p.trade_id)
    kind = TradeKind(row["kind"])
    anyone = kind in trades.ANYONE_KINDS
    if not anyone:
        require_self(ctx.actor, row["taker_id"])
    elif ctx.actor.user_id == row["requester_id"]:
        raise Rejected(Reason.NOT_YOUR_RECORD, "You cannot take your own shift.")
    try:
        if row["state"] != trades.WAITING_COLLEAGUE:
            if anyone and row["taker_id"]:
                raise trades.TradeRefused(trades.REASON_ALREADY_TAKEN, "Someone else took this shift first.")
            raise trades.TradeRefused(trades.REASON_TRADE_CLOSED, "This request no longer waits for an answer.")
        if not p.accept:
            if anyone:
                return  # one colleague passing on a cover request leaves it open for the others
            _save(conn, row, {"state": trades.DECLINED, "decided_by": ctx.actor.user_id,
                              "decided_at": ctx.received_at}, ctx)
            return
        _lock_people(conn, {row["requester_id"], ctx.actor.user_id})
        shift, swap = _current(conn, row, ctx)
    except trades.TradeRefused as exc:
        raise _refuse(exc) from None
    check = _check(conn, kind, shift, ctx.actor.user_id, swap, ctx.received_at)
    if not check.allowed and anyone:
        # A colleague who may not take it is told why; the request stays open for the others.
        first = check.refusals[0]
        raise Rejected(Reason(first.code), f"You cannot take this shift ({first.code}).")
    state = trades.after_accept(check, load_settings(conn))
    changes = {"taker_id": ctx.actor.user_id, "state": state, "findings": json.dumps(check.to_dict())}
    if state == trades.APPROVED:
        _apply(conn, {**row, **changes}, ctx)
        changes |= {"decided_by": "auto", "decided_at": ctx.received_at}
    _save(conn, row, changes, ctx)


def trade_decide(conn: Connection, p: m.TradeDecide, ctx: Context) -> None:
    """A manager of the shift's store approves (rules re-run now; warnings overridden with a
    reason, logged) or declines. A shift that changed meanwhile fails with "shift changed"."""
    row = _row(conn, p.trade_id)
    require_manager_of(ctx.actor, [row["store_id"]])
    try:
        trades.require_not_party(ctx.actor.user_id, row["requester_id"], row["taker_id"])
    except trades.TradeRefused as exc:
        raise _refuse(exc) from None
    overrides = [Override(o.code, o.person_id, ctx.actor.user_id, o.reason, ctx.received_at) for o in p.overrides]
    try:
        if not p.approve:
            trades.decide(row["state"], False, None)
            _save(conn, row, {"state": trades.DECLINED, "decided_by": ctx.actor.user_id,
                              "decided_at": ctx.received_at}, ctx)
            return
        trades.require_open(row["state"])
        _lock_people(conn, {row["requester_id"], row["taker_id"]})
        shift, swap = _current(conn, row, ctx)
        check = _check(conn, TradeKind(row["kind"]), shift, row["taker_id"], swap, ctx.received_at)
        decision = trades.decide(row["state"], True, check, overrides)
    except trades.TradeRefused as exc:
        raise _refuse(exc) from None
    if not decision.apply:
        first = check.refusals[0]
        raise Rejected(Reason(first.code), f"The rules refuse this trade now ({first.code}).")
    used = [o for o in overrides if any(o.covers(w) for w in check.warnings)]
    for o in used:
        log.info("override %s for %s on trade %s by %s at %s", o.code, o.person_id, row["id"], o.by, o.at.isoformat())
    _apply(conn, row, ctx)
    logged = [{"code": o.code, "person_id": o.person_id, "by": o.by, "reason": o.reason, "at": o.at.isoformat()}
              for o in used]
    _save(conn, row, {"state": trades.APPROVED, "findings": json.dumps(check.to_dict()),
                      "overrides": json.dumps(logged), "decided_by": ctx.actor.user_id,
                      "decided_at": ctx.received_at}, ctx)


def trade_cancel(conn: Connection, p: m.TradeCancel, ctx: Context) -> None:
    """The requester withdraws their request while it still waits."""
    row = _row(conn, p.trade_id)
    require_self(ctx.actor, row["requester_id"])
    try:
        trades.require_open(row["state"])
    except trades.TradeRefused as exc:
        raise _refuse(exc) from None
    _save(conn, row, {"state": trades.CANCELLED, "decided_by": ctx.actor.user_id,
                      "decided_at": ctx.received_at}, ctx)


def _apply(conn: Connection, row: dict, ctx: Context) -> None:
    """Hand the shifts over, only at the versions the request saw (else "shift changed")."""
    moves = [(row["shift_id"], row["shift_version"], row["requester_id"], row["taker_id"])]
    if row["swap_shift_id"]:
        moves.append((row["swap_shift_id"], row["swap_shift_version"], row["taker_id"], row["requester_id"]))
    handed = []
    for shift_id, version, giver, taker in moves:
        done = conn.execute(db.shifts.update().where(
            _S.id == shift_id, _S.version == version, _S.user_id == giver).values(
            user_id=taker, version=version + 1, published_version=version + 1, updated_at=ctx.received_at,
            updated_by=ctx.actor.user_id))
        if done.rowcount != 1:
            raise Rejected(Reason.TRADE_SHIFT_CHANGED, "The shift changed after this request was made.")
        shift_row = _load_shift(conn, shift_id)
        emit(conn, "shift", shift_id, shift_row, audience="store", store_ids=[shift_row["store_id"]])
        handed.append((roster_handlers.span(shift_row), giver))
    # Issue 10, openshiftedit: the giver and the taker are told, as publishing tells people.
    shift_news.tell_changes(conn, roster.handover_changes(handed), ctx.actor.user_id, ctx.event_time)
    log.info("trade %s applied: %d shift(s) changed hands", row["id"], len(moves))


def expire_started(conn: Connection, now: datetime) -> int:
    """Requests still waiting when their shift starts expire (housekeeping)."""
    rows = conn.execute(select(db.shift_trades).join(db.shifts, _S.id == _T.shift_id).where(
        _T.state.in_(sorted(trades.OPEN_STATES)), _S.starts_at <= now)).mappings().all()
    for row in rows:
        changes = {"state": trades.EXPIRED, "updated_at": now}
        conn.execute(db.shift_trades.update().where(_T.id == row["id"]).values(**changes))
        _emit(conn, {**dict(row), **changes})
    return len(rows)


TRADE_HANDLERS = {
    "trade.request": trade_request,
    "trade.respond": trade_respond,
    "trade.decide": trade_decide,
    "trade.cancel": trade_cancel,
}
