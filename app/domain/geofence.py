"""Geofenced clock-in: is this location fix believable, and is it at the store?

Pure rules, no I/O: the client asks the platform for a fix, the server re-checks the same
fix with the same function, and both show the same verdict.

A fix is a circle (centre plus accuracy radius), not a point, so the verdict compares two
circles. The fix is *inside* only when its whole accuracy circle lies in the fence and
*outside* only when the two circles cannot overlap; anything else is *uncertain*: allowed,
but flagged for a manager to review. Fixes that cannot be trusted at all are *refused*
with a reason the UI turns into advice (retry near a window, wait for a fresh fix, turn
off the mock-location app).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

#: Fixes less accurate than this (metres, 68 % radius) are refused: indoors a phone often
#: falls back to cell towers, whose circle can cover several stores.
DEFAULT_MAX_ACCURACY_M = 100.0
#: Fixes older than this (seconds) are refused as stale: the platform may hand back the
#: last cached fix, taken somewhere else.
DEFAULT_MAX_AGE_S = 30.0
#: A fix stamped further in the future than this is refused: device clocks drift a
#: little, but a fix from the future means a wrong or tampered clock.
MAX_FUTURE_SKEW_S = 5.0

REASON_MOCKED = "mocked"
REASON_INACCURATE = "inaccurate"
REASON_STALE = "stale"
REASON_FUTURE = "future"
REASON_NEAR_BOUNDARY = "near_boundary"


def _check_coordinates(latitude: float, longitude: float) -> None:
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise ValueError(f"latitude out of range: {latitude!r}")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise ValueError(f"longitude out of range: {longitude!r}")


@dataclass(frozen=True)
class Fix:
    """One location fix from the device.

    Attributes:
        latitude: degrees, WGS84.
        longitude: degrees, WGS84.
        accuracy_m: horizontal accuracy radius in metres, as the platform reports it.
        timestamp: when the platform took the fix (timezone-aware).
        mocked: the platform flagged the fix as coming from a mock-location provider.
    """

    latitude: float
    longitude: float
    accuracy_m: float
    timestamp: datetime
    mocked: bool = False

    def __post_init__(self) -> None:
        _check_coordinates(self.latitude, self.longitude)
        if self.timestamp.tzinfo is None or self.timestamp.utcoffset() is None:
            raise ValueError("Fix.timestamp must be timezone-aware")
        # NaN or negative accuracy is not an error here: decide() refuses it as inaccurate,
        # so a broken platform reading becomes advice to the user, not a crash.


@dataclass(frozen=True)
class Fence:
    """A store's geofence: a circle around the store's entrance."""

    store_id: str
    latitude: float
    longitude: float
    radius_m: float

    def __post_init__(self) -> None:
        _check_coordinates(self.latitude, self.longitude)
        if not (math.isfinite(self.radius_m) and self.radius_m > 0):
            raise ValueError(f"radius_m must be positive: {self.radius_m!r}")


class GeofenceVerdict(StrEnum):
    """Outcome of a geofence check, best first."""

    INSIDE = "inside"
    UNCERTAIN = "uncertain"
    OUTSIDE = "outside"
    REFUSED = "refused"


_RANK = {
    GeofenceVerdict.INSIDE: 0,
    GeofenceVerdict.UNCERTAIN: 1,
    GeofenceVerdict.OUTSIDE: 2,
    GeofenceVerdict.REFUSED: 3,
}


@dataclass(frozen=True)
class GeofenceDecision:
    """The verdict for one fix against one fence.

    Attributes:
        verdict: inside, uncertain, outside or refused.
        distance_m: geodesic distance from the fix to the fence centre, in metres (given
            even when refused, for the audit log).
        store_id: the fence's store.
        reason: why the fix was refused ("mocked", "inaccurate", "stale", "future"),
            "near_boundary" when uncertain, None otherwise.
    """

    verdict: GeofenceVerdict
    distance_m: float
    store_id: str
    reason: str | None = None

    @property
    def allowed(self) -> bool:
        """Whether the punch may go ahead (uncertain is allowed but flagged)."""
        return self.verdict in (GeofenceVerdict.INSIDE, GeofenceVerdict.UNCERTAIN)


def distance_m(fix: Fix, fence: Fence) -> float:
    """Geodesic (WGS84 ellipsoid) distance in metres from a fix to a fence centre."""
    # Imported here: geopy's package imports all its geocoders, a cost the browser app
    # would pay at every start for a check made only when someone clocks in.
    from geopy.distance import geodesic

    return geodesic((fix.latitude, fix.longitude), (fence.latitude, fence.longitude)).meters


def _refusal(fix: Fix, *, now: datetime, max_accuracy_m: float, max_age_s: float) -> str | None:
    if fix.mocked:
        return REASON_MOCKED
    # "not <=" also catches NaN accuracy.
    if not (0.0 <= fix.accuracy_m <= max_accuracy_m):
        return REASON_INACCURATE
    age_s = (now - fix.timestamp).total_seconds()
    if age_s > max_age_s:
        return REASON_STALE
    if age_s < -MAX_FUTURE_SKEW_S:
        return REASON_FUTURE
    return None


def decide(
    fix: Fix,
    fence: Fence,
    *,
    now: datetime,
    max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M,
    max_age_s: float = DEFAULT_MAX_AGE_S,
) -> GeofenceDecision:
    """Decide whether a fix places the staff member at one store.

    Args:
        fix: the device's location fix.
        fence: the store's geofence.
        now: the current time (timezone-aware); passed in so the rule stays pure.
        max_accuracy_m: refuse fixes whose accuracy radius is larger than this.
        max_age_s: refuse fixes older than this many seconds.

    Returns:
        The decision. Refusal reasons are checked in order: mocked, inaccurate, stale
        (or future).

    Raises:
        ValueError: if ``now`` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    dist = distance_m(fix, fence)
    reason = _refusal(fix, now=now, max_accuracy_m=max_accuracy_m, max_age_s=max_age_s)
    if reason is not None:
        return GeofenceDecision(GeofenceVerdict.REFUSED, dist, fence.store_id, reason)
    if dist + fix.accuracy_m <= fence.radius_m:
        return GeofenceDecision(GeofenceVerdict.INSIDE, dist, fence.store_id)
    if dist - fix.accuracy_m > fence.radius_m:
        return GeofenceDecision(GeofenceVerdict.OUTSIDE, dist, fence.store_id)
    return GeofenceDecision(
        GeofenceVerdict.UNCERTAIN, dist, fence.store_id, REASON_NEAR_BOUNDARY
    )


def decide_any(
    fix: Fix,
    fences: Iterable[Fence],
    *,
    now: datetime,
    max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M,
    max_age_s: float = DEFAULT_MAX_AGE_S,
) -> GeofenceDecision:
    """Decide against every store a staff member may work at; return the best decision.

    Best means inside, then uncertain, then outside, then refused; the nearest store wins
    a tie.

    Raises:
        ValueError: if ``fences`` is empty or ``now`` is naive.
    """
    decisions = [
        decide(fix, fence, now=now, max_accuracy_m=max_accuracy_m, max_age_s=max_age_s)
        for fence in fences
    ]
    if not decisions:
        raise ValueError("decide_any needs at least one fence")
    return min(decisions, key=lambda d: (_RANK[d.verdict], d.distance_m))
