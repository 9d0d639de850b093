"""Approval chains: per request type, ordered steps by role, with conditions and delegation.

A chain is data (a dict, stored per chain on the server and pulled to devices); ``route``
turns it into the concrete list of approvers a request will walk, computable up front so the
requester sees the whole route. A step whose condition does not hold is left out; a step with
nobody in it is kept (shown as skipped) and passes to the next. When nobody on the chain can
decide (a store manager's own short leave on a chain of one store-manager step), the request
goes up to the store's area manager, else to HQ, as a manager's own request would anywhere.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.requests.hk_holidays import leave_days
from app.domain.requests.kinds import (
    MAX_LEAVE_SPAN_DAYS, REASON_BAD_DATES, REASON_DELEGATION_OVERLAPS, Request, RequestRefused, RequestType,
)
from app.domain.roles import Role


class Need(StrEnum):
    """How many approvers of a step must approve."""

    ANY = "any"
    ALL = "all"


class Measure(StrEnum):
    """The number a step's condition compares."""

    DAYS = "days"
    HOURS = "hours"
    AMOUNT_HKD = "amount_hkd"


@dataclass(frozen=True)
class Condition:
    """The step applies only when ``measure`` is over ``over`` (e.g. leave over 3 days)."""

    measure: Measure
    over: float

    def holds(self, req: Request) -> bool:
        return measure(req, self.measure) > self.over


@dataclass(frozen=True)
class Step:
    """One level of a chain: the people of ``role`` covering the request's store."""

    role: Role
    need: Need = Need.ANY
    when: Condition | None = None


