"""Timesheets: worked time, breaks, lateness, overtime, local days, corrections and open shifts."""

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.attendance import Punch, PunchCorrection, PunchKind, ShiftRules, ShiftWindow, walk
from app.domain.timesheet import TimesheetRules, compute_timesheet

HK = ZoneInfo("Asia/Hong_Kong")
RULES = TimesheetRules()
IN, OUT = PunchKind.CLOCK_IN, PunchKind.CLOCK_OUT
B_START, B_END = PunchKind.BREAK_START, PunchKind.BREAK_END
H = timedelta(hours=1)
ZERO = timedelta(0)
_ids = itertools.count()
# 2026-11-23 is a Monday.
MON = date(2026, 11, 23)


def hk(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=HK) + timedelta(hours=hour, minutes=minute)


def punch(kind, at, user="u1", shift_id=None, flags=(), pid=None) -> Punch:
    return Punch(pid or f"p{next(_ids)}", user, "central", kind, at, shift_id, tuple(flags))


def shift(start, end, sid, user="u1") -> ShiftWindow:
    return ShiftWindow(sid, user, "central", start, end)


def day_of_work(d: date, hours: float, start_hour: int = 9, user="u1", sid=None) -> list[Punch]:
    start = hk(d, start_hour)
    return [punch(IN, start, user=user, shift_id=sid),
            punch(OUT, start + timedelta(hours=hours), user=user, shift_id=sid)]


def sheet(punches, shifts=(), corrections=(), start=MON, end=MON + timedelta(days=6), **kw):
    return compute_timesheet("u1", punches, shifts, corrections, start, end, kw.pop("rules", RULES),
                             kw.pop("tz", HK), **kw)


def test_default_overtime_thresholds():
    """Overtime starts after 8 h a day and 48 h a week by default; weeks start on Monday."""
    assert RULES.daily_overtime_after == 8 * H
    assert RULES.weekly_overtime_after == 48 * H
    assert RULES.week_of(date(2026, 11, 29)) == MON


def test_worked_time_is_span_minus_breaks():
    """09:00-18:00 with a 12:00-13:00 break is 8 h worked and 1 h of breaks."""
    punches = [punch(IN, hk(MON, 9)), punch(B_START, hk(MON, 12)), punch(B_END, hk(MON, 13)),
               punch(OUT, hk(MON, 18))]
    line, = sheet(punches).lines
    assert (line.day, line.worked, line.breaks) == (MON, 8 * H, H)
    assert (line.first_in, line.last_out) == (hk(MON, 9), hk(MON, 18))
    assert (line.regular, line.overtime, line.open_shift) == (8 * H, ZERO, False)


def test_a_midnight_crossing_shift_counts_on_the_day_it_started():
    """A 22:00-06:00 shift is one 8 h line on its start date, none on the next."""
    night = shift(hk(MON, 22), hk(MON, 30), "n1")
    punches = [punch(IN, hk(MON, 22), shift_id="n1"), punch(OUT, hk(MON, 30), shift_id="n1")]
    line, = sheet(punches, [night]).lines
    assert (line.day, line.worked, line.shift_ids) == (MON, 8 * H, ("n1",))
    assert line.last_out == hk(MON + timedelta(days=1), 6)


def test_an_early_clock_in_before_midnight_counts_on_the_shifts_day():
    """Clocking in at 23:30 for a shift starting at 00:00 counts on the shift's date."""
    tue = MON + timedelta(days=1)
    s = shift(hk(tue, 0), hk(tue, 8), "t1")
    punches = [punch(IN, hk(MON, 23, 30)), punch(OUT, hk(tue, 8))]
    line, = sheet(punches, [s]).lines
    assert line.day == tue and line.worked == 8.5 * H


def test_unscheduled_sessions_count_on_their_clock_in_date():
    """Without a shift, a session counts on its local clock-in date."""
    punches = [punch(IN, hk(MON, 23)), punch(OUT, hk(MON, 26))]
    line, = sheet(punches).lines
    assert line.day == MON and line.worked == 3 * H


