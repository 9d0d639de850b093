"""Issue 10, leave: requests walking their approval chain on the server.

Every rule comes from ``app.domain.requests`` (the device runs the same ones): the server
rebuilds the route from the stored chain, the managers of the request's store and the
delegations active today, and re-checks each action against what it holds now, so an
approval made offline on a request cancelled meanwhile is refused with the reason.
"""

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.attendance import HONG_KONG
from app.domain.requests import balance, chains, flow
from app.domain.requests.chains import Delegation, Person
from app.domain.requests.flow import Action, Decision, State, Status
from app.domain.requests.hk_holidays import holidays_between, leave_days
from app.domain.requests.kinds import Request, RequestType, check_details
from app.domain.roles import Role
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import photo_refs
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, lock_people, person_store_ids
from backend_stub.services.outcomes import Rejected

_MANAGER_ROLES = [r.value for r in Role if r.is_manager]


def load_chain(conn: Connection, type_: RequestType) -> chains.Chain:
    """The chain's stored steps for ``type_`` (the default when none is stored)."""
    steps = conn.execute(select(db.request_chains.c.steps).where(
        db.request_chains.c.type == type_.value)).scalar()
    if steps is None:
        return chains.default_chain(type_)
    return chains.chain_from_data({"type": type_.value, "steps": json.loads(steps)})


def _approvers(conn: Connection) -> list[Person]:
    users = conn.execute(select(db.users.c.id, db.users.c.role).where(
        db.users.c.role.in_(_MANAGER_ROLES), db.users.c.active.is_(True))).all()
    stores: dict[str, set[str]] = {}
    for user_id, store_id in conn.execute(select(db.user_stores.c.user_id, db.user_stores.c.store_id)):
        stores.setdefault(user_id, set()).add(store_id)
    return [Person(u.id, Role(u.role), frozenset(stores.get(u.id, ()))) for u in users]


def _delegations(conn: Connection) -> list[Delegation]:
    t = db.approval_delegations.c
    return [Delegation(r.delegator_id, r.delegate_id, date.fromisoformat(r.first_day),
                       date.fromisoformat(r.last_day))
            for r in conn.execute(select(t.delegator_id, t.delegate_id, t.first_day, t.last_day))]


def route_of(conn: Connection, req: Request, on: date) -> list[chains.PlannedStep]:
    """The request's route as of day ``on`` (stored chain, current managers, active delegations)."""
    return chains.route(load_chain(conn, req.type), req, _approvers(conn), _delegations(conn), on)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _request(row) -> Request:
    return Request(row.id, row.requester_id, row.store_id, RequestType(row.type), _day(row.first_day),
                   _day(row.last_day), row.hours, row.after_the_fact, row.shift_id, row.amount_hkd,
                   row.certificate_sha256, row.note)


def _state(conn: Connection, row) -> State:
    t = db.request_decisions.c
    history = tuple(
        Decision(Action(d.action), d.user_id, db.aware(d.at), d.device_id, d.step, d.round, d.comment,
                 d.on_behalf_of)
        for d in conn.execute(select(db.request_decisions).where(t.request_id == row.id).order_by(t.id)))
    return State(Status(row.status), row.step, row.round, history)


def certificate_readers(conn: Connection, sha: str, on: date) -> frozenset[str] | None:
    """Issue 10, delegation: who has a part in the requests citing photo ``sha`` as of ``on``: each
    requester, the people on its route (delegates in effect and those they stand in for) and
    those who decided a step. None when no request cites it."""
    rows = conn.execute(select(db.requests).where(db.requests.c.certificate_sha256 == sha)).all()
    if not rows:
        return None
    readers: set[str] = set()
    for row in rows:
        req = _request(row)
        readers |= {req.requester_id, *chains.route_people(route_of(conn, req, on)),
                    *(d.user_id for d in _state(conn, row).history)}
    return frozenset(readers)


