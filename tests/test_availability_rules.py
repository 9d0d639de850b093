"""Issue 10, availability rules (app.domain.availability), table-driven: what a person may enter
as weekly windows and days off, who may set them, the chain's settings as submitted, and the
roster's conflict marker."""

from datetime import date, time

import pytest

from app.domain.access import AccessDenied
from app.domain.availability import (
    MAX_WINDOWS, REASON_BAD_DAYS, REASON_BAD_SETTINGS, REASON_BAD_WINDOW, REASON_OVERLAP, AvailabilityInvalid,
    availability_of, check_days_off, require_may_change_settings, require_own_availability, roster_conflicts,
    settings_from, weekly_windows, window_dicts, windows_to_set,
)
from app.domain.roles import Actor, Role
from app.domain.shift_rules import ShiftTradeSettings
from tests.shift_world import MONDAY, shift


@pytest.mark.parametrize("items, why", [
    ([{"weekday": 0, "start": "09:00", "end": "09:00"}], "end after it starts"),
    ([{"weekday": 7, "start": "09:00", "end": "18:00"}], "weekday"),
    ([{"weekday": 0, "start": "9am", "end": "18:00"}], "not a time"),
    ([{"weekday": 0, "start": "24:00", "end": "18:00"}], "not a time"),
    ([{"weekday": d % 7, "start": "09:00", "end": "10:00"} for d in range(22)], "At most 21"),
])
def test_bad_weekly_windows_are_refused_with_the_reason(items, why):
    """Each window that cannot be stored is refused with the bad-window code and says why."""
    with pytest.raises(AvailabilityInvalid) as refused:
        weekly_windows(items)
    assert refused.value.reason == REASON_BAD_WINDOW and why in refused.value.message


def test_windows_are_sorted_and_an_overnight_window_holds_a_night_shift():
    """Windows come back sorted by day and time; 22:00-06:00 on Monday holds a Monday night shift."""
    windows = weekly_windows([{"weekday": 2, "start": "09:00", "end": "18:00"},
                              {"weekday": 0, "start": "22:00", "end": "06:00"}])
    assert window_dicts(windows) == [{"weekday": 0, "start": "22:00", "end": "06:00"},
                                     {"weekday": 2, "start": "09:00", "end": "18:00"}]
    assert windows[0].start == time(22) and windows[0].holds(shift("n", "p", 0, 22, 8))


@pytest.mark.parametrize("first, last, ok", [
    (date(2027, 1, 4), date(2027, 1, 4), True),
    (date(2027, 1, 4), date(2027, 1, 3), False),
    (date(2027, 1, 1), date(2027, 12, 31), True),
    (date(2027, 1, 1), date(2028, 1, 1), True),
    (date(2027, 1, 1), date(2028, 1, 2), False),
])
def test_days_off_run_forward_for_at_most_a_year(first, last, ok):
    """A stretch of days off must not end before it starts, nor last more than 366 days."""
    if ok:
        check_days_off(first, last)
    else:
        with pytest.raises(AvailabilityInvalid) as refused:
            check_days_off(first, last)
        assert refused.value.reason == REASON_BAD_DAYS


def test_only_the_person_sets_their_availability_and_only_hq_the_settings():
    """A manager (or HQ) writing someone else's availability is refused; a store manager may not
    change the chain's settings, HQ may."""
    for role in Role:
        require_own_availability(Actor("me", role, frozenset({"s1"})), "me")
        with pytest.raises(AccessDenied):
            require_own_availability(Actor("boss", role, frozenset({"s1"})), "me")
    require_may_change_settings(Actor("hq", Role.HQ_ADMIN, frozenset()))
    with pytest.raises(AccessDenied):
        require_may_change_settings(Actor("sm", Role.STORE_MANAGER, frozenset({"s1"})))


@pytest.mark.parametrize("data, field", [
    ({"weekly_cap_hours": -1}, "weekly_cap_hours"),
    ({"min_rest_hours": "eight"}, "min_rest_hours"),
    ({"overtime_warning_hours": 50}, "overtime_warning_hours"),
    ({"switched_off": ["teleport"]}, "switched_off"),
    ({"store_groups": "st-cwb"}, "store_groups"),
    ([1, 2], "object"),
])
def test_bad_chain_settings_are_refused_naming_what_is_wrong(data, field):
    """Settings the domain parser refuses come back as chain_settings_invalid naming the field."""
    with pytest.raises(AvailabilityInvalid) as refused:
        settings_from(data)
    assert refused.value.reason == REASON_BAD_SETTINGS and field in refused.value.message


def test_roster_conflicts_mark_shifts_outside_windows_or_on_days_off_unless_switched_off():
    """A shift on a day off is "one_off", one outside the weekly windows "weekly", one inside
    nothing; with the availability rule switched off nothing is marked."""
    available = {"p": availability_of([{"weekday": 0, "start": "08:00", "end": "18:00"}], [(MONDAY, MONDAY)]),
                 "q": availability_of([{"weekday": 1, "start": "08:00", "end": "18:00"}], [])}
    shifts = [shift("a", "p", 0, 9, 8), shift("b", "q", 0, 9, 8), shift("c", "q", 1, 9, 8), shift("d", "r", 0, 9, 8)]
    assert roster_conflicts(shifts, available, ShiftTradeSettings()) == {"a": "one_off", "b": "weekly"}
    assert roster_conflicts(shifts, available, ShiftTradeSettings(switched_off=frozenset({"availability"}))) == {}


def _w(weekday: int, start: str, end: str) -> dict:
    return {"weekday": weekday, "start": start, "end": end}


@pytest.mark.parametrize("items, clash", [
    ([_w(0, "09:00", "13:00"), _w(0, "12:00", "18:00")], "Monday 09:00-13:00 and Monday 12:00-18:00"),
    ([_w(2, "10:00", "11:00"), _w(2, "08:00", "20:00")], "Wednesday 08:00-20:00 and Wednesday 10:00-11:00"),
    ([_w(1, "22:00", "06:00"), _w(2, "05:00", "09:00")], "Tuesday 22:00-06:00 and Wednesday 05:00-09:00"),
    ([_w(6, "22:00", "06:00"), _w(0, "05:30", "12:00")], "Monday 05:30-12:00 and Sunday 22:00-06:00"),
])
def test_overlapping_windows_are_refused_naming_both(items, clash):
    """Two windows sharing time (on one day, or a night window running into the next morning's,
    Sunday night into Monday included) are refused with the overlap code, naming both."""
    with pytest.raises(AvailabilityInvalid) as refused:
        windows_to_set(items)
    assert refused.value.reason == REASON_OVERLAP and clash in refused.value.message


def test_three_windows_every_day_are_accepted_as_the_rules_allow():
    """A split day (07:00-11:00, 11:00-15:00 touching, 18:00-02:00 overnight) on all seven days
    is 21 windows, the most the rules take: all stored, sorted by day and time."""
    day = [_w(0, "18:00", "02:00"), _w(0, "07:00", "11:00"), _w(0, "11:00", "15:00")]
    week = [{**w, "weekday": d} for d in range(7) for w in day]
    stored = window_dicts(windows_to_set(week))
    assert len(stored) == MAX_WINDOWS == 21
    assert stored[:3] == [_w(0, "07:00", "11:00"), _w(0, "11:00", "15:00"), _w(0, "18:00", "02:00")]
