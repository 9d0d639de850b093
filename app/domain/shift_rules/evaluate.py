"""May this trade happen, and who can take this shift? The two questions the app asks.

The device asks them for instant feedback (offline too) and the server asks them again with
its own data before anything is stored; both call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from app.domain.attendance.common import _require_aware
from app.domain.shift_rules import hk_law, rules
from app.domain.shift_rules.codes import (
    FLAG_CONTINUOUS_CONTRACT, FLAG_NO_REST_DAY, FLAG_OVERTIME, REASON_SHIFT_NOT_TRADEABLE, RULE_CONTINUOUS_CONTRACT,
    RULE_REST_DAY, STATUS_PUBLISHED, WHY_NOT_OPEN, WHY_NOT_PUBLISHED, WHY_OPEN, WHY_OWN_SHIFT, WHY_SWAP_SHIFT,
)
from app.domain.shift_rules.index import RosterIndex
from app.domain.shift_rules.model import Person, Shift, Trade, TradeKind
from app.domain.shift_rules.result import REFUSED, WARNING, Candidate, Finding, TradeCheck
from app.domain.shift_rules.settings import ShiftTradeSettings

WARNING_CODES = frozenset({FLAG_OVERTIME, FLAG_NO_REST_DAY, FLAG_CONTINUOUS_CONTRACT})
_ORDER = {REFUSED: 2, WARNING: 1}


def _shape_problem(trade: Trade) -> str | None:
    """Why the trade makes no sense as asked (never a chain setting), or None."""
    shift, swap = trade.shift, trade.swap_shift
    if shift.status != STATUS_PUBLISHED:
        return WHY_NOT_PUBLISHED
    if trade.kind is TradeKind.OPEN_CLAIM:
        return WHY_NOT_OPEN if shift.person_id is not None else None
    if shift.person_id is None:
        return WHY_OPEN
    if shift.person_id == trade.taker_id:
        return WHY_OWN_SHIFT
    if trade.kind is TradeKind.SWAP and (swap is None or swap.person_id != trade.taker_id
                                         or swap.status != STATUS_PUBLISHED):
        return WHY_SWAP_SHIFT
    return None


def _schedules(trade: Trade, roster: RosterIndex) -> dict[str | None, rules.Schedule]:
    """Each person the trade touches, with what they give and take."""
    gives: dict[str | None, list[Shift]] = {}
    takes: dict[str | None, list[Shift]] = {}
    for shift, holder in trade.moves():
        gives.setdefault(shift.person_id, []).append(shift)
        takes.setdefault(holder, []).append(shift.given_to(holder))
    people = (set(gives) | set(takes)) - {None}
    return {p: rules.Schedule(p, roster.of(p), tuple(gives.get(p, ())), tuple(takes.get(p, ()))) for p in people}


def _taker_findings(shift: Shift, person: Person, schedule: rules.Schedule,
                    settings: ShiftTradeSettings) -> list[Finding]:
    found = rules.qualifications(shift, person, settings)
    found += rules.overlap_and_rest(shift, schedule, settings)
    found += rules.weekly_hours(shift, schedule, settings)
    if settings.enabled(RULE_REST_DAY):
        found += hk_law.rest_day(shift, schedule)
    return found


def check_trade(trade: Trade, people: Mapping[str, Person], roster: RosterIndex, settings: ShiftTradeSettings,
                now: datetime) -> TradeCheck:
    """Every refusal and warning for ``trade``, as of ``now``.

    ``people`` must hold everyone who takes a shift in it (the taker; in a swap also the
    shift's holder); ``roster`` is everyone's shifts as they stand (``RosterIndex.build``),
    covering at least the weeks of the traded shifts and the three weeks before them (the
    "468" window looks back four weeks; rest and overlap look a day either side).
    """
    _require_aware("now", now)
    problem = _shape_problem(trade)
    if problem is not None:
        refusal = Finding(REASON_SHIFT_NOT_TRADEABLE, None, trade.taker_id, trade.shift.id, {"why": problem})
        return TradeCheck(trade.kind, refusals=(refusal,))
    schedules = _schedules(trade, roster)
    found: list[Finding] = []
    for shift, holder in trade.moves():
        found += rules.shift_timing(shift, holder, settings, now)
    for person_id, schedule in schedules.items():
        for taken in schedule.takes:
            found += _taker_findings(taken, _person(people, person_id), schedule, settings)
        if settings.enabled(RULE_CONTINUOUS_CONTRACT):
            for given in schedule.gives:
                found += hk_law.continuous_contract(given, schedule)
    refusals, warnings = rules.split(found, WARNING_CODES)
    return TradeCheck(trade.kind, refusals, warnings)


def _person(people: Mapping[str, Person], person_id: str) -> Person:
    try:
        return people[person_id]
    except KeyError:
        raise ValueError(f"no person {person_id!r} given for this trade") from None


def who_can_take(shift: Shift, people: Iterable[Person], roster: RosterIndex, settings: ShiftTradeSettings,
                 now: datetime, kind: TradeKind | None = None) -> list[Candidate]:
    """Every colleague (not the shift's holder) with their verdict: eligible first, then those
    with warnings, then the refused ones with their reasons (never hidden). ``kind`` defaults to
    a cover request, or a claim for an open shift."""
    kind = kind or (TradeKind.OPEN_CLAIM if shift.person_id is None else TradeKind.COVER)
    people = {p.id: p for p in people}
    candidates = [Candidate(pid, check_trade(Trade(kind, shift, pid), people, roster, settings, now))
                  for pid in people if pid != shift.person_id]
    return sorted(candidates, key=lambda c: _ORDER.get(c.status, 0))


def apply_trade(trade: Trade, roster: RosterIndex) -> RosterIndex:
    """The roster after an approved trade (for the device's view and the property tests)."""
    return roster.replaced(trade.applied())