def _balance(conn: Connection, user_id: str, type_: RequestType, year: int) -> balance.LeaveBalance:
    e, r = db.leave_entitlements.c, db.requests.c
    entitled = conn.execute(select(e.days).where(e.user_id == user_id, e.type == type_.value,
                                                 e.year == year)).scalar() or 0
    rows = conn.execute(select(r.status, r.days).where(
        r.requester_id == user_id, r.type == type_.value, r.first_day.like(f"{year}-%"))).all()
    return balance.leave_balance(entitled, [(s, d) for s, d in rows])


def _emit(conn: Connection, req: Request, state: State, now: datetime, on: date, also: Iterable[str] = ()) -> None:
    """Send the request, its whole route and its history to the requester and the store's managers
    (and to ``also``: a delegate it no longer waits for)."""
    planned = route_of(conn, req, on)
    here = flow.current_step(planned, state)
    row = conn.execute(select(db.requests).where(db.requests.c.id == req.request_id)).mappings().one()
    data = {**dict(row), "route": chains.route_to_data(planned),
            "current_step": None if here is None else here.index,
            "history": [flow.decision_to_data(d) for d in state.history]}
    if req.type.is_leave and req.first_day is not None:
        data["holidays"] = [{"day": d, "name": n} for d, n in
                            holidays_between(req.first_day, req.last_day or req.first_day).items()]
    if req.shift_id:
        s = db.shifts.c
        shift = conn.execute(select(s.starts_at, s.ends_at, s.position).where(s.id == req.shift_id)).mappings().first()
        data["shift"] = None if shift is None else dict(shift)
    if req.type.has_balance and req.first_day is not None:
        bal = _balance(conn, req.requester_id, req.type, req.first_day.year)
        data["balance"] = {"entitled": bal.entitled, "used": bal.used, "held": bal.held,
                           "available": bal.available}
    emit(conn, "request", req.request_id, data, audience="user", user_id=req.requester_id)
    emit(conn, "request", req.request_id, data, audience="managers", store_ids=[req.store_id])
    # A delegate standing in for an approver, now or later, may work at other stores: they get it
    # by name (a phone works out from its delegations who decides on the day).
    people = chains.route_people(planned)
    later = {d.delegate_id for d in _delegations(conn) if d.delegator_id in people and d.last_day >= on}
    for delegate in sorted(({d for s in planned for d in s.on_behalf_of} | later | set(also)) - {req.requester_id}):
        emit(conn, "request", req.request_id, data, audience="user", user_id=delegate)


def _save(conn: Connection, req: Request, before: State, after: State, now: datetime, on: date) -> None:
    conn.execute(db.requests.update().where(db.requests.c.id == req.request_id).values(
        status=after.status.value, step=after.step, round=after.round, updated_at=now))
    new = after.history[len(before.history):]
    conn.execute(db.request_decisions.insert(), [
        {"request_id": req.request_id, "action": d.action.value, "user_id": d.user_id, "at": d.at,
         "device_id": d.device_id, "step": d.step, "round": d.round, "comment": d.comment,
         "on_behalf_of": d.on_behalf_of} for d in new])
    _emit(conn, req, after, now, on)


def _today(ctx: Context) -> date:
    return ctx.received_at.astimezone(HONG_KONG).date()


def _check_shift(conn: Connection, req: Request) -> None:
    s = db.shifts.c
    shift = conn.execute(select(s.user_id, s.store_id).where(s.id == req.shift_id)).first()
    if shift is None or shift.user_id != req.requester_id or shift.store_id != req.store_id:
        raise Rejected(Reason.NOT_FOUND, "That shift is not one of yours at this store.")


