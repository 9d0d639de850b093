"""Received photos are decoded and size-checked before anything is kept (upload, enrolment,
kiosk identify), and abandoned partial uploads expire."""

import io
import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.conftest import seeded_api
from tests.test_api_photos import bearer, head, image, put, sha, stored
from tests.test_api_punches import _enrol, _photo


def bomb_png(side: int = 7999) -> bytes:
    """A few KB of PNG that declares side x side pixels (64 MP at 7999: ~1 GB once decoded)."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = image("JPEG", size=64, noise=True)
    return data[: len(data) // 2]


BAD = {
    "bomb": (bomb_png, 422, "image_too_large"),
    # 400 MP: past Pillow's own bomb limit, which refuses it inside Image.open, before our check.
    "huge-bomb": (lambda: bomb_png(20000), 422, "image_too_large"),
    "truncated-jpeg": (truncated_jpeg, 422, "image_corrupt"),
    "png-magic-garbage": (lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(3000), 422, "image_corrupt"),
    "jpeg-magic-garbage": (lambda: b"\xff\xd8\xff\xe0" + os.urandom(3000), 422, "image_corrupt"),
    "gif": (lambda: image("GIF"), 415, "unsupported_media_type"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_photo_is_refused_when_received_and_nothing_kept(api, case):
    """A decompression bomb, a truncated JPEG or garbage behind image magic bytes is refused at upload; nothing is stored."""
    make, status, code = BAD[case]
    data = make()
    resp = put(api, data)
    assert (resp.status_code, resp.json()["code"]) == (status, code), resp.text
    assert stored(api) == ([], [])
    assert head(api, sha(data)).headers["Upload-Offset"] == "0"


def test_a_bad_photo_sent_in_chunks_is_refused_when_complete_and_nothing_kept(api):
    """A resumable upload whose assembled bytes are garbage behind PNG magic is refused at its last chunk; no part is left."""
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(4000)
    total = len(data)
    first = put(api, data[:2000], sha(data), **{"Content-Range": f"bytes 0-1999/{total}"})
    assert first.status_code == 202
    last = put(api, data[2000:], sha(data), **{"Content-Range": f"bytes 2000-{total - 1}/{total}"})
    assert (last.status_code, last.json()["code"]) == (422, "image_corrupt")
    assert stored(api) == ([], [])


def test_a_photo_with_a_large_but_real_size_is_accepted(api):
    """A real 4000x3000 JPEG (a 12 MP phone photo) still uploads."""
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 120, 200)).save(out, format="JPEG", quality=70)
    assert put(api, out.getvalue()).status_code == 201


def _consent(api, user_id: str) -> dict:
    headers = bearer(api, user_id)
    api.post("/v1/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION}, headers=headers)
    return headers


@pytest.mark.parametrize("case", ["bomb", "png-magic-garbage", "gif"])
def test_enrolment_refuses_a_bad_photo_with_the_upload_codes(api, case):
    """Enrolment refuses a bomb, garbage or a GIF with the same codes as an upload, before any face work."""
    make, status, code = BAD[case]
    photos = (_photo("obama_1.jpg"), make(), _photo("obama_3.jpg"))
    started = time.monotonic()
    resp = api.post("/v1/face/enrol", headers=_consent(api, "u-s02"),
                    files=[("photos", (f"{i}.jpg", blob, "image/jpeg")) for i, blob in enumerate(photos)])
    assert (resp.status_code, resp.json()["code"]) == (status, code), resp.text
    assert time.monotonic() - started < 2  # refused before any face work
    assert api.get("/v1/face/status", headers=bearer(api, "u-s02")).json()["enrolled"] is False


def test_kiosk_identify_refuses_a_bomb_and_skips_the_photo_when_nobody_is_enrolled(api):
    """With nobody enrolled the kiosk answers 'no match' without reading the photo; once someone is, a bomb is 422."""
    mgr = bearer(api, "u-sm-cwb")
    files = {"photo": ("s.png", bomb_png(), "image/png")}
    empty = api.post("/v1/kiosk/st-cwb/identify", headers=mgr, files=files)
    assert (empty.status_code, empty.json()) == (200, {"matched": False, "user_id": None, "name": None,
                                                       "distance": None})
    _enrol(api, "u-s01")
    refused = api.post("/v1/kiosk/st-cwb/identify", headers=mgr, files=files)
    assert (refused.status_code, refused.json()["code"]) == (422, "image_too_large")
    garbage = api.post("/v1/kiosk/st-cwb/identify", headers=mgr,
                       files={"photo": ("s.jpg", truncated_jpeg(), "image/jpeg")})
    assert (garbage.status_code, garbage.json()["code"]) == (422, "image_corrupt")


def test_abandoned_partial_uploads_expire_after_a_day(api):
    """A partial upload untouched for 24 h is deleted by the clean-up job (its offset is 0 again); a recent one stays."""
    from backend_stub.services.uploads import expire_partial_uploads

    settings = api.app.state.settings
    old, fresh = image("PNG", size=40, noise=True), image("PNG", size=41, noise=True)
    for data in (old, fresh):
        assert put(api, data[:500], sha(data), **{"Content-Range": f"bytes 0-499/{len(data)}"}).status_code == 202
    stale = time.time() - 25 * 3600
    [old_part] = settings.photo_dir.glob(f"{sha(old)}.*.part")
    os.utime(old_part, (stale, stale))
    assert expire_partial_uploads(settings) == 1
    assert head(api, sha(old)).headers["Upload-Offset"] == "0"
    assert head(api, sha(fresh)).headers["Upload-Offset"] == "500"
    assert expire_partial_uploads(settings, now=datetime.now(UTC) + timedelta(hours=25)) == 1
    assert list(settings.photo_dir.iterdir()) == []


def test_the_servers_periodic_job_expires_abandoned_partial_uploads(settings, seeded_template):
    """The server's periodic job (it runs at start, then hourly) deletes a partial upload abandoned for a day."""
    abandoned = settings.photo_dir / f"{'a' * 64}.0123456789abcdef.part"
    recent = settings.photo_dir / f"{'b' * 64}.0123456789abcdef.part"
    for part in (abandoned, recent):
        part.write_bytes(b"\x89PNG\r\n\x1a\n")
    stale = time.time() - 25 * 3600
    os.utime(abandoned, (stale, stale))
    for api in seeded_api(settings, seeded_template):  # the app starts: its lifespan starts the job
        deadline = time.monotonic() + 10
        while abandoned.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not abandoned.exists()
        assert recent.exists()
        assert api.get("/v1/health").status_code == 200


def test_an_upload_no_record_ever_cites_is_purged_after_the_retention_period(api):
    """A selfie uploaded but never cited (its punch was rejected) is deleted with the expired selfies; a cited task photo stays."""
    from backend_stub.services.biometrics import purge_selfies

    from tests.test_api_scope import _complete_task_with_photo

    orphan = sha(image("PNG", size=22, noise=True))
    put(api, image("PNG", size=22, noise=True))
    task_photo = _complete_task_with_photo(api)
    settings, engine = api.app.state.settings, api.app.state.engine
    assert purge_selfies(engine, settings) == 0  # within the retention period
    later = datetime.now(UTC) + timedelta(days=settings.selfie_retention_days + 1)
    assert purge_selfies(engine, settings, now=later) == 1
    assert not (settings.photo_dir / orphan).exists()
    assert (settings.photo_dir / task_photo).exists()
    rows, _ = stored(api)
    assert [r["sha256"] for r in rows] == [task_photo]
