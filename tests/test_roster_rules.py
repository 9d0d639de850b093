"""Issue 10, roster: the shared rules a shift must pass, the day a shift belongs to (overnight
shifts: the day they start, timesheets included), copy last week, and what publishing changes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.domain import roster
from app.domain.attendance import HONG_KONG, Punch, PunchKind, ShiftWindow
from app.domain.timesheet import TimesheetRules, compute_timesheet

MON = date(2026, 12, 7)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), HONG_KONG)


def _shift(sid: str, start: datetime, end: datetime, *, user: str = "u-1", status: str = roster.PUBLISHED,
           version: int = 1, published_version: int = 1) -> roster.ShiftSpan:
    return roster.ShiftSpan(sid, user, "st-1", start, end, status, "Sales", version, published_version)


NIGHT = _shift("night", _at(MON, 22), _at(MON + timedelta(days=1), 6))


@pytest.mark.parametrize("start, end, others, reason", [
    (_at(MON, 9), _at(MON, 17), [], None),
    (_at(MON, 17), _at(MON, 9), [], roster.REASON_ENDS_BEFORE_START),
    (_at(MON, 9), _at(MON, 9), [], roster.REASON_ENDS_BEFORE_START),
    (_at(MON, 6), _at(MON, 22), [], None),  # exactly 16 h
    (_at(MON, 6), _at(MON, 22, 1), [], roster.REASON_TOO_LONG),
    # The night shift runs into Tuesday morning: an early Tuesday shift overlaps it.
    (_at(MON + timedelta(days=1), 5), _at(MON + timedelta(days=1), 12), [NIGHT], roster.REASON_OVERLAP),
    (_at(MON + timedelta(days=1), 6), _at(MON + timedelta(days=1), 12), [NIGHT], None),  # back to back
    (_at(MON, 18), _at(MON, 23), [NIGHT], roster.REASON_OVERLAP),
    # A cancelled shift, a colleague's shift and the shift itself never clash.
    (_at(MON, 22), _at(MON + timedelta(days=1), 6), [_shift("x", NIGHT.starts_at, NIGHT.ends_at,
                                                              status=roster.CANCELLED)], None),
    (_at(MON, 22), _at(MON + timedelta(days=1), 6), [_shift("y", NIGHT.starts_at, NIGHT.ends_at, user="u-2")], None),
])
def test_a_shift_must_end_after_it_starts_last_at_most_16_h_and_not_overlap(start, end, others, reason):
    """Each rule passes or refuses with its own reason (overnight shifts included)."""
    shift = _shift("new", start, end)
    if reason is None:
        roster.check_shift(shift, {"st-1"}, others)
    else:
        with pytest.raises(roster.RosterRefused) as refused:
            roster.check_shift(shift, {"st-1"}, others)
        assert refused.value.reason == reason


def test_the_person_must_work_at_the_store():
    """A shift for someone of another store is refused with person_not_at_store."""
    with pytest.raises(roster.RosterRefused) as refused:
        roster.check_shift(_shift("new", _at(MON, 9), _at(MON, 17)), {"st-2"}, [])
    assert refused.value.reason == roster.REASON_PERSON_NOT_AT_STORE


def test_an_overnight_shift_belongs_to_the_day_and_week_it_starts():
    """Sunday 22:00 to Monday 06:00 is Sunday's shift, in the week that Sunday ends."""
    sunday_night = _at(MON - timedelta(days=1), 22)
    assert roster.work_day(sunday_night) == MON - timedelta(days=1)
    assert roster.week_start(roster.work_day(sunday_night)) == MON - timedelta(days=7)
    start, end = roster.week_bounds(MON - timedelta(days=7))
    assert start <= sunday_night < end


def test_overnight_shift_is_counted_on_its_start_day_in_the_timesheet():
    """A 22:00-06:00 shift worked in full is 8 h on Monday and nothing on Tuesday."""
    window = ShiftWindow("night", "u-1", "st-1", NIGHT.starts_at, NIGHT.ends_at)
    punches = [Punch("p1", "u-1", "st-1", PunchKind.CLOCK_IN, NIGHT.starts_at, "night"),
               Punch("p2", "u-1", "st-1", PunchKind.CLOCK_OUT, NIGHT.ends_at, "night")]
    sheet = compute_timesheet("u-1", punches, [window], [], MON, MON + timedelta(days=1), TimesheetRules(),
                              now=NIGHT.ends_at + timedelta(hours=1))
    assert [(line.day, line.worked) for line in sheet.lines] == [(MON, timedelta(hours=8))]


