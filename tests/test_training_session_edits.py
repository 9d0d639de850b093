"""Issue 13, trainmanage: the rules of a manager's edit or cancellation of a training session
(``app.domain.training.session_edits``), pure: stale version, cancelled, ended, started (the start
stays, the end may move but not before now), moved into the past, seats below the roll."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.geofence import Fence
from app.domain.training.session_edits import check_cancel, check_edit, has_started, may_change
from app.domain.training.sessions import TrainingSession

START = datetime(2027, 5, 3, 2, 0, tzinfo=UTC)
SESSION = TrainingSession("ts-1", "u-trainer", Fence("st-1", 22.28, 114.15, 80.0), START, START + timedelta(hours=1),
                          capacity=10)
BEFORE = START - timedelta(hours=2)  # sign-in not open yet
DURING = START + timedelta(minutes=10)


def _refused(call) -> str:
    with pytest.raises(AccessDenied) as exc:
        call()
    return exc.value.reason


def test_an_edit_on_the_current_version_before_sign_in_opens_may_move_anything():
    """Before sign-in opens: a later start and more seats are fine; a start before now is
    training_session_in_past; a bad set-up training_bad_session."""
    later = replace(SESSION, starts_at=START + timedelta(days=1), ends_at=START + timedelta(days=1, hours=1))
    check_edit(SESSION, 3, 3, later, 0, BEFORE)
    earlier = replace(SESSION, starts_at=BEFORE - timedelta(minutes=1))
    assert _refused(lambda: check_edit(SESSION, 3, 3, earlier, 0, BEFORE)) == "training_session_in_past"
    backwards = replace(SESSION, ends_at=START - timedelta(minutes=1))
    assert _refused(lambda: check_edit(SESSION, 3, 3, backwards, 0, BEFORE)) == "training_bad_session"


def test_stale_cancelled_and_ended_sessions_are_refused_first():
    """Another version: training_session_changed; cancelled: training_session_cancelled; at its end
    or after: training_session_over (edit and cancel alike)."""
    assert _refused(lambda: check_edit(SESSION, 4, 3, SESSION, 0, BEFORE)) == "training_session_changed"
    assert _refused(lambda: check_cancel(SESSION, 4, 3, BEFORE)) == "training_session_changed"
    off = replace(SESSION, cancelled=True)
    assert _refused(lambda: check_cancel(off, 1, 1, BEFORE)) == "training_session_cancelled"
    assert not may_change(off, BEFORE)
    assert _refused(lambda: check_cancel(SESSION, 1, 1, SESSION.ends_at)) == "training_session_over"
    assert _refused(lambda: check_edit(SESSION, 1, 1, SESSION, 0, SESSION.ends_at)) == "training_session_over"
    check_cancel(SESSION, 1, 1, DURING)  # a running session may still be called off


def test_once_sign_in_opens_the_start_stays_and_seats_keep_the_roll():
    """From the opening (15 minutes before the start): moving the start or the early margin is
    training_session_started; an end before now training_session_in_past; fewer seats than people
    signed in training_capacity_below_roll; a later end with exactly the roll's seats is fine."""
    opening = SESSION.sign_in_opens
    assert has_started(SESSION, opening) and not has_started(SESSION, opening - timedelta(seconds=1))
    moved = replace(SESSION, starts_at=START + timedelta(minutes=5))
    assert _refused(lambda: check_edit(SESSION, 1, 1, moved, 0, opening)) == "training_session_started"
    wider = replace(SESSION, early_margin=timedelta(minutes=30))
    assert _refused(lambda: check_edit(SESSION, 1, 1, wider, 0, DURING)) == "training_session_started"
    ended = replace(SESSION, ends_at=DURING - timedelta(minutes=1))
    assert _refused(lambda: check_edit(SESSION, 1, 1, ended, 0, DURING)) == "training_session_in_past"
    assert _refused(lambda: check_edit(SESSION, 1, 1, replace(SESSION, capacity=4), 5, DURING)) \
        == "training_capacity_below_roll"
    check_edit(SESSION, 1, 1, replace(SESSION, capacity=5, ends_at=START + timedelta(hours=2)), 5, DURING)
