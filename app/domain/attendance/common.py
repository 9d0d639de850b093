"""Codes, the stores' time zone and small helpers shared by the attendance rules.

Reason codes (refusals) and flags (accepted, but shown to a manager) are plain strings so
the domain does not import the wire format; ``app.protocol.Reason`` holds the same codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _store_zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Hong_Kong")
    except (ZoneInfoNotFoundError, ValueError):
        # Packaged mobile Pythons may ship without a tz database. Hong Kong has kept
        # +08:00 with no summer time since 1979, so a fixed offset is exact for any
        # date this app will ever see.
        return timezone(timedelta(hours=8), "HKT")


#: The stores' time zone; days (today, timesheet days) are counted in it.
HONG_KONG: tzinfo = _store_zone()

# Refusal reasons.
REASON_ALREADY_CLOCKED_IN = "already_clocked_in"
REASON_NOT_CLOCKED_IN = "not_clocked_in"
REASON_TOO_EARLY = "too_early"
REASON_NOT_ON_BREAK = "not_on_break"
REASON_ALREADY_ON_BREAK = "already_on_break"
REASON_NO_SHIFT = "no_shift"
REASON_SHIFT_ENDED = "shift_ended"

# Flags set by these rules (the server adds its own, e.g. outside, uncertain,
# mocked_gps, face_mismatch, replay, clock_drift; they are passed through untouched).
FLAG_LATE = "late"
FLAG_EARLY_LEAVE = "early_leave"
FLAG_UNSCHEDULED = "unscheduled"
FLAG_BREAK_AUTO_ENDED = "break_auto_ended"
FLAG_CORRECTED = "corrected"
FLAG_MISSING_CLOCK_OUT = "missing_clock_out"
FLAG_STRAY_PUNCH = "stray_punch"


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _unique(flags: Iterable[str]) -> tuple[str, ...]:
    """Flags without repeats, in first-seen order."""
    return tuple(dict.fromkeys(flags))
