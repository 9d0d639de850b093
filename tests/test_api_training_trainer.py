"""Issue 13, traintrainer: the trainer's phone keeps the session's secret (SQLite and PostgreSQL).

GET /v1/training/sessions/{id}/secret hands it to the session's NAMED trainer only, while its codes
are needed; GET /v1/training/my-sessions lists the sessions the caller trains (no secret). Hostile
callers (another staff member, the store's own manager, another store's manager, HQ, forged,
expired-session and logged-out tokens) get a refusal and never the secret."""

from datetime import UTC, datetime

import jwt

from app.domain.training import codes
from backend_stub import db
from tests.test_api_push import bearer
from tests.training_helpers import (CWB_MANAGER, HQ, MK_MANAGER, STAFF, STAFF_MK, TRAINER, hq_course, new_session,
                                    secret_of)

SECRET_URL = "/v1/training/sessions/{}/secret"


def _get(api, url: str, user_id: str):
    return api.get(url, headers=bearer(api, user_id, f"dev-{user_id}"))


def _refused(resp, status: int, code: str) -> None:
    assert (resp.status_code, resp.json()["code"]) == (status, code), resp.text
    assert "secret" not in resp.json()


def test_the_named_trainer_gets_the_secret_and_shows_the_servers_code(api):
    """The trainer gets the base32 secret and when codes stop being needed; the code their phone
    computes from it is the one the server's code route gives (same step)."""
    hq_course(api)
    assert new_session(api, "ts-sec").status_code == 201
    resp = _get(api, SECRET_URL.format("ts-sec"), TRAINER)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["session_id"] == "ts-sec" and codes.decode_secret(body["secret"]) == secret_of(api, "ts-sec")
    for _ in range(3):  # the server's code is of this 30-second step; retried across a step change
        before = datetime.now(UTC)
        served = _get(api, "/v1/training/sessions/ts-sec/code", TRAINER).json()["code"]
        if codes.time_step(before) == codes.time_step(datetime.now(UTC)):
            break
    assert codes.code_at(codes.decode_secret(body["secret"]), before) == served
    ends = datetime.fromisoformat(body["codes_until"])
    assert ends > datetime.now(UTC)


def test_nobody_but_the_trainer_gets_the_secret(api):
    """Another staff member of the store, the store's own manager (who created it), another store's
    manager, Mong Kok staff and HQ get 403 forbidden_role; an unknown session is 404."""
    hq_course(api)
    assert new_session(api, "ts-mine").status_code == 201
    for user_id in (STAFF, CWB_MANAGER, MK_MANAGER, STAFF_MK, HQ):
        _refused(_get(api, SECRET_URL.format("ts-mine"), user_id), 403, "forbidden_role")
    _refused(_get(api, SECRET_URL.format("ts-none"), TRAINER), 404, "not_found")
    assert _get(api, SECRET_URL.format("bad%20id"), TRAINER).status_code == 422


def test_forged_stale_and_logged_out_tokens_get_no_secret(api):
    """The trainer's own claims signed with another key, an expired copy, alg none, and the token of a
    session that logged out are 401; the secret is in none of the answers."""
    hq_course(api)
    assert new_session(api, "ts-tok").status_code == 201
    good = bearer(api, TRAINER, "dev-tok")["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(good, options={"verify_signature": False})
    key = api.app.state.settings.signing_key
    forged = jwt.encode(claims, "not-the-servers-key-" + "y" * 40, "HS256")
    expired = jwt.encode({**claims, "iat": claims["iat"] - 3600, "exp": claims["iat"] - 1800}, key, "HS256")
    unsigned = jwt.encode(claims, None, "none")
    for token in (forged, expired, unsigned, "garbage"):
        resp = api.get(SECRET_URL.format("ts-tok"), headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 401 and "secret" not in resp.text, resp.text
    assert api.post("/v1/auth/logout", headers={"Authorization": f"Bearer {good}"}).status_code == 204
    gone = api.get(SECRET_URL.format("ts-tok"), headers={"Authorization": f"Bearer {good}"})
    assert gone.status_code == 401 and "secret" not in gone.text


def test_no_secret_once_its_codes_are_no_longer_needed(api):
    """A session whose sign-in closed (no sign-out asked) is refused 400 training_closed, and leaves
    the trainer's list; an upcoming one stays in the list, without its secret."""
    hq_course(api)
    assert new_session(api, "ts-old", starts_in_min=-50, length_min=55).status_code == 201
    assert new_session(api, "ts-new", starts_in_min=30).status_code == 201
    _refused(_get(api, SECRET_URL.format("ts-old"), TRAINER), 400, "training_closed")
    listed = _get(api, "/v1/training/my-sessions", TRAINER)
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()] == ["ts-new"]
    assert listed.json()[0]["course_title"] == "Food hygiene"
    assert "secret" not in listed.text and secret_of(api, "ts-new").hex() not in listed.text


def test_my_sessions_lists_only_the_callers_own(api):
    """The store's manager and other staff see none of the trainer's sessions in their own list."""
    hq_course(api)
    assert new_session(api, "ts-a").status_code == 201
    for user_id in (CWB_MANAGER, STAFF, MK_MANAGER):
        resp = _get(api, "/v1/training/my-sessions", user_id)
        assert (resp.status_code, resp.json()) == (200, [])
    assert [s["id"] for s in _get(api, "/v1/training/my-sessions", TRAINER).json()] == ["ts-a"]


def test_a_cancelled_session_gives_no_secret_and_leaves_the_list(api):
    """Once a session is called off its trainer is refused its secret (400 training_session_cancelled)
    and it is no longer in their list (so their phone deletes the secret it kept)."""
    hq_course(api)
    assert new_session(api, "ts-off").status_code == 201
    assert _get(api, SECRET_URL.format("ts-off"), TRAINER).status_code == 200
    with api.engine.begin() as conn:
        conn.execute(db.training_sessions.update().where(db.training_sessions.c.id == "ts-off")
                     .values(status="cancelled"))
    _refused(_get(api, SECRET_URL.format("ts-off"), TRAINER), 400, "training_session_cancelled")
    assert _get(api, "/v1/training/my-sessions", TRAINER).json() == []
