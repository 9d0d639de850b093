"""Issue 10, leave: requests on the device, offline through the outbox.

The same rules as the server (``app.domain.requests``): a request is checked before it is
queued, and a decision is checked against the route and history last pulled. The server
re-checks both when they sync; a refusal undoes the local effect (``undo``).
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.domain.attendance import HONG_KONG
from app.domain.requests import balance, chains, flow
from app.domain.requests.balance import LeaveBalance
from app.domain.requests.chains import Delegation, Need, Person, PlannedStep
from app.domain.requests.flow import Action, Decision, State, Status
from app.domain.requests.hk_holidays import holidays_between, leave_days
from app.domain.requests.kinds import Request, RequestRefused, RequestType, check_details
from app.domain.roles import Actor, Role
from app.protocol import mutations as m
from app.store.actions import keep_photo, local_photo
from app.store.clock import DeviceClock
from app.store.database import Locked
from app.store.outbox import enqueue
from app.store.queries import shift_by_id, shifts_for_stores, shifts_for_user
from app.store.undo import remember, waiting_refs


def planned_route(row: dict) -> list[PlannedStep]:
    """The route a pulled request carries (computed by the server with today's delegations)."""
    return [PlannedStep(s["index"], Role(s["role"]), Need(s["need"]), tuple(s["approvers"]),
                        s.get("on_behalf_of") or {}) for s in json.loads(row["route"] or "[]")]


def route_today(db, row: dict, today: date) -> list[PlannedStep]:
    """Issue 10, delegation: a pulled request's route with the hand-overs in effect ``today``
    (one may have begun or ended since the server worked the route out; it re-checks the same)."""
    return chains.redelegate(planned_route(row), row["requester_id"], delegations(db), today)


def request_state(row: dict) -> State:
    """Status, step, round and history of a pulled request."""
    history = tuple(Decision(Action(h["action"]), h["user_id"], datetime.fromisoformat(h["at"]),
                             h.get("device_id", ""), h.get("step"), h.get("round", 1), h.get("comment", ""),
                             h.get("on_behalf_of")) for h in json.loads(row["history"] or "[]"))
    return State(Status(row["status"]), row["step"], row["round"] or 1, history)


def load_chain(db, type_: RequestType) -> chains.Chain:
    """The chain for ``type_`` as last pulled (the seeded default before the first pull)."""
    row = db["request_chains"].rows_where("id = ?", [type_.value])
    found = next(iter(row), None)
    if found is None:
        return chains.default_chain(type_)
    return chains.chain_from_data({"type": type_.value, "steps": json.loads(found["steps"])})


def approvers(db) -> list[Person]:
    """The managers this phone knows, with the stores each covers (as pulled)."""
    managers = [r.value for r in Role if r.is_manager]
    rows = db.query(f"SELECT id, role, store_ids, home_store_id FROM users WHERE role IN "
                    f"({','.join('?' * len(managers))})", managers)
    return [Person(r["id"], Role(r["role"]), frozenset(
        json.loads(r["store_ids"]) if r["store_ids"] else [r["home_store_id"]] if r["home_store_id"] else []))
        for r in rows]


def _delegation(row: dict) -> Delegation:
    return Delegation(row["delegator_id"], row["delegate_id"], date.fromisoformat(row["first_day"]),
                      date.fromisoformat(row["last_day"]))


def delegations(db) -> list[Delegation]:
    """Approvers' hand-overs this phone knows (those of my stores' approvers)."""
    return [_delegation(r) for r in db["delegations"].rows]


def delegations_from(db, today: date, viewer: Actor) -> list[dict]:
    """Issue 10, delegation: hand-overs not over by ``today`` (in effect or to come), earliest
    first: those by or to ``viewer`` (HQ: all); ``may_end`` by the viewer, ``waiting`` while not
    yet synced."""
    waiting, me = waiting_refs(db), Person(viewer.user_id, viewer.role)
    rows = db.query("SELECT * FROM delegations WHERE last_day >= ? ORDER BY first_day, last_day", [today.isoformat()])
    return [{**r, "waiting": f"delegation:{r['id']}" in waiting,
             "may_end": chains.may_cancel_delegation(me, _delegation(r))} for r in rows
            if viewer.role is Role.HQ_ADMIN or viewer.user_id in (r["delegator_id"], r["delegate_id"])]


def delegate_choices(db, actor: Actor) -> list[tuple[str, str, Role]]:
    """Issue 10, delegation: (id, name, role) of the managers ``actor`` may hand approvals to, by name."""
    me = Person(actor.user_id, actor.role)
    names = people_names(db)
    return sorted(((p.user_id, names.get(p.user_id, p.user_id), p.role) for p in approvers(db)
                   if chains.may_delegate_to(me, p)), key=lambda c: c[1])


def people_names(db) -> dict[str, str]:
    """Everyone this phone can name: its people, and delegates working at other stores."""
    found = {r["delegate_id"]: r["delegate_name"] for r in db["delegations"].rows if r["delegate_name"]}
    return found | {r[0]: r[1] for r in db.execute("SELECT id, name FROM users")}


def my_balance(db, user_id: str, type_: RequestType, year: int) -> LeaveBalance | None:
    """My balance of a leave type for a year (None: not a counted type, or not pulled yet)."""
    if not type_.has_balance:
        return None
    found = db.execute("SELECT days FROM leave_entitlements WHERE user_id=? AND type=? AND year=?",
                       [user_id, type_.value, year]).fetchone()
    if found is None:
        return None
    rows = db.execute("SELECT status, days FROM requests WHERE requester_id=? AND type=? AND first_day LIKE ?",
                      [user_id, type_.value, f"{year}-%"]).fetchall()
    return balance.leave_balance(found[0], [(st, days or 0) for st, days in rows])


@dataclass(frozen=True)
class Preview:
    """What the requester sees before sending: days, the whole route, the leave balance."""

    request: Request
    days: int
    route: list[PlannedStep]
    balance: LeaveBalance | None

    @property
    def waits_at(self) -> int | None:
        """The step the request will wait at first (None: the route is not known here yet)."""
        return flow.submit(self.route, self.request.requester_id, datetime.now(HONG_KONG)).step if self.route else None


#: Days of store coverage an approver is shown (a long leave shows its first two weeks).
COVERAGE_DAYS = 14


def request_context(db, row: dict) -> dict:
    """What an approver needs beside the request: HK general holidays and the person's shifts in
    its dates (or the shift a shift change is about), and the store's coverage without them: how
    many others are on shift each day (the leave balance comes with the request)."""
    if not row.get("first_day"):
        shift = shift_by_id(db, row["shift_id"]) if row.get("shift_id") else None
        first = shift and shift.starts_at.astimezone(HONG_KONG).date()
        return {"holidays": {}, "shifts": [shift] if shift else [],
                "coverage": _coverage(db, row, first, first) if first else {}}
    first = date.fromisoformat(row["first_day"])
    last = date.fromisoformat(row.get("last_day") or row["first_day"])
    start = datetime.combine(first, time(0), HONG_KONG)
    end = datetime.combine(last + timedelta(days=1), time(0), HONG_KONG)
    return {"holidays": holidays_between(first, last), "shifts": shifts_for_user(db, row["requester_id"], start, end),
            "coverage": _coverage(db, row, first, last)}


def _coverage(db, row: dict, first: date, last: date) -> dict[date, int]:
    """Day -> how many other people are on shift at the request's store (published shifts)."""
    last = min(last, first + timedelta(days=COVERAGE_DAYS - 1))
    start = datetime.combine(first, time(0), HONG_KONG)
    end = datetime.combine(last + timedelta(days=1), time(0), HONG_KONG)
    counts = {first + timedelta(days=i): set() for i in range((last - first).days + 1)}
    for s in shifts_for_stores(db, [row["store_id"]], start, end):
        if s.user_id != row["requester_id"]:
            counts[s.starts_at.astimezone(HONG_KONG).date()].add(s.user_id)
    return {day: len(people) for day, people in counts.items()}


def _history_json(state: State) -> str:
    return json.dumps([{**flow.decision_to_data(d), "at": d.at.isoformat()} for d in state.history])


class RequestActions:
    """What a person does with requests on this device: one transaction each, queued to sync."""

    def __init__(self, store: Locked, clock: DeviceClock, actor: Actor) -> None:
        self._store, self._clock, self.actor = store, clock, actor

    def _queue(self, type_: str, payload: m.BaseModel, request_id: str, write) -> int:
        stamp = self._clock.stamp()
        with self._store.transaction() as db:
            remember(db, f"request:{request_id}")
            write(db)
            return enqueue(db, type=type_, payload=payload.model_dump(mode="json"), clock=stamp,
                           entity_ref=f"request:{request_id}")

    def keep_certificate(self, photo: bytes) -> str:
        """Keep a photo of a sick-leave certificate on the phone; cite the returned sha256."""
        return keep_photo(self._store, photo)[0]

    def preview(self, type_: RequestType, store_id: str, *, first_day: date | None = None,
                last_day: date | None = None, hours: float = 0.0, after_the_fact: bool = False,
                shift_id: str | None = None, amount_hkd: float = 0.0, certificate_sha256: str | None = None,
                note: str = "") -> Preview:
        """Check a request as the server will and show its route (delegations of today applied)
        and my balance; queues nothing."""
        req = Request(f"rq-{uuid.uuid4().hex}", self.actor.user_id, store_id, type_, first_day,
                      last_day or first_day, float(hours), after_the_fact, shift_id, float(amount_hkd),
                      certificate_sha256, note.strip())
        check_details(req)
        days = leave_days(req.first_day, req.last_day) if type_.is_leave else 0
        today = self._clock.now().astimezone(HONG_KONG).date()
        with self._store.reading() as db:
            planned = chains.route(load_chain(db, type_), req, approvers(db), delegations(db), today)
            bal = my_balance(db, self.actor.user_id, type_, first_day.year) if first_day else None
        if bal is not None:
            balance.require_within_balance(bal, days)
        if all(step.skipped for step in planned):
            planned = []  # nobody known here yet (no pull so far): the server decides the route
        return Preview(req, days, planned, bal)

    def submit(self, type_: RequestType, store_id: str, **details) -> str:
        """Ask for something; checked here at once (and again by the server). Returns its id.

        The phone shows the route it expects and where the request waits until the server's
        copy (with delegations applied) comes back."""
        seen = self.preview(type_, store_id, **details)
        req, now = seen.request, self._clock.now()
        state = flow.submit(seen.route, req.requester_id, now)
        p = m.RequestSubmit(request_id=req.request_id, type=type_, store_id=store_id, first_day=req.first_day,
                            last_day=req.last_day, hours=req.hours, after_the_fact=req.after_the_fact,
                            shift_id=req.shift_id, amount_hkd=req.amount_hkd,
                            certificate_sha256=req.certificate_sha256, note=req.note)
        here = flow.current_step(seen.route, state)
        row = {"id": req.request_id, "requester_id": req.requester_id, "store_id": store_id, "type": type_.value,
               "first_day": req.first_day and req.first_day.isoformat(),
               "last_day": req.last_day and req.last_day.isoformat(), "days": seen.days, "hours": req.hours,
               "after_the_fact": int(req.after_the_fact), "shift_id": req.shift_id, "amount_hkd": req.amount_hkd,
               "certificate_sha256": req.certificate_sha256, "note": req.note, "status": state.status.value,
               "step": state.step, "round": 1, "created_at": now.isoformat(), "updated_at": now.isoformat(),
               "route": json.dumps(chains.route_to_data(seen.route)),
               "current_step": None if here is None else here.index,
               "history": _history_json(state),
               "sync_state": "pending"}
        photo = req.certificate_sha256 and local_photo(self._store, req.certificate_sha256)

        def write(db) -> None:
            if photo:  # uploaded before the request that cites it
                db["photo_uploads"].upsert({"sha256": req.certificate_sha256, "size": len(photo),
                                            "path": str(keep_photo(self._store, photo)[1]), "status": "pending",
                                            "created_at": now.isoformat()}, pk="sha256")
            db["requests"].insert(row)
        self._queue("request.submit", p, req.request_id, write)
        return req.request_id

    def _row(self, request_id: str) -> dict:
        with self._store.reading() as db:
            return dict(db["requests"].get(request_id))

    def _write_state(self, request_id: str, state: State):
        def write(db) -> None:
            here = flow.current_step(planned_route(db["requests"].get(request_id)), state)
            db["requests"].update(request_id, {"status": state.status.value, "step": state.step,
                                               "round": state.round, "sync_state": "pending",
                                               "history": _history_json(state),
                                               "current_step": None if here is None else here.index})
        return write

    def decide(self, request_id: str, decision: Action, comment: str = "") -> int:
        """Approve, decline or send back: refused here when it is not this person's turn."""
        row = self._row(request_id)
        with self._store.reading() as db:
            route = route_today(db, row, self._clock.now().astimezone(HONG_KONG).date())
        state = flow.decide(route, request_state(row), row["requester_id"], self.actor.user_id,
                            decision, self._clock.now(), comment)
        p = m.RequestDecide(request_id=request_id, decision=decision.value, comment=comment)
        return self._queue("request.decide", p, request_id, self._write_state(request_id, state))

    def cancel(self, request_id: str) -> int:
        """Withdraw my request before its final decision."""
        row = self._row(request_id)
        state = flow.cancel(request_state(row), row["requester_id"], self.actor.user_id, self._clock.now())
        return self._queue("request.cancel", m.RequestCancel(request_id=request_id), request_id,
                           self._write_state(request_id, state))

    def delegate(self, delegate_id: str, first_day: date, last_day: date) -> str:
        """Hand my approvals to another manager from ``first_day`` to ``last_day``: checked here
        with the managers this phone knows (and again by the server)."""
        with self._store.reading() as db:
            known, existing = {p.user_id: p for p in approvers(db)}, delegations(db)
        # A manager this phone has not pulled yet: the server checks their role.
        delegate = known.get(delegate_id) or Person(delegate_id, Role.STORE_MANAGER)
        me = known.get(self.actor.user_id) or Person(self.actor.user_id, self.actor.role)
        chains.check_delegation(me, delegate, first_day, last_day, existing)
        p = m.DelegationSet(delegation_id=f"dl-{uuid.uuid4().hex}", delegate_id=delegate_id, first_day=first_day,
                            last_day=last_day)
        row = {"id": p.delegation_id, "delegator_id": self.actor.user_id, "delegate_id": delegate_id,
               "first_day": first_day.isoformat(), "last_day": last_day.isoformat()}
        self._queue_delegation("delegation.set", p, p.delegation_id, lambda db: db["delegations"].insert(row))
        return p.delegation_id

    def cancel_delegation(self, delegation_id: str) -> int:
        """Issue 10, delegation: end a hand-over (mine, or anyone's for HQ); gone here at once,
        back if the server refuses."""
        with self._store.reading() as db:
            found = list(db.query("SELECT * FROM delegations WHERE id=?", [delegation_id]))
        if not found:
            raise RequestRefused("not_found", "This delegation no longer exists.")
        chains.check_cancel_delegation(Person(self.actor.user_id, self.actor.role), _delegation(found[0]))
        return self._queue_delegation("delegation.cancel", m.DelegationCancel(delegation_id=delegation_id),
                                      delegation_id, lambda db: db["delegations"].delete(delegation_id))

    def _queue_delegation(self, type_: str, payload: m.BaseModel, delegation_id: str, write) -> int:
        stamp, ref = self._clock.stamp(), f"delegation:{delegation_id}"
        with self._store.transaction() as db:
            remember(db, ref)
            write(db)
            return enqueue(db, type=type_, payload=payload.model_dump(mode="json"), clock=stamp, entity_ref=ref)

    def resubmit(self, request_id: str, comment: str = "") -> int:
        """Send a request that came back to me again, with my answer."""
        row = self._row(request_id)
        state = flow.resubmit(request_state(row), row["requester_id"], self.actor.user_id, self._clock.now(),
                              comment)
        return self._queue("request.resubmit", m.RequestResubmit(request_id=request_id, comment=comment),
                           request_id, self._write_state(request_id, state))


def request_by_id(db, request_id: str) -> dict | None:
    """One request with its route and history decoded (None: not on this phone)."""
    rows = list(db.query("SELECT * FROM requests WHERE id=?", [request_id]))
    return _decoded(rows[0]) if rows else None


def my_requests(db, user_id: str) -> list[dict]:
    """My requests, newest first, each with its route and where it is now."""
    return [_decoded(r) for r in db.query(
        "SELECT * FROM requests WHERE requester_id=? ORDER BY created_at DESC", [user_id])]


def approval_queue(db, user_id: str, now: datetime) -> list[dict]:
    """Requests waiting for ``user_id`` now, oldest first, with their age in hours."""
    waiting = []
    for row in db.query("SELECT * FROM requests WHERE status='pending' AND sync_state='synced' "
                        "ORDER BY created_at", []):
        if flow.may_decide(route_today(db, row, now.astimezone(HONG_KONG).date()), request_state(row), user_id):
            age = now - datetime.fromisoformat(row["created_at"])
            waiting.append({**_decoded(row), "age_hours": age.total_seconds() / 3600})
    return waiting


def _decoded(row: dict) -> dict:
    return {**row, **{k: json.loads(row[k]) if row.get(k) else None for k in ("route", "history", "balance")}}
