"""Device clocks: server-offset estimation and the clock-drift judgement of event times."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.clock import CLOCK_DRIFT_LIMIT, assess_event_time, offset_from_exchange

RECEIVED = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HK = ZoneInfo("Asia/Hong_Kong")


def assess(*, event_time, event_mono, sent_time, sent_mono=1_000_000, event_boot="b1", sent_boot="b1",
           received=RECEIVED, **kw):
    return assess_event_time(event_device_time=event_time, event_monotonic_ms=event_mono,
                             event_boot_id=event_boot, sent_device_time=sent_time,
                             sent_monotonic_ms=sent_mono, sent_boot_id=sent_boot, received_at=received, **kw)


def test_drift_limit_is_two_minutes():
    """Device clocks are tolerated up to two minutes off."""
    assert CLOCK_DRIFT_LIMIT == timedelta(minutes=2)


def test_same_boot_uses_monotonic_elapsed_time_and_accepts_a_correct_clock():
    """In the same boot, an event 30 s before the push is placed 30 s before arrival; a right clock is not flagged."""
    got = assess(event_time=RECEIVED - timedelta(seconds=30), event_mono=970_000,
                 sent_time=RECEIVED, sent_mono=1_000_000)
    assert got.method == "monotonic"
    assert got.estimated_time == RECEIVED - timedelta(seconds=30)
    assert got.skew == timedelta(0)
    assert not got.drifted


def test_same_boot_event_stamped_by_a_wrong_clock_is_flagged_and_placed_by_monotonic_time():
    """An event stamped 10 min off while only 30 s elapsed is flagged; its time comes from the monotonic clock."""
    got = assess(event_time=RECEIVED - timedelta(minutes=10, seconds=30), event_mono=970_000,
                 sent_time=RECEIVED)
    assert got.method == "monotonic"
    assert got.estimated_time == RECEIVED - timedelta(seconds=30)
    assert got.skew == timedelta(minutes=-10)
    assert got.drifted


def test_same_boot_clock_changed_after_the_event_does_not_flag_the_event():
    """A phone clock that went wrong after an event (same boot) does not flag the earlier, correct event."""
    got = assess(event_time=RECEIVED - timedelta(minutes=5), event_mono=700_000,
                 sent_time=RECEIVED + timedelta(hours=3), sent_mono=1_000_000)
    assert got.method == "monotonic"
    assert got.estimated_time == RECEIVED - timedelta(minutes=5)
    assert not got.drifted


@pytest.mark.parametrize(("skew", "drifted"), [
    (timedelta(minutes=2), False),
    (timedelta(minutes=-2), False),
    (timedelta(minutes=2, milliseconds=1), True),
    (timedelta(minutes=-2, milliseconds=-1), True),
    (timedelta(seconds=119), False),
])
def test_drift_boundary_is_strictly_more_than_two_minutes(skew, drifted):
    """Exactly two minutes off is tolerated; a millisecond more is flagged, ahead or behind alike."""
    got = assess(event_time=RECEIVED - timedelta(seconds=10) + skew, event_mono=990_000, sent_time=RECEIVED)
    assert got.skew == skew
    assert got.drifted is drifted


def test_other_boot_uses_the_push_send_skew():
    """After a reboot the monotonic clocks are not comparable; the send time's offset is applied to the event."""
    fast = timedelta(minutes=5)
    event_true = RECEIVED - timedelta(hours=2)
    got = assess(event_time=event_true + fast, event_mono=50_000, event_boot="old-boot",
                 sent_time=RECEIVED + fast, sent_mono=20_000, sent_boot="new-boot")
    assert got.method == "send_skew"
    assert got.estimated_time == event_true
    assert got.skew == fast
    assert got.drifted


def test_other_boot_with_a_correct_clock_now_is_not_flagged():
    """After a reboot, a device whose clock is right at send time is not flagged (the event is taken at its word)."""
    event_time = RECEIVED - timedelta(hours=2)
    got = assess(event_time=event_time, event_mono=50_000, event_boot="old-boot",
                 sent_time=RECEIVED - timedelta(seconds=1), sent_mono=20_000, sent_boot="new-boot")
    assert got.method == "send_skew"
    assert got.estimated_time == event_time + timedelta(seconds=1)
    assert not got.drifted


