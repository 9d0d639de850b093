"""Issue 13, trainapi: quizzes graded on the server only, what a staff device pulls (never a session
secret nor an answer key), completions, and the training matrix scoped by store (SQLite and
PostgreSQL)."""

import io
import json
from datetime import UTC, datetime

from sqlalchemy import select

from app.domain.training import codes
from backend_stub import db
from tests.test_api_push import bearer, pull_all
from tests.training_helpers import (CWB_MANAGER, HQ, MK_MANAGER, QUIZ, STAFF, STAFF_MK, Phones, hq_course, new_session,
                                    outcome, secret_of)


def _signed_in(api, phones: Phones, session_id: str = "ts-quiz") -> None:
    assert new_session(api, session_id).status_code == 201
    code = codes.code_at(secret_of(api, session_id), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, session_id, code)) == "applied"


def _views(api, user_id: str = STAFF, session_id: str = "ts-quiz"):
    return api.get(f"/v1/training/sessions/{session_id}/quiz", headers=bearer(api, user_id, f"dev-{user_id}"))


def _answers(view: dict, right: bool) -> dict:
    """Pick on the view as a person would: by the choice's text (the test knows the key)."""
    out = {}
    for q in view["questions"]:
        if q["kind"] == "true_false":
            out[q["id"]] = "true" if right else "false"
        else:
            wanted = "Below 5 C" if right else "Above 60 C"
            out[q["id"]] = next(c["id"] for c in q["choices"] if c["text"] == wanted)
    return out


def _sheet(view: dict, answers: dict) -> dict:
    return {"session_id": "ts-quiz", "user_id": STAFF, "sheet": {
        "quiz_id": view["quiz_id"], "version": view["version"], "attempt": view["attempt"], "answers": answers}}


def test_quiz_is_graded_on_the_server_and_a_pass_completes_the_course(api):
    """The device gets one view per attempt, without the key; answers before signing in are refused;
    a failed sheet is graded (result pulled, not passed); the pass records a completion; no attempt is
    left after that; an authored choice id is not a choice on the screen."""
    hq_course(api, quiz=True)
    phones = Phones(api)
    assert new_session(api, "ts-quiz").status_code == 201
    views = _views(api).json()
    assert [v["attempt"] for v in views] == [1, 2]
    assert '"answer"' not in json.dumps(views) and '"cold"' not in json.dumps(views)
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(views[0], _answers(views[0], True)))) \
        == "training_not_signed_in"
    code = codes.code_at(secret_of(api, "ts-quiz"), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-quiz", code)) == "applied"

    authored = {**_answers(views[0], True), "q1": "cold"}
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(views[0], authored))) == "training_quiz_bad_answer"
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(views[0], _answers(views[0], False)))) == "applied"
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(views[1], _answers(views[1], True)))) == "applied"
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(views[1], _answers(views[1], True)))) \
        == "training_quiz_no_attempts_left"

    results = {c["data"]["attempt"]: c["data"] for c in pull_all(api, STAFF) if c["entity"] == "training_quiz_result"}
    assert (results[1]["passed"], results[1]["correct"], results[1]["attempts_left"]) == (False, 0, 1)
    assert (results[2]["passed"], results[2]["percent"], results[2]["right"]) == (True, 100, {"q1": True, "q2": True})
    with api.engine.connect() as conn:
        done = conn.execute(select(db.training_completions)).mappings().all()
    assert [(d["user_id"], d["course_id"], d["via"], d["score"]) for d in done] == [(STAFF, "hygiene", "quiz", 100)]
    assert _views(api).json() == []  # no attempt left to hand out


def test_a_staff_pull_never_holds_a_session_secret_nor_an_answer_key(api):
    """After HQ wrote a quiz and a course, sessions were scheduled and a staff member signed in and
    answered: everything GET /v1/sync/pull gives that staff login has no secret and no key."""
    hq_course(api, quiz=True)
    phones = Phones(api)
    _signed_in(api, phones)
    assert new_session(api, "ts-other").status_code == 201
    view = _views(api).json()[0]
    assert outcome(phones.push(STAFF, "training.quiz_answer", _sheet(view, _answers(view, True)))) == "applied"
    pulled = pull_all(api, STAFF)
    text = json.dumps(pulled)
    entities = {c["entity"] for c in pulled}
    assert {"training_session", "training_course", "training_sign_in", "training_quiz_result"} <= entities
    for session_id in ("ts-quiz", "ts-other"):
        secret = secret_of(api, session_id)
        assert codes.encode_secret(secret) not in text
    assert '"secret"' not in text and '"answer"' not in text
    for q in QUIZ["questions"]:
        for choice in q.get("choices", []):
            assert f'"{choice["id"]}"' not in text  # neither the authored ids nor their texts' key


def test_the_matrix_is_scoped_by_store_and_exports_csv_and_xlsx(api):
    """A store manager sees only their store, HQ every store, staff nothing (403), another store's
    matrix asked for by name is 403; the CSV has the course's status per person; the XLSX is a workbook."""
    hq_course(api)
    phones = Phones(api)
    assert new_session(api, "ts-matrix").status_code == 201
    code = codes.code_at(secret_of(api, "ts-matrix"), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-matrix", code)) == "applied"  # no quiz: attending completes it

    def get(user_id, **params):
        return api.get("/v1/training/matrix", params=params, headers=bearer(api, user_id, f"dev-{user_id}"))

    cwb = get(CWB_MANAGER).json()
    assert [s["store_id"] for s in cwb["stores"]] == ["st-cwb"]
    cells = {r["user_id"]: r["cells"][0]["status"] for r in cwb["stores"][0]["rows"]}
    assert cells[STAFF] == "done" and cells["u-s02"] == "missing" and STAFF_MK not in cells
    assert [s["store_id"] for s in get(MK_MANAGER).json()["stores"]] == ["st-mk"]
    assert [s["store_id"] for s in get(HQ).json()["stores"]] == ["st-cwb", "st-mk", "st-st", "st-tst"]
    assert get(STAFF).status_code == 403
    assert get(CWB_MANAGER, store_id="st-mk").status_code == 403

    csv_resp = get(CWB_MANAGER, format="csv")
    assert csv_resp.status_code == 200 and csv_resp.headers["content-type"].startswith("text/csv")
    lines = csv_resp.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Store,Staff number,Name,Food hygiene,")
    assert any(line.split(",")[1] == "S3001" and line.split(",")[3] == "Done" for line in lines[1:])
    xlsx = get(HQ, format="xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=1, column=4).value == "Food hygiene"
