"""Clock-in on the server: shift rules enforced; location and face re-checked and flagged."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backend_stub import db
from backend_stub.services.biometrics import CONSENT_TEXT_VERSION, purge_selfies
from tests.face_fixtures import FACES_DIR
from tests.test_api_push import bearer, mutation, push

CWB = (22.27834, 114.18222)  # Causeway Bay store, radius 80 m


def _photo(name: str) -> bytes:
    return (FACES_DIR / name).read_bytes()


def _upload(api, user_id: str, blob: bytes) -> str:
    sha = hashlib.sha256(blob).hexdigest()
    r = api.put(f"/v1/photos/{sha}", content=blob, headers=bearer(api, user_id))
    assert r.status_code in (200, 201), r.text
    return sha


def _enrol(api, user_id: str, names=("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")) -> None:
    h = bearer(api, user_id)
    assert api.post("/v1/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION},
                    headers=h).json()["consented"]
    r = api.post("/v1/face/enrol", files=[("photos", (n, _photo(n), "image/jpeg")) for n in names], headers=h)
    assert r.status_code == 200, r.text
    assert len(r.json()["embeddings"]) == 3 and len(r.json()["embeddings"][0]) == 128


def _shift_now(api, user_id: str = "u-s01", store: str = "st-cwb", starts_in=timedelta(minutes=10)) -> str:
    now = datetime.now(UTC)
    with api.engine.begin() as conn:
        conn.execute(db.shifts.delete().where(db.shifts.c.user_id == user_id))
        conn.execute(db.shifts.insert().values(id=f"sh-test-{user_id}", store_id=store, user_id=user_id,
                                               starts_at=now + starts_in, ends_at=now + starts_in + timedelta(hours=8),
                                               position="Sales"))
    return f"sh-test-{user_id}"


def _punch(kind="clock_in", *, lat=CWB[0], lon=CWB[1], accuracy=10.0, mocked=False, selfie=None, frames=(),
           device_geofence="inside", device_face="matched", method="face", punch_id=None, user_id="u-s01"):
    now = datetime.now(UTC)
    return {"punch_id": punch_id or f"pu-{kind}-{now.timestamp()}", "user_id": user_id, "store_id": "st-cwb",
            "kind": kind, "method": method, "selfie_sha256": selfie, "frame_sha256s": list(frames),
            "device_geofence": device_geofence, "device_face": device_face,
            "fix": {"latitude": lat, "longitude": lon, "accuracy_m": accuracy, "timestamp": now.isoformat(),
                    "mocked": mocked}}


def _stored(api, punch_id: str) -> dict:
    with api.engine.connect() as conn:
        row = conn.execute(select(db.punches).where(db.punches.c.id == punch_id)).mappings().first()
    return dict(row) if row else None


def test_genuine_punch_inside_the_fence_is_accepted_clean(api):
    """The enrolled person, inside the fence, on time: accepted with no flags."""
    _shift_now(api)
    _enrol(api, "u-s01")
    selfie = _upload(api, "u-s01", _photo("obama_480p.jpg"))
    turned = _upload(api, "u-s01", _photo("obama_2.jpg"))  # the head turned: a live person
    r = push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, frames=[turned], punch_id="pu-ok"),
                                     age_s=1)])
    assert r.json()["results"][0]["status"] == "applied", r.json()
    row = _stored(api, "pu-ok")
    assert row["geofence"] == "inside" and row["face"] == "matched" and json.loads(row["flags"]) == []


def test_tampered_location_is_flagged(api):
    """A device claiming 'inside' with a fix 2 km away is recorded, flagged outside + disagreement."""
    _shift_now(api)
    r = push(api, "u-s01", [mutation(1, "punch.record",
                                     _punch(lat=CWB[0] + 0.02, punch_id="pu-far", method="pin", device_face="not_used"),
                                     age_s=1)])
    assert r.json()["results"][0]["status"] == "applied"
    flags = json.loads(_stored(api, "pu-far")["flags"])
    assert "outside" in flags and "geofence_disagrees" in flags


def test_another_persons_selfie_is_flagged(api):
    """Biden's selfie on Obama's enrolment: face_mismatch, and the device's 'matched' is contradicted."""
    _shift_now(api)
    _enrol(api, "u-s01")
    selfie = _upload(api, "u-s01", _photo("biden_1.jpg"))
    push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id="pu-imp"), age_s=1)])
    row = _stored(api, "pu-imp")
    assert row["face"] == "mismatch"
    assert {"face_mismatch", "face_disagrees"} <= set(json.loads(row["flags"]))