@dataclass(frozen=True)
class Chain:
    """The steps a request type walks, in order."""

    type: RequestType
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Person:
    """Someone who may approve: their role and the stores they cover (HQ covers all)."""

    user_id: str
    role: Role
    store_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Delegation:
    """``delegator_id``'s approvals go to ``delegate_id`` from ``first_day`` to ``last_day``."""

    delegator_id: str
    delegate_id: str
    first_day: date
    last_day: date

    def active_on(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class PlannedStep:
    """A step of a request's route: who may decide it now (delegates in place), and for whom."""

    index: int
    role: Role
    need: Need
    approvers: tuple[str, ...]
    #: delegate id -> the approver they stand in for.
    on_behalf_of: Mapping[str, str] = field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        """Nobody holds this role for the store: the step passes to the next."""
        return not self.approvers


def measure(req: Request, which: Measure) -> float:
    """The request's days (leave, less HK general holidays), hours or amount in HKD."""
    if which is Measure.DAYS:
        if not req.type.is_leave or req.first_day is None:
            return 0
        return leave_days(req.first_day, req.last_day or req.first_day)
    return req.hours if which is Measure.HOURS else req.amount_hkd


def chain_from_data(data: Mapping) -> Chain:
    """A chain from its stored form; raises ``ValueError`` (or ``KeyError``) on a bad one."""
    steps = []
    for raw in data["steps"]:
        when = raw.get("when")
        cond = None if when is None else Condition(Measure(when["measure"]), float(when["over"]))
        steps.append(Step(Role(raw["role"]), Need(raw.get("need", "any")), cond))
    return Chain(RequestType(data["type"]), tuple(steps))


def chain_to_data(chain: Chain) -> dict:
    """The stored (and pulled) form of a chain."""
    def step(s: Step) -> dict:
        out = {"role": s.role.value, "need": s.need.value}
        if s.when is not None:
            out["when"] = {"measure": s.when.measure.value, "over": s.when.over}
        return out
    return {"type": chain.type.value, "steps": [step(s) for s in chain.steps]}


def _approvers_for(step: Step, store_id: str, people: Iterable[Person]) -> list[str]:
    return sorted(p.user_id for p in people
                  if p.role is step.role and (p.role is Role.HQ_ADMIN or store_id in p.store_ids))


def _delegate(approvers: list[str], requester_id: str, delegations: Iterable[Delegation],
              on: date) -> tuple[tuple[str, ...], dict[str, str]]:
    """Swap each approver away on ``on`` for their delegate (never the requester themselves)."""
    active = {d.delegator_id: d.delegate_id for d in delegations if d.active_on(on)}
    chosen: list[str] = []
    behalf: dict[str, str] = {}
    for user_id in approvers:
        delegate = active.get(user_id)
        if delegate and delegate != requester_id and delegate != user_id:
            behalf[delegate] = user_id
            user_id = delegate
        if user_id != requester_id and user_id not in chosen:
            chosen.append(user_id)
    return tuple(chosen), behalf


#: Who decides, in this order, when nobody on a request's chain can.
ESCALATION = (Role.AREA_MANAGER, Role.HQ_ADMIN)


def _escalation(index: int, req: Request, people: list[Person], delegations: list[Delegation],
                on: date) -> PlannedStep | None:
    """The first role above the chain with someone (not the requester) for the store."""
    for role in ESCALATION:
        step = Step(role, Need.ANY)
        approvers, behalf = _delegate(_approvers_for(step, req.store_id, people), req.requester_id,
                                      delegations, on)
        if approvers:
            return PlannedStep(index, role, Need.ANY, approvers, behalf)
    return None


def route(chain: Chain, req: Request, people: Iterable[Person], delegations: Iterable[Delegation],
          on: date) -> list[PlannedStep]:
    """The steps ``req`` walks, as of day ``on`` (delegations active that day apply).

    The requester is never an approver of their own request; when that leaves nobody on the
    whole chain, the request goes up (``ESCALATION``) instead of being refused.
    """
    people = list(people)
    delegations = list(delegations)
    planned = []
    for step in chain.steps:
        if step.when is not None and not step.when.holds(req):
            continue
        approvers, behalf = _delegate(_approvers_for(step, req.store_id, people),
                                      req.requester_id, delegations, on)
        planned.append(PlannedStep(len(planned), step.role, step.need, approvers, behalf))
    if all(step.skipped for step in planned):
        above = _escalation(len(planned), req, people, delegations, on)
        planned += [above] if above else []
    return planned


def redelegate(planned: Iterable[PlannedStep], requester_id: str, delegations: Iterable[Delegation],
               on: date) -> list[PlannedStep]:
    """Issue 10, delegation: a route worked out on another day, as of day ``on``: each step's own
    approvers, swapped for the delegates in effect that day (a hand-over may have begun or ended
    since)."""
    delegations = list(delegations)
    steps = []
    for s in planned:
        own = [s.on_behalf_of.get(a, a) for a in s.approvers]
        approvers, behalf = _delegate(own, requester_id, delegations, on)
        steps.append(PlannedStep(s.index, s.role, s.need, approvers, behalf))
    return steps


def route_to_data(planned: Iterable[PlannedStep]) -> list[dict]:
    """The wire (and device) form of a route: what the server sends and the phone shows."""
    return [{"index": s.index, "role": s.role.value, "need": s.need.value, "approvers": list(s.approvers),
             "on_behalf_of": dict(s.on_behalf_of)} for s in planned]


def may_delegate_to(delegator: Person, delegate: Person) -> bool:
    """Approvals are handed from a manager to another manager (never to oneself)."""
    return delegator.role.is_manager and delegate.role.is_manager and delegate.user_id != delegator.user_id


def check_delegation(delegator: Person, delegate: Person, first_day: date, last_day: date,
                     existing: Iterable[Delegation] = ()) -> None:
    """Only an approver hands over, to another manager, for a range of at most a year, and on
    each day to one delegate only (``existing``: the hand-overs already made)."""
    if not may_delegate_to(delegator, delegate):
        raise RequestRefused("forbidden_role", "Approvals can be handed only from one manager to another.")
    if last_day < first_day or (last_day - first_day).days >= MAX_LEAVE_SPAN_DAYS:
        raise RequestRefused(REASON_BAD_DATES, "Check the dates of the delegation.")
    for d in existing:
        # Two at once would leave it to chance which delegate gets the step.
        if d.delegator_id == delegator.user_id and d.first_day <= last_day and first_day <= d.last_day:
            raise RequestRefused(REASON_DELEGATION_OVERLAPS, "These days overlap another delegation of yours.",
                                 first_day=d.first_day.isoformat(), last_day=d.last_day.isoformat())


def may_cancel_delegation(canceller: Person, delegation: Delegation) -> bool:
    """A delegation is cancelled by the person who handed over, or by HQ (never by the delegate)."""
    return canceller.user_id == delegation.delegator_id or canceller.role is Role.HQ_ADMIN


def check_cancel_delegation(canceller: Person, delegation: Delegation) -> None:
    """``may_cancel_delegation``, refused with the reason."""
    if not may_cancel_delegation(canceller, delegation):
        raise RequestRefused("forbidden_role", "Only the person who handed over their approvals can cancel this.")


def route_people(planned: Iterable[PlannedStep]) -> frozenset[str]:
    """Everyone with a part in a route: each step's approvers (delegates in place) and the
    approvers they stand in for."""
    return frozenset(p for s in planned for p in (*s.approvers, *s.on_behalf_of.values()))


def _data(type_: RequestType, *steps: dict) -> dict:
    return {"type": type_.value, "steps": list(steps)}


_SM = {"role": Role.STORE_MANAGER.value, "need": "any"}
#: The chains a new chain starts with (seeded; an HQ admin may change them per chain).
DEFAULT_CHAINS: tuple[dict, ...] = (
    _data(RequestType.ANNUAL_LEAVE, _SM,
          {"role": Role.AREA_MANAGER.value, "need": "any", "when": {"measure": "days", "over": 3}}),
    _data(RequestType.SICK_LEAVE, _SM),
    _data(RequestType.UNPAID_LEAVE, _SM, {"role": Role.AREA_MANAGER.value, "need": "any"}),
    _data(RequestType.OVERTIME, _SM,
          {"role": Role.AREA_MANAGER.value, "need": "any", "when": {"measure": "hours", "over": 8}}),
    _data(RequestType.SHIFT_CHANGE, _SM),
    _data(RequestType.PURCHASE, _SM,
          {"role": Role.AREA_MANAGER.value, "need": "any", "when": {"measure": "amount_hkd", "over": 5000}},
          {"role": Role.HQ_ADMIN.value, "need": "any", "when": {"measure": "amount_hkd", "over": 20000}}),
)


def default_chain(type_: RequestType) -> Chain:
    """The seeded chain for ``type_``."""
    return next(chain_from_data(d) for d in DEFAULT_CHAINS if d["type"] == type_.value)
