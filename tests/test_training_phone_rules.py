"""Issue 13, trainstaff: the pure parts the staff phone adds (no server): a pulled session rebuilt
for the shared rules keeps its window to the second (and without the newer fields takes the widest
one); answers are checked against the view the phone holds; record ids of several ids fit the feed."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.geofence import Fence
from app.domain.training import quizzes
from app.domain.training.sessions import MAX_MARGIN, TrainingSession
from app.protocol.training import feed_key
from app.store.training_queries import domain_session

START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
SESSION = TrainingSession(
    id="ts-1", trainer_id="u-s02", fence=Fence("st-cwb", 22.27834, 114.18222, 80.0), starts_at=START,
    ends_at=START + timedelta(hours=2), invite_only=True, invited_user_ids=frozenset({"u-s01"}),
    invited_roles=frozenset({"supervisor"}), sign_out_required=True, early_margin=timedelta(minutes=20),
    late_allowance=timedelta(minutes=7), late_margin=timedelta(minutes=40), sign_out_early=timedelta(minutes=12),
    sign_out_margin=timedelta(minutes=25))


def _row(session: TrainingSession, **drop) -> dict:
    """The session as the phone stores it from the pull (``public`` of the server)."""
    row = {"id": session.id, "trainer_id": session.trainer_id, "store_id": session.fence.store_id,
           "latitude": session.fence.latitude, "longitude": session.fence.longitude, "radius_m": session.fence.radius_m,
           "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat(),
           "sign_in_opens": session.sign_in_opens.isoformat(), "sign_in_closes": session.sign_in_closes.isoformat(),
           "on_time_until": session.on_time_until.isoformat(), "sign_out_opens": session.sign_out_opens.isoformat(),
           "sign_out_closes": session.sign_out_closes.isoformat(), "invite_only": 1,
           "invited_user_ids": json.dumps(sorted(session.invited_user_ids)),
           "invited_roles": json.dumps(sorted(session.invited_roles)), "sign_out_required": 1, "status": "scheduled"}
    return {k: (None if k in drop else v) for k, v in row.items()}


def test_a_pulled_session_keeps_its_window_for_the_shared_rules():
    """Sign-in opening, closing, on time until, sign-out opening and closing, invitations: the same
    as the server's session; seats are left to the server."""
    rebuilt = domain_session(_row(SESSION))
    for moment in ("sign_in_opens", "sign_in_closes", "on_time_until", "sign_out_opens", "sign_out_closes"):
        assert getattr(rebuilt, moment) == getattr(SESSION, moment), moment
    assert rebuilt.invites("u-s01", "staff") and rebuilt.invites("u-s09", "supervisor")
    assert not rebuilt.invites("u-s09", "staff") and rebuilt.capacity is None


def test_a_session_from_an_older_server_takes_the_widest_window():
    """Without on-time and sign-out moments (an older server), sign-out is taken from MAX_MARGIN
    before the end to MAX_MARGIN after it, and everything up to the closing is on time: the phone
    never refuses what the server would take."""
    rebuilt = domain_session(_row(SESSION, on_time_until=1, sign_out_opens=1, sign_out_closes=1))
    assert rebuilt.sign_out_opens == SESSION.ends_at - MAX_MARGIN
    assert rebuilt.sign_out_closes == SESSION.ends_at + MAX_MARGIN
    assert rebuilt.on_time_until == SESSION.sign_in_closes


def _view() -> quizzes.PublicQuiz:
    quiz = quizzes.quiz_from_dict({"id": "qz", "title": "Check", "version": 1, "questions": [
        {"id": "q1", "kind": "single_choice", "text": "Pick", "answer": "b",
         "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]},
        {"id": "q2", "kind": "true_false", "text": "Yes?", "answer": "true"}]})
    return quizzes.public_view(quiz, "seed", 1)


@pytest.mark.parametrize(("answers", "reason"), [
    ({"q1": "b", "q2": "true"}, "training_quiz_bad_answer"),  # an authored id is not on the screen
    ({"q1": "c9", "q2": "true"}, "training_quiz_bad_answer"),
    ({"q1": "c1", "q2": "maybe"}, "training_quiz_bad_answer"),
    ({"q1": "c1", "q3": "true"}, "training_quiz_bad_answer"),
    ({"q1": "c1"}, "training_quiz_unanswered"),
])
def test_answers_are_checked_against_the_view_on_the_phone(answers, reason):
    """Each answer must be a choice shown for its question, and every question answered."""
    with pytest.raises(AccessDenied) as refused:
        quizzes.check_view_answers(_view(), answers)
    assert refused.value.reason == reason
    quizzes.check_view_answers(_view(), {"q1": "c2", "q2": "false"})  # a complete sheet passes (right or not)


def test_record_ids_of_several_ids_fit_the_feed():
    """Joined when short; a long one is hashed to 64 characters, the same each time."""
    assert feed_key("ts-1", "u-s01") == "ts-1:u-s01"
    long = feed_key("ts-" + "x" * 60, "u-s01", "qz-stock", "1", "2")
    assert len(long) == 64 and long.startswith("h-") and long == feed_key("ts-" + "x" * 60, "u-s01", "qz-stock", "1", "2")
