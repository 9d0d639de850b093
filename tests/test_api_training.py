"""Issue 13, trainapi: training sessions and sign-in through the API (SQLite and PostgreSQL): a
manager schedules a session; its trainer and the store's managers (only) get the rotating code; staff
sign in by sync push and the server re-checks every rule with the push's corrected time; the trainer
sees the live roll and adds someone by hand with a reason."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.domain.training import codes
from backend_stub import db
from tests.test_api_push import bearer, pull_all
from tests.training_helpers import (CWB_MANAGER, HQ, MK_MANAGER, STAFF, STAFF_MK, TRAINER, Phones, fix, hq_course,
                                    new_session, outcome, secret_of)


def _code(api, session_id: str, user_id: str = TRAINER):
    return api.get(f"/v1/training/sessions/{session_id}/code", headers=bearer(api, user_id, f"dev-{user_id}"))


def test_the_code_is_for_the_trainer_and_the_stores_managers_only(api):
    """GET .../code answers the trainer, a manager of the store and HQ (a 6-digit code, seconds left
    and the QR text); staff and another store's manager get 403, an unknown session 404."""
    hq_course(api)
    assert new_session(api, "ts-code").status_code == 201
    for user_id in (TRAINER, CWB_MANAGER, HQ):
        resp = _code(api, "ts-code", user_id)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert len(body["code"]) == 6 and 0 < body["seconds_left"] <= 30
        assert body["qr_text"] == f"shopfloor:training/ts-code/{body['code']}"
    for user_id in (STAFF, MK_MANAGER):
        resp = _code(api, "ts-code", user_id)
        assert (resp.status_code, resp.json()["code"]) == (403, "forbidden_role")
    assert _code(api, "ts-nope").status_code == 404


def test_only_a_manager_of_the_store_schedules_a_session(api):
    """Staff and another store's manager are refused (403); a bad set-up is a 400 with its reason."""
    hq_course(api)
    assert new_session(api, "ts-x", user_id=STAFF).status_code == 403
    assert new_session(api, "ts-x", user_id=MK_MANAGER).status_code == 403
    bad = new_session(api, "ts-x", invite_only=True)
    assert (bad.status_code, bad.json()["code"]) == (400, "training_bad_session")
    created = new_session(api, "ts-x", user_id=HQ)
    assert created.status_code == 201 and "secret" not in created.json()


