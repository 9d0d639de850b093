"""Approvals on the server: clock-ins off the roster wait for a manager, who sees them with
their selfie's address; another store's manager sees neither the punch nor its selfie."""

from sqlalchemy import delete

from backend_stub import db
from tests.test_api_punches import _enrol, _photo, _punch, _stored, _upload
from tests.test_api_push import bearer, mutation, pull_all, push


def _off_the_roster(api, user_id: str = "u-s01") -> None:
    with api.engine.begin() as conn:
        conn.execute(delete(db.shifts).where(db.shifts.c.user_id == user_id))


def _punches_seen(api, manager: str) -> dict[str, dict]:
    return {c["id"]: c["data"] for c in pull_all(api, manager) if c["entity"] == "punch"}


def _clock_in_with_selfie(api, punch_id: str) -> str:
    selfie = _upload(api, "u-s01", _photo("obama_480p.jpg"))
    r = push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id=punch_id), age_s=1)])
    assert r.json()["results"][0]["status"] == "applied", r.text
    return selfie


def test_clock_in_off_the_roster_waits_for_the_managers_approval(api):
    """A clock-in with no shift is kept, flagged "unscheduled", and waits for the store manager,
    who sees it in a pull and approves it."""
    _off_the_roster(api)
    _clock_in_with_selfie(api, "pu-unscheduled")
    stored = _stored(api, "pu-unscheduled")
    assert stored["status"] == "awaiting_confirmation" and "unscheduled" in stored["flags"]
    seen = _punches_seen(api, "u-sm-cwb")["pu-unscheduled"]
    assert seen["status"] == "awaiting_confirmation" and "unscheduled" in seen["flags"]
    r = push(api, "u-sm-cwb", [mutation(1, "punch.confirm", {"punch_id": "pu-unscheduled", "approve": True})],
             device_id="dev-manager-cwb")
    assert r.json()["results"][0]["status"] == "applied", r.text
    assert _stored(api, "pu-unscheduled")["status"] == "accepted"


def test_clock_in_on_the_roster_needs_no_approval(api):
    """A clock-in inside a rostered shift is accepted at once (nothing waits in Approvals)."""
    from tests.test_api_punches import _shift_now

    _shift_now(api)
    _clock_in_with_selfie(api, "pu-rostered")
    assert _stored(api, "pu-rostered")["status"] == "accepted"


def test_only_the_persons_own_managers_see_the_punch_and_its_selfie(api):
    """The store's manager gets the punch with its selfie and may open the photo; the manager
    of another store gets neither (the photo answers 404, as if it did not exist)."""
    _off_the_roster(api)
    _enrol(api, "u-s01")  # with consent the server checks the selfie and keeps it with the punch
    selfie = _clock_in_with_selfie(api, "pu-scoped")
    own = _punches_seen(api, "u-sm-cwb")["pu-scoped"]
    assert own["selfie_sha256"] == selfie
    photo = api.get(f"/v1/photos/{selfie}", headers=bearer(api, "u-sm-cwb", "dev-manager-cwb"))
    assert photo.status_code == 200 and photo.content == _photo("obama_480p.jpg")
    assert "pu-scoped" not in _punches_seen(api, "u-sm-mk")
    other = api.get(f"/v1/photos/{selfie}", headers=bearer(api, "u-sm-mk", "dev-manager-mk"))
    assert other.status_code == 404


def test_a_correction_with_a_too_short_reason_is_refused_and_changes_nothing(api):
    """A manager's correction whose reason is under 3 characters (spaces trimmed) is refused."""
    fix = {"correction_id": "pc-short", "user_id": "u-s01", "store_id": "st-cwb", "kind": "clock_out",
           "at": "2026-01-05T10:00:00+00:00", "reason": "  ok  "}
    r = push(api, "u-sm-cwb", [mutation(1, "punch.correct", fix)], device_id="dev-manager-cwb")
    assert r.json()["results"][0]["status"] == "rejected"
    with api.engine.connect() as conn:
        assert conn.execute(db.punch_corrections.select()).first() is None
