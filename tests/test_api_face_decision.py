"""Device and server take the same face decision on the same selfie; what cannot be judged is never a mismatch."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.i18n import Translator
from app.i18n.flags import flag_words
from app.store import DeviceStore, face_profile
from app.ui.capture import CaptureError
from app.ui.context import AppContext
from app.ui.screens.clock import verify_on_device
from backend_stub import db
from backend_stub.engine import make_engine
from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests import face_conditions as fc
from tests.face_fixtures import photo
from tests.servers import ApiServer
from tests.test_api_punches import _punch, _shift_now, _stored, _upload
from tests.test_api_push import BOOT, SENT_MONO, bearer, mutation, push

ENROL = ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")
FACE_FLAGS = {"face_mismatch", "face_retry", "face_unchecked", "face_disagrees"}


def _enrol(post, headers: dict) -> list:
    """Consent and enrol Obama's three photos; the embeddings the device keeps."""
    assert post("/v1/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION},
                headers=headers).json()["consented"]
    r = post("/v1/face/enrol", files=[("photos", (n, photo(n), "image/jpeg")) for n in ENROL], headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["embeddings"]


def _device_verdict(tmp_path: Path, embeddings: list, selfie: bytes) -> str:
    """What the clock screen's face step says on a device holding ``embeddings``: its result or its message."""
    store = DeviceStore(tmp_path / "device.db")
    try:
        face_profile.save(store, "u-s01", consented=True, version=CONSENT_TEXT_VERSION, embeddings=embeddings)
        ctx = AppContext(page=None, config=None, store=store, api=None, tr=Translator("en"),
                         user={"id": "u-s01", "role": "staff", "store_ids": ["st-cwb"]})
        try:
            return verify_on_device(ctx, [selfie])
        except CaptureError as exc:
            return str(exc)
    finally:
        store.close()


CASES = {
    # name: (selfie, the device's answer, the server's face column, the face flags a manager sees)
    "arm's length genuine": (lambda: fc.selfie("obama_480p.jpg", 70), "matched", "matched", set()),
    "too small to judge": (lambda: fc.selfie("obama_480p.jpg", 40),
                           "Your face is too small. Hold the phone closer.", "retry", {"face_retry"}),
    "someone else": (lambda: fc.selfie("biden_1.jpg", 70),
                     "This face does not match your enrolment. Try again, or ask your manager.", "mismatch",
                     {"face_mismatch"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_device_and_server_decide_the_same_on_the_same_selfie(api, tmp_path, case):
    """The clock screen's face step and the server's re-check of the pushed selfie agree; a retry is no mismatch."""
    make, device_says, server_face, server_flags = CASES[case]
    selfie = make()
    embeddings = _enrol(api.post, bearer(api, "u-s01"))
    assert _device_verdict(tmp_path, embeddings, selfie) == device_says
    _shift_now(api)
    sha = _upload(api, "u-s01", selfie)
    # A phone build without dlib sends "pending": the server alone decides, with the same function.
    r = push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=sha, device_face="pending",
                                                               punch_id="pu-same"), age_s=1)])
    assert r.json()["results"][0]["status"] == "applied", r.json()
    row = _stored(api, "pu-same")
    assert row["face"] == server_face
    assert set(json.loads(row["flags"])) & FACE_FLAGS == server_flags


def _login(url: str, staff_no: str = "S3001", pin: str = "1111", device_id: str = "dev-face-nodlib") -> dict:
    r = httpx.post(f"{url}/v1/auth/login", json={"staff_no": staff_no, "pin": pin, "device_id": device_id})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_server_without_face_engine_flags_face_unchecked_not_mismatch(tmp_path):
    """A real server whose face engine cannot load records the punch as 'face not checked', never as a mismatch.

    Its kiosk and enrolment answer 'face check unavailable' (503) instead of 'no face' or an internal error.
    """
    srv = ApiServer(tmp_path / "api").start()
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as client:
            _enrol(client.post, _login(srv.url))
        now = datetime.now(UTC)
        with make_engine(srv.db_url).begin() as conn:
            conn.execute(db.shifts.delete().where(db.shifts.c.user_id == "u-s01"))
            conn.execute(db.shifts.insert().values(id="sh-nodlib", store_id="st-cwb", user_id="u-s01",
                                                   starts_at=now + timedelta(minutes=10),
                                                   ends_at=now + timedelta(hours=8), position="Sales"))
        srv.restart_without_face_engine(tmp_path / "no_dlib")
        selfie = fc.selfie("obama_480p.jpg", 120)
        sha = hashlib.sha256(selfie).hexdigest()
        headers = _login(srv.url)
        with httpx.Client(base_url=srv.url, timeout=120) as client:
            assert client.put(f"/v1/photos/{sha}", content=selfie, headers=headers).status_code in (200, 201)
            body = {"device_id": "dev-face-nodlib",
                    "sent": {"device_time": datetime.now(UTC).isoformat(), "monotonic_ms": SENT_MONO,
                             "boot_id": BOOT},
                    "mutations": [mutation(1, "punch.record", _punch(selfie=sha, device_face="matched",
                                                                     punch_id="pu-nodlib"), age_s=1)]}
            r = client.post("/v1/sync/push", json=body, headers=headers)
        assert r.json()["results"][0]["status"] == "applied", r.json()
        with make_engine(srv.db_url).connect() as conn:
            row = conn.execute(select(db.punches).where(db.punches.c.id == "pu-nodlib")).mappings().one()
        flags = json.loads(row["flags"]) if isinstance(row["flags"], str) else row["flags"]
        assert row["face"] == "unchecked"
        assert "face_unchecked" in flags and "face_mismatch" not in flags and "face_disagrees" not in flags
        # The manager reads it in words, in their language.
        assert flag_words(Translator("zh_Hant_HK"), ["face_unchecked"]) == ["未作面部核對"]
        # The kiosk and enrolment say the face check is unavailable (the PIN path still works), not "no face".
        kiosk = httpx.post(f"{srv.url}/v1/kiosk/st-cwb/identify", timeout=120,
                           headers=_login(srv.url, "M2001", "7100", "dev-face-nodlib-k"),
                           files={"photo": ("s.jpg", selfie, "image/jpeg")})
        assert (kiosk.status_code, kiosk.json()["code"]) == (503, "face_engine_unavailable")
        again = httpx.post(f"{srv.url}/v1/face/enrol", headers=headers, timeout=120,
                           files=[("photos", (n, photo(n), "image/jpeg")) for n in ENROL])
        assert (again.status_code, again.json()["code"]) == (503, "face_engine_unavailable")
    finally:
        srv.stop()
