"""The role matrix of docs/security.md, cell by cell, against a real uvicorn server.

Each cell is one caller (no token, forged, expired or logged-out token, staff, managers of
this or another store, area managers covering or not, the HQ admin) doing one thing to one
subject (their own record, a colleague's in the same store, another store's person), and
asserts what that person would see (status and code, or a pushed action's outcome) and that
an allowed write happened and a refused one changed nothing. The store is Causeway Bay
(st-cwb); "another store" is Mong Kok (st-mk). Runs once per database backend.
"""

from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from app.domain.attendance import HONG_KONG
from backend_stub import db
from backend_stub.access_log import loggable_path
from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.role_world import (BAD_TOKENS, LABELS, OTHER_STORE, SCENARIOS, SIGNING_KEY, STORE, SUBJECTS, World,
                              new_image, punch_payload, sha)
from tests.servers import ApiServer


@pytest.fixture(scope="module")
def world(tmp_path_factory, backend):
    """One seeded server for the whole matrix; every actor signs in once; shared photos."""
    server = ApiServer(tmp_path_factory.mktemp("matrix"), env={"SHOPFLOOR_JWT_SECRET": SIGNING_KEY}).start()
    w = World(server)
    try:
        w.sign_in_everyone()
        w.photos["staff upload"] = w.upload("staff")  # cited by nothing
        for actor, store in (("colleague", STORE), ("staff_other", OTHER_STORE)):
            photo = w.upload(actor)
            done = w.push(actor, "task.complete", {"task_id": w.new_task(store), "user_id": w.actors[actor].user_id,
                                                   "completed_at": "2026-01-01T00:00:00Z", "photo_sha256": photo})
            assert done["status"] == "applied", done
            w.photos[f"{'store' if store == STORE else 'other-store'} task photo"] = photo
        yield w
    finally:
        w.close()
        server.stop()


def _outcome(result: dict) -> str:
    return "applied" if result["status"] == "applied" else result["reason"]


# ---- every authenticated endpoint refuses a bad token ---------------------------------------

_PHOTO = new_image()
_GATED = [
    ("GET", "/auth/me", {}),
    ("POST", "/auth/logout", {}),
    ("GET", "/sync/pull", {}),
    ("GET", "/sync/pull?limit=0", {}),  # bad input too: a bad token is refused before it is read
    ("POST", "/sync/push", {"json": {"device_id": "dev-matrix-staff", "sent": {
        "device_time": "2026-01-01T00:00:00Z", "monotonic_ms": 1, "boot_id": "b"}, "mutations": []}}),
    ("HEAD", f"/photos/{sha(_PHOTO)}", {}),
    ("GET", f"/photos/{sha(_PHOTO)}", {}),
    ("PUT", f"/photos/{sha(_PHOTO)}", {"content": _PHOTO}),
    ("GET", "/face/status", {}),
    ("POST", "/face/consent", {"json": {"granted": True, "text_version": CONSENT_TEXT_VERSION}}),
    ("POST", "/face/enrol", {"files": [("photos", ("a.png", _PHOTO, "image/png"))] * 3}),
    ("POST", "/staff/u-s01/erase-biometrics", {}),
    ("POST", f"/kiosk/{STORE}/identify", {"files": [("photo", ("a.png", _PHOTO, "image/png"))]}),
    ("POST", f"/kiosk/{STORE}/pin", {"json": {"staff_no": "S3001", "pin": "1111"}}),
    ("POST", "/staff/u-s02/unlock", {}),
    ("POST", "/staff/u-s02/sign-out", {}),
    ("POST", "/staff/u-s02/reset-pin", {}),
    ("GET", "/me/calendar-feed", {}),
    ("POST", "/me/calendar-feed", {}),
    # issue 11, broadcasts
    ("POST", "/broadcasts/audience-count", {"json": {"store_ids": [STORE]}}),
    ("GET", "/broadcasts/bc-0003", {}),
    ("GET", "/broadcasts/bc-0003/receipts", {}),
    # issue 12, inspscore
    ("POST", "/inspection-templates", {"json": {"name": "Walk", "sections": []}}),
    ("GET", "/inspection-templates", {}),
    ("GET", "/inspection-templates/tpl-x", {}),
    ("PUT", "/inspection-templates/tpl-x", {"json": {"name": "Walk", "sections": []}}),
    ("POST", "/inspections", {"json": {}}),
    ("GET", "/inspections/insp-x", {}),
    ("GET", f"/stores/{STORE}/tasks", {}),  # issue 12, taskboard
    ("PUT", "/chain/settings/tasks", {"json": {"corrective_due_hours": 24}}),
    # issue 12, inspreport
    ("GET", "/inspections/insp-x/report.pdf", {}),
    ("GET", f"/stores/{STORE}/inspection-history", {}),
    ("GET", "/inspection-templates/tpl-x/failing-items", {}),
    # issue 12, taskrecur
    ("GET", f"/stores/{STORE}/task-schedules", {}),
    ("POST", f"/stores/{STORE}/task-schedules", {"json": {}}),
    ("PUT", f"/stores/{STORE}/task-schedules/sc-x", {"json": {}}),
    ("DELETE", f"/stores/{STORE}/task-schedules/sc-x", {}),
    ("PUT", "/chain/settings/departments", {"json": {"departments": []}}),
    ("PUT", f"/stores/{STORE}/tasks/tk-x/department", {"json": {"department_id": None}}),
    ("POST", "/inspections/insp-x/report-link", {}),  # issue 12, insprun
    # issue 13, trainapi
    ("POST", "/training/courses", {"json": {"id": "c", "title": "T", "skill": "s"}}),
    ("POST", "/training/quizzes", {"json": {}}),
    ("POST", "/training/sessions", {"json": {}}),
    ("GET", "/training/sessions/ts-x/code", {}),
    ("GET", "/training/sessions/ts-x/attendance", {}),
    ("POST", "/training/sessions/ts-x/manual-add", {"json": {"user_id": "u-s01", "reason": "x"}}),
    ("GET", "/training/sessions/ts-x/quiz", {}),
    ("GET", "/training/matrix", {}),
    # issue 13, trainmanage
    ("GET", "/training/courses", {}),
    ("GET", f"/training/sessions?store_id={STORE}", {}),
    ("PUT", "/training/sessions/ts-x", {"json": {}}),
    ("POST", "/training/sessions/ts-x/cancel", {"json": {"base_version": 1}}),
    ("POST", "/training/matrix/link", {}),
    ("GET", "/training/my-sessions", {}),  # issue 13, traintrainer
    ("GET", "/training/sessions/ts-x/secret", {}),
]
_TOKEN_CODES = {"anonymous": "token_invalid", "forged": "token_invalid", "expired": "token_expired",
                "logged_out": "token_invalid"}


