"""Timesheets: worked time, breaks, lateness and overtime per staff member and day.

Pure rules, no I/O. Built from the same punches, shifts and manager corrections as the
attendance view (``app.domain.attendance``), so the two never disagree.

Days are counted in the store's time zone, and a session counts wholly on the day its
shift started (or, without a shift, the day of its clock-in): a 22:00-06:00 night shift
is one day's work. A session without a clock-out is reported (``open_shift``; flag
``missing_clock_out`` once its shift is over, see
``app.domain.attendance.corrections.clock_out_missing``) but none of its time is counted until the person clocks out or a manager corrects it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from app.domain.attendance import (
    FLAG_LATE,
    FLAG_MISSING_CLOCK_OUT,
    FLAG_STRAY_PUNCH,
    HONG_KONG,
    Punch,
    PunchCorrection,
    ShiftRules,
    ShiftWindow,
    apply_corrections,
    lateness,
    shift_of,
    walk,
)
from app.domain.attendance.corrections import clock_out_missing

FLAG_ABSENT = "absent"
_ZERO = timedelta(0)


@dataclass(frozen=True)
class TimesheetRules:
    """How worked time splits into regular time and overtime.

    Daily and weekly overtime combine so that no minute is counted twice:

    1. Each day, time worked beyond ``daily_overtime_after`` is *daily* overtime.
    2. The rest of the day (at most ``daily_overtime_after``) is a regular candidate.
       Candidates accumulate through the week in date order; the part that takes the
       week's regular total beyond ``weekly_overtime_after`` is *weekly* overtime, on
       the day it happens.

    So ``worked == regular + daily_overtime + weekly_overtime`` for every day, daily
    overtime never counts toward the weekly threshold, and a week never has more than
    ``weekly_overtime_after`` regular time. Example, defaults (8 h / 48 h): six 9 h days
    are 6 h of daily overtime and 48 h regular, no weekly overtime; a seventh 8 h day is
    8 h of weekly overtime.

    Attributes:
        daily_overtime_after: regular time per day.
        weekly_overtime_after: regular time per week.
        week_starts_on: first day of the week, as ``date.weekday()`` (0 = Monday).
        shift_rules: the clock rules (late grace, which shift a clock-in belongs to).
    """

    daily_overtime_after: timedelta = timedelta(hours=8)
    weekly_overtime_after: timedelta = timedelta(hours=48)
    week_starts_on: int = 0
    shift_rules: ShiftRules = field(default_factory=ShiftRules)

    def __post_init__(self) -> None:
        if self.daily_overtime_after < _ZERO or self.weekly_overtime_after < _ZERO:
            raise ValueError("overtime thresholds must not be negative")
        if self.week_starts_on not in range(7):
            raise ValueError("week_starts_on must be 0 (Monday) to 6 (Sunday)")

    def week_of(self, day: date) -> date:
        """The first day of ``day``'s week."""
        return day - timedelta(days=(day.weekday() - self.week_starts_on) % 7)


@dataclass(frozen=True)
class DayLine:
    """One staff member's day.

    Attributes:
        user_id: who.
        day: the local date.
        first_in: first clock-in, in the store's zone.
        last_out: last clock-out, in the store's zone (may be the next date for a night
            shift), None if nobody clocked out.
        worked: clock-in to clock-out minus breaks, closed sessions only.
        breaks: break time of closed sessions.
        late: lateness of the day's shifts (the whole delay once past the grace).
        regular: worked time that is not overtime.
        daily_overtime: worked beyond the daily threshold.
        weekly_overtime: regular-candidate time beyond the weekly threshold.
        open_shift: a session without clock-out started this day (its time is not
            counted).
        flags: punch flags passed through plus ``late``, ``missing_clock_out``,
            ``absent`` (a shift not clocked into), ``stray_punch``, ``corrected``.
        shift_ids: the shifts worked or missed this day.
    """

    user_id: str
    day: date
    first_in: datetime | None
    last_out: datetime | None
    worked: timedelta
    breaks: timedelta
    late: timedelta
    regular: timedelta
    daily_overtime: timedelta
    weekly_overtime: timedelta
    open_shift: bool
    flags: tuple[str, ...]
    shift_ids: tuple[str, ...]

    @property
    def overtime(self) -> timedelta:
        """Daily plus weekly overtime (disjoint by construction)."""
        return self.daily_overtime + self.weekly_overtime


@dataclass(frozen=True)
class TimesheetTotals:
    """Sums over a timesheet's lines."""

    worked: timedelta
    breaks: timedelta
    late: timedelta
    regular: timedelta
    daily_overtime: timedelta
    weekly_overtime: timedelta
    days_worked: int
    late_days: int
    open_shifts: int
    absences: int

    @property
    def overtime(self) -> timedelta:
        """Daily plus weekly overtime."""
        return self.daily_overtime + self.weekly_overtime


@dataclass(frozen=True)
class Timesheet:
    """One staff member's days between two dates (inclusive), with totals."""

    user_id: str
    start_date: date
    end_date: date
    lines: tuple[DayLine, ...]
    totals: TimesheetTotals


@dataclass
class _Day:
    first_in: datetime | None = None
    last_out: datetime | None = None
    worked: timedelta = _ZERO
    breaks: timedelta = _ZERO
    late: timedelta = _ZERO
    open_shift: bool = False
    flags: list[str] = field(default_factory=list)
    shift_ids: list[str] = field(default_factory=list)


