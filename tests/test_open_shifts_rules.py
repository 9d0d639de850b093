"""Issue 10, open shifts: the rules of ``app.domain.open_shifts`` (shared by the phone and the
server), table-driven: who may claim a place, what a claim becomes under each chain setting,
what a manager may pick, and which open shifts a manager may add."""

from dataclasses import replace
from datetime import timedelta

import pytest

from app.domain import open_shifts, roster
from app.domain.shift_rules import FIRST_CLAIM_WINS, MANAGER_PICKS, Override, Person, RosterIndex, ShiftTradeSettings
from tests.shift_world import at, daily, shift

NOW = at(-7, 9)
#: A published 09:00-17:00 cashier open shift on Wednesday with 2 places.
OPEN = open_shifts.OpenShift("os-1", "s1", "cashier", at(2, 9), at(2, 17), 2, roster.PUBLISHED)
NIGHT = open_shifts.OpenShift("os-n", "s1", "cashier", at(2, 22), at(3, 6), 1, roster.PUBLISHED)
ANNA = Person("anna", frozenset({"s1"}), frozenset({"cashier"}))


def _claim(open_shift=OPEN, person=ANNA, claimants=(), anna_shifts=(), settings=ShiftTradeSettings(), now=NOW):
    return open_shifts.check_claim(open_shift, person, claimants, RosterIndex.build(anna_shifts), settings, now)


REFUSED_CASES = [
    # (what, open shift, person, live claimants, Anna's shifts, now, reason)
    ("a draft cannot be claimed", replace(OPEN, status=roster.DRAFT), ANNA, (), (), NOW, "open_shift_not_open"),
    ("a cancelled one neither", replace(OPEN, status=roster.CANCELLED), ANNA, (), (), NOW, "open_shift_not_open"),
    ("a second claim by the same person", OPEN, ANNA, ("anna",), (), NOW, "open_shift_already_claimed"),
    ("every place taken", replace(OPEN, filled=2), ANNA, ("bo", "cy"), (), NOW, "open_shift_full"),
    ("another store", OPEN, replace(ANNA, store_ids=frozenset({"s9"})), (), (), NOW, "shift_other_store"),
    ("without the role", OPEN, replace(ANNA, roles=frozenset({"stock"})), (), (), NOW, "shift_role_missing"),
    ("overlapping her own shift", OPEN, ANNA, (), [shift("a1", "anna", 2, 13, 6)], NOW, "shift_overlap"),
    ("overnight open shift overlapping next morning", NIGHT, ANNA, (), [shift("a2", "anna", 3, 5, 4)], NOW,
     "shift_overlap"),
    ("too little rest after her evening", OPEN, ANNA, (), [shift("a3", "anna", 1, 22, 6)], NOW,
     "shift_rest_too_short"),
    ("over the weekly cap", OPEN, ANNA, (), daily("anna", (0, 1, 3, 4, 5), 8, 9), NOW, "shift_weekly_cap"),
    ("too little notice", OPEN, ANNA, (), (), at(2, 0), "shift_notice_too_short"),
    ("already started", OPEN, ANNA, (), (), at(2, 10), "shift_already_started"),
]


@pytest.mark.parametrize("what,open_shift,person,claimants,anna_shifts,now,reason", REFUSED_CASES,
                         ids=[c[0] for c in REFUSED_CASES])
def test_a_claim_is_refused_with_the_rule_that_broke(what, open_shift, person, claimants, anna_shifts, now, reason):
    """Each refusal names its reason (the shift rules' check attached when they refused)."""
    with pytest.raises(open_shifts.ClaimRefused) as refused:
        _claim(open_shift, person, claimants, anna_shifts, now=now)
    assert refused.value.reason == reason
    if reason.startswith("shift_"):
        assert refused.value.check.refusals[0].code == reason


CLAIM_OUTCOMES = [
    # (what, mode, Anna's shifts, state the claim gets)
    ("first valid claim wins", FIRST_CLAIM_WINS, (), open_shifts.APPROVED),
    ("manager picks", MANAGER_PICKS, (), open_shifts.WAITING),
    ("first wins, but an overtime warning waits for the manager", FIRST_CLAIM_WINS,
     daily("anna", (0, 1, 3, 4), 8, 9.5), open_shifts.WAITING),
    ("another claimant does not stop her while a place is left", FIRST_CLAIM_WINS, (), open_shifts.APPROVED),
]


@pytest.mark.parametrize("what,mode,anna_shifts,state", CLAIM_OUTCOMES, ids=[c[0] for c in CLAIM_OUTCOMES])
def test_a_valid_claim_is_approved_or_waits_for_the_manager_by_the_chain_setting(what, mode, anna_shifts, state):
    """The chain's open_shift_mode (and any warning) decides what a valid claim becomes."""
    settings = ShiftTradeSettings(open_shift_mode=mode)
    check = _claim(claimants=("bo",), anna_shifts=anna_shifts, settings=settings)
    assert open_shifts.after_claim(check, settings) == state


