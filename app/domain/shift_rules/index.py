"""Shifts grouped by person and sorted by start, with hours per week: the fast path's input.

"Who can take this shift?" asks the same questions of every colleague (what is near this
shift, how many hours that week); building this once makes each answer a couple of bisects
and dictionary look-ups instead of a scan or a database query per rule.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.domain.shift_rules.codes import STATUS_CANCELLED
from app.domain.shift_rules.model import Shift


@dataclass(frozen=True, slots=True)
class PersonShifts:
    """One person's (non-cancelled) shifts, sorted by start, with hours per week (by start day)."""

    shifts: tuple[Shift, ...]
    starts: tuple[datetime, ...] = field(init=False, repr=False)
    week_hours: Mapping[date, float] = field(init=False, repr=False)
    longest: timedelta = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.shifts, key=lambda s: (s.start, s.id)))
        hours: defaultdict[date, float] = defaultdict(float)
        for shift in ordered:
            hours[shift.week] += shift.hours
        object.__setattr__(self, "shifts", ordered)
        object.__setattr__(self, "starts", tuple(s.start for s in ordered))
        object.__setattr__(self, "week_hours", dict(hours))
        object.__setattr__(self, "longest", max((s.end - s.start for s in ordered), default=timedelta()))

    def hours_in_week(self, monday: date) -> float:
        return self.week_hours.get(monday, 0.0)

    def near(self, start: datetime, end: datetime) -> tuple[Shift, ...]:
        """Shifts that touch [start, end) (any shift ending after ``start`` and starting before ``end``)."""
        lo = bisect_left(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return tuple(s for s in self.shifts[lo:hi] if s.end > start)


EMPTY = PersonShifts(())


@dataclass(frozen=True, slots=True)
class RosterIndex:
    """Everyone's shifts, by person (open and cancelled shifts are not anyone's hours)."""

    by_person: Mapping[str, PersonShifts]

    @classmethod
    def build(cls, shifts: Iterable[Shift]) -> RosterIndex:
        grouped: defaultdict[str, list[Shift]] = defaultdict(list)
        for shift in shifts:
            if shift.person_id is not None and shift.status != STATUS_CANCELLED:
                grouped[shift.person_id].append(shift)
        return cls({person: PersonShifts(tuple(items)) for person, items in grouped.items()})

    def of(self, person_id: str | None) -> PersonShifts:
        return self.by_person.get(person_id, EMPTY) if person_id is not None else EMPTY

    def replaced(self, changed: Iterable[Shift]) -> RosterIndex:
        """The index with ``changed`` shifts put in place of those with the same id (a trade applied)."""
        changed = {s.id: s for s in changed}
        moved = {s.person_id for s in changed.values()}
        for person, shifts in self.by_person.items():
            if any(s.id in changed for s in shifts.shifts):
                moved.add(person)
        by_person = dict(self.by_person)
        for person in moved - {None}:
            kept = [s for s in self.of(person).shifts if s.id not in changed]
            kept += [s for s in changed.values() if s.person_id == person and s.status != STATUS_CANCELLED]
            by_person[person] = PersonShifts(tuple(kept))
        return RosterIndex(by_person)
