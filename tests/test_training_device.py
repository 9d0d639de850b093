"""Issue 13, trainstaff: training on the staff phone (real device stores, real uvicorn API). The
phone pulls courses, its store's sessions, its own sign-ins, results and completions; what it
stores never holds a session secret nor a quiz key. Signing in is one local transaction shown
as "confirming" at once, offline too, confirmed (on time or late) or undone with the rule's
reason when the server answers; obvious refusals are said before anything is queued. A quiz is
answered offline from the views fetched online and graded by the server on sync."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain.access import AccessDenied
from app.store import training_queries as q
from app.store.training_queries import SignInState
from tests.servers import server_engine
from tests.training_world import (CHAN, CWB_MANAGER, HQ, QUIZ, TrainingPhone, at_store, code_now, new_session,
                                  right_answers, write_courses)


@pytest.fixture
def phones(server, tmp_path):
    made = {name: TrainingPhone(server, tmp_path, *who) for name, who in
            {"hq": HQ, "manager": CWB_MANAGER, "chan": CHAN}.items()}
    yield made
    for phone in made.values():
        phone.close()


_seq = iter(range(1, 10_000))


def _sid(name: str) -> str:
    """A session id of its own per test (the module shares one server)."""
    return f"ts-{name}-{next(_seq)}-{datetime.now(UTC).strftime('%H%M%S%f')}"


def _pending(phone) -> list[str]:
    return [r["type"] for r in phone.rows("SELECT type FROM outbox WHERE status='pending' ORDER BY seq")]


def _state(phone, session_id: str) -> q.Attendance:
    with phone.store.reading() as db:
        return q.attendance(db, phone.user_id, session_id)


def test_a_staff_phone_never_holds_a_session_secret_or_a_quiz_key(phones, server):
    """After pulling courses, a session with a quiz, signing in, fetching the quiz views and being
    graded, no byte of Chan's database holds the session's secret, the quiz's authored choice ids
    or an "answer" field; the session row has the window, place, quiz and sign-out rule."""
    hq, manager, chan = phones["hq"], phones["manager"], phones["chan"]
    write_courses(hq)
    sid = _sid("nokey")
    new_session(manager, sid, course_id="stock", starts_in_min=2)
    chan.sync.sync_once()
    row = chan.rows("SELECT * FROM training_sessions WHERE id=?", [sid])[0]
    assert row["store_id"] == "st-cwb" and row["sign_in_opens"] and row["on_time_until"] and row["has_quiz"] == 1
    assert chan.rows("SELECT quiz_id FROM training_courses WHERE id='stock'") == [{"quiz_id": QUIZ["id"]}]
    assert chan.fetch_quiz(sid, QUIZ["id"]) == 2  # one view per attempt allowed

    chan.actions.sign_in_to_session(sid, code_now(manager, sid), at_store())
    chan.sync.sync_once()
    with chan.store.reading() as db:
        view = q.next_view(db, chan.user_id, sid, QUIZ["id"])
    chan.actions.answer_quiz(sid, right_answers(view))
    chan.sync.sync_once()

    engine = server_engine(server)
    with engine.connect() as conn:
        secret = conn.execute(text("SELECT secret FROM training_sessions WHERE id=:id"), {"id": sid}).scalar_one()
    engine.dispose()
    held = b"".join(p.read_bytes() for p in Path(chan.store.path).parent.glob("device.db*"))  # WAL too
    assert secret and secret.encode() not in held
    for authored in ("authored-right-zq", "authored-warm-zq", "authored-hot-zq"):
        assert authored.encode() not in held
    tables = [r["name"] for r in chan.rows("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        assert "secret" not in [c["name"] for c in chan.rows(f"PRAGMA table_info({table})")]
        for found in chan.rows(f"SELECT * FROM {table}"):
            assert '"answer"' not in "".join(str(v) for v in found.values()), table
    result = chan.rows("SELECT passed, percent FROM training_quiz_results WHERE session_id=?", [sid])
    assert result == [{"passed": 1, "percent": 100}]


def test_an_offline_sign_in_shows_confirming_then_the_servers_answer(phones):
    """Offline, the code recorded with the time and a fix at the store shows "confirming" at once
    (one outbox row); on sync the server confirms it on time; a late one is marked late; the
    course without a quiz is then completed (My training: its certificate and skill)."""
    manager, chan = phones["manager"], phones["chan"]
    write_courses(phones["hq"])
    sid, late = _sid("on-time"), _sid("late")
    new_session(manager, sid, starts_in_min=3)
    new_session(manager, late, starts_in_min=-10)
    chan.sync.sync_once()
    chan.actions.sign_in_to_session(sid, code_now(manager, sid), at_store())
    assert _state(chan, sid).state is SignInState.CONFIRMING and _pending(chan) == ["training.sign_in"]
    assert "code" not in [c["name"] for c in chan.rows("PRAGMA table_info(training_sign_ins)")]
    code = code_now(manager, late)
    chan.actions.sign_in_to_session(late, code.replace("", " ").strip(), at_store())  # "1 2 3 4 5 6" is taken
    chan.sync.sync_once()
    assert _state(chan, sid).state is SignInState.ON_TIME
    assert _state(chan, late).state is SignInState.LATE
    with chan.store.reading() as db:
        certificates, skills = q.my_training(db, chan.user_id, datetime.now(UTC))
    tills = next(c for c in certificates if c["title"] == "Till basics")  # the module's server is shared
    assert "till" in skills and tills["completion"].expires_at > datetime.now(UTC) + timedelta(days=27)
    roll = manager.call("GET", f"/v1/training/sessions/{sid}/attendance").json()
    assert [(r["user_id"], r["outcome"]) for r in roll] == [("u-s01", "on_time")]


def test_a_refused_sign_in_is_undone_with_its_reason(phones):
    """A wrong code passes the phone (it has no secret) and shows "confirming"; the server refuses
    it (training_code_wrong): the local record is gone and the state is refused with that reason.
    Obvious refusals are said before anything is queued: a code that is not 6 digits, a fix far
    from the store, a session not open yet, a session for invited people only."""
    manager, chan = phones["manager"], phones["chan"]
    write_courses(phones["hq"])
    sid, later, invited = _sid("wrong"), _sid("later"), _sid("invited")
    new_session(manager, sid)
    new_session(manager, later, starts_in_min=180)
    new_session(manager, invited, invite_only=True, invited_user_ids=["u-s02"])
    chan.sync.sync_once()
    right = code_now(manager, sid)
    wrong = "000000" if right != "000000" else "111111"
    for session_id, code, fix, reason in ((sid, "12345", at_store(), "training_code_malformed"),
                                          (sid, right, at_store(22.31851, 114.16864), "training_outside_fence"),
                                          (later, right, at_store(), "training_not_open_yet"),
                                          (invited, right, at_store(), "training_not_invited")):
        with pytest.raises(AccessDenied) as refused:
            chan.actions.sign_in_to_session(session_id, code, fix)
        assert refused.value.reason == reason
    assert _pending(chan) == []
    with chan.store.reading() as db:
        assert sid in [s["id"] for s in q.my_sessions(db, chan.actions.actor, datetime.now(UTC))]
        assert invited not in [s["id"] for s in q.my_sessions(db, chan.actions.actor, datetime.now(UTC))]

    chan.actions.sign_in_to_session(sid, wrong, at_store())
    assert _state(chan, sid).state is SignInState.CONFIRMING
    report = chan.sync.sync_once()
    assert report.rejected == 1
    state = _state(chan, sid)
    assert state.state is SignInState.REFUSED and state.refusal.reason == "training_code_wrong"
    assert chan.rows("SELECT * FROM training_sign_ins WHERE session_id=?", [sid]) == []
    chan.actions.sign_in_to_session(sid, code_now(manager, sid), at_store())  # then the right one
    chan.sync.sync_once()
    assert _state(chan, sid).state is SignInState.ON_TIME


def test_a_quiz_answered_offline_is_graded_on_sync(phones):
    """Views fetched online; the quiz needs a sign-in first; a wrong answer waits for the result,
    then fails with one attempt left; the next attempt (another view) passes, completes the
    course and grants its skill; unanswered questions are refused on the phone."""
    manager, chan = phones["manager"], phones["chan"]
    write_courses(phones["hq"])
    sid = _sid("quiz")
    new_session(manager, sid, course_id="stock")
    chan.sync.sync_once()
    chan.fetch_quiz(sid, QUIZ["id"])
    with chan.store.reading() as db:
        first = q.next_view(db, chan.user_id, sid, QUIZ["id"])
    assert [v.id for v in first.questions[0].choices] and "authored" not in str(first)
    with pytest.raises(AccessDenied) as refused:
        chan.actions.answer_quiz(sid, right_answers(first))
    assert refused.value.reason == "training_not_signed_in"
    chan.actions.sign_in_to_session(sid, code_now(manager, sid), at_store())
    with pytest.raises(AccessDenied) as refused:
        chan.actions.answer_quiz(sid, {"q2": "true"})
    assert refused.value.reason == "training_quiz_unanswered"

    chan.actions.answer_quiz(sid, {**right_answers(first), "q2": "false"})  # offline: not synced yet
    with chan.store.reading() as db:
        assert [r["passed"] for r in q.results(db, chan.user_id, sid)] == [None]
        second = q.next_view(db, chan.user_id, sid, QUIZ["id"])
    assert second.attempt == 2
    chan.sync.sync_once()
    with chan.store.reading() as db:
        graded = q.results(db, chan.user_id, sid)
    assert [(r["passed"], r["percent"], r["attempts_left"], r["right"]) for r in graded] == [
        (False, 50, 1, {"q1": True, "q2": False})]
    chan.actions.answer_quiz(sid, right_answers(second))
    chan.sync.sync_once()
    with chan.store.reading() as db:
        assert [r["passed"] for r in q.results(db, chan.user_id, sid)] == [False, True]
        certificates, skills = q.my_training(db, chan.user_id, datetime.now(UTC))
    assert "stock_room" in skills and "Stock room safety" in [c["title"] for c in certificates]


def test_sign_out_when_the_course_asks_for_it(phones):
    """A course asking for a sign-out: signing out before signing in, or before the sign-out
    opens, is refused on the phone; at the end, code and place again, shown "confirming" and
    then signed out by the server, which completes the course (a sign-out a course does not ask
    for is refused too)."""
    manager, chan = phones["manager"], phones["chan"]
    write_courses(phones["hq"])
    ending, early, plain = _sid("ending"), _sid("early"), _sid("plain")
    new_session(manager, ending, course_id="closing", starts_in_min=-11, length_min=20)  # sign-out opened 1 min ago
    new_session(manager, early, course_id="closing", starts_in_min=2, length_min=120)
    new_session(manager, plain, starts_in_min=2)
    chan.sync.sync_once()
    with pytest.raises(AccessDenied) as refused:
        chan.actions.sign_out_of_session(ending, code_now(manager, ending), at_store())
    assert refused.value.reason == "training_not_signed_in"
    for sid in (ending, early, plain):
        chan.actions.sign_in_to_session(sid, code_now(manager, sid), at_store())
    for sid, reason in ((early, "training_sign_out_too_early"), (plain, "training_no_sign_out")):
        with pytest.raises(AccessDenied) as refused:
            chan.actions.sign_out_of_session(sid, code_now(manager, sid), at_store())
        assert refused.value.reason == reason
    chan.actions.sign_out_of_session(ending, code_now(manager, ending), at_store())
    state = _state(chan, ending)
    assert state.sign_out_confirming and state.signed_out_at is not None
    chan.sync.sync_once()
    state = _state(chan, ending)
    assert state.state is SignInState.LATE and not state.sign_out_confirming and state.signed_out_at
    with chan.store.reading() as db:
        certificates, skills = q.my_training(db, chan.user_id, datetime.now(UTC))
    assert "closing" in skills and next(c for c in certificates if c["course_id"] == "closing")["completion"].expires_at is None
