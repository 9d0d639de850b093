"""Issue 10, availability: when a person can work (weekly windows) and one-off days off, as
they enter them, checked the same way on the device and the server; the roster's conflict
marker; and a chain's settings as submitted (parsed by ``shift_rules.settings``).

Pure rules, no I/O. Weekly windows are ``HH:MM`` times in Asia/Hong_Kong, weekday 0 = Monday;
an end at or before the start runs past midnight. One-off unavailability is whole days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta
from typing import Any

from app.domain.access import AccessDenied, require_self
from app.domain.roles import Actor, Role
from app.domain.shift_rules import (
    RULE_AVAILABILITY, Availability, Shift, ShiftTradeSettings, Unavailability, WeeklyWindow,
)
from app.domain.shift_rules.model import hk_midnight

# Reason codes (``app.protocol.Reason`` takes its values from here).
REASON_BAD_WINDOW = "availability_bad_window"
REASON_BAD_DAYS = "unavailability_bad_days"
REASON_BAD_SETTINGS = "chain_settings_invalid"
REASON_OVERLAP = "availability_overlap"  # issue 10, availview: several windows a day

#: At most three windows a day (split shifts); a one-off absence spans at most a year.
MAX_WINDOWS = 21
MAX_DAYS_OFF = 366
MAX_NOTE = 200
#: The key of the shift-trade settings in the chain's settings (and its pulled entity id).
SHIFT_TRADES = "shift_trades"


class AvailabilityInvalid(AccessDenied):
    """Availability or settings that cannot be stored; ``reason`` is one of the codes above."""


def parse_hhmm(text: str) -> time:
    """``"09:30"`` -> 09:30; anything else is refused with the bad-window reason."""
    try:
        hours, minutes = str(text).split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError:
        raise AvailabilityInvalid(REASON_BAD_WINDOW, f"{text!r} is not a time like 09:30.") from None


def weekly_windows(items: Iterable[Mapping[str, Any]]) -> tuple[WeeklyWindow, ...]:
    """Windows from ``{"weekday", "start", "end"}`` items, sorted; empty means "any time"."""
    windows = []
    for item in items:
        start, end = parse_hhmm(item["start"]), parse_hhmm(item["end"])
        if start == end:
            raise AvailabilityInvalid(REASON_BAD_WINDOW, "A time window must end after it starts.")
        try:
            windows.append(WeeklyWindow(int(item["weekday"]), start, end))
        except ValueError as exc:
            raise AvailabilityInvalid(REASON_BAD_WINDOW, str(exc)) from None
    if len(windows) > MAX_WINDOWS:
        raise AvailabilityInvalid(REASON_BAD_WINDOW, f"At most {MAX_WINDOWS} time windows a week.")
    return tuple(sorted(windows, key=lambda w: (w.weekday, w.start)))


_WEEK_MINUTES = 7 * 24 * 60


def _span(window: WeeklyWindow) -> tuple[int, int]:
    """Minutes from Monday 00:00 to the window's start and its end (past midnight if overnight)."""
    start = window.weekday * 1440 + window.start.hour * 60 + window.start.minute
    length = (window.end.hour * 60 + window.end.minute) - (window.start.hour * 60 + window.start.minute)
    return start, start + (length if length > 0 else length + 1440)


def _overlap(a: WeeklyWindow, b: WeeklyWindow) -> bool:
    """Whether two windows share a minute; Sunday night's overnight tail reaches Monday."""
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return any(a0 < b1 + shift and b0 + shift < a1 for shift in (-_WEEK_MINUTES, 0, _WEEK_MINUTES))


def windows_to_set(items: Iterable[Mapping[str, Any]]) -> tuple[WeeklyWindow, ...]:
    """Windows a person sets (device and server alike): valid as ``weekly_windows`` says, and no
    two overlapping (a split day is 09:00-13:00 and 17:00-21:00; touching windows are fine)."""
    windows = weekly_windows(items)
    for i, first in enumerate(windows):
        for second in windows[i + 1:]:
            if _overlap(first, second):
                raise AvailabilityInvalid(REASON_OVERLAP, f"Two windows overlap: {_text(first)} and {_text(second)}.")
    return windows


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _text(window: WeeklyWindow) -> str:
    """For the server's English message and logs (screens show the reason's translation)."""
    return f"{_DAY_NAMES[window.weekday]} {window.start:%H:%M}-{window.end:%H:%M}"


def window_dicts(windows: Iterable[WeeklyWindow]) -> list[dict[str, Any]]:
    """The stored and pulled form of windows."""
    return [{"weekday": w.weekday, "start": w.start.strftime("%H:%M"), "end": w.end.strftime("%H:%M")}
            for w in windows]


def check_days_off(first: date, last: date) -> None:
    """A one-off absence runs forward, from ``first`` to ``last`` included, at most a year."""
    if last < first:
        raise AvailabilityInvalid(REASON_BAD_DAYS, "The last day is before the first day.")
    if (last - first).days >= MAX_DAYS_OFF:
        raise AvailabilityInvalid(REASON_BAD_DAYS, f"At most {MAX_DAYS_OFF} days at a time.")


def days_off(first: date, last: date) -> Unavailability:
    """Whole Hong Kong days ``first`` to ``last``, as the rules see them."""
    return Unavailability(hk_midnight(first), hk_midnight(last + timedelta(days=1)))


def availability_of(windows: Iterable[Mapping[str, Any]], absences: Iterable[tuple[date, date]]) -> Availability:
    """A person's stored windows and days off, as the shift rules' input."""
    return Availability(weekly_windows(windows), tuple(days_off(first, last) for first, last in absences))


#: What a colleague of the same store may hold of a person's availability: the times the shift
#: rules need, never the note nor when it was entered (HK PDPO: no more than the purpose needs).
COLLEAGUE_FIELDS = {
    "availability": ("user_id", "windows"),
    "unavailability": ("id", "user_id", "first_day", "last_day"),
}


def colleague_copy(entity: str, data: Mapping[str, Any] | None) -> dict | None:
    """The reduced copy of an ``availability``/``unavailability`` record for colleagues' phones
    (``None`` stays ``None``: a deletion)."""
    if data is None:
        return None
    return {key: data[key] for key in COLLEAGUE_FIELDS[entity] if key in data}


def require_own_availability(actor: Actor, user_id: str) -> None:
    """Only the person sets their own availability (a manager neither, nor a forged request)."""
    require_self(actor, user_id)


def settings_from(data: Any) -> ShiftTradeSettings:
    """A chain's shift-trade settings as submitted, or refused with the reason and what is wrong."""
    try:
        return ShiftTradeSettings.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise AvailabilityInvalid(REASON_BAD_SETTINGS, f"Invalid settings: {exc}") from None


def require_may_change_settings(actor: Actor) -> None:
    """Only HQ changes the chain's settings."""
    if actor.role is not Role.HQ_ADMIN:
        raise AccessDenied("forbidden_role", "Only HQ can change the chain's settings.")


def roster_conflicts(shifts: Iterable[Shift], availability: Mapping[str, Availability],
                     settings: ShiftTradeSettings) -> dict[str, str]:
    """Shift id -> ``"weekly"`` or ``"one_off"`` for each shift its person is not available for
    (none when the chain switched the availability rule off)."""
    if not settings.enabled(RULE_AVAILABILITY):
        return {}
    found = {}
    for shift in shifts:
        person = availability.get(shift.person_id or "")
        clash = person.clash(shift) if person is not None else None
        if clash:
            found[shift.id] = clash
    return found
