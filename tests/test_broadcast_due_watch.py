"""Issue 11: a server process looks for broadcasts due (send later, expiry) only when one may be
due: at once for a time its own writes scheduled, at the earliest time it found, and at least
every refresh period for those another worker wrote; otherwise a pull asks the database nothing."""

from datetime import UTC, datetime, timedelta

from backend_stub.services.broadcast_schedule import DueWatch

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_a_fresh_process_looks_then_waits_for_the_refresh_period():
    """Nothing known yet: look; nothing due: the next look is one refresh period later."""
    watch = DueWatch(refresh=timedelta(seconds=15))
    assert watch.should_look(T0)
    watch.looked(T0, None)
    assert not watch.should_look(T0 + timedelta(seconds=14))
    assert watch.should_look(T0 + timedelta(seconds=15))


def test_the_earliest_time_due_found_or_scheduled_here_is_looked_at_exactly_then():
    """A broadcast due in 5 s (found) or in 2 s (written by this process) is looked at then."""
    watch = DueWatch(refresh=timedelta(seconds=15))
    watch.looked(T0, T0 + timedelta(seconds=5))
    assert not watch.should_look(T0 + timedelta(seconds=4)) and watch.should_look(T0 + timedelta(seconds=5))
    watch.scheduled(T0 + timedelta(seconds=2), None)
    assert watch.should_look(T0 + timedelta(seconds=2))
