"""Issue 10, leave part: request types, chains, delegation, balances and HK holidays (pure domain)."""

import csv
from datetime import date, datetime, timezone
from pathlib import Path

import holidays
import pytest

from app.domain.requests import balance, chains, flow, hk_holidays, kinds
from app.domain.requests.chains import Delegation, Person
from app.domain.requests.flow import Action, Status
from app.domain.requests.kinds import Request, RequestRefused, RequestType
from app.domain.roles import Role

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)
PEOPLE = [
    Person("sm1", Role.STORE_MANAGER, frozenset({"s1"})),
    Person("sm2", Role.STORE_MANAGER, frozenset({"s2"})),
    Person("am1", Role.AREA_MANAGER, frozenset({"s1", "s2"})),
    Person("hq1", Role.HQ_ADMIN),
    Person("staff1", Role.STAFF, frozenset({"s1"})),
]


def leave(first, last, type_=RequestType.ANNUAL_LEAVE, **kw) -> Request:
    return Request("r1", "staff1", "s1", type_, date.fromisoformat(first), date.fromisoformat(last), **kw)


def test_shipped_holidays_match_the_holidays_package():
    """The shipped HK general holidays 2026-2027 are exactly the `holidays` package's list (Cap. 149)."""
    shipped = hk_holidays.hk_general_holidays()
    reference = holidays.HK(years=[2026, 2027], categories=("optional",))
    assert set(shipped) == set(reference)
    assert len([d for d in shipped if d.year == 2026]) == 17
    assert len([d for d in shipped if d.year == 2027]) == 17
    path = Path(hk_holidays.__file__).with_name("hk_general_holidays.csv")
    assert next(csv.reader(path.open()))[:2] == ["date", "name"]


@pytest.mark.parametrize("first,last,days", [
    ("2026-12-21", "2026-12-24", 4),        # no holiday
    ("2026-12-24", "2026-12-28", 3),        # Christmas Day and the day after are free
    ("2026-02-16", "2026-02-20", 2),        # Chinese New Year: three days free
    ("2026-04-03", "2026-04-07", 1),        # Easter: only Sunday 5 April (Ching Ming, moved to the 6th) counts
    ("2027-12-27", "2027-12-27", 0),        # first weekday after Christmas 2027 (observed)
    ("2026-12-05", "2026-12-04", 0),        # backwards range costs nothing
])
def test_leave_days_exclude_hk_general_holidays(first, last, days):
    """Leave days count every day of the range except HK general holidays."""
    assert hk_holidays.leave_days(date.fromisoformat(first), date.fromisoformat(last)) == days


@pytest.mark.parametrize("req,reason", [
    (leave("2026-12-10", "2026-12-09"), kinds.REASON_BAD_DATES),
    (leave("2026-12-10", "2028-01-10"), kinds.REASON_BAD_DATES),
    (leave("2026-12-25", "2026-12-26"), kinds.REASON_NO_WORKING_DAYS),
    (leave("2026-12-10", "2026-12-11", RequestType.SICK_LEAVE), kinds.REASON_CERTIFICATE_REQUIRED),
    (Request("r", "staff1", "s1", RequestType.OVERTIME, date(2026, 12, 1), hours=0), kinds.REASON_MISSING_DETAIL),
    (Request("r", "staff1", "s1", RequestType.SHIFT_CHANGE), kinds.REASON_MISSING_DETAIL),
    (Request("r", "staff1", "s1", RequestType.PURCHASE, amount_hkd=0), kinds.REASON_MISSING_DETAIL),
    (leave("2026-12-10", "2026-12-11", RequestType.SICK_LEAVE, certificate_sha256="a" * 64), None),
    (Request("r", "staff1", "s1", RequestType.OVERTIME, date(2026, 12, 1), hours=2, after_the_fact=True), None),
    (Request("r", "staff1", "s1", RequestType.PURCHASE, amount_hkd=120.5), None),
])
def test_request_details_per_type(req, reason):
    """Each type is refused, with its reason, when it lacks what it needs; a complete one passes."""
    if reason is None:
        kinds.check_details(req)
        return
    with pytest.raises(RequestRefused) as err:
        kinds.check_details(req)
    assert err.value.reason == reason


