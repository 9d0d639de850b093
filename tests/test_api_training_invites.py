"""Issue 13, traininvite: a session reaches the people invited by name when it is created, whatever
their store (the same path as edits and cancellations); a deactivated person is neither invited nor
added by hand (training_person_inactive, nothing written); the manual-add answer names the person;
every text field a phone or manager sends in a training payload refuses control characters.
API tests run on SQLite and PostgreSQL."""

import copy

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select, update

from app.protocol import training
from backend_stub import db
from tests.test_api_push import bearer, pull_all
from tests.training_helpers import CWB_MANAGER, QUIZ, STAFF, STAFF_MK, TRAINER, hq_course, new_session

OTHER_MK = "u-s04"  # Mong Kok staff, not invited


def _h(api, user_id: str) -> dict:
    return bearer(api, user_id, f"dev-{user_id}")


def _sessions_pulled(api, user_id: str, session_id: str) -> list[dict]:
    return [c for c in pull_all(api, user_id) if c["entity"] == "training_session" and c["id"] == session_id]


def _deactivate(api, user_id: str) -> None:
    with api.engine.begin() as conn:
        conn.execute(update(db.users).where(db.users.c.id == user_id).values(active=False))


def _count(api, table, *where) -> int:
    with api.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_a_new_session_reaches_an_invitee_of_another_store_but_no_one_else_there(api):
    """Created with a Mong Kok person invited by name, the session is in that person's pull at once
    (without its secret); another Mong Kok person, not invited, never gets it; the store's staff do."""
    hq_course(api)
    created = new_session(api, "ts-inv", starts_in_min=120, invite_only=True, invited_user_ids=[STAFF_MK])
    assert created.status_code == 201, created.text
    told = _sessions_pulled(api, STAFF_MK, "ts-inv")
    assert told and told[-1]["data"]["invited_user_ids"] == [STAFF_MK]
    assert all("secret" not in c["data"] for c in told)
    assert _sessions_pulled(api, OTHER_MK, "ts-inv") == []
    assert _sessions_pulled(api, STAFF, "ts-inv")


def test_a_deactivated_person_is_not_added_by_hand_and_nothing_is_written(api):
    """Manual add of someone of the store whose account is deactivated: 400 training_person_inactive,
    no sign-in row and nothing in the feed about them; an active colleague is still added."""
    hq_course(api)
    assert new_session(api, "ts-gone", starts_in_min=5).status_code == 201
    _deactivate(api, "u-s08")
    resp = api.post("/v1/training/sessions/ts-gone/manual-add", json={"user_id": "u-s08", "reason": "No phone"},
                    headers=_h(api, TRAINER))
    assert (resp.status_code, resp.json()["code"]) == (400, "training_person_inactive"), resp.text
    assert _count(api, db.training_sign_ins, db.training_sign_ins.c.user_id == "u-s08") == 0
    assert _count(api, db.changes, db.changes.c.entity == "training_sign_in") == 0
    fine = api.post("/v1/training/sessions/ts-gone/manual-add", json={"user_id": STAFF, "reason": "No phone"},
                    headers=_h(api, TRAINER))
    assert fine.status_code == 200, fine.text


def test_a_deactivated_person_cannot_be_invited_on_creation_or_by_an_edit(api):
    """Creating a session inviting a deactivated person is 400 training_person_inactive and no session
    exists; an edit newly inviting them is refused too and the session stays at version 1. Someone
    deactivated after being invited does not block other edits."""
    hq_course(api)
    _deactivate(api, OTHER_MK)
    refused = new_session(api, "ts-no", starts_in_min=120, invited_user_ids=[STAFF_MK, OTHER_MK])
    assert (refused.status_code, refused.json()["code"]) == (400, "training_person_inactive")
    assert _count(api, db.training_sessions, db.training_sessions.c.id == "ts-no") == 0
    assert _count(api, db.changes, db.changes.c.entity_id == "ts-no") == 0

    session = new_session(api, "ts-yes", starts_in_min=120, invited_user_ids=[STAFF_MK]).json()
    keep = ("trainer_id", "starts_at", "ends_at", "capacity", "invite_only", "invited_roles")
    body = {"base_version": 1, **{k: session[k] for k in keep}}
    edit = api.put("/v1/training/sessions/ts-yes", json={**body, "invited_user_ids": [STAFF_MK, OTHER_MK]},
                   headers=_h(api, CWB_MANAGER))
    assert (edit.status_code, edit.json()["code"]) == (400, "training_person_inactive")
    with api.engine.connect() as conn:
        assert conn.execute(select(db.training_sessions.c.version)
                            .where(db.training_sessions.c.id == "ts-yes")).scalar_one() == 1
    _deactivate(api, STAFF_MK)
    later = api.put("/v1/training/sessions/ts-yes", json={**body, "invited_user_ids": [STAFF_MK], "capacity": 9},
                    headers=_h(api, CWB_MANAGER))
    assert later.status_code == 200, later.text


