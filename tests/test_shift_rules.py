"""Table-driven tests of every shift-trade rule: pass, warn or refuse, and switched off.

Weeks run Monday to Sunday in Asia/Hong_Kong; an overnight shift counts on the day it starts.
"""

from datetime import time

import pytest

from app.domain.shift_rules import (
    Availability, Person, ShiftTradeSettings, Unavailability, WeeklyWindow,
)
from tests.shift_world import TAKER, at, cover, daily, shift

G = "giver"
OFF = ShiftTradeSettings


def _available(*windows, off=()):
    return Person("taker", frozenset({"s1"}), frozenset({"cashier"}),
                  Availability(tuple(WeeklyWindow(*w) for w in windows), tuple(Unavailability(*o) for o in off)))


# (name, shift taken, taker's shifts, taker, chain settings, now, status, code, details subset)
CASES = [
    ("plain cover passes", shift("g", G, 3, 9, 8), [], TAKER, None, None, "eligible", None, {}),
    # Store: own store, an allowed store group, another store.
    ("other store refused", shift("g", G, 3, 9, 8, store="s2"), [], TAKER, None, None, "refused",
     "shift_other_store", {"store_id": "s2"}),
    ("store group allows", shift("g", G, 3, 9, 8, store="s2"), [], TAKER,
     OFF(store_groups=(frozenset({"s1", "s2"}),)), None, "eligible", None, {}),
    ("store rule off", shift("g", G, 3, 9, 8, store="s2"), [], TAKER, OFF(switched_off={"store"}), None,
     "eligible", None, {}),
    # Role or skill.
    ("missing role refused", shift("g", G, 3, 9, 8, role="supervisor"), [], TAKER, None, None, "refused",
     "shift_role_missing", {"role": "supervisor"}),
    ("role rule off", shift("g", G, 3, 9, 8, role="supervisor"), [], TAKER, OFF(switched_off={"role"}), None,
     "eligible", None, {}),
    # Availability: weekly windows (overnight ones too) and one-off time off.
    ("inside weekly window", shift("g", G, 3, 9, 8), [], _available((3, time(8), time(18))), None, None,
     "eligible", None, {}),
    ("outside weekly window refused", shift("g", G, 3, 9, 8), [], _available((3, time(10), time(18))), None, None,
     "refused", "shift_unavailable", {"kind": "weekly"}),
    ("overnight window holds overnight shift", shift("g", G, 3, 22, 8), [], _available((3, time(22), time(6))),
     None, None, "eligible", None, {}),
    ("one-off time off refused", shift("g", G, 3, 9, 8), [], _available(off=[(at(3, 15), at(3, 16))]), None,
     None, "refused", "shift_unavailable", {"kind": "one_off"}),
    ("availability rule off", shift("g", G, 3, 9, 8), [], _available((3, time(10), time(18))),
     OFF(switched_off={"availability"}), None, "eligible", None, {}),
    # Overlap, overnight shifts included.
    ("overlap refused", shift("g", G, 3, 9, 8), [shift("t", "taker", 3, 12, 8)], TAKER, None, None, "refused",
     "shift_overlap", {"other_shift_id": "t"}),
    ("overnight shift overlaps next morning", shift("g", G, 3, 5, 8), [shift("t", "taker", 2, 22, 8)], TAKER, None,
     None, "refused", "shift_overlap", {"other_shift_id": "t"}),
    ("overlap and rest off", shift("g", G, 3, 9, 8), [shift("t", "taker", 3, 12, 8)], TAKER,
     OFF(switched_off={"overlap", "min_rest"}), None, "eligible", None, {}),
    # Minimum rest between two shifts (8 h by default).
    ("6 h rest refused", shift("g", G, 3, 4, 8), [shift("t", "taker", 2, 14, 8)], TAKER, None, None, "refused",
     "shift_rest_too_short", {"hours": 6, "limit": 8}),
    ("exactly 8 h rest passes", shift("g", G, 3, 6, 8), [shift("t", "taker", 2, 14, 8)], TAKER, None, None,
     "eligible", None, {}),
    ("rest after an overnight shift", shift("g", G, 3, 10, 8), [shift("t", "taker", 2, 22, 8)], TAKER, None, None,
     "refused", "shift_rest_too_short", {"hours": 4, "limit": 8}),
    ("rest before the next shift", shift("g", G, 3, 9, 8), [shift("t", "taker", 3, 20.5, 4)], TAKER, None, None,
     "refused", "shift_rest_too_short", {"hours": 3.5, "limit": 8}),
    ("shorter rest setting", shift("g", G, 3, 4, 8), [shift("t", "taker", 2, 14, 8)], TAKER, OFF(min_rest_hours=6),
     None, "eligible", None, {}),
    ("rest rule off", shift("g", G, 3, 4, 8), [shift("t", "taker", 2, 14, 8)], TAKER, OFF(switched_off={"min_rest"}),
     None, "eligible", None, {}),
    # Weekly hours: over 48 refuses, over 44 warns of overtime.
    ("53 h refused", shift("g", G, 5, 9, 8), daily("taker", range(5), 9, 9), TAKER, None, None, "refused",
     "shift_weekly_cap", {"hours": 53, "limit": 48, "week": "2026-03-02"}),
    ("44 h passes", shift("g", G, 5, 9, 8), daily("taker", range(4), 9, 9), TAKER, None, None, "eligible", None, {}),
    ("45 h warns overtime", shift("g", G, 5, 9, 9), daily("taker", range(4), 9, 9), TAKER, None, None, "warning",
     "overtime", {"hours": 45, "limit": 44}),
    ("cap off, overtime still warns", shift("g", G, 5, 9, 8), daily("taker", range(5), 9, 9), TAKER,
     OFF(switched_off={"weekly_cap"}), None, "warning", "overtime", {"hours": 53}),
    ("cap and overtime off", shift("g", G, 5, 9, 8), daily("taker", range(5), 9, 9), TAKER,
     OFF(switched_off={"weekly_cap", "overtime"}), None, "eligible", None, {}),
    ("next Monday is a new week", shift("g", G, 7, 9, 8), daily("taker", range(5), 9, 9), TAKER, None, None,
     "eligible", None, {}),
    ("Sunday overnight counts on Sunday's week", shift("g", G, 6, 22, 8), daily("taker", range(5), 9, 9), TAKER,
     None, None, "refused", "shift_weekly_cap", {"hours": 53, "week": "2026-03-02"}),
    ("Sunday overnight leaves next week's cap alone", shift("g", G, 6, 22, 8), daily("taker", range(8, 13), 9, 9),
     TAKER, None, None, "eligible", None, {}),
    # Notice (12 h by default) and started shifts.
    ("11 h notice refused", shift("g", G, 3, 9, 8), [], TAKER, None, at(2, 22), "refused", "shift_notice_too_short",
     {"hours": 11, "limit": 12}),
    ("12 h notice passes", shift("g", G, 3, 9, 8), [], TAKER, None, at(2, 21), "eligible", None, {}),
    ("notice rule off", shift("g", G, 3, 9, 8), [], TAKER, OFF(switched_off={"min_notice"}), at(2, 22), "eligible",
     None, {}),
    ("started shift refused", shift("g", G, 3, 9, 8), [], TAKER, None, at(3, 10), "refused", "shift_already_started",
     {}),
    ("past shift refused", shift("g", G, 3, 9, 8), [], TAKER, None, at(5, 10), "refused", "shift_already_started", {}),
    ("started and notice off", shift("g", G, 3, 9, 8), [], TAKER, OFF(switched_off={"started", "min_notice"}),
     at(3, 10), "eligible", None, {}),
    # Hong Kong: a rest day (24 h off) in every week.
    ("seventh day without 24 h off warns", shift("g", G, 6, 10, 4), daily("taker", range(6), 10, 4), TAKER, None,
     None, "warning", "no_rest_day", {"hours": 20, "limit": 24, "week": "2026-03-02"}),
    ("a free Sunday is a rest day", shift("g", G, 5, 10, 4), daily("taker", range(5), 10, 4), TAKER, None, None,
     "eligible", None, {}),
    ("rest day rule off", shift("g", G, 6, 10, 4), daily("taker", range(6), 10, 4), TAKER,
     OFF(switched_off={"rest_day"}), None, "eligible", None, {}),
]


