"""Plain inputs of the shift-trade rules: shifts, people, availability and trades.

All times are aware datetimes; days and weeks are counted in Asia/Hong_Kong. A shift belongs
to the day it starts (an overnight 22:00-06:00 shift counts on its first day, hours included),
and weeks start on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.domain.attendance.common import HONG_KONG, _require_aware
from app.domain.shift_rules.codes import STATUS_PUBLISHED

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def week_of(day: date) -> date:
    """The Monday of the week that holds ``day``."""
    return day - timedelta(days=day.weekday())


def hk_midnight(day: date) -> datetime:
    """00:00 on ``day`` in Hong Kong."""
    return datetime.combine(day, time(), HONG_KONG)


@dataclass(frozen=True, slots=True)
class Shift:
    """One shift; ``person_id`` is None for an open shift. ``role`` is the role or skill it needs."""

    id: str
    person_id: str | None
    store_id: str
    role: str
    start: datetime
    end: datetime
    status: str = STATUS_PUBLISHED
    #: Its start day in Hong Kong, the Monday of that day's week and its length (derived).
    day: date = field(init=False, compare=False)
    week: date = field(init=False, compare=False)
    hours: float = field(init=False, compare=False)

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end <= self.start:
            raise ValueError(f"shift {self.id}: end must be after start")
        day = self.start.astimezone(HONG_KONG).date()
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "week", week_of(day))
        object.__setattr__(self, "hours", (self.end - self.start) / HOUR)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    def given_to(self, person_id: str | None) -> Shift:
        """The same shift held by someone else."""
        return Shift(self.id, person_id, self.store_id, self.role, self.start, self.end, self.status)


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A weekly time a person can work: ``weekday`` 0 = Monday; an ``end`` at or before
    ``start`` runs past midnight into the next day (22:00-06:00)."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")

    def holds(self, shift: Shift) -> bool:
        """Whether the shift lies inside this window, on the day it starts or the window's overnight tail."""
        for day in (shift.day, shift.day - DAY):
            if day.weekday() != self.weekday:
                continue
            opens = datetime.combine(day, self.start, HONG_KONG)
            closes = datetime.combine(day + (DAY if self.end <= self.start else timedelta()), self.end, HONG_KONG)
            if opens <= shift.start and shift.end <= closes:
                return True
        return False


@dataclass(frozen=True, slots=True)
class Unavailability:
    """A one-off time off (a dentist, an exam), aware start and end."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)


@dataclass(frozen=True, slots=True)
class Availability:
    """When someone can work. No weekly windows means "any time" (availability never set)."""

    weekly: tuple[WeeklyWindow, ...] = ()
    unavailable: tuple[Unavailability, ...] = ()

    def clash(self, shift: Shift) -> str | None:
        """Why the person cannot work ``shift``: ``"weekly"``, ``"one_off"``, or None when they can."""
        if any(shift.overlaps(off.start, off.end) for off in self.unavailable):
            return "one_off"
        if self.weekly and not any(window.holds(shift) for window in self.weekly):
            return "weekly"
        return None


@dataclass(frozen=True, slots=True)
class Person:
    """A colleague who might take a shift: their stores, roles/skills and availability."""

    id: str
    store_ids: frozenset[str]
    roles: frozenset[str]
    availability: Availability = Availability()

    def __post_init__(self) -> None:
        object.__setattr__(self, "store_ids", frozenset(self.store_ids))
        object.__setattr__(self, "roles", frozenset(self.roles))


class TradeKind(StrEnum):
    """What is being asked (issue 10): each gives ``Trade.shift`` to ``Trade.taker_id``."""

    SWAP = "swap"                  # and the taker's ``swap_shift`` goes to the shift's holder
    OFFER = "offer"                # to a named colleague
    POOL_OFFER = "pool_offer"      # to the store's pool: anyone eligible
    COVER = "cover"                # a cover request: anyone eligible
    OPEN_CLAIM = "open_claim"      # claiming an open shift (no holder)


@dataclass(frozen=True, slots=True)
class Trade:
    kind: TradeKind
    shift: Shift
    taker_id: str
    swap_shift: Shift | None = None

    def moves(self) -> tuple[tuple[Shift, str], ...]:
        """Each shift that changes hands with its new holder."""
        moves = ((self.shift, self.taker_id),)
        if self.kind is TradeKind.SWAP and self.swap_shift is not None and self.shift.person_id is not None:
            moves += ((self.swap_shift, self.shift.person_id),)
        return moves

    def applied(self) -> tuple[Shift, ...]:
        """The shifts as they are after the trade (only those that changed)."""
        return tuple(shift.given_to(person) for shift, person in self.moves())
