"""Issue 10, openshiftedit: the rules of ``app.domain.open_shifts`` for a manager's edit or
cancel (shared by the phone and the server), table-driven, and ``roster.handover_changes``
(who a trade or a claim tells, and what)."""

from dataclasses import replace

import pytest

from app.domain import open_shifts, roster
from app.domain.shift_rules import Person, RosterIndex, ShiftTradeSettings
from app.i18n import SUPPORTED_LOCALES, Translator
from app.i18n.reasons import shift_rule_message
from tests.shift_world import at, shift

NOW = at(-7, 9)
#: A published Wednesday 09:00-17:00 open shift with 3 places, 2 filled, at version 4.
OPEN = open_shifts.OpenShift("os-1", "s1", "cashier", at(2, 9), at(2, 17), 3, roster.PUBLISHED, 2, 4)


EDIT_REFUSED = [
    # (what, open shift, base version, start, end, places, reason, details)
    ("made on an older version", OPEN, 3, at(2, 9), at(2, 17), 3, "open_shift_changed", {"version": 4}),
    ("a cancelled one", replace(OPEN, status=roster.CANCELLED), 4, at(2, 9), at(2, 17), 3,
     "open_shift_cancelled", {}),
    ("fewer places than filled", OPEN, 4, at(2, 9), at(2, 17), 1, "open_shift_below_filled", {"filled": 2}),
    ("no place at all", OPEN, 4, at(2, 9), at(2, 17), 0, "open_shift_bad_slots", {"limit": 20}),
    ("ends before it starts", OPEN, 4, at(2, 17), at(2, 9), 3, "shift_ends_before_start", {}),
    ("longer than 16 hours", OPEN, 4, at(2, 6), at(3, 0), 3, "shift_too_long", {"hours": 18.0, "limit": 16.0}),
]


@pytest.mark.parametrize("what, shift_, version, start, end, slots, reason, details", EDIT_REFUSED,
                         ids=[c[0] for c in EDIT_REFUSED])
def test_an_edit_is_refused_with_the_rule_and_its_number(what, shift_, version, start, end, slots, reason, details):
    """Each refused edit names its rule, and the number that broke it where there is one."""
    with pytest.raises(roster.RosterRefused) as refused:
        open_shifts.check_edit(shift_, version, start, end, slots, "cashier", NOW)
    assert (refused.value.reason, refused.value.details) == (reason, details)


def test_an_edit_keeps_what_is_filled_and_raises_the_version():
    """As many places as filled is fine; the result keeps the filled count and the version goes up."""
    after = open_shifts.check_edit(OPEN, 4, at(3, 10), at(3, 18), 2, "stock", NOW)
    assert (after.slots, after.filled, after.version, after.role, after.remaining) == (2, 2, 5, "stock", 0)
    assert open_shifts.times_changed(OPEN, after)
    assert not open_shifts.times_changed(OPEN, replace(OPEN, slots=5, version=5))


CANCEL_CASES = [
    # (what, open shift, keep filled, what is left, or the reason refused)
    ("a published one with places filled, confirmed", OPEN, True, roster.CANCELLED),
    ("places filled, not confirmed", OPEN, False, "open_shift_has_filled"),
    ("nobody has a place yet", replace(OPEN, filled=0), False, roster.CANCELLED),
    ("a draft simply goes", replace(OPEN, filled=0, status=roster.DRAFT), False, None),
    ("cancelled already", replace(OPEN, status=roster.CANCELLED), True, "open_shift_cancelled"),
]


@pytest.mark.parametrize("what, shift_, keep, outcome", CANCEL_CASES, ids=[c[0] for c in CANCEL_CASES])
def test_what_cancelling_leaves_or_why_it_is_refused(what, shift_, keep, outcome):
    """Cancelling: a draft goes, a published one is cancelled; places filled need the confirmation."""
    try:
        left = open_shifts.check_cancel(shift_, shift_.version, keep, NOW)
    except roster.RosterRefused as refused:
        left = refused.reason
        if outcome == "open_shift_has_filled":
            assert refused.details == {"filled": 2}
    assert left == outcome


