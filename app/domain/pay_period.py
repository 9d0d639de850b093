"""Pay periods: which dates a store's pay period covers.

A store setting (``stores.pay_period``). Monthly is the default: the Employment Ordinance
lets a wage period be at most a month, and Hong Kong retail pays monthly. Semi-monthly
(1st-15th, 16th-end) is the other common choice. Pure: dates in, dates out.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from enum import StrEnum


class PayPeriodKind(StrEnum):
    """How a store's pay periods run."""

    MONTHLY = "monthly"
    SEMI_MONTHLY = "semi_monthly"


DEFAULT_PAY_PERIOD = PayPeriodKind.MONTHLY


def pay_period_kind(setting: str | None) -> PayPeriodKind:
    """The store's setting, or the default when it is missing or unknown (an older server)."""
    try:
        return PayPeriodKind(setting) if setting else DEFAULT_PAY_PERIOD
    except ValueError:
        return DEFAULT_PAY_PERIOD


def period_containing(day: date, kind: PayPeriodKind) -> tuple[date, date]:
    """First and last date (inclusive) of the pay period ``day`` falls in."""
    last_of_month = day.replace(day=monthrange(day.year, day.month)[1])
    if kind is PayPeriodKind.SEMI_MONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), last_of_month
    return day.replace(day=1), last_of_month


def last_pay_period(today: date, kind: PayPeriodKind) -> tuple[date, date]:
    """The most recent pay period that has ended before ``today``'s."""
    start, _end = period_containing(today, kind)
    return period_containing(start - timedelta(days=1), kind)
