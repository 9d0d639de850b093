"""The manager's "today" view: who is in, late, on break, absent, expected or done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from app.domain.attendance.common import FLAG_LATE, FLAG_MISSING_CLOCK_OUT, HONG_KONG, _require_aware, _unique
from app.domain.attendance.corrections import PunchCorrection, apply_corrections, missing_clock_outs
from app.domain.attendance.punches import AttendanceState, Punch, _by_user, walk
from app.domain.attendance.shifts import ShiftRules, ShiftWindow, late_minutes, lateness, shift_of


class AttendanceStatus(StrEnum):
    """A line of the manager's "today" view."""

    IN = "in"
    LATE = "late"
    ON_BREAK = "on_break"
    ABSENT = "absent"
    NOT_YET = "not_yet"
    DONE = "done"




@dataclass(frozen=True)
class AttendanceLine:
    """One person in the manager's "today" view.

    Attributes:
        user_id: who.
        status: in, late, on_break, absent, not_yet or done.
        flags: the flags of today's punches plus ``missing_clock_out`` (and ``late``).
        clocked_in_at: the open session's clock-in, else the first clock-in today.
        late_minutes: whole minutes late for that clock-in's shift, 0 if on time.
        shift_id: the shift the status is about, if any.
    """

    user_id: str
    status: AttendanceStatus
    flags: tuple[str, ...]
    clocked_in_at: datetime | None
    late_minutes: int
    shift_id: str | None = None


def _local_date(at: datetime, tz: tzinfo) -> date:
    return at.astimezone(tz).date()


def attendance_today(
    users: Iterable[str],
    shifts: Iterable[ShiftWindow],
    punches: Iterable[Punch],
    now: datetime,
    rules: ShiftRules,
    *,
    tz: tzinfo = HONG_KONG,
    corrections: Iterable[PunchCorrection] = (),
) -> list[AttendanceLine]:
    """Who is in, late, on break, absent, expected or done today, in ``users`` order.

    "Today" is ``now``'s date in ``tz``. Today's shifts are those starting today plus
    any still running (a night shift from yesterday). A person clocked in shows in,
    late (first clock-in of the shift past the grace) or on_break. Otherwise, in this
    order: absent if a shift of today was not clocked into and its start + grace has
    passed (strictly); not_yet if one is still to come; done if they clocked out today.
    People with neither a shift nor a punch today are left out.
    """
    _require_aware("now", now)
    today = now.astimezone(tz).date()
    shifts = list(shifts)
    fixed = apply_corrections(punches, corrections, shifts)
    missing = set(missing_clock_outs(fixed, shifts, now, rules))
    grouped = _by_user(p for p in fixed if p.at <= now)
    lines: list[AttendanceLine] = []
    for user_id in users:
        own_shifts = sorted((s for s in shifts if s.user_id == user_id),
                            key=lambda s: (s.starts_at, s.id))
        w = walk(grouped.get(user_id, []))
        sessions = w.sessions
        todays = [i for i, s in enumerate(sessions)
                  if s.is_open or _local_date(s.clock_in.at, tz) == today]
        # Lateness counts for the first session of each shift only.
        worked_shifts: set[str] = set()
        late_by_index: dict[int, timedelta] = {}
        for i, session in enumerate(sessions):
            shift = shift_of(session, own_shifts, rules)
            if shift is not None and shift.id not in worked_shifts:
                worked_shifts.add(shift.id)
                late_by_index[i] = lateness(session.clock_in.at, shift, rules)

        flags = [f for i in todays for f in sessions[i].flags]
        flags += [f for p in w.stray if _local_date(p.at, tz) == today for f in p.flags]
        if any(s.id in missing for s in own_shifts):
            flags.append(FLAG_MISSING_CLOCK_OUT)

        if w.state is not AttendanceState.OUT:
            current = len(sessions) - 1
            late = late_by_index.get(current, timedelta(0))
            if w.state is AttendanceState.ON_BREAK:
                status = AttendanceStatus.ON_BREAK
            else:
                status = AttendanceStatus.LATE if late else AttendanceStatus.IN
            if late:
                flags.append(FLAG_LATE)
            shift = shift_of(sessions[current], own_shifts, rules)
            lines.append(AttendanceLine(user_id, status, _unique(flags),
                                        sessions[current].clock_in.at, late_minutes(late),
                                        shift.id if shift else None))
            continue

        pending = [s for s in own_shifts
                   if s.id not in worked_shifts
                   and (_local_date(s.starts_at, tz) == today or s.starts_at <= now < s.ends_at)]
        overdue = [s for s in pending if now > s.starts_at + rules.late_grace]
        first = todays[0] if todays else None
        about: ShiftWindow | None
        if overdue:
            status, about = AttendanceStatus.ABSENT, overdue[0]
        elif pending:
            status, about = AttendanceStatus.NOT_YET, pending[0]
        elif first is not None:
            status, about = AttendanceStatus.DONE, shift_of(sessions[first], own_shifts, rules)
        else:
            continue
        if first is None:
            clocked_in_at, late = None, timedelta(0)
        else:
            clocked_in_at = sessions[first].clock_in.at
            late = late_by_index.get(first, timedelta(0))
        lines.append(AttendanceLine(user_id, status, _unique(flags), clocked_in_at,
                                    late_minutes(late), about.id if about else None))
    return lines