@pytest.mark.parametrize("req,roles", [
    (leave("2026-12-21", "2026-12-23"), ["store_manager"]),                       # 3 days: not over 3
    (leave("2026-12-21", "2026-12-28"), ["store_manager", "area_manager"]),       # 6 leave days
    (leave("2026-12-22", "2026-12-28"), ["store_manager", "area_manager"]),       # 5 leave days (2 holidays)
    (leave("2026-12-24", "2026-12-28"), ["store_manager"]),                       # 5 calendar days, 3 leave days
    (Request("r", "staff1", "s1", RequestType.PURCHASE, amount_hkd=5000), ["store_manager"]),
    (Request("r", "staff1", "s1", RequestType.PURCHASE, amount_hkd=5000.01), ["store_manager", "area_manager"]),
    (Request("r", "staff1", "s1", RequestType.PURCHASE, amount_hkd=25000),
     ["store_manager", "area_manager", "hq_admin"]),
    (Request("r", "staff1", "s1", RequestType.OVERTIME, date(2026, 12, 1), hours=9),
     ["store_manager", "area_manager"]),
])
def test_default_chain_conditions_pick_the_steps(req, roles):
    """Conditions (leave over 3 days, amount over HKD 5,000 / 20,000, overtime over 8 h) add steps."""
    planned = chains.route(chains.default_chain(req.type), req, PEOPLE, [], TODAY)
    assert [s.role.value for s in planned] == roles


def test_route_names_the_approvers_of_the_requesters_store_and_never_the_requester():
    """The route lists the managers covering the request's store; a manager's own request skips them."""
    req = leave("2026-12-21", "2026-12-28")
    planned = chains.route(chains.default_chain(req.type), req, PEOPLE, [], TODAY)
    assert [s.approvers for s in planned] == [("sm1",), ("am1",)]
    own = Request("r2", "sm1", "s1", RequestType.ANNUAL_LEAVE, date(2026, 12, 21), date(2026, 12, 28))
    planned = chains.route(chains.default_chain(own.type), own, PEOPLE, [], TODAY)
    assert planned[0].skipped and planned[1].approvers == ("am1",)


def test_chain_round_trips_through_its_stored_form():
    """Every default chain reads back from the data it is stored and pulled as."""
    for data in chains.DEFAULT_CHAINS:
        assert chains.chain_to_data(chains.chain_from_data(data)) == data
    with pytest.raises(ValueError):
        chains.chain_from_data({"type": "annual_leave", "steps": [{"role": "janitor"}]})


@pytest.mark.parametrize("on,approver,behalf", [
    (date(2026, 12, 9), "sm1", None),        # before the delegation
    (date(2026, 12, 10), "sm2", "sm1"),      # first day
    (date(2026, 12, 20), "sm2", "sm1"),      # last day
    (date(2026, 12, 21), "sm1", None),       # after it
])
def test_delegation_applies_for_its_date_range(on, approver, behalf):
    """An approver on leave is replaced by their delegate for exactly the delegation's days."""
    dlg = [Delegation("sm1", "sm2", date(2026, 12, 10), date(2026, 12, 20))]
    req = leave("2026-12-21", "2026-12-22")
    step = chains.route(chains.default_chain(req.type), req, PEOPLE, dlg, on)[0]
    assert step.approvers == (approver,)
    assert step.on_behalf_of.get(approver) == behalf


def test_delegation_to_the_requester_is_ignored():
    """A delegation never makes the requester an approver of their own request."""
    dlg = [Delegation("sm1", "staff1", date(2026, 12, 1), date(2026, 12, 31))]
    req = leave("2026-12-21", "2026-12-22")
    assert chains.route(chains.default_chain(req.type), req, PEOPLE, dlg, TODAY)[0].approvers == ("sm1",)


def _walk(req, steps, chain=None, people=PEOPLE):
    planned = chains.route(chain or chains.default_chain(req.type), req, people, [], TODAY)
    state = flow.submit(planned, req.requester_id, AT, "dev-a")
    for user, action, comment in steps:
        state = flow.decide(planned, state, req.requester_id, user, action, AT, comment, "dev-m")
    return planned, state


