"""Small builders for the shift-rule tests: a Monday in March 2026, shifts by day and hour."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.shift_rules import Person, RosterIndex, Shift, ShiftTradeSettings, Trade, TradeKind, check_trade
from app.domain.shift_rules.model import hk_midnight

MONDAY = date(2026, 3, 2)


def at(day: int, hour: float) -> datetime:
    """``hour`` o'clock (Hong Kong) ``day`` days after MONDAY (negative: before it)."""
    return hk_midnight(MONDAY + timedelta(days=day)) + timedelta(hours=hour)


def shift(shift_id: str, person: str | None, day: int, start: float, length: float, *, store: str = "s1",
          role: str = "cashier", status: str = "published") -> Shift:
    return Shift(shift_id, person, store, role, at(day, start), at(day, start + length), status)


def daily(person: str, days, start: float, length: float, prefix: str = "x") -> list[Shift]:
    """One shift a day for ``person`` on each of ``days``."""
    return [shift(f"{prefix}{person}{d}", person, d, start, length) for d in days]


TAKER = Person("taker", frozenset({"s1"}), frozenset({"cashier"}))
#: The giver keeps 24 h a week (this week and next) besides the shift given, so "468" stays quiet.
GIVER_KEEPS = daily("giver", (0, 1, 2, 7, 8, 9), 9, 8, prefix="keep")
NOW = at(-7, 9)


def cover(taken: Shift, taker_shifts=(), *, taker: Person = TAKER, settings: ShiftTradeSettings | None = None,
          now: datetime = NOW, giver_shifts=tuple(GIVER_KEEPS)):
    """The verdict on ``taker`` covering ``taken`` (held by "giver")."""
    roster = RosterIndex.build([taken, *taker_shifts, *giver_shifts])
    trade = Trade(TradeKind.COVER, taken, taker.id)
    return check_trade(trade, {taker.id: taker}, roster, settings or ShiftTradeSettings(), now)
