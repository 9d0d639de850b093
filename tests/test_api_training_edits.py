"""Issue 13, trainmanage: a manager lists, edits and cancels training sessions through the API (SQLite
and PostgreSQL): scoped to managers of the session's store (HQ: any), on the version they saw, with the
domain's rules re-run on the server; cancelling tells the people invited and those on the roll."""

from datetime import UTC, datetime, timedelta

from backend_stub.access_log import loggable_path
from tests.test_api_push import bearer, pull_all
from tests.training_helpers import CWB_MANAGER, HQ, MK_MANAGER, STAFF, STAFF_MK, TRAINER, hq_course, new_session


def _h(api, user_id: str) -> dict:
    return bearer(api, user_id, f"dev-{user_id}")


def _edit_body(session: dict, **changes) -> dict:
    keep = ("trainer_id", "starts_at", "ends_at", "capacity", "invite_only", "invited_user_ids", "invited_roles")
    return {"base_version": session["version"], **{k: session[k] for k in keep}, **changes}


def _edit(api, session: dict, user_id: str = CWB_MANAGER, **changes):
    return api.put(f"/v1/training/sessions/{session['id']}", json=_edit_body(session, **changes),
                   headers=_h(api, user_id))


def _cancel(api, session_id: str, version: int, user_id: str = CWB_MANAGER):
    return api.post(f"/v1/training/sessions/{session_id}/cancel", json={"base_version": version},
                    headers=_h(api, user_id))


def _code(resp) -> tuple[int, str]:
    return resp.status_code, resp.json().get("code")


def test_a_manager_of_the_store_edits_a_session_on_the_version_seen(api):
    """The store's manager moves a session later and gives it seats: 200, version 2, and the store's
    devices pull the new times. Editing again on version 1 is 409 training_session_changed."""
    hq_course(api)
    session = new_session(api, "ts-edit", starts_in_min=120).json()
    assert session["version"] == 1
    later = datetime.fromisoformat(session["starts_at"]) + timedelta(hours=1)
    resp = _edit(api, session, starts_at=later.isoformat(), ends_at=(later + timedelta(hours=1)).isoformat(),
                 capacity=12)
    assert resp.status_code == 200, resp.text
    assert (resp.json()["version"], resp.json()["capacity"]) == (2, 12)
    assert datetime.fromisoformat(resp.json()["starts_at"]) == later
    pulled = [c for c in pull_all(api, STAFF) if c["entity"] == "training_session" and c["id"] == "ts-edit"]
    assert pulled[-1]["data"]["version"] == 2 and "secret" not in pulled[-1]["data"]
    assert _code(_edit(api, session, capacity=5)) == (409, "training_session_changed")


def test_staff_the_trainer_and_another_stores_manager_cannot_edit_or_cancel(api):
    """Staff, the session's trainer (staff) and Mong Kok's manager get 403 for edit and cancel; an
    unknown session is 404; HQ may edit any store's session."""
    hq_course(api)
    session = new_session(api, "ts-hostile", starts_in_min=120).json()
    for user_id in (STAFF, TRAINER, MK_MANAGER):
        assert _code(_edit(api, session, user_id=user_id, capacity=3)) == (403, "forbidden_role")
        assert _code(_cancel(api, "ts-hostile", 1, user_id=user_id)) == (403, "forbidden_role")
    assert _cancel(api, "ts-none", 1).status_code == 404
    assert _code(_edit(api, session, trainer_id=STAFF_MK)) == (400, "training_bad_session")  # Mong Kok's staff
    assert _edit(api, session, user_id=HQ, capacity=3).status_code == 200


def test_a_started_session_keeps_its_start_and_seats_never_drop_below_the_roll(api):
    """Once sign-in has opened, moving the start is 400 training_session_started, ending it before now
    training_session_in_past; with two people on the roll, one seat is training_capacity_below_roll;
    extending its end is fine. A session not started cannot be moved to before now."""
    hq_course(api)
    session = new_session(api, "ts-open", starts_in_min=5).json()
    for person in (STAFF, "u-s08"):
        added = api.post("/v1/training/sessions/ts-open/manual-add", json={"user_id": person, "reason": "No phone"},
                         headers=_h(api, TRAINER))
        assert added.status_code == 200, added.text
    starts = datetime.fromisoformat(session["starts_at"])
    now = datetime.now(UTC)
    assert _code(_edit(api, session, starts_at=(starts + timedelta(minutes=10)).isoformat())) \
        == (400, "training_session_started")
    assert _code(_edit(api, session, ends_at=(now - timedelta(minutes=1)).isoformat())) \
        == (400, "training_session_in_past")
    assert _code(_edit(api, session, capacity=1)) == (400, "training_capacity_below_roll")
    longer = _edit(api, session, capacity=2, ends_at=(starts + timedelta(hours=2)).isoformat())
    assert longer.status_code == 200, longer.text

    future = new_session(api, "ts-future", starts_in_min=180).json()
    assert _code(_edit(api, future, starts_at=(now - timedelta(hours=1)).isoformat(),
                       ends_at=(now + timedelta(hours=1)).isoformat())) == (400, "training_session_in_past")
    assert _code(_edit(api, future, invite_only=True)) == (400, "training_bad_session")