@pytest.mark.parametrize(("method", "path", "kw", "actor"), [
    pytest.param(m, p, kw, a, id=f"{m} /v1{p} | {BAD_TOKENS[a]} | 401 {_TOKEN_CODES[a]}")
    for m, p, kw in _GATED for a in BAD_TOKENS])
def test_bad_tokens_are_refused_everywhere(world, method, path, kw, actor):
    """Without a live, genuine, unexpired token every endpoint answers 401 and changes nothing."""
    resp = world.call(actor, method, path, **kw)
    assert resp.status_code == 401
    if method != "HEAD":
        assert resp.json()["code"] == _TOKEN_CODES[actor]
    assert world.count(db.photos, db.photos.c.sha256 == sha(_PHOTO)) == 0
    assert world.call("staff", "GET", "/auth/me").status_code == 200  # the real session lives on
    assert world.call("colleague", "GET", "/auth/me").status_code == 200  # not signed out by a forger


# ---- sign-in and session -----------------------------------------------------------------------


@pytest.mark.parametrize("actor", [pytest.param(a, id=f"GET /v1/auth/me | {LABELS[a]} | 200 own record")
                                   for a in ("staff", "sm", "am", "hq")])
def test_me_is_the_callers_own_record(world, actor):
    """/auth/me answers the caller's own id, role and stores, whatever their role."""
    me = world.call(actor, "GET", "/auth/me").json()
    assert me["id"] == world.actors[actor].user_id