def test_utc_punches_are_counted_on_hong_kong_dates():
    """16:30 UTC is 00:30 HKT the next day; the UTC day boundary is not the store's."""
    punches = [punch(IN, datetime(2026, 11, 23, 16, 30, tzinfo=UTC)),
               punch(OUT, datetime(2026, 11, 23, 20, 30, tzinfo=UTC)),
               punch(IN, datetime(2026, 11, 23, 1, 0, tzinfo=UTC)),
               punch(OUT, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))]
    lines = sheet(punches).lines
    assert [(line.day, line.worked) for line in lines] == [(MON, 8 * H), (MON + timedelta(days=1), 4 * H)]
    assert lines[1].first_in == datetime(2026, 11, 24, 0, 30, tzinfo=HK)
    assert lines[1].first_in.utcoffset() == 8 * H


def test_hong_kong_days_are_the_same_in_march_and_november():
    """No summer time: the same UTC instants land on the same HK hour in any month."""
    for month in (3, 11):
        start = datetime(2026, month, 10, 16, 0, tzinfo=UTC)
        punches = [punch(IN, start), punch(OUT, start + 8 * H)]
        d = date(2026, month, 11)
        line, = compute_timesheet("u1", punches, [], [], d, d, RULES, HK).lines
        assert line.first_in.hour == 0 and line.day == d


def test_daily_overtime():
    """A 10 h day is 8 h regular and 2 h daily overtime."""
    line, = sheet(day_of_work(MON, 10)).lines
    assert (line.regular, line.daily_overtime, line.weekly_overtime) == (8 * H, 2 * H, ZERO)


def test_daily_and_weekly_overtime_are_never_counted_twice():
    """Six 9 h days give 6 h daily OT and 48 h regular; a seventh 8 h day is all weekly OT."""
    punches = [p for i in range(6) for p in day_of_work(MON + timedelta(days=i), 9)]
    ts = sheet(punches)
    assert all(line.daily_overtime == H and line.weekly_overtime == ZERO for line in ts.lines)
    assert (ts.totals.regular, ts.totals.daily_overtime, ts.totals.weekly_overtime) == (48 * H, 6 * H, ZERO)

    ts = sheet(punches + day_of_work(MON + timedelta(days=6), 8))
    sunday = ts.lines[-1]
    assert (sunday.regular, sunday.daily_overtime, sunday.weekly_overtime) == (ZERO, ZERO, 8 * H)
    t = ts.totals
    assert (t.worked, t.regular, t.daily_overtime, t.weekly_overtime, t.overtime) == (
        62 * H, 48 * H, 6 * H, 8 * H, 14 * H)


def test_weekly_overtime_starts_on_the_day_the_threshold_is_crossed():
    """Five 10 h days (40 h regular) then a 12 h Saturday: 8 h regular would reach 48, 4 h daily OT."""
    punches = [p for i in range(5) for p in day_of_work(MON + timedelta(days=i), 10)]
    punches += day_of_work(MON + timedelta(days=5), 12)
    sat = sheet(punches).lines[-1]
    assert (sat.regular, sat.daily_overtime, sat.weekly_overtime) == (8 * H, 4 * H, ZERO)
    # With a 44 h week, Saturday has 4 h regular, 4 h weekly, 4 h daily.
    rules = TimesheetRules(weekly_overtime_after=44 * H)
    sat = sheet(punches, rules=rules).lines[-1]
    assert (sat.regular, sat.daily_overtime, sat.weekly_overtime) == (4 * H, 4 * H, 4 * H)


def test_weekly_overtime_counts_days_before_the_period_in_the_same_week():
    """A period starting Thursday still sees Mon-Wed of that week for the weekly threshold (not shown)."""
    punches = [p for i in range(7) for p in day_of_work(MON + timedelta(days=i), 8)]
    thu = MON + timedelta(days=3)
    ts = sheet(punches, start=thu, end=MON + timedelta(days=6))
    assert [line.day for line in ts.lines] == [thu + timedelta(days=i) for i in range(4)]
    assert ts.totals.regular == 24 * H  # Thu, Fri, Sat reach 48 h with Mon-Wed
    assert ts.totals.weekly_overtime == 8 * H  # Sunday


