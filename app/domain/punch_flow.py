"""How a punch is made on the device: which method, when the location is taken again, and
what is offered after a location refusal. Pure rules, shared by the screens and the server.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from app.domain.attendance import REASON_SHIFT_ENDED, PunchCheck, ShiftRules
from app.domain.geofence import REASON_INACCURATE, GeofenceDecision, GeofenceVerdict

#: The server judges a fix's age against the punch's time; a fix older than this when the
#: punch is recorded (the camera step took a while) is taken again first.
FIX_REFRESH_AFTER_S = 15.0


class PunchMethod(StrEnum):
    """How the person was identified."""

    FACE = "face"  # selfie checked against their enrolment
    PIN = "pin"  # signed in with their PIN; the store manager confirms the punch
    KIOSK = "kiosk"  # at the store's kiosk tablet (face or staff number + PIN there)


def punch_method(consented: bool, enrolled: bool) -> PunchMethod:
    """Face check for people who consented and enrolled, else the PIN path (manager confirms)."""
    return PunchMethod.FACE if consented and enrolled else PunchMethod.PIN


def fix_needs_refresh(fix_taken_at: datetime, now: datetime) -> bool:
    """Whether the location must be taken again before the punch is recorded."""
    return (now - fix_taken_at).total_seconds() > FIX_REFRESH_AFTER_S


def offers_pin_path(decision: GeofenceDecision) -> bool:
    """A fix refused only for poor accuracy (a mall basement): the person is probably at the
    store, so the PIN path with the manager's confirmation is offered instead of a dead end.
    Mocked, stale and outside fixes are not: those are what the location check is for."""
    return decision.verdict is GeofenceVerdict.REFUSED and decision.reason == REASON_INACCURATE


def offers_unscheduled(check: PunchCheck, rules: ShiftRules) -> bool:
    """A clock-in refused because the person's shift has ended: where the chain allows it,
    they may clock in without a shift instead, flagged for the manager to approve."""
    return not check.allowed and check.reason == REASON_SHIFT_ENDED and rules.allow_unscheduled
