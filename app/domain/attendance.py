"""Clock in and out: punches, the attendance state they imply, and the shift rules.

Pure rules, no I/O: the device checks a punch before queueing it, the server re-checks
the same punch with the same function, and the manager's "today" view and the
timesheets are derived from the stored punches.

A user's punches are read as a small state machine, in time order::

    out --clock_in--> in --break_start--> on_break --break_end--> in --clock_out--> out

A clock-out while on break is *allowed*: it ends the break at the clock-out time and the
punch is flagged ``break_auto_ended``. Refusing it would leave someone who forgot to end
their break unable to leave, offline, at the door; the manager sees the flag instead.

Reason codes (refusals) and flags (accepted, but shown to a manager) are plain strings so
this module does not import the wire format; ``app.protocol.Reason`` holds the same codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _store_zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Hong_Kong")
    except (ZoneInfoNotFoundError, ValueError):
        # Packaged mobile Pythons may ship without a tz database. Hong Kong has kept
        # +08:00 with no summer time since 1979, so a fixed offset is exact for any
        # date this app will ever see.
        return timezone(timedelta(hours=8), "HKT")


#: The stores' time zone; days (today, timesheet days) are counted in it.
HONG_KONG: tzinfo = _store_zone()

# Refusal reasons.
REASON_ALREADY_CLOCKED_IN = "already_clocked_in"
REASON_NOT_CLOCKED_IN = "not_clocked_in"
REASON_TOO_EARLY = "too_early"
REASON_NOT_ON_BREAK = "not_on_break"
REASON_ALREADY_ON_BREAK = "already_on_break"
REASON_NO_SHIFT = "no_shift"

# Flags set by these rules (the server adds its own, e.g. outside, uncertain,
# mocked_gps, face_mismatch, replay, clock_drift; they are passed through untouched).
FLAG_LATE = "late"
FLAG_EARLY_LEAVE = "early_leave"
FLAG_UNSCHEDULED = "unscheduled"
FLAG_BREAK_AUTO_ENDED = "break_auto_ended"
FLAG_CORRECTED = "corrected"
FLAG_MISSING_CLOCK_OUT = "missing_clock_out"
FLAG_STRAY_PUNCH = "stray_punch"


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _unique(flags: Iterable[str]) -> tuple[str, ...]:
    """Flags without repeats, in first-seen order."""
    return tuple(dict.fromkeys(flags))


class PunchKind(StrEnum):
    """What a punch records."""

    CLOCK_IN = "clock_in"
    CLOCK_OUT = "clock_out"
    BREAK_START = "break_start"
    BREAK_END = "break_end"


class AttendanceState(StrEnum):
    """Where a user stands after their punches so far."""

    OUT = "out"
    IN = "in"
    ON_BREAK = "on_break"


class AttendanceStatus(StrEnum):
    """A line of the manager's "today" view."""

    IN = "in"
    LATE = "late"
    ON_BREAK = "on_break"
    ABSENT = "absent"
    NOT_YET = "not_yet"
    DONE = "done"