@pytest.mark.parametrize(("name", "taken", "mine", "taker", "chain", "now", "status", "code", "details"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule_table(name, taken, mine, taker, chain, now, status, code, details):
    """Each rule passes, warns or refuses as its row says, naming the rule and the numbers that broke it."""
    kwargs = {"now": now} if now else {}
    check = cover(taken, mine, taker=taker, settings=chain, **kwargs)
    assert check.status == status, check.to_dict()
    findings = check.refusals + check.warnings
    if code is None:
        assert findings == ()
        return
    assert [f.code for f in findings] == [code], check.to_dict()
    assert details.items() <= dict(findings[0].details).items()
    assert findings[0].person_id == "taker"


# The giver of a shift and the "468" continuous-contract rule (weeks of 7 days from Monday).
def _weeks_before(hours_per_week: float) -> list:
    """The giver's three weeks before MONDAY, ``hours_per_week`` each (one shift on each Wednesday)."""
    return [shift(f"w{k}", G, 2 - 7 * k, 9, hours_per_week) for k in (1, 2, 3)]


CONTRACT_CASES = [
    ("nothing left in the week or the 4 weeks", [], None, "warning",
     {"hours": 0, "limit": 17, "four_week_hours": 0, "four_week_limit": 68}),
    ("17 h left in the week passes", daily(G, (0, 1), 9, 8.5), None, "eligible", {}),
    ("under 17 h but 68 h in 4 weeks passes", daily(G, (0,), 9, 8) + _weeks_before(20), None, "eligible", {}),
    ("under 17 h and 65 h in 4 weeks warns", daily(G, (0,), 9, 8) + _weeks_before(19), None, "warning",
     {"hours": 8, "four_week_hours": 65}),
    ("468 rule off", [], OFF(switched_off={"continuous_contract"}), "eligible", {}),
]


@pytest.mark.parametrize(("name", "giver_keeps", "chain", "status", "details"), CONTRACT_CASES,
                         ids=[c[0] for c in CONTRACT_CASES])
def test_continuous_contract_table(name, giver_keeps, chain, status, details):
    """Giving a shift away warns when the giver's week drops under 17 h and its 4-week window under 68 h."""
    check = cover(shift("g", G, 3, 9, 8), settings=chain, giver_shifts=giver_keeps)
    assert check.status == status, check.to_dict()
    if details:
        (warning,) = check.warnings
        assert warning.code == "continuous_contract_at_risk" and warning.person_id == G
        assert details.items() <= dict(warning.details).items()


def test_weeks_before_18_january_2026_use_the_418_rule():
    """A week ending before 18 January 2026 still needs 18 h, with no 4-week alternative."""
    def give_tuesday(monday: int):
        """The giver keeps 10 h on ``monday`` (20 h in each of the 3 weeks before) and gives 6 h on Tuesday."""
        keeps = [shift("k0", G, monday, 9, 10)] + [shift(f"k{k}", G, monday - 7 * k, 9, 20) for k in (1, 2, 3)]
        return cover(shift("g", G, monday + 1, 9, 6), giver_shifts=keeps, now=at(monday - 7, 9))

    assert give_tuesday(-49).status == "eligible"  # 12-18 January 2026 ends on the 18th: 10 + 60 h >= 68 h
    (warning,) = give_tuesday(-56).warnings  # 5-11 January 2026: the old 18 h a week
    assert dict(warning.details) == {"week": "2026-01-05", "hours": 10, "limit": 18}