def test_two_level_leave_walks_to_approved_and_keeps_every_step():
    """Leave over 3 days: the store manager then the area manager approve; every step is recorded."""
    _, state = _walk(leave("2026-12-21", "2026-12-28"),
                     [("sm1", Action.APPROVE, ""), ("am1", Action.APPROVE, "ok")])
    assert state.status is Status.APPROVED
    assert [(d.action, d.user_id, d.step, d.device_id) for d in state.history] == [
        (Action.SUBMIT, "staff1", None, "dev-a"), (Action.APPROVE, "sm1", 0, "dev-m"),
        (Action.APPROVE, "am1", 1, "dev-m")]


@pytest.mark.parametrize("user,action,comment,reason", [
    ("staff1", Action.APPROVE, "", kinds.REASON_OWN_REQUEST),
    ("sm2", Action.APPROVE, "", kinds.REASON_NOT_YOUR_TURN),       # manager of another store
    ("am1", Action.APPROVE, "", kinds.REASON_NOT_YOUR_TURN),       # not their step yet
    ("sm1", Action.SEND_BACK, "  ", kinds.REASON_COMMENT_REQUIRED),
])
def test_decisions_refused_with_reason(user, action, comment, reason):
    """Only an approver of the current step decides; a send-back needs a comment."""
    req = leave("2026-12-21", "2026-12-28")
    planned, state = _walk(req, [])
    with pytest.raises(RequestRefused) as err:
        flow.decide(planned, state, "staff1", user, action, AT, comment)
    assert err.value.reason == reason


def test_send_back_then_resubmit_returns_to_the_same_step():
    """A send-back reaches the requester with the comment; resubmitting waits at that step again."""
    req = leave("2026-12-21", "2026-12-28")
    planned, state = _walk(req, [("sm1", Action.APPROVE, ""), ("am1", Action.SEND_BACK, "Shorter please")])
    assert state.status is Status.SENT_BACK and state.history[-1].comment == "Shorter please"
    state = flow.resubmit(state, "staff1", "staff1", AT, "Now 5 days")
    assert state.status is Status.PENDING and flow.current_step(planned, state).role is Role.AREA_MANAGER
    state = flow.decide(planned, state, "staff1", "am1", Action.APPROVE, AT)
    assert state.status is Status.APPROVED


def test_step_needing_all_waits_for_every_approver():
    """A step that needs all approvers stays until each has approved; one approval is not enough."""
    people = PEOPLE + [Person("sm3", Role.STORE_MANAGER, frozenset({"s1"}))]
    chain = chains.chain_from_data({"type": "purchase", "steps": [{"role": "store_manager", "need": "all"}]})
    req = Request("r", "staff1", "s1", RequestType.PURCHASE, amount_hkd=100)
    planned, state = _walk(req, [("sm1", Action.APPROVE, "")], chain, people)
    assert state.status is Status.PENDING
    assert flow.may_decide(planned, state, "sm3") and not flow.may_decide(planned, state, "sm1")
    state = flow.decide(planned, state, "staff1", "sm3", Action.APPROVE, AT)
    assert state.status is Status.APPROVED


def test_empty_step_passes_to_the_next():
    """A store with no store manager: the request goes straight to the area manager."""
    people = [p for p in PEOPLE if p.user_id != "sm1"]
    req = leave("2026-12-21", "2026-12-28")
    planned, state = _walk(req, [], people=people)
    assert planned[0].skipped and flow.current_step(planned, state).role is Role.AREA_MANAGER
    with pytest.raises(RequestRefused) as err:
        flow.submit(chains.route(chains.default_chain(req.type), req, [], [], TODAY), "staff1", AT)
    assert err.value.reason == kinds.REASON_NO_APPROVER


@pytest.mark.parametrize("close", ["cancel", "decline"])
def test_closed_request_refuses_a_late_decision(close):
    """An approval made offline after the requester cancelled (or another declined) is refused."""
    req = leave("2026-12-21", "2026-12-22")
    planned, state = _walk(req, [])
    if close == "cancel":
        state = flow.cancel(state, "staff1", "staff1", AT)
    else:
        state = flow.decide(planned, state, "staff1", "sm1", Action.DECLINE, AT)
    with pytest.raises(RequestRefused) as err:
        flow.decide(planned, state, "staff1", "sm1", Action.APPROVE, AT)
    assert err.value.reason == kinds.REASON_NOT_OPEN
    assert err.value.details["status"] == ("cancelled" if close == "cancel" else "declined")


