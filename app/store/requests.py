"""Issue 10, leave: requests on the device, offline through the outbox.

The same rules as the server (``app.domain.requests``): a request is checked before it is
queued, and a decision is checked against the route and history last pulled. The server
re-checks both when they sync; a refusal undoes the local effect (``undo``).
"""

import json
import uuid
from datetime import date, datetime

from app.domain.requests import flow
from app.domain.requests.chains import Need, PlannedStep
from app.domain.requests.flow import Action, Decision, State, Status
from app.domain.requests.hk_holidays import leave_days
from app.domain.requests.kinds import Request, RequestType, check_details
from app.domain.roles import Actor, Role
from app.protocol import mutations as m
from app.store.clock import DeviceClock
from app.store.database import Locked
from app.store.outbox import enqueue
from app.store.undo import remember


def planned_route(row: dict) -> list[PlannedStep]:
    """The route a pulled request carries (computed by the server with today's delegations)."""
    return [PlannedStep(s["index"], Role(s["role"]), Need(s["need"]), tuple(s["approvers"]),
                        s.get("on_behalf_of") or {}) for s in json.loads(row["route"] or "[]")]


def request_state(row: dict) -> State:
    """Status, step, round and history of a pulled request."""
    history = tuple(Decision(Action(h["action"]), h["user_id"], datetime.fromisoformat(h["at"]),
                             h.get("device_id", ""), h.get("step"), h.get("round", 1), h.get("comment", ""),
                             h.get("on_behalf_of")) for h in json.loads(row["history"] or "[]"))
    return State(Status(row["status"]), row["step"], row["round"] or 1, history)


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

    def submit(self, type_: RequestType, store_id: str, *, first_day: date | None = None,
               last_day: date | None = None, hours: float = 0.0, after_the_fact: bool = False,
               shift_id: str | None = None, amount_hkd: float = 0.0, certificate_sha256: str | None = None,
               note: str = "") -> str:
        """Ask for something; checked here at once (and again by the server). Returns its id."""
        request_id = f"rq-{uuid.uuid4().hex}"
        last_day = last_day or first_day
        req = Request(request_id, self.actor.user_id, store_id, type_, first_day, last_day, hours,
                      after_the_fact, shift_id, amount_hkd, certificate_sha256, note)
        check_details(req)
        p = m.RequestSubmit(request_id=request_id, type=type_, store_id=store_id, first_day=first_day,
                            last_day=last_day, hours=float(hours), after_the_fact=after_the_fact,
                            shift_id=shift_id, amount_hkd=float(amount_hkd),
                            certificate_sha256=certificate_sha256, note=note)
        now = self._clock.now().isoformat()
        row = {"id": request_id, "requester_id": self.actor.user_id, "store_id": store_id, "type": type_.value,
               "first_day": first_day and first_day.isoformat(), "last_day": last_day and last_day.isoformat(),
               "days": leave_days(first_day, last_day) if type_.is_leave else 0, "hours": hours,
               "after_the_fact": int(after_the_fact), "shift_id": shift_id, "amount_hkd": amount_hkd,
               "certificate_sha256": certificate_sha256, "note": note, "status": Status.PENDING.value,
               "round": 1, "created_at": now, "updated_at": now, "route": "[]", "history": "[]",
               "sync_state": "pending"}
        self._queue("request.submit", p, request_id, lambda db: db["requests"].insert(row))
        return request_id

    def _row(self, request_id: str) -> dict:
        with self._store.reading() as db:
            return dict(db["requests"].get(request_id))

    def _write_state(self, request_id: str, state: State):
        def write(db) -> None:
            db["requests"].update(request_id, {"status": state.status.value, "step": state.step,
                                               "round": state.round, "sync_state": "pending"})
        return write

    def decide(self, request_id: str, decision: Action, comment: str = "") -> int:
        """Approve, decline or send back: refused here when it is not this person's turn."""
        row = self._row(request_id)
        state = flow.decide(planned_route(row), request_state(row), row["requester_id"], self.actor.user_id,
                            decision, self._clock.now(), comment)
        p = m.RequestDecide(request_id=request_id, decision=decision.value, comment=comment)
        return self._queue("request.decide", p, request_id, self._write_state(request_id, state))

    def cancel(self, request_id: str) -> int:
        """Withdraw my request before its final decision."""
        row = self._row(request_id)
        state = flow.cancel(request_state(row), row["requester_id"], self.actor.user_id, self._clock.now())
        return self._queue("request.cancel", m.RequestCancel(request_id=request_id), request_id,
                           self._write_state(request_id, state))


def my_requests(db, user_id: str) -> list[dict]:
    """My requests, newest first, each with its route and where it is now."""
    return [_decoded(r) for r in db.query(
        "SELECT * FROM requests WHERE requester_id=? ORDER BY created_at DESC", [user_id])]


def approval_queue(db, user_id: str, now: datetime) -> list[dict]:
    """Requests waiting for ``user_id`` now, oldest first, with their age in hours."""
    waiting = []
    for row in db.query("SELECT * FROM requests WHERE status='pending' AND sync_state='synced' "
                        "ORDER BY created_at", []):
        if flow.may_decide(planned_route(row), request_state(row), user_id):
            age = now - datetime.fromisoformat(row["created_at"])
            waiting.append({**_decoded(row), "age_hours": age.total_seconds() / 3600})
    return waiting


def _decoded(row: dict) -> dict:
    return {**row, **{k: json.loads(row[k]) if row.get(k) else None for k in ("route", "history", "balance")}}
