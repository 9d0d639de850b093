"""Hong Kong Employment Ordinance (Cap. 57) checks, as warnings a manager may override.

Rest day: an employee under a continuous contract is entitled to at least one rest day in
every period of seven days, a rest day being a continuous period of not less than 24 hours
off work (Labour Department, "Frequently Asked Questions about the Employment Ordinance",
https://www.labour.gov.hk/eng/faq/cap57a_whole.htm; summary of EO Part IV). Checked here per
Monday-to-Sunday week in Asia/Hong_Kong: the longest time off inside the week must reach 24 h.

Continuous contract, the "468" rule, applicable from 18 January 2026 (Employment (Amendment)
Ordinance 2025; Labour Department via 1823, "How to ascertain whether an employee is being
employed under a continuous contract ... (468 rule)", https://www.1823.gov.hk/en/faq/how-to-
ascertain-whether-an-employee-is-being-employed-under-a-continuous-contract-if-his-employment-
period-straddling-the-effective-date-of-the-new-requirement-468-rule, revised 11 Dec 2025): four
weeks or more with the same employer, and either at least 17 hours in each week, or, for a week
under 17 hours, 68 hours or more in the four weeks made of that week and the three before it.
Weeks ending before 18 January 2026 still need 18 hours (the old "418" rule, no 4-week
alternative). So a trade warns only when it lowers someone's hours in a week that then has
under 17 h AND under 68 h in its 4-week window: a short week inside a 68 h window is lawful.
Weeks here are the app's Monday weeks; hours are counted on each shift's start day.
"""

from __future__ import annotations

from datetime import date

from app.domain.shift_rules.codes import RULE_CONTINUOUS_CONTRACT, RULE_REST_DAY
from app.domain.shift_rules.model import DAY, HOUR, WEEK, Shift, hk_midnight
from app.domain.shift_rules.result import Finding, finding
from app.domain.shift_rules.rules import Schedule, hours

REST_DAY_HOURS = 24
CONTRACT_EFFECTIVE = date(2026, 1, 18)
WEEKLY_HOURS_468 = 17
FOUR_WEEK_HOURS_468 = 68
WEEKLY_HOURS_418 = 18


def longest_time_off(schedule: Schedule, monday: date) -> float:
    """The longest stretch without work inside the week starting ``monday``, in hours."""
    opens, closes = hk_midnight(monday), hk_midnight(monday + 7 * DAY)
    longest, free_from = 0.0, opens
    for shift in schedule.near(opens, closes):
        if shift.start > free_from:
            longest = max(longest, (shift.start - free_from) / HOUR)
        free_from = max(free_from, shift.end)
    return max(longest, (closes - free_from) / HOUR) if free_from < closes else longest


def rest_day(shift: Shift, schedule: Schedule) -> list[Finding]:
    """Warns when taking ``shift`` leaves its week without 24 h off in a row."""
    longest = longest_time_off(schedule, shift.week)
    if longest >= REST_DAY_HOURS:
        return []
    return [finding(RULE_REST_DAY, schedule.person_id, shift.id, week=shift.week.isoformat(),
                    hours=hours(longest), limit=REST_DAY_HOURS)]


def contract_breach(schedule: Schedule, monday: date) -> dict | None:
    """The numbers when the week starting ``monday`` breaks the continuous-contract hours, else None."""
    week = schedule.hours_in_week(monday)
    if monday + 6 * DAY < CONTRACT_EFFECTIVE:
        return {"hours": hours(week), "limit": WEEKLY_HOURS_418} if week < WEEKLY_HOURS_418 else None
    if week >= WEEKLY_HOURS_468:
        return None
    window = sum(schedule.hours_in_week(monday - k * WEEK) for k in range(4))
    if window >= FOUR_WEEK_HOURS_468:
        return None
    return {"hours": hours(week), "limit": WEEKLY_HOURS_468, "four_week_hours": hours(window),
            "four_week_limit": FOUR_WEEK_HOURS_468}


def continuous_contract(given: Shift, schedule: Schedule) -> list[Finding]:
    """Warns when giving ``given`` away lowers its week's hours into a continuous-contract breach."""
    if schedule.hours_in_week(given.week) >= schedule.before().hours_in_week(given.week):
        return []
    numbers = contract_breach(schedule, given.week)
    if numbers is None:
        return []
    return [finding(RULE_CONTINUOUS_CONTRACT, schedule.person_id, given.id, week=given.week.isoformat(), **numbers)]