def test_same_boot_id_with_monotonic_clock_going_backwards_falls_back_to_send_skew():
    """A monotonic reading at send lower than at the event (a reset) is not trusted: send skew is used."""
    got = assess(event_time=RECEIVED - timedelta(minutes=1), event_mono=900_000,
                 sent_time=RECEIVED - timedelta(minutes=3), sent_mono=10_000)
    assert got.method == "send_skew"
    assert got.skew == timedelta(minutes=-3)
    assert got.estimated_time == RECEIVED + timedelta(minutes=2)
    assert got.drifted


def test_device_reporting_local_time_zone_is_not_drift():
    """A device stamping Hong Kong local time (with its offset) is the same instant, not a clock error."""
    got = assess(event_time=(RECEIVED - timedelta(seconds=30)).astimezone(HK), event_mono=970_000,
                 sent_time=RECEIVED.astimezone(HK), event_boot="x", sent_boot="y")
    assert got.skew == timedelta(0)
    assert not got.drifted


def test_custom_limit_is_honoured():
    """A stricter limit flags a skew the default tolerates."""
    kwargs = dict(event_time=RECEIVED + timedelta(seconds=50), event_mono=1_000_000, sent_time=RECEIVED)
    assert not assess(**kwargs).drifted
    assert assess(**kwargs, limit=timedelta(seconds=30)).drifted


@settings(max_examples=200, deadline=None)
@given(elapsed_ms=st.integers(0, 10**9), skew_ms=st.integers(-10**9, 10**9),
       same_boot=st.booleans(), sent_skew_ms=st.integers(-10**9, 10**9))
def test_assessment_is_consistent(elapsed_ms, skew_ms, same_boot, sent_skew_ms):
    """Whatever the clocks say, an event is flagged exactly when its skew exceeds two minutes."""
    event_true = RECEIVED - timedelta(milliseconds=elapsed_ms)
    got = assess(event_time=event_true + timedelta(milliseconds=skew_ms), event_mono=10**9 - elapsed_ms,
                 sent_mono=10**9, sent_time=RECEIVED + timedelta(milliseconds=sent_skew_ms),
                 event_boot="b1", sent_boot="b1" if same_boot else "b2")
    assert got.drifted == (abs(got.skew) > CLOCK_DRIFT_LIMIT)
    if same_boot:
        assert got.method == "monotonic"
        assert got.estimated_time == event_true
        assert got.skew == timedelta(milliseconds=skew_ms)
    else:
        assert got.method == "send_skew"
        assert got.skew == timedelta(milliseconds=sent_skew_ms)
        assert got.estimated_time == event_true + timedelta(milliseconds=skew_ms - sent_skew_ms)


def test_offset_from_exchange_uses_the_round_trip_midpoint():
    """The server offset is its Date minus the midpoint of the request's round trip."""
    sent = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
    received = sent + timedelta(seconds=2)
    assert offset_from_exchange(sent, received, sent + timedelta(seconds=1)) == timedelta(0)
    # Server 90 s ahead of the device.
    assert offset_from_exchange(sent, received, sent + timedelta(seconds=91)) == timedelta(seconds=90)
    # Device 5 minutes fast: the offset is negative.
    assert offset_from_exchange(sent, received, sent - timedelta(minutes=5) + timedelta(seconds=1)) \
        == timedelta(minutes=-5)


def test_offset_from_exchange_with_instant_round_trip_and_other_zones():
    """With no round-trip time the offset is the plain difference, whatever zone each side reports in."""
    sent = datetime(2026, 11, 25, 17, 0, 0, tzinfo=HK)
    server = datetime(2026, 11, 25, 9, 0, 3, tzinfo=UTC)
    assert offset_from_exchange(sent, sent, server) == timedelta(seconds=3)
    eastern = timezone(timedelta(hours=-5))
    assert offset_from_exchange(sent.astimezone(eastern), sent, server) == timedelta(seconds=3)


def test_offset_corrects_device_time_to_server_time():
    """Adding the estimated offset to a device time gives the server's time (within the Date header's 1 s)."""
    device_fast = timedelta(minutes=7, milliseconds=400)
    true_sent = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
    rtt = timedelta(milliseconds=800)
    stamped = (true_sent + rtt / 2).replace(microsecond=0)  # Date header: whole seconds
    offset = offset_from_exchange(true_sent + device_fast, true_sent + device_fast + rtt, stamped)
    later_device = true_sent + device_fast + timedelta(hours=1)
    assert abs((later_device + offset) - (true_sent + timedelta(hours=1))) <= timedelta(seconds=1)
