"""The chain's rules, one function each: given a person's schedule as it would be after the trade.

Every function returns the findings of its rule (empty when it passes); ``evaluate`` calls those
the chain has switched on. Hours are rounded to one decimal in the numbers shown to people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.shift_rules.codes import (
    RULE_AVAILABILITY, RULE_MIN_NOTICE, RULE_MIN_REST, RULE_OVERLAP, RULE_OVERTIME, RULE_ROLE, RULE_STARTED,
    RULE_STORE, RULE_WEEKLY_CAP,
)
from app.domain.shift_rules.index import PersonShifts
from app.domain.shift_rules.model import HOUR, Person, Shift
from app.domain.shift_rules.result import Finding, finding
from app.domain.shift_rules.settings import ShiftTradeSettings


def hours(value: float) -> float:
    """Hours as shown to people: one decimal, and a whole number without ``.0``."""
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass(frozen=True, slots=True)
class Schedule:
    """A person's shifts as they would be after a trade: the indexed ones, less those given away,
    plus those taken (no copy of the index is made)."""

    person_id: str | None
    base: PersonShifts
    gives: tuple[Shift, ...] = ()
    takes: tuple[Shift, ...] = ()

    def hours_in_week(self, monday: date) -> float:
        total = self.base.hours_in_week(monday)
        total -= sum(s.hours for s in self.gives if s.week == monday)
        return total + sum(s.hours for s in self.takes if s.week == monday)

    def near(self, start: datetime, end: datetime) -> list[Shift]:
        """Shifts touching [start, end), sorted by start."""
        gone = {s.id for s in self.gives} | {s.id for s in self.takes}
        found = [s for s in self.base.near(start, end) if s.id not in gone]
        found += [s for s in self.takes if s.end > start and s.start < end]
        return sorted(found, key=lambda s: s.start)

    def before(self) -> Schedule:
        """The same person's schedule without the trade."""
        return Schedule(self.person_id, self.base)


def shift_timing(shift: Shift, person_id: str | None, settings: ShiftTradeSettings, now: datetime) -> list[Finding]:
    """A started (or past) shift never changes hands; otherwise it needs the minimum notice."""
    if settings.enabled(RULE_STARTED) and now >= shift.start:
        return [finding(RULE_STARTED, person_id, shift.id)]
    notice = (shift.start - now) / HOUR
    if settings.enabled(RULE_MIN_NOTICE) and notice < settings.min_notice_hours:
        return [finding(RULE_MIN_NOTICE, person_id, shift.id, hours=hours(max(notice, 0)),
                        limit=hours(settings.min_notice_hours))]
    return []


def qualifications(shift: Shift, person: Person, settings: ShiftTradeSettings) -> list[Finding]:
    """Same store (or an allowed store group), the role or skill, and availability."""
    found = []
    if settings.enabled(RULE_STORE) and shift.store_id not in settings.stores_open_to(person.store_ids):
        found.append(finding(RULE_STORE, person.id, shift.id, store_id=shift.store_id))
    if settings.enabled(RULE_ROLE) and shift.role and shift.role not in person.roles:
        found.append(finding(RULE_ROLE, person.id, shift.id, role=shift.role))
    clash = person.availability.clash(shift) if settings.enabled(RULE_AVAILABILITY) else None
    if clash:
        found.append(finding(RULE_AVAILABILITY, person.id, shift.id, kind=clash, start=shift.start.isoformat(),
                             end=shift.end.isoformat()))
    return found


def overlap_and_rest(shift: Shift, schedule: Schedule, settings: ShiftTradeSettings) -> list[Finding]:
    """No overlap with another of their shifts (overnight ones included), and enough rest between."""
    rest = settings.min_rest_hours * HOUR if settings.enabled(RULE_MIN_REST) else HOUR * 0
    others = [s for s in schedule.near(shift.start - rest, shift.end + rest) if s.id != shift.id]
    clashing = [s for s in others if s.overlaps(shift.start, shift.end)]
    if clashing and settings.enabled(RULE_OVERLAP):
        other = clashing[0]
        return [finding(RULE_OVERLAP, schedule.person_id, shift.id, other_shift_id=other.id,
                        other_start=other.start.isoformat(), other_end=other.end.isoformat())]
    gaps = [(shift.start - s.end if s.end <= shift.start else s.start - shift.end) / HOUR
            for s in others if not s.overlaps(shift.start, shift.end)]
    if rest and gaps and min(gaps) < settings.min_rest_hours:
        return [finding(RULE_MIN_REST, schedule.person_id, shift.id, hours=hours(min(gaps)),
                        limit=hours(settings.min_rest_hours))]
    return []


def weekly_hours(shift: Shift, schedule: Schedule, settings: ShiftTradeSettings) -> list[Finding]:
    """Over the cap refuses; over the overtime threshold (and within the cap) warns.

    The week is the Monday-to-Sunday week (Asia/Hong_Kong) of the shift's start day.
    """
    total = schedule.hours_in_week(shift.week)
    numbers = {"hours": hours(total), "week": shift.week.isoformat()}
    if settings.enabled(RULE_WEEKLY_CAP) and total > settings.weekly_cap_hours:
        return [finding(RULE_WEEKLY_CAP, schedule.person_id, shift.id, limit=hours(settings.weekly_cap_hours),
                        **numbers)]
    if settings.enabled(RULE_OVERTIME) and total > settings.overtime_warning_hours:
        return [finding(RULE_OVERTIME, schedule.person_id, shift.id, limit=hours(settings.overtime_warning_hours),
                        **numbers)]
    return []


def split(findings: Iterable[Finding], warnings: frozenset[str]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(refusals, warnings), by whether each code is a warning code."""
    findings = tuple(findings)
    return (tuple(f for f in findings if f.code not in warnings), tuple(f for f in findings if f.code in warnings))
