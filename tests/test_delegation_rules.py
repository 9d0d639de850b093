"""Issue 10, delegation: who may hand approvals to whom, one hand-over per day, who may end one, and
who has a part in a request's route (the readers of its certificate) — pure domain rules."""

from datetime import date

import pytest

from app.domain.access import may_read_certificate
from app.domain.requests import chains, kinds
from app.domain.requests.chains import Delegation, Need, PlannedStep
from app.domain.requests.kinds import RequestRefused
from app.domain.roles import Actor, Role
from tests.test_request_rules import PEOPLE

_BY_ID = {p.user_id: p for p in PEOPLE}
#: sm1 already hands over to sm2 from 10 to 20 December.
_EXISTING = [Delegation("sm1", "sm2", date(2026, 12, 10), date(2026, 12, 20))]


def _refusal(check, *args) -> RequestRefused | None:
    """What ``check(*args)`` refused with (None: it passed)."""
    try:
        check(*args)
    except RequestRefused as refused:
        return refused
    return None


@pytest.mark.parametrize("delegator,first,last,reason", [
    ("sm1", "2026-12-01", "2026-12-09", None),                              # ends the day before
    ("sm1", "2026-12-21", "2026-12-31", None),                              # starts the day after
    ("sm2", "2026-12-12", "2026-12-14", None),                              # someone else's days
    ("sm1", "2026-12-20", "2026-12-22", kinds.REASON_DELEGATION_OVERLAPS),  # shares the last day
    ("sm1", "2026-12-01", "2026-12-31", kinds.REASON_DELEGATION_OVERLAPS),  # spans it
    ("sm1", "2026-12-12", "2026-12-14", kinds.REASON_DELEGATION_OVERLAPS),  # inside it
])
def test_an_approver_hands_over_each_day_to_one_delegate_only(delegator, first, last, reason):
    """A second hand-over sharing a day with one already made is refused, naming the days it clashes with."""
    refusal = _refusal(chains.check_delegation, _BY_ID[delegator], _BY_ID["am1"], date.fromisoformat(first),
                       date.fromisoformat(last), _EXISTING)
    assert (refusal and refusal.reason) == reason
    if refusal:
        assert refusal.details == {"first_day": "2026-12-10", "last_day": "2026-12-20"}


@pytest.mark.parametrize("canceller,allowed", [
    ("sm1", True),    # the delegator
    ("hq1", True),    # HQ
    ("sm2", False),   # the delegate
    ("am1", False),   # the delegator's area manager
    ("staff1", False),
])
def test_a_delegation_is_ended_by_the_delegator_or_hq_only(canceller, allowed):
    """Only the manager who handed over, or HQ, ends a hand-over."""
    refusal = _refusal(chains.check_cancel_delegation, _BY_ID[canceller], _EXISTING[0])
    assert (refusal and refusal.reason) == (None if allowed else "forbidden_role")


def test_delegates_offered_are_the_other_managers():
    """A manager may pick any other manager (area, HQ, another store's); never staff or themselves."""
    offered = {p.user_id for p in PEOPLE if chains.may_delegate_to(_BY_ID["sm1"], p)}
    assert offered == {"sm2", "am1", "hq1"}
    assert not any(chains.may_delegate_to(_BY_ID["staff1"], p) for p in PEOPLE)


@pytest.mark.parametrize("reader,allowed", [
    ("staff1", True),   # the requester (uploader)
    ("sm2", True),      # the delegate in effect
    ("sm1", True),      # the approver away
    ("am1", False),     # a manager of the store, not on the route
    ("hq1", False),     # HQ, not on the route
])
def test_a_certificate_is_read_by_the_requester_and_the_people_on_the_route(reader, allowed):
    """The route's people are its approvers (delegates in place) and those they stand in for."""
    route = [PlannedStep(0, Role.STORE_MANAGER, Need.ANY, ("sm2",), {"sm2": "sm1"})]
    readers = {"staff1", *chains.route_people(route)}
    actor = Actor(reader, _BY_ID[reader].role, _BY_ID[reader].store_ids)
    assert may_read_certificate(actor, "staff1", readers) is allowed


@pytest.mark.parametrize("worked_out,on,approvers,behalf", [
    (("sm1",), date(2026, 12, 12), ("sm2",), {"sm2": "sm1"}),           # the hand-over has begun since
    (("sm2",), date(2026, 12, 21), ("sm1",), {}),                       # ... or has ended since
    (("sm2",), date(2026, 12, 15), ("sm2",), {"sm2": "sm1"}),           # still in effect
    (("sm1",), date(2026, 12, 9), ("sm1",), {}),                        # not yet
])
def test_a_route_is_redelegated_for_the_day(worked_out, on, approvers, behalf):
    """A route worked out on another day gets the delegates in effect on ``on``, its own approvers otherwise."""
    was = {"sm2": "sm1"} if worked_out == ("sm2",) else {}
    route = [PlannedStep(0, Role.STORE_MANAGER, Need.ANY, worked_out, was)]
    step, = chains.redelegate(route, "staff1", _EXISTING, on)
    assert (step.approvers, dict(step.on_behalf_of)) == (approvers, behalf)
