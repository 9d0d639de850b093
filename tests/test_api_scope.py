"""Who may act on what: photos cite only their uploader's uploads, erasure removes only the
person's own data, managers act only on people of their stores, photos are read in scope."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from backend_stub import db
from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.test_api_photos import image, sha
from tests.test_api_punches import _punch, _shift_now, _stored
from tests.test_api_push import bearer, mutation, push


def _upload(api, user_id: str, data: bytes) -> str:
    resp = api.put(f"/v1/photos/{sha(data)}", content=data, headers=bearer(api, user_id, f"dev-{user_id}"))
    assert resp.status_code in (200, 201), resp.text
    return sha(data)


def _consent(api, user_id: str) -> None:
    resp = api.post("/v1/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION},
                    headers=bearer(api, user_id, f"dev-{user_id}"))
    assert resp.json()["consented"]


def _complete_task_with_photo(api, user_id: str = "u-s02", task_id: str = "tk-0002") -> str:
    photo = _upload(api, user_id, image("JPEG", size=32, noise=True))
    done = push(api, user_id, [mutation(1, "task.complete", {
        "task_id": task_id, "user_id": user_id, "completed_at": datetime.now(UTC).isoformat(),
        "photo_sha256": photo})], device_id=f"dev-{user_id}").json()["results"][0]
    assert done["status"] == "applied", done
    return photo


def _get(api, user_id: str, address: str):
    return api.get(f"/v1/photos/{address}", headers=bearer(api, user_id, f"dev-{user_id}"))


def test_a_punch_citing_a_colleagues_task_photo_is_rejected_and_erasure_keeps_it(api):
    """A staff member's punch citing a colleague's task photo (seen in a pull) is rejected; their erasure leaves it."""
    photo = _complete_task_with_photo(api)
    _shift_now(api)
    _consent(api, "u-s01")
    result = push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=photo, punch_id="pu-steal"),
                                          age_s=1)]).json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "photo_not_yours")
    assert _stored(api, "pu-steal") is None
    frames = push(api, "u-s01", [mutation(2, "punch.record", _punch(
        method="pin", device_face="not_used", frames=[photo], punch_id="pu-steal-2"), age_s=1)]).json()["results"][0]
    assert (frames["status"], frames["reason"]) == ("rejected", "photo_not_yours")
    task = push(api, "u-s01", [mutation(3, "task.complete", {
        "task_id": "tk-0003", "user_id": "u-s01", "completed_at": datetime.now(UTC).isoformat(),
        "photo_sha256": photo})]).json()["results"][0]
    assert (task["status"], task["reason"]) == ("rejected", "photo_not_yours")

    erased = api.post("/v1/staff/u-s01/erase-biometrics", headers=bearer(api, "u-s01"))
    assert erased.status_code == 200, erased.text
    assert erased.json()["selfies"] == 0
    assert _get(api, "u-sm-cwb", photo).status_code == 200  # the task photo is still there
    assert (api.app.state.settings.photo_dir / photo).exists()


def test_erasure_never_deletes_a_photo_another_persons_record_uses(api):
    """Even when an old record already cites someone else's photo, erasing that person keeps the photo."""
    photo = _complete_task_with_photo(api)
    mine = _upload(api, "u-s01", image("PNG", size=24, noise=True))
    unused = _upload(api, "u-s01", image("PNG", size=20, noise=True))  # a selfie never cited
    now = datetime.now(UTC)
    with api.engine.begin() as conn:  # a record written before records were checked
        for punch_id, selfie in (("pu-old-1", photo), ("pu-old-2", mine)):
            conn.execute(db.punches.insert().values(
                id=punch_id, user_id="u-s01", store_id="st-cwb", kind="clock_in", method="face", at=now,
                device_time=now, received_at=now, selfie_sha256=selfie, frame_sha256s=json.dumps([photo]),
                recorded_by="u-s01"))
    out = api.post("/v1/staff/u-s01/erase-biometrics", headers=bearer(api, "u-hq")).json()
    photo_dir = api.app.state.settings.photo_dir
    assert out["selfies"] == 2  # their own selfie and their unused upload
    assert not (photo_dir / mine).exists() and not (photo_dir / unused).exists()
    assert (photo_dir / photo).exists()
    assert _get(api, "u-s02", photo).status_code == 200
    assert _stored(api, "pu-old-1")["selfie_sha256"] is None  # their record no longer points at it