def test_cancelling_tells_invitees_and_the_roll_and_ends_editing(api):
    """Cancelling reaches someone invited by name from another store and whoever signed in, in their
    own feeds, as the session with status cancelled; editing or cancelling it again is 409
    training_session_cancelled; an ended session cannot be cancelled (400 training_session_over)."""
    hq_course(api)
    session = new_session(api, "ts-off", starts_in_min=5, invited_user_ids=[STAFF_MK]).json()
    assert api.post("/v1/training/sessions/ts-off/manual-add", json={"user_id": STAFF, "reason": "No phone"},
                    headers=_h(api, TRAINER)).status_code == 200
    resp = _cancel(api, "ts-off", 1)
    assert resp.status_code == 200, resp.text
    assert (resp.json()["status"], resp.json()["version"]) == ("cancelled", 2) and resp.json()["cancelled_at"]
    for person in (STAFF_MK, STAFF):
        told = [c["data"] for c in pull_all(api, person) if c["entity"] == "training_session"
                and c["id"] == "ts-off"]
        assert told and told[-1]["status"] == "cancelled", person
        assert "cancelled_by" not in told[-1] and "secret" not in told[-1]
    assert _code(_cancel(api, "ts-off", 2)) == (409, "training_session_cancelled")
    assert _code(_edit(api, {**session, "version": 2}, capacity=4)) == (409, "training_session_cancelled")
    assert new_session(api, "ts-done", starts_in_min=-120, length_min=60).status_code == 201
    assert _code(_cancel(api, "ts-done", 1)) == (400, "training_session_over")


def test_a_store_manager_lists_upcoming_sessions_with_their_roll_size(api):
    """GET /sessions?store_id= gives the store's sessions not ended, soonest first, with the course
    title and how many signed in; ended ones are left out; another store's manager gets 403."""
    hq_course(api)
    new_session(api, "ts-b", starts_in_min=300)
    new_session(api, "ts-a", starts_in_min=5)
    new_session(api, "ts-old", starts_in_min=-180, length_min=60)
    api.post("/v1/training/sessions/ts-a/manual-add", json={"user_id": STAFF, "reason": "No phone"},
             headers=_h(api, TRAINER))
    resp = api.get("/v1/training/sessions", params={"store_id": "st-cwb"}, headers=_h(api, CWB_MANAGER))
    assert resp.status_code == 200, resp.text
    assert [(s["id"], s["signed_in"], s["course_title"]) for s in resp.json()] == [
        ("ts-a", 1, "Food hygiene"), ("ts-b", 0, "Food hygiene")]
    assert "secret" not in resp.json()[0]
    mk = api.get("/v1/training/sessions", params={"store_id": "st-cwb"}, headers=_h(api, MK_MANAGER))
    assert _code(mk) == (403, "forbidden_role")
    courses = api.get("/v1/training/courses", headers=_h(api, CWB_MANAGER)).json()
    assert [c["id"] for c in courses] == ["hygiene"]


def test_the_matrix_export_link_downloads_without_a_token_for_managers_only(api):
    """POST /matrix/link gives a manager a link a browser opens with no token: the CSV (BOM) or
    XLSX file; staff are refused the link (403); a forged link is 401."""
    hq_course(api)
    link = api.post("/v1/training/matrix/link", params={"store_id": "st-cwb", "format": "csv"},
                    headers=_h(api, CWB_MANAGER))
    assert link.status_code == 200, link.text
    url = link.json()["url"]
    assert url.startswith("/v1/training/matrix-files/")
    assert loggable_path(url) == "/v1/training/matrix-files/[masked]"  # the link is a credential
    got = api.get(url)
    assert got.status_code == 200 and got.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in got.headers["content-disposition"]
    xlsx = api.post("/v1/training/matrix/link", params={"store_id": "st-cwb", "format": "xlsx"},
                    headers=_h(api, CWB_MANAGER)).json()["url"]
    assert api.get(xlsx).content[:2] == b"PK"
    assert _code(api.post("/v1/training/matrix/link", params={"store_id": "st-cwb"}, headers=_h(api, STAFF))) \
        == (403, "forbidden_role")
    assert _code(api.post("/v1/training/matrix/link", params={"store_id": "st-cwb"}, headers=_h(api, MK_MANAGER))) \
        == (403, "forbidden_role")
    assert api.get("/v1/training/matrix-files/not-a-link").status_code == 401