def test_a_new_week_resets_weekly_overtime_and_week_start_is_configurable():
    """Weekly regular time resets at the week start; with Sunday-start weeks the split moves."""
    punches = [p for i in range(8) for p in day_of_work(MON + timedelta(days=i), 8)]
    ts = sheet(punches, end=MON + timedelta(days=7))
    assert [line.weekly_overtime for line in ts.lines] == [ZERO] * 6 + [8 * H, ZERO]
    sunday_weeks = TimesheetRules(week_starts_on=6)
    ts = sheet(punches, end=MON + timedelta(days=7), rules=sunday_weeks)
    assert ts.totals.weekly_overtime == ZERO
    with pytest.raises(ValueError):
        TimesheetRules(week_starts_on=7)


def test_lateness_is_reported_past_the_grace_only():
    """A clock-in 5 min after start is on time; 12 min after is 12 min late and flagged."""
    shifts = [shift(hk(MON, 9), hk(MON, 17), "a"), shift(hk(MON + timedelta(days=1), 9),
                                                          hk(MON + timedelta(days=1), 17), "b")]
    punches = [punch(IN, hk(MON, 9, 5), shift_id="a"), punch(OUT, hk(MON, 17), shift_id="a"),
               punch(IN, hk(MON + timedelta(days=1), 9, 12)), punch(OUT, hk(MON + timedelta(days=1), 17))]
    on_time, late = sheet(punches, shifts).lines
    assert on_time.late == ZERO and "late" not in on_time.flags
    assert late.late == timedelta(minutes=12) and "late" in late.flags
    assert sheet(punches, shifts).totals.late_days == 1


def test_an_open_shift_is_reported_and_not_counted():
    """A clock-in without clock-out is flagged missing_clock_out, open, and adds no worked time."""
    punches = day_of_work(MON, 8) + [punch(IN, hk(MON + timedelta(days=1), 9))]
    ts = sheet(punches)
    open_day = ts.lines[1]
    assert (open_day.open_shift, open_day.worked, open_day.last_out) == (True, ZERO, None)
    assert "missing_clock_out" in open_day.flags
    assert (ts.totals.worked, ts.totals.open_shifts, ts.totals.days_worked) == (8 * H, 1, 1)


def test_corrections_are_honoured():
    """A manager's fix adds the missing clock-out and moves a late clock-in; fixed days are flagged."""
    s = shift(hk(MON, 9), hk(MON, 18), "s1")
    punches = [punch(IN, hk(MON, 9, 30), shift_id="s1", pid="in1")]
    fixes = [
        PunchCorrection(shift_id="s1", new_time=hk(MON, 18), reason="forgot", by_user="mgr",
                        at=hk(MON, 21)),
        PunchCorrection(punch_id="in1", new_time=hk(MON, 9), reason="phone died at the door",
                        by_user="mgr", at=hk(MON, 21)),
    ]
    before, = sheet(punches, [s]).lines
    assert before.open_shift and before.late == timedelta(minutes=30)
    after, = sheet(punches, [s], fixes).lines
    assert (after.open_shift, after.worked, after.late) == (False, 9 * H, ZERO)
    assert after.flags == ("corrected",)


def test_missed_shifts_are_absent_once_past():
    """A shift with no clock-in is an absent line; one not over by now is not."""
    tue = MON + timedelta(days=1)
    shifts = [shift(hk(MON, 9), hk(MON, 17), "a"), shift(hk(tue, 9), hk(tue, 17), "b")]
    ts = sheet([], shifts)
    assert [(line.day, line.flags, line.worked) for line in ts.lines] == [
        (MON, ("absent",), ZERO), (tue, ("absent",), ZERO)]
    assert ts.totals.absences == 2
    ts = sheet([], shifts, now=hk(tue, 12))
    assert [line.day for line in ts.lines] == [MON]


def test_other_people_and_days_outside_the_period_are_ignored():
    """Only the user's punches inside the period make lines."""
    punches = day_of_work(MON, 8, user="u2") + day_of_work(MON - timedelta(days=1), 8) \
        + day_of_work(MON + timedelta(days=7), 8) + day_of_work(MON + timedelta(days=2), 4)
    ts = sheet(punches)
    assert [(line.day, line.worked) for line in ts.lines] == [(MON + timedelta(days=2), 4 * H)]