@dataclass(frozen=True)
class Punch:
    """One clock event, as stored.

    Attributes:
        id: unique punch id.
        user_id: who punched.
        store_id: where.
        kind: clock_in, clock_out, break_start or break_end.
        at: when (timezone-aware; the server's estimate, see ``app.domain.clock``).
        shift_id: the shift it was booked against, if known.
        flags: what the server or these rules flagged (passed through to reports).
    """

    id: str
    user_id: str
    store_id: str
    kind: PunchKind
    at: datetime
    shift_id: str | None = None
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_aware("Punch.at", self.at)
        object.__setattr__(self, "kind", PunchKind(self.kind))
        object.__setattr__(self, "flags", tuple(self.flags))


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
    """

    open_before: timedelta = timedelta(minutes=60)
    late_grace: timedelta = timedelta(minutes=5)
    early_leave_grace: timedelta = timedelta(0)
    missing_clock_out_after: timedelta = timedelta(hours=2)
    allow_unscheduled: bool = True
    early_horizon: timedelta = timedelta(hours=12)

    def __post_init__(self) -> None:
        for name in ("open_before", "late_grace", "early_leave_grace",
                     "missing_clock_out_after", "early_horizon"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"ShiftRules.{name} must not be negative")


@dataclass(frozen=True, kw_only=True)
class PunchCorrection:
    """A manager's audited fix to a punch. The original punch is kept; this overrides it.

    Target either an existing punch (``punch_id``: its time is moved) or a shift
    (``shift_id`` + ``kind``: that shift's punch of this kind is moved, or added when it
    is missing, typically the forgotten clock-out). To move a punch that is not booked
    against a shift, target its id.

    Attributes:
        new_time: the corrected time (aware).
        reason: why; required, not blank (it is shown in the audit log).
        by_user: the manager who made the fix.
        at: when the fix was made (aware); the latest fix of a target wins.
        punch_id: the punch to move, or None.
        shift_id: the shift whose punch to set, or None.
        kind: which punch of the shift (only with ``shift_id``).
    """

    new_time: datetime
    reason: str
    by_user: str
    at: datetime
    punch_id: str | None = None
    shift_id: str | None = None
    kind: PunchKind = PunchKind.CLOCK_OUT

    def __post_init__(self) -> None:
        if (self.punch_id is None) == (self.shift_id is None):
            raise ValueError("a correction targets exactly one of punch_id or shift_id")
        if not self.reason or not self.reason.strip():
            raise ValueError("a correction needs a reason")
        if not self.by_user:
            raise ValueError("a correction needs the user who made it")
        _require_aware("PunchCorrection.new_time", self.new_time)
        _require_aware("PunchCorrection.at", self.at)
        object.__setattr__(self, "kind", PunchKind(self.kind))


@dataclass(frozen=True)
class PunchCheck:
    """Verdict on a punch about to be made.

    Attributes:
        allowed: whether the punch may be recorded.
        reason: the refusal reason code, None when allowed.
        flags: flags to store on the punch when allowed.
        shift_id: the shift the punch belongs to, if any.
    """

    allowed: bool
    reason: str | None = None
    flags: tuple[str, ...] = ()
    shift_id: str | None = None


@dataclass(frozen=True)
class Session:
    """One clock-in and what followed it up to its clock-out (None while open).

    Attributes:
        user_id: whose session.
        clock_in: the opening punch.
        clock_out: the closing punch, None while open.
        breaks: (start, end) pairs; a break still running in an open session has end
            None. A break open at clock-out ends at the clock-out.
        shift_id: the first shift id any of its punches carries.
        punches: every punch of the session, in time order.
    """

    user_id: str
    clock_in: Punch
    clock_out: Punch | None
    breaks: tuple[tuple[datetime, datetime | None], ...]
    shift_id: str | None
    punches: tuple[Punch, ...]

    @property
    def is_open(self) -> bool:
        """True until the session has a clock-out."""
        return self.clock_out is None

    @property
    def span(self) -> timedelta | None:
        """Clock-in to clock-out, None while open."""
        return None if self.clock_out is None else self.clock_out.at - self.clock_in.at

    @property
    def break_time(self) -> timedelta:
        """Total of the finished breaks."""
        return sum((end - start for start, end in self.breaks if end is not None), timedelta(0))

    @property
    def worked(self) -> timedelta | None:
        """Span minus breaks, None while open (an open session is never counted)."""
        span = self.span
        return None if span is None else span - self.break_time

    @property
    def flags(self) -> tuple[str, ...]:
        """The flags of all its punches, without repeats."""
        return _unique(f for p in self.punches for f in p.flags)


@dataclass
class _Building:
    clock_in: Punch
    punches: list[Punch]
    breaks: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    break_start: datetime | None = None

    def close(self, clock_out: Punch | None) -> Session:
        breaks = list(self.breaks)
        if self.break_start is not None:
            breaks.append((self.break_start, None if clock_out is None else clock_out.at))
        if clock_out is not None:
            self.punches.append(clock_out)
        shift_id = next((p.shift_id for p in self.punches if p.shift_id is not None), None)
        return Session(self.clock_in.user_id, self.clock_in, clock_out, tuple(breaks), shift_id,
                       tuple(self.punches))


@dataclass(frozen=True)
class Walk:
    """A user's punches read through the state machine.

    Attributes:
        sessions: in time order; only the last can be open.
        stray: punches that fit no state (a clock-out while out, a second clock-in...).
            ``check_punch`` refuses these, but two offline devices can still produce one;
            they are kept aside and reported rather than guessed at.
        state: where the user stands after the last punch.
    """

    sessions: tuple[Session, ...]
    stray: tuple[Punch, ...]
    state: AttendanceState


def walk(punches: Iterable[Punch]) -> Walk:
    """Read one user's punches into sessions.

    Punches are taken in time order; punches with the same time keep their given order
    (the server's sequence order).
    """
    sessions: list[Session] = []
    stray: list[Punch] = []
    cur: _Building | None = None
    for p in sorted(punches, key=lambda p: p.at):
        if p.kind is PunchKind.CLOCK_IN:
            if cur is None:
                cur = _Building(p, [p])
            else:
                stray.append(p)
        elif cur is None:
            stray.append(p)
        elif p.kind is PunchKind.BREAK_START:
            if cur.break_start is None:
                cur.break_start = p.at
                cur.punches.append(p)
            else:
                stray.append(p)
        elif p.kind is PunchKind.BREAK_END:
            if cur.break_start is not None:
                cur.breaks.append((cur.break_start, p.at))
                cur.break_start = None
                cur.punches.append(p)
            else:
                stray.append(p)
        else:
            sessions.append(cur.close(p))
            cur = None
    if cur is None:
        state = AttendanceState.OUT
    else:
        state = AttendanceState.ON_BREAK if cur.break_start is not None else AttendanceState.IN
        sessions.append(cur.close(None))
    return Walk(tuple(sessions), tuple(stray), state)


def state_of(punches: Iterable[Punch]) -> AttendanceState:
    """Out, in or on break after one user's punches."""
    return walk(punches).state


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

    ``find_shift``'s pick, else the next shift starting within ``rules.early_horizon``:
    someone arriving two hours before their shift is then refused ``too_early`` instead
    of being clocked in as unscheduled.
    """
    shifts = list(shifts)
    found = find_shift(at, shifts, rules)
    if found is not None:
        return found
    upcoming = [s for s in shifts if at < s.starts_at <= at + rules.early_horizon]
    return min(upcoming, key=lambda s: (s.starts_at, s.id), default=None)


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


def check_punch(
    kind: PunchKind,
    at: datetime,
    *,
    punches: Iterable[Punch],
    shift: ShiftWindow | None,
    rules: ShiftRules,
) -> PunchCheck:
    """May this user punch ``kind`` at ``at``?

    Args:
        kind: the punch about to be made.
        at: when (aware).
        punches: the user's punches before this one.
        shift: ``shift_for_punch(...)``'s pick: for a clock-in the shift being clocked
            into, for other punches the open session's shift (for early leave), or None.
        rules: the chain's rules.

    Returns:
        Refused with ``already_clocked_in``, ``not_clocked_in``, ``too_early``,
        ``not_on_break``, ``already_on_break`` or ``no_shift``; or allowed with flags
        ``late``, ``early_leave``, ``unscheduled``, ``break_auto_ended``.

    Notes:
        A clock-in at or after the given shift's end is treated as having no shift.
        Lateness applies to the first clock-in of a shift only, so coming back after
        clocking out mid-shift is not "late" again.
    """
    _require_aware("at", at)
    kind = PunchKind(kind)
    w = walk(punches)
    open_session = w.sessions[-1] if w.state is not AttendanceState.OUT else None

    if kind is PunchKind.CLOCK_IN:
        if open_session is not None:
            return PunchCheck(False, REASON_ALREADY_CLOCKED_IN, shift_id=open_session.shift_id)
        if shift is not None and at >= shift.ends_at:
            shift = None
        if shift is None:
            if not rules.allow_unscheduled:
                return PunchCheck(False, REASON_NO_SHIFT)
            return PunchCheck(True, flags=(FLAG_UNSCHEDULED,))
        if at < shift.starts_at - rules.open_before:
            return PunchCheck(False, REASON_TOO_EARLY, shift_id=shift.id)
        first = all(s.shift_id != shift.id for s in w.sessions)
        flags = (FLAG_LATE,) if first and lateness(at, shift, rules) else ()
        return PunchCheck(True, flags=flags, shift_id=shift.id)

    if open_session is None:
        return PunchCheck(False, REASON_NOT_CLOCKED_IN)
    shift_id = shift.id if shift is not None else open_session.shift_id
    on_break = w.state is AttendanceState.ON_BREAK

    if kind is PunchKind.BREAK_START:
        if on_break:
            return PunchCheck(False, REASON_ALREADY_ON_BREAK, shift_id=shift_id)
        return PunchCheck(True, shift_id=shift_id)
    if kind is PunchKind.BREAK_END:
        if not on_break:
            return PunchCheck(False, REASON_NOT_ON_BREAK, shift_id=shift_id)
        return PunchCheck(True, shift_id=shift_id)

    flags: list[str] = []
    if on_break:
        flags.append(FLAG_BREAK_AUTO_ENDED)
    if shift is not None and at < shift.ends_at - rules.early_leave_grace:
        flags.append(FLAG_EARLY_LEAVE)
    return PunchCheck(True, flags=tuple(flags), shift_id=shift_id)


def _corrected(punch: Punch, correction: PunchCorrection) -> Punch:
    return replace(punch, at=correction.new_time, flags=_unique((*punch.flags, FLAG_CORRECTED)))


def apply_corrections(
    punches: Iterable[Punch],
    corrections: Iterable[PunchCorrection],
    shifts: Iterable[ShiftWindow] = (),
) -> list[Punch]:
    """The punches as corrected by managers; corrected punches are flagged ``corrected``.

    The latest correction (by ``at``) of each target wins. Corrections whose punch or
    shift is not among those given are ignored, so one list of corrections can serve
    every user. A punch added for a shift gets the id ``correction:<shift_id>:<kind>``.
    """
    def latest(items: list[PunchCorrection]) -> dict:
        chosen: dict = {}
        for c in sorted(items, key=lambda c: c.at):
            chosen[c.punch_id if c.punch_id is not None else (c.shift_id, c.kind)] = c
        return chosen

    corrections = list(corrections)
    by_punch = latest([c for c in corrections if c.punch_id is not None])
    by_shift = latest([c for c in corrections if c.shift_id is not None])

    out = [_corrected(p, by_punch[p.id]) if p.id in by_punch else p for p in punches]
    shifts_by_id = {s.id: s for s in shifts}
    for (shift_id, kind), c in by_shift.items():
        shift = shifts_by_id.get(shift_id)
        if shift is None:
            continue
        matches = [i for i, p in enumerate(out)
                   if p.shift_id == shift_id and p.kind is kind and p.user_id == shift.user_id]
        if matches:
            i = max(matches, key=lambda i: out[i].at)
            out[i] = _corrected(out[i], c)
        else:
            out.append(Punch(f"correction:{shift_id}:{kind}", shift.user_id, shift.store_id, kind,
                             c.new_time, shift_id, (FLAG_CORRECTED,)))
    return out


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


def _by_user(punches: Iterable[Punch]) -> dict[str, list[Punch]]:
    grouped: dict[str, list[Punch]] = {}
    for p in punches:
        grouped.setdefault(p.user_id, []).append(p)
    return grouped


def missing_clock_outs(
    punches: Iterable[Punch],
    shifts: Iterable[ShiftWindow],
    now: datetime,
    rules: ShiftRules,
    *,
    corrections: Iterable[PunchCorrection] = (),
) -> list[str]:
    """Ids of shifts clocked into but not out, ``missing_clock_out_after`` past their end.

    Flagged from exactly ``ends_at + missing_clock_out_after`` on. A shift never clocked
    into is an absence, not a missing clock-out. Corrections are applied first, so a
    fixed shift drops off the list. Sorted by shift start.
    """
    _require_aware("now", now)
    shifts = list(shifts)
    fixed = apply_corrections(punches, corrections, shifts)
    missing: list[ShiftWindow] = []
    for user_punches in _by_user(fixed).values():
        for session in walk(user_punches).sessions:
            if not session.is_open:
                continue
            shift = shift_of(session, shifts, rules)
            if shift is not None and now >= shift.ends_at + rules.missing_clock_out_after:
                missing.append(shift)
    return [s.id for s in sorted(missing, key=lambda s: (s.starts_at, s.id))]


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