def test_the_manual_add_answer_names_the_person_added(api):
    """POST .../manual-add answers with the person's name and staff number, as the attendance list shows them."""
    hq_course(api)
    assert new_session(api, "ts-name", starts_in_min=5).status_code == 201
    resp = api.post("/v1/training/sessions/ts-name/manual-add", json={"user_id": STAFF, "reason": "No phone"},
                    headers=_h(api, TRAINER))
    assert resp.status_code == 200, resp.text
    assert (resp.json()["name"], resp.json()["staff_no"]) == ("Chan Tai Man 陳大文", "S3001")
    roll = api.get("/v1/training/sessions/ts-name/attendance", headers=_h(api, TRAINER)).json()
    assert [(r["name"], r["staff_no"]) for r in roll] == [(resp.json()["name"], resp.json()["staff_no"])]


_VALID: list[tuple[type[BaseModel], dict]] = [
    (training.CourseCreate, {"id": "hygiene", "title": "Food hygiene", "skill": "food_safety", "quiz_id": "qz"}),
    (training.QuizCreate, QUIZ),
    (training.SessionCreate, {"id": "ts-1", "course_id": "hygiene", "store_id": "st-cwb", "trainer_id": TRAINER,
                              "room": {"name": "Room 2", "latitude": 22.3, "longitude": 114.2, "radius_m": 50.0},
                              "starts_at": "2026-12-02T10:00:00+00:00", "ends_at": "2026-12-02T11:00:00+00:00",
                              "invited_user_ids": [STAFF], "invited_roles": ["staff"]}),
    (training.ManualAdd, {"user_id": STAFF, "reason": "No phone"}),
    (training.TrainingSignIn, {"session_id": "ts-1", "user_id": STAFF, "code": "123 456"}),
    (training.TrainingSignOut, {"session_id": "ts-1", "user_id": STAFF, "code": "123456"}),
    (training.TrainingQuizAnswer, {"session_id": "ts-1", "user_id": STAFF, "sheet": {
        "quiz_id": "qz", "version": 1, "attempt": 1, "answers": {"q1": "c2", "q2": "true"}}}),
]


def _text_leaves(value, path=()):
    """Paths to every string in a JSON-like value (dict keys marked ``("key", k)``)."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield path + (("key", k),)
            yield from _text_leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _text_leaves(v, path + (i,))


def _spoiled(payload: dict, path: tuple, bad: str) -> dict:
    out = copy.deepcopy(payload)
    holder = out
    for step in path[:-1]:
        holder = holder[step]
    last = path[-1]
    if isinstance(last, tuple):  # a dict key
        holder[last[1] + bad] = holder.pop(last[1])
    else:
        # Inside the text: at either end a NEL (\x85) counts as whitespace and is trimmed away.
        holder[last] = "x" + bad + "x" + holder[last]
    return out


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\x7f", "\x85"], ids=["nul", "ansi", "del", "c1"])
def test_every_text_of_an_inbound_training_payload_refuses_control_characters(bad):
    """Each inbound training model accepts its valid example; a control character added to any one of
    its strings (the typed code and quiz answers included) is a validation error."""
    for model, payload in _VALID:
        model.model_validate(payload)
        for path in _text_leaves(payload):
            with pytest.raises(ValidationError):
                model.model_validate(_spoiled(payload, path, bad))
    edit = {k: v for k, v in _VALID[2][1].items() if k not in ("id", "course_id", "store_id")}
    training.SessionEdit.model_validate({**edit, "base_version": 1})
    with pytest.raises(ValidationError):
        training.SessionEdit.model_validate({**edit, "base_version": 1, "room": {**edit["room"], "name": "R" + bad}})