def test_replayed_selfie_and_mocked_gps_are_flagged(api):
    """The same selfie sent twice is a replay; a mocked fix is flagged mocked_gps; one photo, no liveness."""
    _shift_now(api)
    _enrol(api, "u-s01")
    selfie = _upload(api, "u-s01", _photo("obama_480p.jpg"))
    push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id="pu-1"), age_s=2),
                        mutation(2, "punch.record", _punch("clock_out", selfie=selfie, mocked=True,
                                                            punch_id="pu-2"), age_s=1)])
    flags = set(json.loads(_stored(api, "pu-2")["flags"]))
    assert {"replay", "mocked_gps", "no_liveness"} <= flags


def test_shift_rules_reject_double_clock_in_and_too_early(api):
    """Clocking in twice is refused; so is clocking in hours before the shift opens."""
    _shift_now(api)
    res = push(api, "u-s01", [
        mutation(1, "punch.record", _punch(method="pin", device_face="not_used", punch_id="pu-a"), age_s=2),
        mutation(2, "punch.record", _punch(method="pin", device_face="not_used", punch_id="pu-b"), age_s=1),
    ]).json()["results"]
    assert res[0]["status"] == "applied"
    assert (res[1]["status"], res[1]["reason"]) == ("rejected", "already_clocked_in")
    _shift_now(api, "u-s02", starts_in=timedelta(hours=5))
    early = push(api, "u-s02", [mutation(1, "punch.record", _punch(method="pin", device_face="not_used",
                                                                   user_id="u-s02", punch_id="pu-early"),
                                         age_s=1)], device_id="dev-push-0002").json()["results"][0]
    assert (early["status"], early["reason"]) == ("rejected", "too_early")


def test_without_consent_no_biometrics_and_pin_punch_needs_a_manager(api):
    """No consent: a PIN punch waits for the store manager, who confirms it."""
    _shift_now(api)
    push(api, "u-s01", [mutation(1, "punch.record", _punch(method="pin", device_face="not_used",
                                                          punch_id="pu-pin"), age_s=1)])
    assert _stored(api, "pu-pin")["status"] == "awaiting_confirmation"
    r = push(api, "u-sm-cwb", [mutation(1, "punch.confirm", {"punch_id": "pu-pin"}, age_s=1)],
             device_id="dev-mgr-0001").json()["results"][0]
    assert r["status"] == "applied"
    assert _stored(api, "pu-pin")["status"] == "accepted"
    mine = push(api, "u-s01", [mutation(2, "punch.confirm", {"punch_id": "pu-pin"}, age_s=1)]).json()["results"][0]
    assert (mine["status"], mine["reason"]) == ("rejected", "forbidden_role")


def test_enrolment_refuses_bad_photos_with_specific_codes(api):
    """Enrolment needs consent, and refuses a two-face photo naming the problem."""
    h = bearer(api, "u-s02")
    files = [("photos", (n, _photo(n), "image/jpeg")) for n in ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")]
    assert api.post("/v1/face/enrol", files=files, headers=h).json()["code"] == "consent_required"
    api.post("/v1/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION}, headers=h)
    files[1] = ("photos", ("g.jpg", _photo("group_two_people.jpg"), "image/jpeg"))
    r = api.post("/v1/face/enrol", files=files, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "several_faces"


def test_withdrawal_and_erasure_remove_face_data(api):
    """Withdrawing consent deletes the embedding; erasure deletes selfies and consent records."""
    _shift_now(api)
    _enrol(api, "u-s01")
    selfie = _upload(api, "u-s01", _photo("obama_480p.jpg"))
    push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id="pu-e"), age_s=1)])
    settings = api.app.state.settings
    assert (settings.photo_dir / selfie).exists()
    h = bearer(api, "u-s01")
    status = api.post("/v1/face/consent", json={"granted": False, "text_version": CONSENT_TEXT_VERSION},
                      headers=h).json()
    assert status == {"consented": False, "enrolled": False, "consent_text_version": CONSENT_TEXT_VERSION}
    assert api.post("/v1/staff/u-s01/erase-biometrics", headers=bearer(api, "u-s02")).status_code == 403
    out = api.post("/v1/staff/u-s01/erase-biometrics", headers=bearer(api, "u-hq")).json()
    assert out["selfies"] == 1 and out["consent_records"] == 2
    assert not (settings.photo_dir / selfie).exists()
    assert _stored(api, "pu-e")["selfie_sha256"] is None