def _earliest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b < a else a


def _latest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def compute_timesheet(
    user_id: str,
    punches: Iterable[Punch],
    shifts: Iterable[ShiftWindow],
    corrections: Iterable[PunchCorrection],
    start_date: date,
    end_date: date,
    rules: TimesheetRules = TimesheetRules(),
    tz: tzinfo = HONG_KONG,
    *,
    now: datetime | None = None,
) -> Timesheet:
    """One staff member's timesheet from ``start_date`` to ``end_date`` inclusive.

    Args:
        user_id: whose timesheet; punches, shifts and corrections of others are ignored.
        punches: the punches, from the start of ``start_date``'s week at least, so weekly
            overtime counts the days before the period (earlier days are used, not shown).
        shifts: the scheduled shifts.
        corrections: managers' fixes; honoured, and the corrected days flagged.
        start_date: first local date shown.
        end_date: last local date shown.
        rules: overtime thresholds and clock rules.
        tz: the store's time zone (days are its local dates).
        now: shifts ending after ``now`` are not reported absent, and a session still open
            before its shift's end plus the grace is still at work, not ``missing_clock_out``
            (``app.domain.attendance.corrections.clock_out_missing``); None treats every shift as past (a closed pay
            period).

    Returns:
        A line per day that had a session, a missed shift or a stray punch; and totals.

    Raises:
        ValueError: if ``end_date`` is before ``start_date`` or ``now`` is naive.
    """
    if end_date < start_date:
        raise ValueError("end_date is before start_date")
    if now is not None and (now.tzinfo is None or now.utcoffset() is None):
        raise ValueError("now must be timezone-aware")
    srules = rules.shift_rules
    own_shifts = sorted((s for s in shifts if s.user_id == user_id),
                        key=lambda s: (s.starts_at, s.id))
    own_punches = [p for p in punches if p.user_id == user_id]
    w = walk(apply_corrections(own_punches, corrections, own_shifts))

    days: dict[date, _Day] = {}

    def day_of(at: datetime) -> _Day:
        return days.setdefault(at.astimezone(tz).date(), _Day())

    worked_shifts: set[str] = set()
    for session in w.sessions:
        shift = shift_of(session, own_shifts, srules)
        d = day_of(shift.starts_at if shift is not None else session.clock_in.at)
        d.first_in = _earliest(d.first_in, session.clock_in.at.astimezone(tz))
        d.flags.extend(session.flags)
        if shift is not None:
            if shift.id not in worked_shifts:
                late = lateness(session.clock_in.at, shift, srules)
                d.late += late
                if late:
                    d.flags.append(FLAG_LATE)
            worked_shifts.add(shift.id)
            d.shift_ids.append(shift.id)
        if session.clock_out is None:
            d.open_shift = True
            if clock_out_missing(session, shift, srules, now):
                d.flags.append(FLAG_MISSING_CLOCK_OUT)
            continue
        d.last_out = _latest(d.last_out, session.clock_out.at.astimezone(tz))
        d.worked += session.worked or _ZERO
        d.breaks += session.break_time

    for punch in w.stray:
        d = day_of(punch.at)
        d.flags.extend((*punch.flags, FLAG_STRAY_PUNCH))

    for shift in own_shifts:
        if shift.id in worked_shifts or (now is not None and shift.ends_at > now):
            continue
        d = day_of(shift.starts_at)
        d.flags.append(FLAG_ABSENT)
        d.shift_ids.append(shift.id)

    # Overtime is allocated in date order from the start of the first week, so the
    # period's first days see the regular time already worked earlier that week.
    lines: list[DayLine] = []
    week_regular: dict[date, timedelta] = {}
    for day in sorted(days):
        if day > end_date:
            break
        d = days[day]
        daily_ot = max(d.worked - rules.daily_overtime_after, _ZERO)
        candidate = d.worked - daily_ot
        week = rules.week_of(day)
        used = week_regular.get(week, _ZERO)
        regular = min(candidate, max(rules.weekly_overtime_after - used, _ZERO))
        week_regular[week] = used + regular
        if day < start_date:
            continue
        lines.append(DayLine(
            user_id=user_id, day=day, first_in=d.first_in, last_out=d.last_out,
            worked=d.worked, breaks=d.breaks, late=d.late, regular=regular,
            daily_overtime=daily_ot, weekly_overtime=candidate - regular,
            open_shift=d.open_shift, flags=tuple(dict.fromkeys(d.flags)),
            shift_ids=tuple(dict.fromkeys(d.shift_ids)),
        ))
    return Timesheet(user_id, start_date, end_date, tuple(lines), _totals(lines))


def _totals(lines: list[DayLine]) -> TimesheetTotals:
    def total(name: str) -> timedelta:
        return sum((getattr(line, name) for line in lines), _ZERO)

    return TimesheetTotals(
        worked=total("worked"),
        breaks=total("breaks"),
        late=total("late"),
        regular=total("regular"),
        daily_overtime=total("daily_overtime"),
        weekly_overtime=total("weekly_overtime"),
        days_worked=sum(1 for line in lines if line.worked > _ZERO),
        late_days=sum(1 for line in lines if line.late > _ZERO),
        open_shifts=sum(1 for line in lines if line.open_shift),
        absences=sum(1 for line in lines if FLAG_ABSENT in line.flags),
    )