def test_sign_in_on_time_late_and_each_refusal(api):
    """Through push: on time; a second time refused; wrong and expired codes, outside the fence, before
    the window and not invited each refused with their reason; after the allowance it is late."""
    hq_course(api)
    phones = Phones(api)
    assert new_session(api, "ts-now", starts_in_min=5).status_code == 201
    secret = secret_of(api, "ts-now")
    now = datetime.now(UTC)
    far = fix(now, lat=22.31851, lon=114.16864)  # Mong Kok, across the harbour
    assert outcome(phones.sign_in(STAFF, "ts-now", codes.code_at(secret, now), where=far)) == "training_outside_fence"
    assert outcome(phones.sign_in(STAFF, "ts-now", "000000" if codes.code_at(secret, now) != "000000" else "111111")) \
        == "training_code_wrong"
    stale = codes.code_at(secret, now - timedelta(minutes=3))  # a photo of the code from 3 minutes ago
    assert outcome(phones.sign_in(STAFF, "ts-now", stale)) == "training_code_expired"
    assert outcome(phones.sign_in(STAFF, "ts-now", codes.code_at(secret, datetime.now(UTC)))) == "applied"
    assert outcome(phones.sign_in(STAFF, "ts-now", codes.code_at(secret, datetime.now(UTC)))) \
        == "training_already_signed_in"
    assert outcome(phones.sign_in(STAFF_MK, "ts-now", codes.code_at(secret, datetime.now(UTC)))) == "not_found"

    assert new_session(api, "ts-later", starts_in_min=120).status_code == 201
    later = codes.code_at(secret_of(api, "ts-later"), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-later", later)) == "training_not_open_yet"

    assert new_session(api, "ts-invite", invite_only=True, invited_user_ids=["u-s08"]).status_code == 201
    invited = codes.code_at(secret_of(api, "ts-invite"), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-invite", invited)) == "training_not_invited"

    assert new_session(api, "ts-late", starts_in_min=-10).status_code == 201
    late = codes.code_at(secret_of(api, "ts-late"), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-late", late)) == "applied"
    with api.engine.connect() as conn:
        rows = dict(conn.execute(select(db.training_sign_ins.c.session_id, db.training_sign_ins.c.outcome)).all())
    assert rows == {"ts-now": "on_time", "ts-late": "late"}


def test_an_offline_sign_in_synced_later_counts_at_its_recorded_time(api):
    """A phone offline records the code at 58 minutes ago (inside the window, on time) and pushes it now:
    the server checks that moment's code with the corrected time and accepts it as on time; a code typed
    now for that moment of the same session is refused as closed."""
    hq_course(api)
    phones = Phones(api)
    assert new_session(api, "ts-past", starts_in_min=-60, length_min=55).status_code == 201
    secret = secret_of(api, "ts-past")
    age_s = 58 * 60
    recorded = datetime.now(UTC) - timedelta(seconds=age_s)
    result = phones.sign_in(STAFF, "ts-past", codes.code_at(secret, recorded), age_s=age_s)
    assert outcome(result) == "applied", result
    with api.engine.connect() as conn:
        row = conn.execute(select(db.training_sign_ins).where(db.training_sign_ins.c.user_id == STAFF)).mappings().one()
    assert row["outcome"] == "on_time"
    assert abs((db.aware(row["signed_in_at"]) - recorded).total_seconds()) < 5
    now_code = codes.code_at(secret, datetime.now(UTC))
    assert outcome(phones.sign_in(TRAINER, "ts-past", now_code)) == "training_closed"


def test_live_roll_and_adding_someone_by_hand(api):
    """The trainer sees who signed in; adds someone by hand only with a reason (400
    training_manual_reason_required otherwise), logged with who added them; staff cannot (403)."""
    hq_course(api)
    phones = Phones(api)
    assert new_session(api, "ts-roll").status_code == 201
    code = codes.code_at(secret_of(api, "ts-roll"), datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-roll", code)) == "applied"
    h = bearer(api, TRAINER, f"dev-{TRAINER}")
    url = "/v1/training/sessions/ts-roll/manual-add"
    empty = api.post(url, json={"user_id": "u-s08", "reason": "  "}, headers=h)
    assert (empty.status_code, empty.json()["code"]) == (400, "training_manual_reason_required")
    staff = api.post(url, json={"user_id": "u-s08", "reason": "Phone battery dead"}, headers=bearer(api, STAFF))
    assert staff.status_code == 403
    added = api.post(url, json={"user_id": "u-s08", "reason": "Phone battery dead"}, headers=h)
    assert added.status_code == 200, added.text
    roll = api.get("/v1/training/sessions/ts-roll/attendance", headers=h)
    assert roll.status_code == 200
    assert [(r["user_id"], r["outcome"], r["manual_reason"], r["added_by"]) for r in roll.json()] == [
        (STAFF, "on_time", None, None), ("u-s08", "manual", "Phone battery dead", TRAINER)]
    assert api.get("/v1/training/sessions/ts-roll/attendance", headers=bearer(api, STAFF)).status_code == 403
    mine = [c for c in pull_all(api, STAFF) if c["entity"] == "training_sign_in"]
    assert [c["id"] for c in mine] == ["ts-roll:u-s01"]  # not the colleague's


def test_sign_out_at_the_end_completes_a_course_that_asks_for_it(api):
    """A course asking for sign-out: signing in (recorded 30 minutes ago, synced now) completes
    nothing; signing out early is refused; the sign-out near the end, with the code and place again,
    completes the course by attendance; a second sign-out is refused."""
    hq_course(api, sign_out_required=True)
    phones = Phones(api)
    assert new_session(api, "ts-out", starts_in_min=-40, length_min=45).status_code == 201
    secret = secret_of(api, "ts-out")
    recorded = datetime.now(UTC) - timedelta(minutes=30)
    assert outcome(phones.sign_in(STAFF, "ts-out", codes.code_at(secret, recorded), age_s=1800)) == "applied"
    early = phones.sign_in(STAFF, "ts-out", codes.code_at(secret, recorded), age_s=1800, kind="training.sign_out")
    assert outcome(early) == "training_sign_out_too_early"
    with api.engine.connect() as conn:
        assert conn.execute(select(db.training_completions)).first() is None
    now_code = codes.code_at(secret, datetime.now(UTC))
    assert outcome(phones.sign_in(STAFF, "ts-out", now_code, kind="training.sign_out")) == "applied"
    assert outcome(phones.sign_in(STAFF, "ts-out", now_code, kind="training.sign_out")) == "training_already_signed_out"
    with api.engine.connect() as conn:
        done = conn.execute(select(db.training_completions)).mappings().all()
    assert [(d["user_id"], d["via"]) for d in done] == [(STAFF, "attendance")]
