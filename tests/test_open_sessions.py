"""Open sessions: still at work until the shift has ended plus the grace; then a missing clock-out."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.attendance import Punch, PunchKind, ShiftWindow
from app.domain.timesheet import compute_timesheet
from app.reports.timesheet_export import to_csv

HK = ZoneInfo("Asia/Hong_Kong")
MON = date(2026, 11, 23)


def hk(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, tzinfo=HK) + timedelta(hours=hour, minutes=minute)


SHIFT = ShiftWindow("s1", "u1", "central", hk(9), hk(18))
CLOCKED_IN = [Punch("a", "u1", "central", PunchKind.CLOCK_IN, hk(9), shift_id="s1")]
UNSCHEDULED = [Punch("b", "u1", "central", PunchKind.CLOCK_IN, hk(14), flags=("unscheduled",))]


def day(punches, shifts, now):
    line, = compute_timesheet("u1", punches, shifts, [], MON, MON, now=now).lines
    return line


def test_person_still_at_work_is_not_missing_a_clock_out():
    """Clocked in at 09:00 for a 09:00-18:00 shift: at 12:00 the day is open, not missing_clock_out."""
    line = day(CLOCKED_IN, [SHIFT], hk(12))
    assert line.open_shift
    assert "missing_clock_out" not in line.flags


def test_clock_out_is_missing_once_shift_end_and_grace_have_passed():
    """Still open two hours after an 18:00 shift end: missing_clock_out (at 19:59 not yet)."""
    assert "missing_clock_out" not in day(CLOCKED_IN, [SHIFT], hk(19, 59)).flags
    assert "missing_clock_out" in day(CLOCKED_IN, [SHIFT], hk(20)).flags
    assert "missing_clock_out" in day(CLOCKED_IN, [SHIFT], None).flags  # a closed pay period


def test_unscheduled_clock_in_still_at_work_is_not_missing_a_clock_out():
    """An unscheduled clock-in at 14:00 is still at work at 22:00, missing the next morning."""
    assert "missing_clock_out" not in day(UNSCHEDULED, [], hk(22)).flags
    assert "missing_clock_out" in day(UNSCHEDULED, [], hk(14) + timedelta(hours=14)).flags


def test_export_does_not_mark_someone_at_work_as_missing_clock_out():
    """The manager's export taken at noon shows no missing clock-out for a person on shift."""
    sheet = compute_timesheet("u1", CLOCKED_IN, [SHIFT], [], MON, MON, now=hk(12))
    text = to_csv([sheet]).decode("utf-8-sig")
    assert "missing" not in text.lower()
