"""Issue 13, probe13: hostile probes of training quizzes (SQLite and PostgreSQL): sheets for someone
else, for a session not attended, or junk are refused with their reasons and use no attempt; no
response nor pulled change, for any role, carries a session secret or a quiz answer key."""

import json

from sqlalchemy import select

from app.domain.training import codes
from backend_stub import db
from tests.test_api_push import pull_all
from tests.test_training_hostile import AREA_HK, _h, _now_code
from tests.training_helpers import (CWB_MANAGER, HQ, MK_MANAGER, STAFF, STAFF_MK, TRAINER, Phones, hq_course,
                                    new_session, outcome, secret_of)


def _quiz_session(api, phones: Phones, session_id: str = "ts-q") -> list[dict]:
    assert new_session(api, session_id).status_code == 201
    assert outcome(phones.sign_in(STAFF, session_id, _now_code(api, session_id))) == "applied"
    return api.get(f"/v1/training/sessions/{session_id}/quiz", headers=_h(api, STAFF)).json()


def _sheet(view: dict, session_id: str, user_id: str, answers: dict | None = None) -> dict:
    answers = answers if answers is not None else {q["id"]: q["choices"][0]["id"] for q in view["questions"]}
    return {"session_id": session_id, "user_id": user_id, "sheet": {
        "quiz_id": view["quiz_id"], "version": view["version"], "attempt": view["attempt"], "answers": answers}}


def test_quiz_sheets_for_someone_else_or_a_session_not_attended_are_refused(api):
    """A colleague (or the trainer, or a manager) pushing a sheet naming the signed-in staff member
    gets not_your_record; a colleague answering as themselves on a session they did not sign in to
    gets training_not_signed_in; Mong Kok staff get not_found; nothing is graded for any of them."""
    hq_course(api, quiz=True)
    phones = Phones(api)
    view = _quiz_session(api, phones)[0]
    for user_id in ("u-s08", TRAINER, CWB_MANAGER, HQ):
        assert outcome(phones.push(user_id, "training.quiz_answer", _sheet(view, "ts-q", STAFF))) == "not_your_record"
    assert outcome(phones.push("u-s08", "training.quiz_answer", _sheet(view, "ts-q", "u-s08"))) \
        == "training_not_signed_in"
    assert outcome(phones.push(STAFF_MK, "training.quiz_answer", _sheet(view, "ts-q", STAFF_MK))) == "not_found"
    with api.engine.connect() as conn:
        assert conn.execute(select(db.quiz_attempts)).first() is None


def test_junk_answer_sheets_are_refused_with_a_quiz_reason(api):
    """Sheets with another quiz id, an old or future version, an attempt out of turn, an unknown
    question, a missing answer, a choice not shown, wrong types or too many answers are refused with
    their reasons (never processing_failed) and use no attempt; the same sheet under two keys is
    graded once."""
    hq_course(api, quiz=True)
    phones = Phones(api)
    view = _quiz_session(api, phones)[0]
    good = _sheet(view, "ts-q", STAFF)
    sheet = good["sheet"]
    cases = {
        "training_quiz_bad_answer": [{"quiz_id": "qz-other"}, {"attempt": 2},
                                     {"answers": {**sheet["answers"], "q9": "c1"}},
                                     {"answers": {**sheet["answers"], "q1": "c9"}},
                                     {"answers": {**sheet["answers"], "q1": "cold"}}],
        "training_quiz_changed": [{"version": 2}],
        "training_quiz_unanswered": [{"answers": {"q1": sheet["answers"]["q1"]}}, {"answers": {}}],
        "invalid_payload": [{"attempt": 0}, {"attempt": 11}, {"version": "1"}, {"answers": ["c1"]},
                            {"answers": {"q1": 1}}, {"answers": {f"q{i}": "c1" for i in range(60)}},
                            {"answers": {"q1": "c" * 17}}, {"answers": {"=q": "c1"}}],
    }
    for reason, changes in cases.items():
        for change in changes:
            bad = {**good, "sheet": {**sheet, **change}}
            assert outcome(phones.push(STAFF, "training.quiz_answer", bad)) == reason, change
    assert outcome(phones.push(STAFF, "training.quiz_answer", good)) == "applied"
    assert outcome(phones.push(STAFF, "training.quiz_answer", good)) == "training_quiz_bad_answer"  # attempt 1 again
    with api.engine.connect() as conn:
        assert [r.attempt for r in conn.execute(select(db.quiz_attempts.c.attempt))] == [1]


def test_no_response_nor_pulled_change_holds_a_secret_or_an_answer_key(api):
    """After courses, a quiz, sessions, sign-ins, a manual add, graded sheets and the code route
    were used, every pull (staff, trainer, both managers, area manager, HQ) and every staff/manager
    response holds no session secret, no quiz body with its key, no authored choice id; Mong Kok's
    staff and manager pull nothing of the Causeway Bay session."""
    hq_course(api, quiz=True)
    phones = Phones(api)
    views = _quiz_session(api, phones)
    assert new_session(api, "ts-q2", user_id=HQ).status_code == 201
    add = api.post("/v1/training/sessions/ts-q/manual-add", json={"user_id": "u-s08", "reason": "Phone flat"},
                   headers=_h(api, TRAINER))
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(views[0], "ts-q", STAFF))) == "applied"
    responses = [add.text, json.dumps(views)]
    for user_id in (STAFF, TRAINER, CWB_MANAGER, HQ):
        for url in ("/v1/training/sessions/ts-q/attendance", "/v1/training/sessions/ts-q/quiz",
                    "/v1/training/sessions/ts-q/code", "/v1/training/matrix"):
            responses.append(api.get(url, headers=_h(api, user_id)).text)
    secrets = [codes.encode_secret(secret_of(api, s)) for s in ("ts-q", "ts-q2")]
    with api.engine.connect() as conn:
        seeds = [r for r in conn.execute(select(db.training_quizzes.c.body)).scalars()]
    assert seeds and all('"answer"' in body for body in seeds)  # the stored body has the key ...
    for user_id in (STAFF, TRAINER, "u-s08", CWB_MANAGER, MK_MANAGER, AREA_HK, HQ, STAFF_MK):
        pulled = pull_all(api, user_id)
        responses.append(json.dumps(pulled))
        if user_id in (STAFF, CWB_MANAGER, HQ):
            assert any(c["entity"] == "training_session" for c in pulled), user_id
    for user_id in (STAFF_MK, MK_MANAGER):  # another store's people learn nothing of the session
        assert "ts-q" not in json.dumps(pull_all(api, user_id)), user_id
    for text in responses:  # ... and nothing sent holds it, nor a secret
        assert '"answer"' not in text and '"secret"' not in text and '"cold"' not in text and '"warm"' not in text
        assert not any(secret in text for secret in secrets)