def request_submit(conn: Connection, p: m.RequestSubmit, ctx: Context) -> None:
    """A new request from the caller at one of their own stores, checked like on the device."""
    # At a store the person works at (its managers approve); the HQ admin works at none.
    if p.store_id not in person_store_ids(conn, ctx.actor.user_id):
        raise Rejected(Reason.FORBIDDEN_ROLE, "You do not work at this store.")
    req = Request(p.request_id, ctx.actor.user_id, p.store_id, p.type, p.first_day, p.last_day or p.first_day,
                  p.hours, p.after_the_fact, p.shift_id, p.amount_hkd, p.certificate_sha256, p.note)
    check_details(req)
    if req.type is RequestType.SHIFT_CHANGE:
        _check_shift(conn, req)
    if req.certificate_sha256:
        photo_refs.require_own_photos(conn, [req.certificate_sha256], ctx.actor.user_id)
    days = leave_days(req.first_day, req.last_day) if req.type.is_leave else 0
    if req.type.has_balance:
        balance.require_within_balance(_balance(conn, req.requester_id, req.type, req.first_day.year), days)
    on = _today(ctx)
    state = flow.submit(route_of(conn, req, on), req.requester_id, ctx.received_at, ctx.device_id)
    row = {"id": req.request_id, "requester_id": req.requester_id, "store_id": req.store_id,
           "type": req.type.value, "first_day": p.first_day and p.first_day.isoformat(),
           "last_day": req.last_day and req.last_day.isoformat(), "days": days, "hours": req.hours,
           "after_the_fact": req.after_the_fact, "shift_id": req.shift_id, "amount_hkd": req.amount_hkd,
           "certificate_sha256": req.certificate_sha256, "note": req.note, "status": Status.PENDING.value,
           "step": None, "round": 1, "created_at": ctx.received_at, "updated_at": ctx.received_at}
    # An existing id fails the primary key; the push layer turns that into a per-item conflict.
    conn.execute(db.requests.insert(), row)
    _save(conn, req, State(Status.PENDING, None), state, ctx.received_at, on)


def _existing(conn: Connection, request_id: str):
    # Locked until commit (PostgreSQL): two approvers deciding at once are taken one after the
    # other, and the second is checked against the first's result.
    row = conn.execute(select(db.requests).where(db.requests.c.id == request_id).with_for_update()).first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This request no longer exists.")
    return row


def request_decide(conn: Connection, p: m.RequestDecide, ctx: Context) -> None:
    """An approver of the current step decides; re-checked against the request as it is now."""
    row = _existing(conn, p.request_id)
    req, before, on = _request(row), _state(conn, row), _today(ctx)
    planned = route_of(conn, req, on)
    on_route = any(ctx.actor.user_id in s.approvers for s in planned)
    if not (on_route or ctx.actor.covers(row.store_id) or row.requester_id == ctx.actor.user_id):
        # Someone with no part in it (e.g. another store's manager): as if it did not exist.
        raise Rejected(Reason.NOT_FOUND, "This request no longer exists.")
    after = flow.decide(planned, before, req.requester_id, ctx.actor.user_id,
                        Action(p.decision), ctx.received_at, p.comment, ctx.device_id)
    _save(conn, req, before, after, ctx.received_at, on)


def request_cancel(conn: Connection, p: m.RequestCancel, ctx: Context) -> None:
    """The requester withdraws their request before the final decision (days held are restored)."""
    row = _existing(conn, p.request_id)
    req, before = _request(row), _state(conn, row)
    after = flow.cancel(before, req.requester_id, ctx.actor.user_id, ctx.received_at, ctx.device_id)
    _save(conn, req, before, after, ctx.received_at, _today(ctx))


def request_resubmit(conn: Connection, p: m.RequestResubmit, ctx: Context) -> None:
    """The requester answers a send-back."""
    row = _existing(conn, p.request_id)
    req, before = _request(row), _state(conn, row)
    after = flow.resubmit(before, req.requester_id, ctx.actor.user_id, ctx.received_at, p.comment,
                          ctx.device_id)
    _save(conn, req, before, after, ctx.received_at, _today(ctx))


