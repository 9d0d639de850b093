"""Shifts: the chain's clock rules, which shift a punch belongs to, and lateness."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.attendance.common import _require_aware
from app.domain.attendance.punches import AttendanceState, Punch, PunchKind, Session, walk


@dataclass(frozen=True)
class ShiftWindow:
    """A scheduled shift: who works where, from when to when (both aware)."""

    id: str
    user_id: str
    store_id: str
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _require_aware("ShiftWindow.starts_at", self.starts_at)
        _require_aware("ShiftWindow.ends_at", self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError("a shift must end after it starts")


@dataclass(frozen=True)
class ShiftRules:
    """The chain's clock rules. All durations are non-negative.

    Attributes:
        open_before: clock-in opens this long before the shift starts.
        late_grace: a clock-in up to this long after the start is on time (the boundary
            itself is on time).
        early_leave_grace: a clock-out up to this long before the end is not early leave.
        missing_clock_out_after: a shift still open this long after it ends is flagged
            for the manager (flagged from exactly this moment on).
        allow_unscheduled: clock-in with no shift is allowed but flagged ``unscheduled``
            (covering for a sick colleague is common); False refuses it as ``no_shift``.
        early_horizon: ``shift_for_clock_in`` treats a shift starting within this time
            as the one being clocked into, so arriving hours early is ``too_early``
            rather than an unscheduled clock-in.
        ended_horizon: a clock-in up to this long after a shift ended (and nearer to
            that end than to the next start) is about that shift: refused
            ``shift_ended`` unless the person asks for an unscheduled clock-in.
    """

    open_before: timedelta = timedelta(minutes=60)
    late_grace: timedelta = timedelta(minutes=5)
    early_leave_grace: timedelta = timedelta(0)
    missing_clock_out_after: timedelta = timedelta(hours=2)
    allow_unscheduled: bool = True
    early_horizon: timedelta = timedelta(hours=12)
    ended_horizon: timedelta = timedelta(hours=4)

    def __post_init__(self) -> None:
        for name in ("open_before", "late_grace", "early_leave_grace",
                     "missing_clock_out_after", "early_horizon", "ended_horizon"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"ShiftRules.{name} must not be negative")



def lateness(clock_in_at: datetime, shift: ShiftWindow, rules: ShiftRules) -> timedelta:
    """How late a clock-in is: the whole delay after the start once past the grace, else 0.

    Exactly at ``start + late_grace`` is on time.
    """
    delay = clock_in_at - shift.starts_at
    return delay if delay > rules.late_grace else timedelta(0)


def late_minutes(delay: timedelta) -> int:
    """Whole minutes of a delay (rounded down)."""
    return int(delay.total_seconds() // 60)


def find_shift(
    at: datetime, shifts: Iterable[ShiftWindow], rules: ShiftRules
) -> ShiftWindow | None:
    """The shift a clock-in at ``at`` belongs to.

    A shift is a candidate when ``starts_at - open_before <= at < ends_at``; among
    candidates the one starting nearest ``at`` wins (then the earlier, then by id). Pass
    one user's shifts.
    """
    candidates = [s for s in shifts if s.starts_at - rules.open_before <= at < s.ends_at]
    return min(candidates, key=lambda s: (abs(at - s.starts_at), s.starts_at, s.id), default=None)


def shift_for_clock_in(
    at: datetime, shifts: Iterable[ShiftWindow], rules: ShiftRules
) -> ShiftWindow | None:
    """The shift to pass to ``check_punch`` for a clock-in.

    ``find_shift``'s pick, else the nearer in time of the next shift starting within
    ``rules.early_horizon`` and the last one that ended within ``rules.ended_horizon``:
    someone arriving two hours before their shift is refused ``too_early``, someone
    arriving 42 minutes after theirs ended is told ``shift_ended`` (not "too early" for
    tomorrow's), and neither is clocked in as unscheduled without asking.
    """
    shifts = list(shifts)
    found = find_shift(at, shifts, rules)
    if found is not None:
        return found
    upcoming = min((s for s in shifts if at < s.starts_at <= at + rules.early_horizon),
                   key=lambda s: (s.starts_at, s.id), default=None)
    ended = max((s for s in shifts if s.ends_at <= at <= s.ends_at + rules.ended_horizon),
                key=lambda s: (s.ends_at, s.id), default=None)
    if ended is not None and (upcoming is None or at - ended.ends_at <= upcoming.starts_at - at):
        return ended
    return upcoming


def shift_for_punch(
    kind: PunchKind,
    at: datetime,
    *,
    punches: Iterable[Punch],
    shifts: Iterable[ShiftWindow],
    rules: ShiftRules,
) -> ShiftWindow | None:
    """The ``shift`` argument ``check_punch`` wants for this punch.

    For a clock-in, ``shift_for_clock_in``'s pick; otherwise the shift of the open
    session (None when out or working unscheduled).
    """
    shifts = list(shifts)
    if PunchKind(kind) is PunchKind.CLOCK_IN:
        return shift_for_clock_in(at, shifts, rules)
    w = walk(punches)
    if w.state is AttendanceState.OUT:
        return None
    return shift_of(w.sessions[-1], shifts, rules)



def shift_of(
    session: Session, shifts: Sequence[ShiftWindow], rules: ShiftRules
) -> ShiftWindow | None:
    """The shift a session was worked against.

    Its punches' shift id when given (None if that shift is not among ``shifts``), else
    ``find_shift`` on the clock-in among the session user's shifts.
    """
    if session.shift_id is not None:
        return next((s for s in shifts if s.id == session.shift_id), None)
    own = [s for s in shifts if s.user_id == session.user_id]
    return find_shift(session.clock_in.at, own, rules)