def test_punch_flags_pass_through_and_stray_punches_are_flagged():
    """Server flags reach the day line; a clock-out with no clock-in is flagged stray_punch."""
    punches = [punch(IN, hk(MON, 9), flags=("outside",)), punch(OUT, hk(MON, 17), flags=("clock_drift",)),
               punch(OUT, hk(MON, 18), flags=("replay",))]
    line, = sheet(punches).lines
    assert line.flags == ("outside", "clock_drift", "replay", "stray_punch")
    assert line.worked == 8 * H


def test_bad_period_is_rejected():
    """An end date before the start date, or a naive now, is an error."""
    with pytest.raises(ValueError):
        sheet([], start=MON, end=MON - timedelta(days=1))
    with pytest.raises(ValueError):
        sheet([], now=datetime(2026, 11, 25))


def test_late_grace_comes_from_the_shift_rules():
    """TimesheetRules.shift_rules sets the grace used for lateness."""
    s = shift(hk(MON, 9), hk(MON, 17), "a")
    punches = [punch(IN, hk(MON, 9, 5), shift_id="a"), punch(OUT, hk(MON, 17), shift_id="a")]
    strict = TimesheetRules(shift_rules=ShiftRules(late_grace=ZERO))
    assert sheet(punches, [s], rules=strict).lines[0].late == timedelta(minutes=5)


# --- properties -----------------------------------------------------------------------

_steps = st.lists(st.tuples(st.integers(1, 240), st.integers(1, 90)), max_size=5)


@settings(max_examples=200, deadline=None)
@given(gaps=_steps, tail=st.integers(0, 240), auto_end=st.booleans())
def test_worked_plus_breaks_equals_span_for_closed_sessions(gaps, tail, auto_end):
    """For any closed session, worked + breaks == clock-out - clock-in, in the session and the timesheet."""
    at = hk(MON, 8)
    punches = [punch(IN, at)]
    for work, rest in gaps:
        at += timedelta(minutes=work)
        punches.append(punch(B_START, at))
        at += timedelta(minutes=rest)
        punches.append(punch(B_END, at))
    if auto_end and gaps:
        punches.pop()  # clock out while on break
        at -= timedelta(minutes=gaps[-1][1])
    at += timedelta(minutes=tail)
    punches.append(punch(OUT, at))
    session, = walk(punches).sessions
    assert session.worked + session.break_time == session.span == at - hk(MON, 8)
    line, = sheet(punches).lines
    assert line.worked + line.breaks == at - hk(MON, 8)


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 16 * 60), min_size=1, max_size=21),
    daily=st.integers(0, 12),
    weekly=st.integers(0, 60),
)
def test_overtime_splits_every_minute_exactly_once(minutes, daily, weekly):
    """Each day worked == regular + daily OT + weekly OT; daily OT is the excess over the day; weeks cap regular."""
    rules = TimesheetRules(daily_overtime_after=daily * H, weekly_overtime_after=weekly * H)
    punches = []
    for i, m in enumerate(minutes):
        if m:
            start = hk(MON + timedelta(days=i), 6)
            punches += [punch(IN, start), punch(OUT, start + timedelta(minutes=m))]
    ts = sheet(punches, end=MON + timedelta(days=len(minutes)), rules=rules)
    per_week: dict[date, timedelta] = {}
    for line in ts.lines:
        assert line.worked == line.regular + line.daily_overtime + line.weekly_overtime
        assert line.daily_overtime == max(line.worked - rules.daily_overtime_after, ZERO)
        assert min(line.regular, line.weekly_overtime, line.daily_overtime) >= ZERO
        week = rules.week_of(line.day)
        per_week.setdefault(week, ZERO)
        per_week[week] += line.regular
    assert all(total <= rules.weekly_overtime_after for total in per_week.values())
    for week, regular in per_week.items():
        capped = sum((min(line.worked, rules.daily_overtime_after)
                      for line in ts.lines if rules.week_of(line.day) == week), ZERO)
        assert regular == min(capped, rules.weekly_overtime_after)
    t = ts.totals
    assert t.worked == t.regular + t.overtime