def delegation_set(conn: Connection, p: m.DelegationSet, ctx: Context) -> None:
    """A manager hands their approvals to another manager for a date range (applies automatically)."""
    people = {x.user_id: x for x in _approvers(conn)}
    delegate = people.get(p.delegate_id) or Person(p.delegate_id, Role.STAFF)
    me = people.get(ctx.actor.user_id) or Person(ctx.actor.user_id, ctx.actor.role)
    # Issue 10, issue10fix: hold the delegator's row before reading their hand-overs, so two
    # overlapping ones pushed at once (two phones) are checked one after the other on
    # PostgreSQL: the second sees the first and is refused. SQLite's writer runs one at a time.
    lock_people(conn, {me.user_id})
    chains.check_delegation(me, delegate, p.first_day, p.last_day, _delegations(conn))
    row = {"id": p.delegation_id, "delegator_id": me.user_id, "delegate_id": delegate.user_id,
           "first_day": p.first_day.isoformat(), "last_day": p.last_day.isoformat()}
    conn.execute(db.approval_delegations.insert(), row)
    name = conn.execute(select(db.users.c.name).where(db.users.c.id == delegate.user_id)).scalar()
    stores = _stores_of(conn, me)
    _tell_delegation(conn, stores, row, {**row, "delegate_name": name})
    _resend_waiting(conn, stores, ctx, set())


def delegation_cancel(conn: Connection, p: m.DelegationCancel, ctx: Context) -> None:
    """Issue 10, delegation: the delegator (or HQ) ends a hand-over; the requests waiting go back
    to the delegator at once, and leave the delegate's queue."""
    t = db.approval_delegations.c
    row = conn.execute(select(db.approval_delegations).where(t.id == p.delegation_id).with_for_update()).first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This delegation no longer exists.")
    people = {x.user_id: x for x in _approvers(conn)}
    me = people.get(ctx.actor.user_id) or Person(ctx.actor.user_id, ctx.actor.role)
    chains.check_cancel_delegation(me, Delegation(row.delegator_id, row.delegate_id, date.fromisoformat(row.first_day),
                                                  date.fromisoformat(row.last_day)))
    stores = _stores_of(conn, people.get(row.delegator_id) or Person(row.delegator_id, Role.STAFF))
    on = _today(ctx)
    held = {w.id for w in _waiting(conn, stores)
            if row.delegate_id in chains.route_people(route_of(conn, _request(w), on))}
    conn.execute(db.approval_delegations.delete().where(t.id == p.delegation_id))
    _tell_delegation(conn, stores, dict(row._mapping), None)
    _resend_waiting(conn, stores, ctx, held, row.delegate_id)


def _stores_of(conn: Connection, delegator: Person) -> list[str]:
    """The stores whose requests a delegator approves (HQ: every store)."""
    return sorted(delegator.store_ids) or list(conn.execute(select(db.stores.c.id)).scalars())


def _waiting(conn: Connection, stores: list[str]) -> list:
    r = db.requests.c
    return conn.execute(select(db.requests).where(r.status == Status.PENDING.value, r.store_id.in_(stores))).all()


def _tell_delegation(conn: Connection, stores: list[str], row: dict, shown: dict | None) -> None:
    """Send a delegation (``shown``; None: cancelled) to both people and the delegator's stores,
    whose phones show requesters the route with the delegate (named: they may work elsewhere)."""
    for user_id in (row["delegator_id"], row["delegate_id"]):
        emit(conn, "delegation", row["id"], shown and row, audience="user", user_id=user_id)
    emit(conn, "delegation", row["id"], shown, audience="store", store_ids=stores)


def _resend_waiting(conn: Connection, stores: list[str], ctx: Context, held: set[str], former: str = "") -> None:
    """Re-send the requests waiting at ``stores`` with their route as it is now, so the queue of
    whoever decides them today has them (``held``: also to the ``former`` delegate, to drop them)."""
    on = _today(ctx)
    for waiting in _waiting(conn, stores):
        _emit(conn, _request(waiting), _state(conn, waiting), ctx.received_at, on,
              also=[former] if waiting.id in held else [])


REQUEST_HANDLERS = {
    "delegation.set": delegation_set,
    "delegation.cancel": delegation_cancel,  # issue 10, delegation
    "request.submit": request_submit,
    "request.decide": request_decide,
    "request.cancel": request_cancel,
    "request.resubmit": request_resubmit,
}