STARTED = replace(OPEN, starts_at=at(-7, 8), ends_at=at(-7, 16))


def test_an_open_shift_that_has_started_or_is_past_can_be_neither_edited_nor_cancelled():
    """Issue 10, issue10fix: an open shift that began at 08:00 (now 09:00), or one of last week,
    is refused "open_shift_started" for an edit (even to later times) and for a cancel; an edit
    that moves a future one to a start already past is refused the same way. A draft nobody saw
    may still be removed."""
    past = replace(OPEN, starts_at=at(-14, 9), ends_at=at(-14, 17))
    for shift_ in (STARTED, past):
        for start, end in ((shift_.starts_at, shift_.ends_at), (at(3, 9), at(3, 17))):
            with pytest.raises(roster.RosterRefused) as refused:
                open_shifts.check_edit(shift_, 4, start, end, 3, "cashier", NOW)
            assert refused.value.reason == "open_shift_started"
        with pytest.raises(roster.RosterRefused) as refused:
            open_shifts.check_cancel(shift_, 4, True, NOW)
        assert refused.value.reason == "open_shift_started"
    with pytest.raises(roster.RosterRefused) as refused:
        open_shifts.check_edit(OPEN, 4, at(-8, 9), at(-8, 17), 3, "cashier", NOW)
    assert refused.value.reason == "open_shift_started"
    assert open_shifts.check_cancel(replace(STARTED, status=roster.DRAFT, filled=0), 4, False, NOW) is None


def test_a_waiting_claim_after_new_times_stays_or_is_refused_by_the_rules():
    """Anna works Thursday 09:00-17:00: her claim still stands for Wednesday but is refused
    ("overlap") once the open shift moves onto her Thursday."""
    anna = Person("anna", frozenset({"s1"}), frozenset({"cashier"}))
    index = RosterIndex.build([shift("a1", "anna", 3, 9, 8)])
    stays = open_shifts.claim_rules(OPEN, anna, index, ShiftTradeSettings(), NOW)
    moved = open_shifts.claim_rules(replace(OPEN, starts_at=at(3, 12), ends_at=at(3, 16)), anna, index,
                                    ShiftTradeSettings(), NOW)
    assert open_shifts.after_recheck(stays) == open_shifts.WAITING
    assert open_shifts.after_recheck(moved) == open_shifts.REFUSED
    assert [r.code for r in moved.refusals] == ["shift_overlap"]


def test_a_handover_tells_the_new_holder_added_and_the_previous_one_cancelled():
    """A swap tells each of the two both shifts; a new shift from a claim tells its holder only."""
    a = roster.ShiftSpan("sh-a", "siti", "s1", at(1, 9), at(1, 17))
    b = roster.ShiftSpan("sh-b", "chan", "s1", at(2, 9), at(2, 17))
    told = roster.handover_changes([(a, "chan"), (b, "siti")])
    assert {p: [(c.kind, c.shift.id) for c in lines] for p, lines in told.items()} == {
        "chan": [("cancelled", "sh-a"), ("added", "sh-b")], "siti": [("added", "sh-a"), ("cancelled", "sh-b")]}
    claimed = roster.handover_changes([(a, None)])
    assert {p: [c.kind for c in lines] for p, lines in claimed.items()} == {"siti": ["added"]}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("code", ["open_shift_below_filled", "open_shift_has_filled"])
def test_the_places_filled_are_named_in_every_language(locale, code):
    """A refused edit or cancel reads in each language with the number of places filled."""
    text = shift_rule_message(Translator(locale), code, {"filled": 7})
    assert "7" in text and "{" not in text
    if locale != "en":
        assert text != shift_rule_message(Translator("en"), code, {"filled": 7})


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_started_open_shift_is_refused_in_every_language(locale):
    """Issue 10, issue10fix: "already started" reads in each language (not the English text)."""
    text = shift_rule_message(Translator(locale), "open_shift_started", {"starts_at": "2026-12-01T01:00:00+00:00"})
    assert text and "{" not in text
    if locale != "en":
        assert text != shift_rule_message(Translator("en"), "open_shift_started", {})
    else:
        assert "already started" in text
