"""Punches and the attendance state they imply: one user's punches read as a state machine.

In time order::

    out --clock_in--> in --break_start--> on_break --break_end--> in --clock_out--> out

A clock-out while on break is *allowed*: it ends the break at the clock-out time and the
punch is flagged ``break_auto_ended``. Refusing it would leave someone who forgot to end
their break unable to leave, offline, at the door; the manager sees the flag instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.attendance.common import _require_aware, _unique


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


def _by_user(punches: Iterable[Punch]) -> dict[str, list[Punch]]:
    grouped: dict[str, list[Punch]] = {}
    for p in punches:
        grouped.setdefault(p.user_id, []).append(p)
    return grouped