def test_refresh_is_bound_to_its_device_and_session(world):
    """POST /v1/auth/refresh | own device 200, another device 401, logged-out session 401, lost answer retried 200."""
    staff, gone = world.actors["staff"], world.actors["logged_out"]
    wrong = world.http.post("/auth/refresh", json={"refresh_token": staff.refresh, "device_id": "dev-matrix-thief"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "refresh_invalid")
    dead = world.http.post("/auth/refresh", json={"refresh_token": gone.refresh, "device_id": gone.device_id})
    assert (dead.status_code, dead.json()["code"]) == (401, "refresh_invalid")
    first = world.http.post("/auth/refresh", json={"refresh_token": staff.refresh, "device_id": staff.device_id})
    assert first.status_code == 200, first.text
    again = world.http.post("/auth/refresh", json={"refresh_token": staff.refresh, "device_id": staff.device_id})
    assert again.status_code == 200, again.text  # the answer was lost: grace for the same device
    staff.refresh = again.json()["refresh_token"]
    assert world.call("staff", "GET", "/auth/me").status_code == 200


def test_logout_ends_the_access_token_at_once(world):
    """POST /v1/auth/logout | staff own session | 204, then their token gets 401 token_invalid."""
    actor = world.login("logged_out", device_id="dev-matrix-logout-2")
    world.actors["logout_cell"] = actor
    assert world.call("logout_cell", "POST", "/auth/logout").status_code == 204
    after = world.call("logout_cell", "GET", "/auth/me")
    assert (after.status_code, after.json()["code"]) == (401, "token_invalid")


def test_a_bound_device_refuses_another_person(world):
    """POST /v1/auth/login | colleague on the staff's signed-in phone | 409 device_bound, owner still signed in."""
    resp = world.http.post("/auth/login", json={"staff_no": "S3002", "pin": "2222",
                                                "device_id": world.actors["staff"].device_id})
    assert (resp.status_code, resp.json()["code"]) == (409, "device_bound")
    assert world.call("staff", "GET", "/auth/me").status_code == 200


def test_guessing_is_throttled_until_a_manager_above_unlocks(world):
    """POST /v1/auth/login | 5th wrong PIN in a row | 429 login_throttled + Retry-After, even for the right PIN,
    until the area manager covering the person's store unlocks them (audited); then the right PIN signs in."""
    def login(pin: str):
        return world.http.post("/auth/login", json={"staff_no": "S3009", "pin": pin, "device_id": "dev-matrix-guess"})

    assert [login(f"00{n:02d}").status_code for n in range(4)] == [401] * 4
    for pin in ("0099", "9999"):  # a fifth guess, then the right PIN: both wait
        waited = login(pin)
        assert (waited.status_code, waited.json()["code"]) == (429, "login_throttled")
        assert int(waited.headers["Retry-After"]) > 0
    refused = world.call("sm", "POST", "/staff/u-s09/unlock")  # Yip works at TST, not CWB
    assert refused.status_code == 403
    unlocked = world.call("am_other", "POST", "/staff/u-s09/unlock")
    assert unlocked.status_code == 200 and unlocked.json()["failures"] == 4
    assert login("9999").status_code == 200


def test_push_from_another_devices_id_is_refused(world):
    """POST /v1/sync/push | staff naming another device in the body | 403 device_mismatch."""
    body = world.push_body("staff", "mutation.void", {}, device_id=world.actors["colleague"].device_id)
    resp = world.call("staff", "POST", "/sync/push", json=body)
    assert (resp.status_code, resp.json()["code"]) == (403, "device_mismatch")


# ---- photos ------------------------------------------------------------------------------------

_PHOTO_READS = [  # (caller, photo, may read)
    ("staff", "staff upload", True),
    ("staff", "store task photo", False),
    ("staff_other", "store task photo", False),
    ("sm", "store task photo", True),
    ("sm", "other-store task photo", False),
    ("sm", "staff upload", False),  # no record cites it yet: only its uploader sees it
    ("sm_other", "store task photo", False),
    ("am", "store task photo", True),
    ("am_other", "store task photo", False),
    ("am_other", "other-store task photo", True),
    ("hq", "store task photo", True),
    ("hq", "staff upload", True),
]


@pytest.mark.parametrize(("method", "actor", "photo", "allowed"), [
    pytest.param(m, a, p, ok, id=f"{m} /v1/photos/{{sha}} | {LABELS[a]}, {p} | {200 if ok else 404}")
    for m in ("GET", "HEAD") for a, p, ok in _PHOTO_READS])
def test_photos_are_read_by_uploader_managers_of_a_citing_store_and_hq(world, method, actor, photo, allowed):
    """A photo is read (or said to exist) only by its uploader, managers of a store whose record cites it, HQ."""
    _check_read(world, actor, method, world.photos[photo], allowed)


def _check_read(world, actor: str, method: str, photo: str, allowed: bool) -> None:
    """The photo is there for ``actor`` (200), or as if absent (404 not_found)."""
    resp = world.call(actor, method, f"/photos/{photo}")
    assert resp.status_code == (200 if allowed else 404)
    if method == "GET" and not allowed:
        assert resp.json()["code"] == "not_found"


# Issue 10, delegation: a sick-leave certificate (medical data) has narrower readers.
_CERTIFICATE_READS = [  # (caller, their part, may read)
    ("staff", "requester", True),
    ("sm", "approver, away", True),
    ("am_other", "delegate of the approver today", True),
    ("colleague", "no part", False),
    ("sm_other", "no part", False),
    ("am", "no part (not on the sick-leave chain)", False),
    ("hq", "no part", False),
]


@pytest.fixture(scope="module")
def certificate(world) -> str:
    """The staff member's sick leave at the store, citing their certificate photo; the store
    manager has handed approvals to the other area's manager from yesterday to next week."""
    photo = world.upload("staff")
    asked = world.push("staff", "request.submit", {"request_id": "rq-matrix-sick", "type": "sick_leave",
                                                   "store_id": STORE, "first_day": "2027-03-01",
                                                   "last_day": "2027-03-02", "certificate_sha256": photo})
    assert asked["status"] == "applied", asked
    today = datetime.now(HONG_KONG).date()
    handed = world.push("sm", "delegation.set", {"delegation_id": "dl-matrix", "delegate_id": "u-am-kln",
                                                 "first_day": (today - timedelta(days=1)).isoformat(),
                                                 "last_day": (today + timedelta(days=7)).isoformat()})
    assert handed["status"] == "applied", handed
    return photo


@pytest.mark.parametrize(("method", "actor", "allowed"), [
    pytest.param(m, a, ok, id=f"{m} /v1/photos/{{sha}} | {LABELS[a]} ({part}), sick-leave certificate | "
                              f"{200 if ok else 404}")
    for m in ("GET", "HEAD") for a, part, ok in _CERTIFICATE_READS])
def test_a_sick_leave_certificate_is_read_only_by_the_requester_and_the_route(world, certificate, method, actor,
                                                                               allowed):
    """A certificate is read only by the requester and the request's approvers (a delegate in effect too)."""
    _check_read(world, actor, method, certificate, allowed)


@pytest.mark.parametrize("actor", [pytest.param(a, id=f"PUT /v1/photos/{{sha}} | {LABELS[a]}, new photo | 201")
                                   for a in ("staff", "sm", "hq")])
def test_any_signed_in_person_uploads_a_photo_as_their_own(world, actor):
    """Uploading is open to every signed-in person; the photo is recorded as theirs."""
    data = new_image()
    resp = world.call(actor, "PUT", f"/photos/{sha(data)}", content=data)
    assert resp.status_code == 201, resp.text
    assert world.one(db.photos, db.photos.c.sha256 == sha(data))["uploaded_by"] == world.actors[actor].user_id


def test_uploading_a_stored_photo_again_does_not_make_it_yours(world):
    """PUT /v1/photos/{sha} | colleague re-sending the staff's photo bytes | 200, still the staff's, not readable."""
    data = new_image()
    world.upload("staff", data)
    again = world.call("colleague", "PUT", f"/photos/{sha(data)}", content=data)
    assert again.status_code == 200
    assert world.one(db.photos, db.photos.c.sha256 == sha(data))["uploaded_by"] == "u-s01"
    assert world.call("colleague", "GET", f"/photos/{sha(data)}").status_code == 404


# ---- face --------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [pytest.param(a, id=f"POST /v1/face/consent + GET /v1/face/status | {LABELS[a]} | "
                                                   "200 own") for a in ("staff_other", "sm", "hq")])