def test_kiosk_punch_cites_the_kiosk_managers_upload_not_anothers(api):
    """At the kiosk the signed-in manager's upload may be cited for a punch; a staff member's upload may not."""
    _shift_now(api)
    staff_photo = _upload(api, "u-s02", image("JPEG", size=30, noise=True))
    kiosk = "dev-kiosk-0001"
    refused = push(api, "u-sm-cwb", [mutation(1, "punch.record", _punch(
        selfie=staff_photo, method="kiosk", punch_id="pu-k1"), age_s=1)], device_id=kiosk).json()["results"][0]
    assert (refused["status"], refused["reason"]) == ("rejected", "photo_not_yours")
    own = _upload(api, "u-sm-cwb", image("JPEG", size=31, noise=True))
    ok = push(api, "u-sm-cwb", [mutation(2, "punch.record", _punch(
        selfie=own, method="kiosk", punch_id="pu-k2"), age_s=1)], device_id=kiosk).json()["results"][0]
    assert ok["status"] == "applied", ok


def _kiosk_punch(user_id: str, store: str, punch_id: str) -> dict:
    return {**_punch(method="kiosk", device_face="not_used", punch_id=punch_id, user_id=user_id), "store_id": store}


@pytest.mark.parametrize(("subject", "expected"), [("u-s05", "rejected"), ("u-hq", "rejected"),
                                                   ("u-sm-tst", "rejected"), ("u-s06", "applied")],
                         ids=["tst-staff", "hq-admin", "tst-manager", "staff-of-both"])
def test_kiosk_punch_is_only_for_people_of_that_store(api, subject, expected):
    """The MK kiosk records punches only for people who work at MK, never for TST staff or the HQ admin."""
    _shift_now(api, subject, store="st-mk")
    result = push(api, "u-sm-mk", [mutation(1, "punch.record", _kiosk_punch(subject, "st-mk", "pu-mk"),
                                            age_s=1)], device_id="dev-kiosk-mk01").json()["results"][0]
    assert result["status"] == expected, result
    if expected == "rejected":
        assert result["reason"] == "forbidden_role"
        assert _stored(api, "pu-mk") is None


def _correction(user_id: str, store: str, correction_id: str, shift_id: str | None = None) -> dict:
    return {"correction_id": correction_id, "user_id": user_id, "store_id": store, "shift_id": shift_id,
            "kind": "clock_out", "at": datetime.now(UTC).isoformat(), "reason": "Forgot to clock out"}


@pytest.mark.parametrize(("manager", "subject", "store", "expected"), [
    ("u-sm-cwb", "u-s03", "st-cwb", "rejected"),   # MK staff filed under CWB
    ("u-am-hk", "u-s03", "st-cwb", "rejected"),    # an area manager of CWB, still not MK staff
    ("u-sm-cwb", "u-hq", "st-cwb", "rejected"),    # the HQ admin works at no store
    ("u-sm-cwb", "u-sm-cwb", "st-cwb", "rejected"),  # their own punch: someone above must fix it
    ("u-sm-cwb", "u-s01", "st-cwb", "applied"),
    ("u-am-kln", "u-s06", "st-tst", "applied"),
], ids=["mk-staff-under-cwb", "area-mgr-other-area", "hq-admin", "own-punch", "own-staff", "area-mgr"])
def test_punch_correction_only_for_people_of_the_managers_store(api, manager, subject, store, expected):
    """A manager corrects punches only of people who work at a store the manager runs (and not their own)."""
    result = push(api, manager, [mutation(1, "punch.correct", _correction(subject, store, "pc-1"), age_s=1)],
                  device_id=f"dev-{manager}").json()["results"][0]
    assert result["status"] == expected, result
    with api.engine.connect() as conn:
        saved = conn.execute(select(db.punch_corrections.c.id)).scalars().all()
    assert saved == ([] if expected == "rejected" else ["pc-1"])