def test_the_default_chain_setting_is_first_valid_claim_wins():
    """Until a chain says otherwise, the first valid claim wins."""
    assert open_shifts.first_claim_wins(ShiftTradeSettings())
    assert not open_shifts.first_claim_wins(ShiftTradeSettings(open_shift_mode=MANAGER_PICKS))


def _passes_or_refuses(call, reason: str | None, refusal: type[Exception]) -> None:
    """``call`` passes when ``reason`` is None, else raises ``refusal`` with that reason."""
    if reason is None:
        call()
        return
    with pytest.raises(refusal) as refused:
        call()
    assert refused.value.reason == reason


PICKS = [
    # (what, open shift, claim state, approve, reason or None)
    ("a waiting claim with a place left", OPEN, open_shifts.WAITING, True, None),
    ("turning a waiting claim down", replace(OPEN, filled=2), open_shifts.WAITING, False, None),
    ("no place left", replace(OPEN, filled=2), open_shifts.WAITING, True, "open_shift_full"),
    ("already approved", OPEN, open_shifts.APPROVED, True, "open_shift_claim_decided"),
    ("already declined", OPEN, open_shifts.DECLINED, False, "open_shift_claim_decided"),
    ("cancelled open shift", replace(OPEN, status=roster.CANCELLED), open_shifts.WAITING, True, "open_shift_not_open"),
]


@pytest.mark.parametrize("what,open_shift,state,approve,reason", PICKS, ids=[p[0] for p in PICKS])
def test_what_a_manager_may_pick(what, open_shift, state, approve, reason):
    """A manager decides only a waiting claim, and gives a place only while one is left."""
    _passes_or_refuses(lambda: open_shifts.check_pick(open_shift, state, approve), reason, open_shifts.ClaimRefused)


NEW_OPEN_SHIFTS = [
    # (what, start, end, slots, reason or None)
    ("a day shift with 3 places", at(0, 9), at(0, 17), 3, None),
    ("an overnight shift", at(0, 22), at(1, 6), 1, None),
    ("no places", at(0, 9), at(0, 17), 0, "open_shift_bad_slots"),
    ("too many places", at(0, 9), at(0, 17), open_shifts.MAX_SLOTS + 1, "open_shift_bad_slots"),
    ("places as true", at(0, 9), at(0, 17), True, "open_shift_bad_slots"),
    ("ends before it starts", at(0, 17), at(0, 9), 1, "shift_ends_before_start"),
    ("longer than 16 h", at(0, 6), at(0, 23), 1, "shift_too_long"),
]


@pytest.mark.parametrize("what,start,end,slots,reason", NEW_OPEN_SHIFTS, ids=[n[0] for n in NEW_OPEN_SHIFTS])
def test_which_open_shifts_a_manager_may_add(what, start, end, slots, reason):
    """The same span rules as a rostered shift, and 1 to MAX_SLOTS places."""
    _passes_or_refuses(lambda: open_shifts.check_open_shift(start, end, slots), reason, roster.RosterRefused)


def test_an_overnight_open_shift_and_the_shift_it_becomes_belong_to_the_day_it_starts():
    """22:00-06:00 is Wednesday's shift, on the open shift and on the claimant's shift alike."""
    taken = open_shifts.taken_shift(NIGHT, "oc-9", "anna")
    assert NIGHT.as_shift().day == roster.work_day(taken.starts_at) == at(2, 0).date()
    assert taken.id == open_shifts.claim_shift_id("oc-9") and taken.status == roster.PUBLISHED
    assert taken.ends_at - taken.starts_at == timedelta(hours=8)
    assert replace(NIGHT, filled=1).remaining == 0


def test_a_pick_needs_a_reason_for_each_warning_and_keeps_only_those_used():
    """Anna would pass the overtime line: picking her needs an override of "overtime" with a
    reason; an override of a warning that did not fire is not kept."""
    check = _claim(anna_shifts=daily("anna", (0, 1, 3, 4), 8, 9.5))
    assert [w.code for w in check.warnings] == ["overtime"]
    with pytest.raises(open_shifts.ClaimRefused) as refused:
        open_shifts.accepted_warnings(check, [])
    assert refused.value.reason == "trade_override_needed"
    overtime = Override("overtime", "anna", "boss", "Agreed for the stock count", NOW)
    unused = Override("no_rest_day", "anna", "boss", "Not needed here at all", NOW)
    assert open_shifts.accepted_warnings(check, [overtime, unused]) == (overtime,)
    assert open_shifts.overrides_json([overtime])[0] | {"at": None} == {
        "code": "overtime", "person_id": "anna", "by": "boss", "reason": "Agreed for the stock count", "at": None}