def test_copy_last_week_skips_cancelled_and_clashing_shifts_and_repeats_nothing():
    """Last week's live shifts come a week later as drafts with ids both sides derive alike;
    a copy clashing with a shift already there is skipped; copying twice adds nothing."""
    last = [_shift("a", _at(MON - timedelta(days=7), 22), _at(MON - timedelta(days=6), 6)),
            _shift("b", _at(MON - timedelta(days=5), 9), _at(MON - timedelta(days=5), 17), status=roster.CANCELLED),
            _shift("c", _at(MON - timedelta(days=4), 9), _at(MON - timedelta(days=4), 17))]
    there = [_shift("z", _at(MON + timedelta(days=3), 12), _at(MON + timedelta(days=3), 20))]
    plan = roster.plan_copy_week("key1", last, there, {"u-1": {"st-1"}})
    assert [(d.id, d.starts_at, d.status, d.published_version) for d in plan.drafts] == [
        (roster.copy_id("key1", "a"), _at(MON, 22), roster.DRAFT, 0)]
    assert [(s.id, reason) for s, reason in plan.skipped] == [("c", roster.REASON_OVERLAP)]
    again = roster.plan_copy_week("key1", last, there + plan.drafts, {"u-1": {"st-1"}})
    assert again.drafts == []


def test_publish_tells_each_person_what_changed_since_the_last_publish():
    """Drafts are added, edited published shifts changed, cancelled ones cancelled; told ones are left out."""
    week = [_shift("d", _at(MON, 9), _at(MON, 17), status=roster.DRAFT, published_version=0),
            _shift("e", _at(MON, 9), _at(MON, 17), user="u-2", version=3, published_version=1),
            _shift("f", _at(MON, 18), _at(MON, 22), status=roster.CANCELLED, version=2),
            _shift("g", _at(MON + timedelta(days=1), 9), _at(MON + timedelta(days=1), 17))]
    changes = roster.publish_changes(week)
    assert {user: [(c.kind, c.shift.id) for c in told] for user, told in changes.items()} == {
        "u-1": [(roster.ADDED, "d"), (roster.REMOVED, "f")], "u-2": [(roster.CHANGED, "e")]}
    assert roster.count_drafts(week) == 1


def test_week_bounds_are_hong_kong_midnights():
    """A roster week runs Monday 00:00 to the next Monday 00:00 in Hong Kong (16:00 UTC on Sunday)."""
    start, end = roster.week_bounds(MON)
    assert start.astimezone(UTC) == datetime(2026, 12, 6, 16, tzinfo=UTC)
    assert end - start == timedelta(days=7)


def test_an_end_before_the_start_is_the_next_morning():
    """22:00 to 06:00 entered on Monday ends on Tuesday; 09:00 to 17:00 stays on Monday."""
    assert roster.shift_times(MON, time(22), time(6)) == (_at(MON, 22), _at(MON + timedelta(days=1), 6))
    assert roster.shift_times(MON, time(9), time(17)) == (_at(MON, 9), _at(MON, 17))


def test_hours_this_week_count_overnight_shifts_on_their_start_day():
    """Sunday night's 8 h belong to last week; cancelled shifts count nothing."""
    shifts = [_shift("sun", _at(MON - timedelta(days=1), 22), _at(MON, 6)),
              _shift("mon", _at(MON, 9), _at(MON, 17)),
              _shift("tue", _at(MON + timedelta(days=1), 9), _at(MON + timedelta(days=1), 13),
                     status=roster.CANCELLED)]
    assert roster.scheduled_hours(shifts, MON, MON + timedelta(days=6)) == 8
    assert roster.scheduled_hours(shifts, MON - timedelta(days=7), MON - timedelta(days=1)) == 8
