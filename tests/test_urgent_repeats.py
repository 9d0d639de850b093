"""Issue 11, bcfollow: the timing rule of urgent broadcasts put off (app.domain.urgent_repeats):
back every 5 minutes for the hour after sending (the chain's numbers), at the next app start, before clock-in."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.urgent_repeats import RepeatSettings, comes_back_at, sent_at, shows_now

SENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STARTED = SENT - timedelta(hours=1)
DEFAULT = RepeatSettings()


def _at(minutes: float) -> datetime:
    return SENT + timedelta(minutes=minutes)


def test_put_off_it_comes_back_five_minutes_later_not_before():
    """Put off at 09:01: hidden at 09:05:59, back at 09:06."""
    assert not shows_now(_at(5.99), SENT, _at(1), DEFAULT, app_started_at=STARTED)
    assert shows_now(_at(6), SENT, _at(1), DEFAULT, app_started_at=STARTED)


def test_it_stops_coming_back_after_the_hour_until_app_start_or_clock_in():
    """Put off at 09:56 it would be back at 10:01, after the hour: it stays away (even at 11:00)
    until the app starts again or the person goes to clock in."""
    assert comes_back_at(SENT, _at(55), DEFAULT) == _at(60)
    assert comes_back_at(SENT, _at(56), DEFAULT) is None
    assert not shows_now(_at(120), SENT, _at(56), DEFAULT, app_started_at=STARTED)
    assert shows_now(_at(120), SENT, _at(56), DEFAULT, app_started_at=_at(100))
    assert shows_now(_at(120), SENT, _at(56), DEFAULT, app_started_at=STARTED, clocking_in=True)


def test_never_put_off_it_shows_and_the_chain_numbers_apply():
    """Not put off yet: it shows. A chain with every 10 minutes for 30: put off at 09:15, back at
    09:25; put off at 09:25, not back (09:35 is after the half hour)."""
    assert shows_now(_at(0), None, None, DEFAULT, app_started_at=STARTED)
    chain = RepeatSettings(every_minutes=10, for_minutes=30)
    assert comes_back_at(SENT, _at(15), chain) == _at(25)
    assert comes_back_at(SENT, _at(25), chain) is None


def test_a_broadcast_sent_later_counts_from_its_sending_time():
    """Written at 09:00 to be sent at 10:00: sent at 10:00; a send-later time already past when
    written (sent at once) counts from writing."""
    assert sent_at(SENT, _at(60)) == _at(60)
    assert sent_at(SENT, _at(-30)) == SENT and sent_at(SENT, None) == SENT


@pytest.mark.parametrize("data", [{"every_minutes": 0}, {"for_minutes": 1.5}, {"every_minutes": True},
                                  {"every_minutes": 5, "colour": "red"}, [5, 60]])
def test_bad_settings_are_refused(data):
    """Zero, fractions, true/false, unknown keys and a list are refused with what is wrong."""
    with pytest.raises(ValueError):
        RepeatSettings.from_dict(data)
