"""Pay periods: monthly by default, semi-monthly on request; the last one is the one before today's."""

from datetime import date

from app.domain.pay_period import (
    DEFAULT_PAY_PERIOD,
    PayPeriodKind,
    last_pay_period,
    pay_period_kind,
    period_containing,
)


def test_monthly_is_the_default_and_unknown_settings_fall_back_to_it():
    """A store without a setting (or with one this app does not know) is paid monthly."""
    assert DEFAULT_PAY_PERIOD is PayPeriodKind.MONTHLY
    assert pay_period_kind(None) is pay_period_kind("fortnightly") is PayPeriodKind.MONTHLY
    assert pay_period_kind("semi_monthly") is PayPeriodKind.SEMI_MONTHLY


def test_last_monthly_period_is_the_previous_calendar_month():
    """On 30 Nov the last monthly period is October; on 1 March 2028 it is February (29 days)."""
    assert last_pay_period(date(2026, 11, 30), PayPeriodKind.MONTHLY) == (date(2026, 10, 1), date(2026, 10, 31))
    assert last_pay_period(date(2028, 3, 1), PayPeriodKind.MONTHLY) == (date(2028, 2, 1), date(2028, 2, 29))
    assert last_pay_period(date(2026, 1, 5), PayPeriodKind.MONTHLY) == (date(2025, 12, 1), date(2025, 12, 31))


def test_semi_monthly_periods_split_on_the_fifteenth():
    """1st-15th and 16th-end of month; the last one before 20 Nov is 1-15 Nov, before 3 Dec 16-30 Nov."""
    assert period_containing(date(2026, 11, 15), PayPeriodKind.SEMI_MONTHLY) == (date(2026, 11, 1), date(2026, 11, 15))
    assert last_pay_period(date(2026, 11, 20), PayPeriodKind.SEMI_MONTHLY) == (date(2026, 11, 1), date(2026, 11, 15))
    assert last_pay_period(date(2026, 12, 3), PayPeriodKind.SEMI_MONTHLY) == (date(2026, 11, 16), date(2026, 11, 30))