def test_only_the_requester_cancels_and_only_before_the_final_decision():
    """Cancelling someone else's request, or an approved one, is refused."""
    req = leave("2026-12-21", "2026-12-22")
    _, state = _walk(req, [])
    with pytest.raises(RequestRefused):
        flow.cancel(state, "staff1", "sm1", AT)
    _, approved = _walk(req, [("sm1", Action.APPROVE, "")])
    with pytest.raises(RequestRefused) as err:
        flow.cancel(approved, "staff1", "staff1", AT)
    assert err.value.reason == kinds.REASON_NOT_OPEN


@pytest.mark.parametrize("requests,asked,ok,available", [
    ([], 14, True, 14),
    ([("approved", 5)], 10, False, 9),
    ([("approved", 5), ("pending", 4)], 5, True, 5),
    ([("approved", 5), ("pending", 4)], 6, False, 5),
    ([("declined", 10), ("cancelled", 4)], 14, True, 14),        # a decline or cancellation restores
    ([("sent_back", 3)], 12, False, 11),
])
def test_leave_balance_refuses_over_the_balance_with_the_numbers(requests, asked, ok, available):
    """Approved days are used, waiting ones held, declined/cancelled ones restored; over is refused."""
    bal = balance.leave_balance(14, requests)
    assert bal.available == available
    if ok:
        balance.require_within_balance(bal, asked)
        return
    with pytest.raises(RequestRefused) as err:
        balance.require_within_balance(bal, asked)
    assert err.value.reason == kinds.REASON_OVER_BALANCE
    assert err.value.details["requested"] == asked and err.value.details["available"] == available


@pytest.mark.parametrize("delegator,delegate,first,last,reason", [
    ("sm1", "sm2", "2026-12-10", "2026-12-20", None),
    ("sm1", "am1", "2026-12-10", "2026-12-10", None),
    ("sm1", "staff1", "2026-12-10", "2026-12-20", "forbidden_role"),   # staff cannot approve
    ("staff1", "sm1", "2026-12-10", "2026-12-20", "forbidden_role"),   # staff has nothing to hand over
    ("sm1", "sm1", "2026-12-10", "2026-12-20", "forbidden_role"),
    ("sm1", "sm2", "2026-12-20", "2026-12-10", kinds.REASON_BAD_DATES),
    ("sm1", "sm2", "2026-12-10", "2027-12-12", kinds.REASON_BAD_DATES),
])
def test_delegation_is_between_managers_for_a_sane_range(delegator, delegate, first, last, reason):
    """Approvals are handed from one manager to another, for a range of up to a year."""
    people = {p.user_id: p for p in PEOPLE}
    args = (people[delegator], people[delegate], date.fromisoformat(first), date.fromisoformat(last))
    if reason is None:
        chains.check_delegation(*args)
        return
    with pytest.raises(RequestRefused) as err:
        chains.check_delegation(*args)
    assert err.value.reason == reason


@pytest.mark.parametrize("requester,people,route", [
    # A store manager's own 2-day leave: their step is empty, so it goes up to the area manager.
    ("sm1", PEOPLE, [("store_manager", ()), ("area_manager", ("am1",))]),
    # No area manager covers the store: up to HQ.
    ("sm1", [p for p in PEOPLE if p.user_id != "am1"], [("store_manager", ()), ("hq_admin", ("hq1",))]),
    # The area manager's own leave at a store with no store manager: HQ, never themselves.
    ("am1", [p for p in PEOPLE if p.user_id != "sm1"], [("store_manager", ()), ("hq_admin", ("hq1",))]),
    # Staff's short leave: the chain has someone, nothing is added.
    ("staff1", PEOPLE, [("store_manager", ("sm1",))]),
])
def test_a_request_nobody_on_its_chain_can_decide_goes_up(requester, people, route):
    """When the chain leaves nobody to decide (a manager's own short leave), the request goes to
    the store's area manager, else HQ, instead of being refused 'no approver'."""
    req = Request("r3", requester, "s1", RequestType.ANNUAL_LEAVE, date(2026, 12, 21), date(2026, 12, 22))
    planned = chains.route(chains.default_chain(req.type), req, people, [], TODAY)
    assert [(s.role.value, s.approvers) for s in planned] == route
    state = flow.submit(planned, requester, AT)
    assert flow.current_step(planned, state).approvers == route[-1][1]