def test_punch_correction_names_a_shift_of_that_person_and_store(api):
    """A correction naming another person's (or another store's) shift is rejected."""
    other = _shift_now(api, "u-s02")
    result = push(api, "u-sm-cwb", [mutation(1, "punch.correct", _correction("u-s01", "st-cwb", "pc-2", other),
                                             age_s=1)], device_id="dev-mgr-0001").json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "not_found")
    mine = _shift_now(api, "u-s01")
    ok = push(api, "u-sm-cwb", [mutation(2, "punch.correct", _correction("u-s01", "st-cwb", "pc-3", mine),
                                         age_s=1)], device_id="dev-mgr-0001").json()["results"][0]
    assert ok["status"] == "applied", ok


def test_photo_is_read_by_uploader_and_managers_of_the_citing_record_only(api):
    """A selfie is readable by its uploader, the managers of the punch's store and HQ; HEAD hides it from others."""
    _shift_now(api)
    _consent(api, "u-s01")
    selfie = _upload(api, "u-s01", image("JPEG", size=33, noise=True))
    applied = push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id="pu-read"),
                                           age_s=1)]).json()["results"][0]
    assert applied["status"] == "applied", applied
    readers = {u: _get(api, u, selfie).status_code for u in
               ("u-s01", "u-sm-cwb", "u-am-hk", "u-hq", "u-s02", "u-sm-mk", "u-am-kln")}
    assert readers == {"u-s01": 200, "u-sm-cwb": 200, "u-am-hk": 200, "u-hq": 200,
                       "u-s02": 404, "u-sm-mk": 404, "u-am-kln": 404}
    for user_id, status in readers.items():
        probe = api.head(f"/v1/photos/{selfie}", headers=bearer(api, user_id, f"dev-{user_id}"))
        assert probe.status_code == status, user_id
        if status == 404:
            assert probe.headers["Upload-Offset"] == "0"


def test_an_uncited_upload_is_private_to_its_uploader(api):
    """A photo no record cites yet is the uploader's alone: even their own store manager cannot read it."""
    photo = _upload(api, "u-s01", image("PNG", size=21, noise=True))
    assert _get(api, "u-s01", photo).status_code == 200
    assert _get(api, "u-sm-cwb", photo).status_code == 404
    assert _get(api, "u-hq", photo).status_code == 200


def test_head_reports_a_partial_upload_only_to_its_uploader(api):
    """HEAD gives the resume offset of one's own partial upload; to anyone else the photo is simply absent."""
    data = image("PNG", size=40, noise=True)
    address, total = sha(data), len(data)
    first = api.put(f"/v1/photos/{address}", content=data[:100], headers={
        **bearer(api, "u-s01", "dev-u-s01"), "Content-Range": f"bytes 0-99/{total}"})
    assert first.status_code == 202, first.text
    mine = api.head(f"/v1/photos/{address}", headers=bearer(api, "u-s01", "dev-u-s01"))
    theirs = api.head(f"/v1/photos/{address}", headers=bearer(api, "u-s02", "dev-u-s02"))
    assert (mine.status_code, mine.headers["Upload-Offset"]) == (404, "100")
    assert (theirs.status_code, theirs.headers["Upload-Offset"]) == (404, "0")
    rest = api.put(f"/v1/photos/{address}", content=data[100:], headers={
        **bearer(api, "u-s01", "dev-u-s01"), "Content-Range": f"bytes 100-{total - 1}/{total}"})
    assert rest.status_code == 201, rest.text
    assert _get(api, "u-s01", address).content == data


def test_a_note_names_only_a_shift_of_its_own_store(api):
    """A hand-over note about another store's shift is rejected; one about a shift of its store applies."""
    mk_shift = _shift_now(api, "u-s03", store="st-mk")
    cwb_shift = _shift_now(api, "u-s02")
    results = push(api, "u-s01", [
        mutation(1, "note.add", {"note_id": "n-mk", "user_id": "u-s01", "store_id": "st-cwb",
                                 "body": "About MK", "shift_id": mk_shift}),
        mutation(2, "note.add", {"note_id": "n-cwb", "user_id": "u-s01", "store_id": "st-cwb",
                                 "body": "About CWB", "shift_id": cwb_shift}),
    ]).json()["results"]
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "not_found"), ("applied", None)]


def test_a_served_photo_is_never_sniffed_as_anything_but_its_image_type(api):
    """GET of a photo names its checked image type and forbids browsers to sniff another
    (a file with extra bytes after the image must never run as a page or script)."""
    photo = _upload(api, "u-s01", image("PNG", size=21, noise=True))
    served = _get(api, "u-s01", photo)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