def test_face_consent_and_status_are_the_callers_own(world, actor):
    """Consent and status concern only the caller: nobody grants or reads another person's."""
    user_id = world.actors[actor].user_id
    before = world.count(db.face_consents)
    granted = world.call(actor, "POST", "/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION})
    assert granted.status_code == 200 and granted.json()["consented"]
    assert world.count(db.face_consents) == before + 1
    assert world.count(db.face_consents, db.face_consents.c.user_id == user_id) >= 1
    assert world.call(actor, "GET", "/face/status").json()["consented"]


def test_enrolment_needs_the_callers_own_consent(world):
    """POST /v1/face/enrol | staff without consent | 403 consent_required, no face data kept."""
    files = [("photos", ("a.png", new_image(), "image/png")) for _ in range(3)]
    resp = world.call("colleague", "POST", "/face/enrol", files=files)
    assert (resp.status_code, resp.json()["code"]) == (403, "consent_required")
    assert world.count(db.face_embeddings, db.face_embeddings.c.user_id == "u-s02") == 0


# ---- kiosk -------------------------------------------------------------------------------------

_KIOSK_CALLERS = [("staff", 403), ("sm", 200), ("sm_other", 403), ("am", 200), ("am_other", 403), ("hq", 200)]


@pytest.mark.parametrize(("actor", "status"), [
    pytest.param(a, s, id=f"POST /v1/kiosk/st-cwb/identify | {LABELS[a]} | {s}") for a, s in _KIOSK_CALLERS])
def test_kiosk_identify_is_for_managers_of_that_store(world, actor, status):
    """Only a manager covering the store runs its kiosk identification."""
    resp = world.call(actor, "POST", f"/kiosk/{STORE}/identify",
                      files=[("photo", ("a.png", new_image(), "image/png"))])
    assert resp.status_code == status, resp.text
    if status == 403:
        assert resp.json()["code"] == "forbidden_role"


_KIOSK_PINS = [  # (kiosk signed in by, person typing their PIN, status)
    ("sm", "store staff", 200),
    ("am", "store staff", 200),
    ("sm", "other-store staff", 403),  # a right PIN, but they do not work here: said so
    ("hq", "HQ admin", 403),           # the HQ admin works at no store
    ("sm_other", "store staff", 403),
    ("staff", "store staff", 403),
]
_PINS = {"u-s01": ("S3001", "1111"), "u-s03": ("S3003", "3333"), "u-hq": ("A0001", "9000")}


@pytest.mark.parametrize(("actor", "subject", "status"), [
    pytest.param(a, s, c, id=f"POST /v1/kiosk/st-cwb/pin | {LABELS[a]}, {s} | {c}") for a, s, c in _KIOSK_PINS])
def test_kiosk_pin_identifies_only_people_of_that_store(world, actor, subject, status):
    """The kiosk PIN check names only people who work at the kiosk's store, on its managers' tablets."""
    staff_no, pin = _PINS[SUBJECTS[subject]]
    resp = world.call(actor, "POST", f"/kiosk/{STORE}/pin", json={"staff_no": staff_no, "pin": pin})
    assert resp.status_code == status, resp.text
    if status == 200:
        assert resp.json()["user_id"] == SUBJECTS[subject]
    else:
        elsewhere = subject != "store staff"  # the right PIN of someone who does not work here
        assert resp.json()["code"] == ("not_at_this_store" if elsewhere else
                                       {401: "invalid_credentials", 403: "forbidden_role"}[status])


# ---- managers clear a PIN lock or sign a person out ---------------------------------------------

_SIGN_IN_MANAGERS = [  # (caller, subject, status)
    ("staff", "colleague", 403),
    ("staff", "own", 403),
    ("sm", "own", 403),
    ("sm_other", "colleague", 403),
    ("am_other", "colleague", 403),
    ("sm", "area manager", 403),  # only someone above the person
    ("sm", "colleague", 200),
    ("am", "colleague", 200),
    ("hq", "colleague", 200),
]


@pytest.mark.parametrize("action", ["unlock", "sign-out"])
@pytest.mark.parametrize(("actor", "subject", "status"), [
    pytest.param(a, s, c, id=f"{LABELS[a]}, {s} | {c}") for a, s, c in _SIGN_IN_MANAGERS])
def test_unlock_and_sign_out_by_a_manager_above_the_person(world, action, actor, subject, status):
    """POST /v1/staff/{id}/unlock|sign-out: HQ or a manager above the person in one of their stores; audited."""
    user_id = world.actors[actor].user_id if subject == "own" else SUBJECTS[subject]
    if action == "sign-out" and status == 200:
        user_id = "u-s08"  # works at CWB and Sha Tin; never signed in here, so no actor loses a session
    audit = world.count(db.sign_in_audit, db.sign_in_audit.c.user_id == user_id)
    resp = world.call(actor, "POST", f"/staff/{user_id}/{action}")
    assert resp.status_code == status, resp.text
    assert world.count(db.sign_in_audit, db.sign_in_audit.c.user_id == user_id) == audit + (status == 200)
    if status == 403:
        assert resp.json()["code"] == "forbidden_role"
        assert world.call("colleague", "GET", "/auth/me").status_code == 200  # still signed in


def test_unlock_of_nobody_is_not_found(world):
    """POST /v1/staff/u-nobody/unlock | HQ admin | 404 not_found."""
    resp = world.call("hq", "POST", "/staff/u-nobody/unlock")
    assert (resp.status_code, resp.json()["code"]) == (404, "not_found")


# ---- sync pull: what each role sees ------------------------------------------------------------

_PULL_STORES = {"staff": {STORE}, "staff_other": {OTHER_STORE}, "sm": {STORE}, "am": {STORE, "st-st"},
                "am_other": {OTHER_STORE, "st-tst"}, "hq": {STORE, OTHER_STORE, "st-tst", "st-st"}}


@pytest.mark.parametrize("actor", [pytest.param(a, id=f"GET /v1/sync/pull | {LABELS[a]} | 200 own stores' rows")
                                   for a in _PULL_STORES])
def test_pull_shows_only_the_callers_stores_and_punches_in_their_scope(world, actor):
    """Shifts, tasks and notes of the caller's stores only; punches: staff their own, managers their stores'."""
    for user_id, store in (("u-s01", STORE), ("u-s03", OTHER_STORE)):
        world.shift_now(user_id, store)
    for punching, store in (("staff", STORE), ("staff_other", OTHER_STORE)):
        user_id = world.actors[punching].user_id
        assert world.push(punching, "punch.record", punch_payload(user_id, store))["status"] == "applied"
    changes = world.pull_all(actor)
    stores = {c["data"]["store_id"] for c in changes if c["entity"] in ("shift", "task", "note") and c["data"]}
    assert stores == _PULL_STORES[actor]
    punchers = {c["data"]["user_id"] for c in changes if c["entity"] == "punch" and c["data"]}
    me = world.actors[actor].user_id
    expected = {"u-s01", "u-s03"}
    if actor.startswith("staff"):
        expected = {me} & expected
    else:
        expected = {u for u, s in (("u-s01", STORE), ("u-s03", OTHER_STORE)) if s in _PULL_STORES[actor]}
    assert expected <= punchers
    if actor.startswith("staff"):
        assert punchers == {me}
    else:
        punch_stores = {c["data"]["store_id"] for c in changes if c["entity"] == "punch" and c["data"]}
        assert punch_stores <= _PULL_STORES[actor]


# ---- sync push: every mutation type x caller x subject ---------------------------------------------


CWB, MK = STORE, OTHER_STORE
# (mutation, caller, subject, store, outcome[, photo]): outcome is "applied" or the rejection reason.
_PUSH = [
    ("note.add", "staff", "own", CWB, "applied"),
    ("note.add", "staff", "colleague", CWB, "not_your_record"),
    ("note.add", "staff", "own", MK, "forbidden_role"),
    ("note.add", "sm", "own", CWB, "applied"),
    ("note.add", "sm_other", "own", CWB, "forbidden_role"),
    ("note.add", "am", "own", CWB, "applied"),
    ("note.add", "am_other", "own", CWB, "forbidden_role"),
    ("note.add", "hq", "own", CWB, "applied"),
    ("note.delete", "staff", "own", CWB, "applied"),
    ("note.delete", "colleague", "store staff", CWB, "forbidden_role"),
    ("note.delete", "staff_other", "store staff", CWB, "forbidden_role"),
    ("note.delete", "sm", "store staff", CWB, "applied"),
    ("note.delete", "sm_other", "store staff", CWB, "forbidden_role"),
    ("note.delete", "am", "store staff", CWB, "applied"),
    ("note.delete", "am_other", "store staff", CWB, "forbidden_role"),
    ("note.delete", "hq", "store staff", CWB, "applied"),
    ("broadcast.create", "staff", "own", CWB, "forbidden_role"),
    ("broadcast.create", "sm", "own", CWB, "applied"),
    ("broadcast.create", "sm", "own", MK, "forbidden_role"),
    ("broadcast.create", "sm", "own", f"{CWB}+{MK}", "forbidden_role"),
    ("broadcast.create", "sm_other", "own", CWB, "forbidden_role"),
    ("broadcast.create", "am", "own", f"{CWB}+st-st", "applied"),
    ("broadcast.create", "am_other", "own", CWB, "forbidden_role"),
    ("broadcast.create", "hq", "own", f"{CWB}+{MK}+st-tst+st-st", "applied"),
    ("broadcast.create", "hq", "own", "st-nowhere", "forbidden_role"),
    ("broadcast.read", "staff", "own", CWB, "applied"),
    ("broadcast.read", "staff", "colleague", CWB, "not_your_record"),
    ("broadcast.read", "staff_other", "own", CWB, "forbidden_role"),
    ("broadcast.read", "sm", "own", CWB, "applied"),
    ("broadcast.read", "sm_other", "own", CWB, "forbidden_role"),
    ("broadcast.read", "am_other", "own", CWB, "forbidden_role"),
    ("broadcast.read", "hq", "own", CWB, "applied"),
    ("task.complete", "staff", "own", CWB, "applied"),
    ("task.complete", "staff", "colleague", CWB, "not_your_record"),
    ("task.complete", "staff", "own", MK, "forbidden_role"),
    ("task.complete", "sm", "own", CWB, "applied"),
    ("task.complete", "sm_other", "own", CWB, "forbidden_role"),
    ("task.complete", "am_other", "own", CWB, "forbidden_role"),
    ("task.complete", "hq", "own", CWB, "applied"),
    ("task.complete+photo", "staff", "own", CWB, "applied", "own upload"),
    ("task.complete+photo", "staff", "own", CWB, "photo_not_yours", "store task photo"),
    ("task.complete+photo", "sm", "own", CWB, "photo_not_yours", "staff upload"),
    ("punch.record", "staff", "own", CWB, "applied"),
    ("punch.record", "staff", "colleague", CWB, "not_your_record"),
    ("punch.record", "staff", "own", MK, "forbidden_role"),
    ("punch.record", "sm", "store staff", CWB, "not_your_record"),
    ("punch.record", "hq", "store staff", CWB, "not_your_record"),
    ("punch.record", "hq", "own", CWB, "forbidden_role"),  # the HQ admin works at no store
    ("punch.record", "am", "own", CWB, "applied"),
    ("punch.record+selfie", "staff", "own", CWB, "applied", "own upload"),
    ("punch.record+selfie", "staff", "own", CWB, "photo_not_yours", "store task photo"),
    ("punch.record kiosk", "staff", "own", CWB, "forbidden_role"),
    ("punch.record kiosk", "sm", "store staff", CWB, "applied"),
    ("punch.record kiosk", "sm", "own", CWB, "applied"),
    ("punch.record kiosk", "sm", "other-store staff", CWB, "forbidden_role"),
    ("punch.record kiosk", "sm", "other-store staff", MK, "forbidden_role"),
    ("punch.record kiosk", "sm", "HQ admin", CWB, "forbidden_role"),
    ("punch.record kiosk", "sm_other", "store staff", CWB, "forbidden_role"),
    ("punch.record kiosk", "am", "store staff", CWB, "applied"),
    ("punch.record kiosk", "am_other", "store staff", CWB, "forbidden_role"),
    ("punch.record kiosk", "hq", "store staff", CWB, "applied"),
    ("punch.confirm", "staff", "own", CWB, "forbidden_role"),
    ("punch.confirm", "colleague", "store staff", CWB, "forbidden_role"),
    ("punch.confirm", "sm", "store staff", CWB, "applied"),
    ("punch.confirm", "sm", "own", CWB, "forbidden_role"),
    ("punch.confirm", "sm", "other-store staff", MK, "forbidden_role"),
    ("punch.confirm", "sm_other", "store staff", CWB, "forbidden_role"),
    ("punch.confirm", "am", "store staff", CWB, "applied"),
    ("punch.confirm", "am", "store manager", CWB, "applied"),
    ("punch.confirm", "sm", "area manager", CWB, "forbidden_role"),  # only someone above the person
    ("punch.confirm", "sm", "HQ admin", CWB, "forbidden_role"),
    ("punch.confirm", "am_other", "store staff", CWB, "forbidden_role"),
    ("punch.confirm", "hq", "store staff", CWB, "applied"),
    ("punch.correct", "staff", "colleague", CWB, "forbidden_role"),
    ("punch.correct", "sm", "store staff", CWB, "applied"),
    ("punch.correct", "sm", "own", CWB, "forbidden_role"),
    ("punch.correct", "sm", "other-store staff", CWB, "forbidden_role"),
    ("punch.correct", "sm", "other-store staff", MK, "forbidden_role"),
    ("punch.correct", "sm", "HQ admin", CWB, "forbidden_role"),
    ("punch.correct", "sm_other", "store staff", CWB, "forbidden_role"),
    ("punch.correct", "am", "store staff", CWB, "applied"),
    ("punch.correct", "am", "store manager", CWB, "applied"),
    ("punch.correct", "sm", "area manager", CWB, "forbidden_role"),
    ("punch.correct", "am_other", "store staff", CWB, "forbidden_role"),
    ("punch.correct", "hq", "store staff", CWB, "applied"),
    ("punch.correct", "hq", "nobody", CWB, "not_found"),
    ("mutation.void", "staff", "own", CWB, "applied"),
    ("mutation.void", "hq", "own", CWB, "applied"),
]


def _push_id(row: tuple) -> str:
    mutation, actor, subject, store, outcome, *photo = row
    about = f"{subject}'s" if subject != "own" else "own"
    extra = f", citing {photo[0]}" if photo else ""
    return f"push {mutation} | {LABELS[actor]}, {about} record at {store}{extra} | {outcome}"


@pytest.mark.parametrize("row", [pytest.param(r, id=_push_id(r)) for r in _PUSH])
def test_push_mutation_by_role_and_subject(world, row):
    """Each pushed action is applied for callers allowed on that subject and store, else rejected
    with the reason the person sees; a refused action changes nothing."""
    mutation, actor, subject, store, outcome, *photo = row
    subject_id = world.actors[actor].user_id if subject == "own" else SUBJECTS[subject]
    payload, happened = SCENARIOS[mutation](world, actor, subject_id, store, *photo)
    result = world.push(actor, mutation.split()[0].split("+")[0], payload)
    assert _outcome(result) == outcome, result
    assert happened() is (outcome == "applied" or mutation == "mutation.void")


# ---- face data erasure (last: it deletes the subjects' uploads) ---------------------------------

_ERASE = [  # (caller, subject, status)
    ("staff", "colleague", 403),
    ("sm", "colleague", 403),
    ("am", "colleague", 403),
    ("colleague", "own", 200),
    ("hq", "other-store staff", 200),
]


@pytest.mark.parametrize(("actor", "subject", "status"), [
    pytest.param(a, s, c, id=f"POST /v1/staff/{{id}}/erase-biometrics | {LABELS[a]}, {s} | {c}")
    for a, s, c in _ERASE])
def test_face_data_is_erased_by_the_person_or_hq_and_only_theirs(world, actor, subject, status):
    """Erasure: by the person or an HQ admin; it removes their uploads no record uses and their
    consent, never a photo a record cites (their own completed task's photo stays)."""
    user_id = world.actors[actor].user_id if subject == "own" else SUBJECTS[subject]
    owner = next(k for k, a in world.actors.items() if a.user_id == user_id)
    world.call(owner, "POST", "/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION})
    loose = world.upload(owner)
    resp = world.call(actor, "POST", f"/staff/{user_id}/erase-biometrics")
    assert resp.status_code == status, resp.text
    kept = world.count(db.photos, db.photos.c.sha256 == loose) == 1
    consents = world.count(db.face_consents, db.face_consents.c.user_id == user_id)
    if status == 200:
        assert not kept and consents == 0
    else:
        assert resp.json()["code"] == "forbidden_role"
        assert kept and consents >= 1
    for photo in ("store task photo", "other-store task photo", "staff upload"):
        assert world.count(db.photos, db.photos.c.sha256 == world.photos[photo]) == 1


def test_erasing_nobody_is_not_found(world):
    """POST /v1/staff/u-nobody/erase-biometrics | HQ admin | 404 not_found."""
    resp = world.call("hq", "POST", "/staff/u-nobody/erase-biometrics")
    assert (resp.status_code, resp.json()["code"]) == (404, "not_found")


# ---- issue 12, taskboard: the task board --------------------------------------------------------

_TASK_CREATE = [  # (caller, store, outcome)
    ("staff", CWB, "forbidden_role"),
    ("sm", CWB, "applied"),
    ("sm", MK, "forbidden_role"),
    ("sm_other", CWB, "forbidden_role"),
    ("am", CWB, "applied"),
    ("am_other", CWB, "forbidden_role"),
    ("hq", CWB, "applied"),
]


@pytest.mark.parametrize(("actor", "store", "outcome"), [
    pytest.param(a, s, o, id=f"push task.create | {LABELS[a]}, at {s} | {o}") for a, s, o in _TASK_CREATE])
def test_tasks_are_created_by_managers_of_the_store(world, actor, store, outcome):
    """task.create: the store's manager, its area manager and HQ; anyone else is refused and nothing is stored."""
    from uuid import uuid4

    task_id = f"tk-mc-{uuid4().hex[:10]}"
    result = world.push(actor, "task.create", {"task_id": task_id, "store_id": store, "title": "Matrix",
                                               "assignees": {"role": "staff"}})
    assert _outcome(result) == outcome, result
    assert (world.count(db.tasks, db.tasks.c.id == task_id) == 1) is (outcome == "applied")


_TASK_REVIEW = [  # (caller, outcome): a task of the store completed by its staff
    ("staff", "forbidden_role"),
    ("colleague", "forbidden_role"),
    ("sm_other", "forbidden_role"),
    ("am_other", "forbidden_role"),
    ("sm", "applied"),
    ("am", "applied"),
    ("hq", "applied"),
]


@pytest.mark.parametrize(("actor", "outcome"), [
    pytest.param(a, o, id=f"push task.review | {LABELS[a]}, store staff's completion | {o}") for a, o in _TASK_REVIEW])
def test_completed_tasks_are_reviewed_by_managers_of_the_store(world, actor, outcome):
    """task.review: a manager of the task's store (store, area, HQ); anyone else is refused and the task still waits."""
    task_id = world.new_task(CWB)
    done = world.push("staff", "task.complete", {"task_id": task_id, "user_id": "u-s01",
                                                 "completed_at": datetime.now(HONG_KONG).isoformat()})
    assert _outcome(done) == "applied", done
    result = world.push(actor, "task.review", {"task_id": task_id, "approve": True})
    assert _outcome(result) == outcome, result
    status = world.one(db.tasks, db.tasks.c.id == task_id)["status"]
    assert status == ("done" if outcome == "applied" else "waiting_review")


@pytest.mark.parametrize(("actor", "status"), [
    pytest.param(a, c, id=f"GET /v1/stores/{{id}}/tasks | {LABELS[a]}, at {CWB} | {c}")
    for a, c in [("staff", 403), ("sm", 200), ("sm_other", 403), ("am", 200), ("am_other", 403), ("hq", 200)]])
def test_the_task_board_is_for_managers_of_the_store(world, actor, status):
    """The store's board: its managers, its area manager and HQ; staff and other stores' managers 403 forbidden_role."""
    resp = world.call(actor, "GET", f"/stores/{CWB}/tasks")
    assert resp.status_code == status, resp.text
    if status == 403:
        assert resp.json()["code"] == "forbidden_role"


# ---- issue 12, taskrecur: recurring task schedules -------------------------------------------

_SCHEDULE = {"title": "Opening checklist", "assignees": {"role": "staff"}, "recurrence": "daily", "due_time": "09:30"}


@pytest.mark.parametrize(("actor", "status"), [
    pytest.param(a, c, id=f"POST+GET+PUT+DELETE /v1/stores/{{id}}/task-schedules | {LABELS[a]}, at {CWB} | {c}")
    for a, c in [("staff", 403), ("sm", 201), ("sm_other", 403), ("am", 201), ("am_other", 403), ("hq", 201)]])
def test_task_schedules_are_for_managers_of_the_store(world, actor, status):
    """A store's recurring tasks: its managers, its area manager and HQ add, list, change and delete
    them; staff and other stores' managers get 403 forbidden_role on each, and nothing is stored."""
    url = f"/stores/{CWB}/task-schedules"
    made = world.call(actor, "POST", url, json=_SCHEDULE)
    assert made.status_code == status, made.text
    if status == 403:
        assert made.json()["code"] == "forbidden_role"
        theirs = world.call("sm", "POST", url, json=_SCHEDULE).json()["id"]
        for method, path, kw in (("GET", url, {}), ("PUT", f"{url}/{theirs}", {"json": _SCHEDULE}),
                                 ("DELETE", f"{url}/{theirs}", {})):
            resp = world.call(actor, method, path, **kw)
            assert (resp.status_code, resp.json()["code"]) == (403, "forbidden_role"), (method, resp.text)
        assert world.count(db.task_schedules, db.task_schedules.c.id == theirs) == 1
        return
    schedule_id = made.json()["id"]
    assert schedule_id in [s["id"] for s in world.call(actor, "GET", url).json()]
    assert world.call(actor, "PUT", f"{url}/{schedule_id}", json={**_SCHEDULE, "paused": True}).json()["paused"] is True
    assert world.call(actor, "DELETE", f"{url}/{schedule_id}").status_code == 204
    assert world.count(db.task_schedules, db.task_schedules.c.id == schedule_id) == 0


@pytest.mark.parametrize(("actor", "status"), [
    pytest.param(a, c, id=f"PUT /v1/chain/settings/departments | {LABELS[a]} | {c}")
    for a, c in [("staff", 403), ("sm", 403), ("am", 403), ("hq", 200)]])
def test_departments_are_kept_by_hq(world, actor, status):
    """The chain's departments (where an equipment repair can be sent): HQ only; else 403 forbidden_role."""
    resp = world.call(actor, "PUT", "/chain/settings/departments",
                      json={"departments": [{"id": "facilities", "name": "Facilities"}]})
    assert resp.status_code == status, resp.text
    if status == 403:
        assert resp.json()["code"] == "forbidden_role"


@pytest.mark.parametrize(("actor", "status"), [
    pytest.param(a, c, id=f"PUT /v1/stores/{{id}}/tasks/{{task_id}}/department | {LABELS[a]}, at {CWB} | {c}")
    for a, c in [("staff", 403), ("sm", 200), ("sm_other", 403), ("am", 200), ("am_other", 403), ("hq", 200)]])
def test_repairs_are_sent_to_a_department_by_managers_of_the_store(world, actor, status):
    """Sending an equipment repair to another department: the store's managers, its area manager
    and HQ; staff and other stores' managers 403 forbidden_role, and the task stays where it was."""
    from uuid import uuid4

    assert world.call("hq", "PUT", "/chain/settings/departments",
                      json={"departments": [{"id": "facilities", "name": "Facilities"}]}).status_code == 200
    task_id = f"tk-dep-{uuid4().hex[:10]}"
    made = world.push("sm", "task.create", {"task_id": task_id, "store_id": CWB, "title": "Fridge",
                                            "kind": "equipment_repair", "assignees": {"role": "staff"}})
    assert _outcome(made) == "applied", made
    resp = world.call(actor, "PUT", f"/stores/{CWB}/tasks/{task_id}/department", json={"department_id": "facilities"})
    assert resp.status_code == status, resp.text
    if status == 403:
        assert resp.json()["code"] == "forbidden_role"
    sent_to = world.one(db.tasks, db.tasks.c.id == task_id)["department_id"]
    assert sent_to == ("facilities" if status == 200 else None)
# ---- issue 12, insprun: inspections finished on phones, and report links for a browser -----------

_WALK = {"name": "Matrix walk", "sections": [{"id": "s", "title": "Floor", "items": [
    {"id": "ok", "label": "Floor is clean", "kind": "yes_no"}]}]}


def _finished_inspection(world, store: str) -> dict:
    """A chain-wide template (by HQ) and a finished inspection of ``store`` with it (not sent)."""
    made = world.call("hq", "POST", "/inspection-templates", json=_WALK)
    assert made.status_code == 201, made.text
    return {"id": f"in-m-{uuid4().hex[:10]}", "template_id": made.json()["id"], "template_version": 1,
            "store_id": store, "finished_at": datetime.now(HONG_KONG).isoformat(),
            "answers": [{"item_id": "ok", "value": True}]}


@pytest.mark.parametrize(("actor", "outcome"), [
    pytest.param(a, o, id=f"push inspection.record | {LABELS[a]}, at {CWB} | {o}")
    for a, o in [("staff", "forbidden_role"), ("sm", "forbidden_role"), ("sm_other", "forbidden_role"),
                 ("am", "applied"), ("am_other", "forbidden_role"), ("hq", "applied")]])
def test_inspections_from_phones_are_recorded_for_area_managers_of_the_store_and_hq(world, actor, outcome):
    """inspection.record is POST /v1/inspections: the area manager covering the store and HQ;
    anyone else is refused (forbidden_role) and nothing is kept."""
    body = _finished_inspection(world, CWB)
    result = world.push(actor, "inspection.record", body)
    assert _outcome(result) == outcome, result
    assert world.count(db.inspections, db.inspections.c.id == body["id"]) == (outcome == "applied")


@pytest.mark.parametrize(("actor", "status"), [
    pytest.param(a, c, id=f"POST /v1/inspections/{{id}}/report-link | {LABELS[a]}, at {CWB} | {c}")
    for a, c in [("staff", 404), ("colleague", 404), ("sm", 200), ("sm_other", 404), ("am", 200),
                 ("am_other", 404), ("hq", 200)]])
def test_report_links_are_for_those_who_may_read_the_report(world, actor, status):
    """A report link: for HQ, the area manager covering the store and the store's managers (as the
    report itself); anyone else 404 not_found, as an unknown inspection."""
    body = _finished_inspection(world, CWB)
    assert _outcome(world.push("hq", "inspection.record", body)) == "applied"
    resp = world.call(actor, "POST", f"/inspections/{body['id']}/report-link")
    assert resp.status_code == status, resp.text
    if status == 404:
        assert resp.json()["code"] == "not_found"
    else:
        assert resp.json()["url"].startswith("/v1/inspection-reports/")


def test_a_report_link_opens_without_a_token_and_a_forged_one_does_not(world):
    """The link alone opens the PDF (a browser sends no token) and is masked in the access log; a
    tampered link or an access token used as one is 401 token_invalid."""
    body = _finished_inspection(world, CWB)
    assert _outcome(world.push("hq", "inspection.record", body)) == "applied"
    url = world.call("am", "POST", f"/inspections/{body['id']}/report-link").json()["url"]
    opened = world.http.get(url.removeprefix("/v1"))
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF"), opened.text[:200]
    assert loggable_path(url) == "/v1/inspection-reports/[masked]"  # the link never reaches the log
    token = world.actors["am"].token
    for forged in (url.replace("/inspection-reports/", "/inspection-reports/x"),
                   f"/v1/inspection-reports/{token}.pdf"):
        refused = world.http.get(forged.removeprefix("/v1"))
        assert refused.status_code == 401 and refused.json()["code"] == "token_invalid", refused.text
