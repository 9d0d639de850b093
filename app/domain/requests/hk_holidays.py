"""Hong Kong general holidays (shipped as data) and the leave days a date range costs.

The data file ``hk_general_holidays.csv`` lists the dated general holidays of the General
Holidays Ordinance (Cap. 149) as published on gov.hk; ``scripts/gen_hk_holidays.py``
writes it from the ``holidays`` package and ``tests/test_request_rules.py`` checks it.
Sundays are general holidays too, but they are rest days of the roster, not dated entries.
"""

import csv
import io
from datetime import date, timedelta
from functools import cache
from importlib import resources


@cache
def hk_general_holidays() -> dict[date, str]:
    """Date -> English name of each shipped HK general holiday (read once, package data)."""
    text = resources.files(__package__).joinpath("hk_general_holidays.csv").read_text("utf-8")
    return {date.fromisoformat(row["date"]): row["name"] for row in csv.DictReader(io.StringIO(text))}


def holidays_between(first: date, last: date, holidays: dict[date, str] | None = None) -> dict[date, str]:
    """The general holidays from ``first`` to ``last`` inclusive (shown to approvers)."""
    table = hk_general_holidays() if holidays is None else holidays
    return {d: n for d, n in sorted(table.items()) if first <= d <= last}


def leave_days(first: date, last: date, holidays: dict[date, str] | None = None) -> int:
    """Days of leave a range costs: every day from ``first`` to ``last``, less general holidays."""
    if last < first:
        return 0
    table = hk_general_holidays() if holidays is None else holidays
    span = (last - first).days + 1
    return sum(1 for i in range(span) if first + timedelta(days=i) not in table)
