"""Device clocks: estimating the server offset and spotting a device whose clock is off.

Device times are kept and compared, never trusted. The server orders events by its own
sequence; these functions only decide whether a device's stated time is believable.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

#: A device time further than this from the server's estimate is flagged.
CLOCK_DRIFT_LIMIT = timedelta(minutes=2)
#: No device queues an action for longer than this within one boot: a monotonic reading
#: further apart is a broken or forged clock, not elapsed time.
MAX_MONOTONIC_ELAPSED = timedelta(days=3660)


def offset_from_exchange(sent: datetime, received: datetime, server_date: datetime) -> timedelta:
    """Estimate ``server - device`` from one request.

    Args:
        sent: device wall time when the request left.
        received: device wall time when the response arrived.
        server_date: the response's Date header (1 s resolution).

    Returns:
        The offset to add to device time to get server time. The midpoint of the round
        trip is assumed to be when the server stamped its Date header.
    """
    midpoint = sent + (received - sent) / 2
    return server_date - midpoint


@dataclass(frozen=True)
class EventTimeAssessment:
    """The server's best estimate of when an event happened, and whether to flag it."""

    estimated_time: datetime
    skew: timedelta
    drifted: bool
    method: str


def assess_event_time(
    *,
    event_device_time: datetime,
    event_monotonic_ms: int,
    event_boot_id: str,
    sent_device_time: datetime,
    sent_monotonic_ms: int,
    sent_boot_id: str,
    received_at: datetime,
    limit: timedelta = CLOCK_DRIFT_LIMIT,
) -> EventTimeAssessment:
    """Judge an event's device time against the server's receive time.

    When the event and the push come from the same boot, the monotonic clock tells how
    long ago the event happened, whatever the wall clock says: the event really happened
    at ``received_at - elapsed``. Otherwise the push's own wall time tells how far the
    device clock is off right now, and that skew is applied to the event.

    Args:
        event_device_time: wall time the device stamped on the event.
        event_monotonic_ms: monotonic reading at the event.
        event_boot_id: boot (or process) the monotonic reading belongs to.
        sent_device_time: wall time at which the batch was sent.
        sent_monotonic_ms: monotonic reading at send.
        sent_boot_id: boot of the send reading.
        received_at: the server's clock when the batch arrived.
        limit: how far off a device clock may be before it is flagged.

    Returns:
        The estimate, the skew (device minus estimate) and whether it exceeds ``limit``.
        Readings so far apart that the arithmetic overflows are flagged, never raised.
    """
    elapsed_ms = sent_monotonic_ms - event_monotonic_ms
    if event_boot_id == sent_boot_id and elapsed_ms > MAX_MONOTONIC_ELAPSED / timedelta(milliseconds=1):
        return _implausible(event_device_time, received_at)
    try:
        return _assess(event_device_time, event_monotonic_ms, event_boot_id, sent_device_time,
                       sent_monotonic_ms, sent_boot_id, received_at, limit)
    except OverflowError:  # wall times centuries apart: no calendar holds the estimate
        return _implausible(event_device_time, received_at)


def _implausible(event_device_time: datetime, received_at: datetime) -> EventTimeAssessment:
    """The device's clocks say nothing believable: arrival is the best estimate, flagged."""
    return EventTimeAssessment(received_at, event_device_time - received_at, True, "implausible")


def _assess(event_device_time: datetime, event_monotonic_ms: int, event_boot_id: str,
            sent_device_time: datetime, sent_monotonic_ms: int, sent_boot_id: str,
            received_at: datetime, limit: timedelta) -> EventTimeAssessment:
    if event_boot_id == sent_boot_id and sent_monotonic_ms >= event_monotonic_ms:
        elapsed = timedelta(milliseconds=sent_monotonic_ms - event_monotonic_ms)
        estimated = received_at - elapsed
        method = "monotonic"
    else:
        device_skew_now = sent_device_time - received_at
        estimated = event_device_time - device_skew_now
        method = "send_skew"
    skew = event_device_time - estimated
    if method == "send_skew":
        # Without a shared monotonic reading the event's own skew is unknowable; what can
        # be seen is the device clock being off now.
        skew = sent_device_time - received_at
    return EventTimeAssessment(estimated, skew, abs(skew) > limit, method)