def test_selfies_are_purged_after_the_retention_period(api):
    """The purge job deletes selfies older than selfie_retention_days, keeps the punch."""
    _shift_now(api)
    _enrol(api, "u-s01")
    selfie = _upload(api, "u-s01", _photo("obama_480p.jpg"))
    push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id="pu-old"), age_s=1)])
    settings, engine = api.app.state.settings, api.app.state.engine
    assert purge_selfies(engine, settings) == 0  # still within 30 days
    assert purge_selfies(engine, settings, now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert not (settings.photo_dir / selfie).exists()
    assert _stored(api, "pu-old")["kind"] == "clock_in"


def test_kiosk_identifies_enrolled_staff_and_records_their_punch(api):
    """The store tablet finds who is in front of it (1:N), then records the punch for them."""
    _shift_now(api)
    _enrol(api, "u-s01")
    mgr = bearer(api, "u-sm-cwb", "dev-kiosk-0001")
    found = api.post("/v1/kiosk/st-cwb/identify", headers=mgr,
                     files={"photo": ("s.jpg", _photo("obama_480p.jpg"), "image/jpeg")}).json()
    assert found["matched"] and found["user_id"] == "u-s01" and "Chan Tai Man" in found["name"]
    stranger = api.post("/v1/kiosk/st-cwb/identify", headers=mgr,
                        files={"photo": ("s.jpg", _photo("biden_1.jpg"), "image/jpeg")}).json()
    assert stranger["matched"] is False
    staff = api.post("/v1/kiosk/st-cwb/identify", headers=bearer(api, "u-s02"),
                     files={"photo": ("s.jpg", _photo("obama_480p.jpg"), "image/jpeg")})
    assert staff.status_code == 403
    selfie = _upload(api, "u-sm-cwb", _photo("obama_480p.jpg"))
    r = push(api, "u-sm-cwb", [mutation(1, "punch.record", _punch(selfie=selfie, method="kiosk", punch_id="pu-k"),
                                        age_s=1)], device_id="dev-kiosk-0001").json()["results"][0]
    assert r["status"] == "applied", r
    row = _stored(api, "pu-k")
    assert (row["user_id"], row["face"], row["recorded_by"]) == ("u-s01", "matched", "u-sm-cwb")


def test_kiosk_pin_path_for_staff_without_face_check(api):
    """At the kiosk, staff number + PIN identifies someone; a wrong PIN is refused."""
    mgr = bearer(api, "u-sm-cwb", "dev-kiosk-0001")
    ok = api.post("/v1/kiosk/st-cwb/pin", json={"staff_no": "S3002", "pin": "2222"}, headers=mgr).json()
    assert ok["user_id"] == "u-s02"
    bad = api.post("/v1/kiosk/st-cwb/pin", json={"staff_no": "S3002", "pin": "9999"}, headers=mgr)
    assert bad.status_code == 401 and bad.json()["code"] == "invalid_credentials"
    elsewhere = api.post("/v1/kiosk/st-cwb/pin", json={"staff_no": "S3003", "pin": "3333"}, headers=mgr)
    assert elsewhere.status_code == 403  # works at Mong Kok, not here (said after the right PIN)
    assert elsewhere.json()["code"] == "not_at_this_store"
