"""API photos (/v1/photos/{sha256}): content-addressed, repeatable, resumable, checked uploads."""

import hashlib
import io
import random
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from PIL import Image
from sqlalchemy import select

from backend_stub import db
from backend_stub.settings import Settings
from tests.conftest import seeded_api
from tests.tokens import session_bearer


@pytest.fixture
def small_api(tmp_path, seeded_template):
    """The API with a 2 KiB photo limit."""
    settings = Settings(data_dir=tmp_path / "small", jwt_secret="test-secret-" + "x" * 40,
                        max_photo_bytes=2048)
    yield from seeded_api(settings, seeded_template)


def bearer(api, user_id: str = "u-s01") -> dict[str, str]:
    """An access token exactly as /auth/login issues it (login is pinned in test_api_auth)."""
    return session_bearer(api, user_id, f"dev-{user_id}")


def image(fmt: str, size: int = 8, noise: bool = False) -> bytes:
    """A small real image; ``noise`` makes it incompressible (size**2 * 3 bytes or more)."""
    if noise:
        img = Image.frombytes("RGB", (size, size), random.Random(size).randbytes(size * size * 3))
    else:
        img = Image.new("RGB", (size, size), (200, 30, 30))
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(api, data: bytes, address: str | None = None, *, user_id: str = "u-s01", **headers):
    return api.put(f"/v1/photos/{address or sha(data)}", content=data,
                   headers={**bearer(api, user_id), **headers})


def head(api, address: str):
    return api.head(f"/v1/photos/{address}", headers=bearer(api))


def stored(api) -> tuple[list[dict], list[str]]:
    """Photo rows in the database and files in the photo directory."""
    with api.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(db.photos)).mappings()]
    photo_dir = api.app.state.settings.photo_dir
    return rows, sorted(p.name for p in photo_dir.iterdir())


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_photo_upload_stores_the_image_under_its_sha256(api, fmt, content_type):
    """A JPEG or PNG PUT to its SHA-256 is stored (201) and can be fetched back byte for byte."""
    data = image(fmt)
    resp = put(api, data, **{"Content-Type": "application/octet-stream"})
    assert resp.status_code == 201, resp.text
    assert head(api, sha(data)).status_code == 200
    got = api.get(f"/v1/photos/{sha(data)}", headers=bearer(api))
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"] == content_type
    rows, files = stored(api)
    assert [(r["sha256"], r["size"], r["content_type"], r["uploaded_by"]) for r in rows] == [
        (sha(data), len(data), content_type, "u-s01")]
    assert files == [sha(data)]


def test_repeated_upload_keeps_a_single_copy(api):
    """Uploading the same photo again (a retry) answers OK and stores no second copy."""
    data = image("PNG")
    assert put(api, data).status_code == 201
    again = put(api, data)
    assert again.status_code == 200
    assert put(api, data, user_id="u-s02").status_code == 200
    rows, files = stored(api)
    assert len(rows) == 1 and rows[0]["uploaded_by"] == "u-s01"
    assert files == [sha(data)]


def test_interrupted_upload_resumes_from_the_reported_offset(api):
    """A chunked upload cut off midway resumes from HEAD's Upload-Offset and ends with the whole photo."""
    data = image("PNG", size=40, noise=True)
    total, address = len(data), sha(data)
    third = total // 3
    assert head(api, address).headers["Upload-Offset"] == "0"

    first = put(api, data[:third], address, **{"Content-Range": f"bytes 0-{third - 1}/{total}"})
    assert first.status_code == 202, first.text
    assert first.headers["Upload-Offset"] == str(third)
    status = head(api, address)
    assert status.status_code == 404
    assert status.headers["Upload-Offset"] == str(third)

    # The response to the next chunk is lost and the device sends it twice: the repeat is refused
    # with the offset to resume from, and nothing is appended twice.
    second = put(api, data[third:2 * third], address,
                 **{"Content-Range": f"bytes {third}-{2 * third - 1}/{total}"})
    assert second.status_code == 202
    repeat = put(api, data[third:2 * third], address,
                 **{"Content-Range": f"bytes {third}-{2 * third - 1}/{total}"})
    assert repeat.status_code == 409
    assert repeat.json()["details"]["upload_offset"] == 2 * third

    offset = int(head(api, address).headers["Upload-Offset"])
    last = put(api, data[offset:], address, **{"Content-Range": f"bytes {offset}-{total - 1}/{total}"})
    assert last.status_code == 201, last.text
    assert head(api, address).status_code == 200
    assert api.get(f"/v1/photos/{address}", headers=bearer(api)).content == data
    rows, files = stored(api)
    assert [(r["size"], r["content_type"]) for r in rows] == [(total, "image/png")]
    assert files == [address]


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 100, b""], ids=["gif", "empty"])
def test_non_image_is_refused_and_nothing_stored(api, data):
    """A body that is not a JPEG/PNG/WebP answers 415, whatever its Content-Type says, and stores nothing
    (issue 11, bcattach: a PDF is a broadcast's file, pinned in test_api_broadcast_attachments)."""
    resp = put(api, data, **{"Content-Type": "image/png"})
    assert resp.status_code == 415
    assert resp.json()["code"] == "unsupported_media_type"
    assert head(api, sha(data)).headers["Upload-Offset"] == "0"
    assert stored(api) == ([], [])


def test_photo_over_the_size_limit_is_refused_and_nothing_stored(small_api):
    """A photo larger than the photo limit answers 413, however it is sent, and stores nothing."""
    data = image("PNG", size=40, noise=True)
    assert len(data) > 2048
    whole = put(small_api, data)
    assert whole.status_code == 413
    assert whole.json()["code"] == "payload_too_large"
    # A small first chunk of a photo declared too large.
    chunk = put(small_api, data[:1000], sha(data), **{"Content-Range": f"bytes 0-999/{len(data)}"})
    assert chunk.status_code == 413
    assert chunk.json()["code"] == "payload_too_large"
    # Streamed without a Content-Length.
    streamed = small_api.put(f"/v1/photos/{sha(data)}", content=iter([data[:1500], data[1500:]]),
                             headers=bearer(small_api))
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413
    assert streamed.json()["code"] == "payload_too_large"
    assert stored(small_api) == ([], [])
    # A photo within the limit is still accepted.
    assert put(small_api, image("PNG")).status_code == 201


def test_bytes_not_matching_the_sha256_are_refused_and_nothing_stored(api):
    """A photo whose bytes do not hash to its address answers 400 hash_mismatch and stores nothing."""
    data, other = image("PNG"), image("JPEG")
    resp = put(api, data, sha(other))
    assert resp.status_code == 400
    assert resp.json()["code"] == "hash_mismatch"
    assert stored(api) == ([], [])
    assert head(api, sha(other)).headers["Upload-Offset"] == "0"
    # The real photo can still be uploaded to that address afterwards.
    assert put(api, other).status_code == 201


@pytest.mark.parametrize("address", ["A" * 64, "abc123", "g" * 64])
def test_photo_address_must_be_a_sha256_hex_digest(api, address):
    """A photo address that is not a lowercase SHA-256 hex digest answers 422 validation_error (the pattern is in the OpenAPI document)."""
    resp = put(api, image("PNG"), address)
    assert resp.status_code == 422
    assert resp.json()["code"] == "validation_error"
    assert stored(api) == ([], [])


def test_photo_is_visible_to_uploader_and_managers_only(api):
    """A colleague cannot fetch someone's photo; the uploader can, and a manager of the store once a record cites it."""
    data = image("JPEG")
    assert put(api, data).status_code == 201
    url = f"/v1/photos/{sha(data)}"
    assert api.get(url, headers=bearer(api, "u-s01")).status_code == 200
    assert api.get(url, headers=bearer(api, "u-sm-cwb")).status_code == 404  # no record cites it yet
    now = datetime.now(UTC).isoformat()
    body = {"device_id": "dev-u-s01", "sent": {"device_time": now, "monotonic_ms": 2000, "boot_id": "b"},
            "mutations": [{"seq": 1, "idempotency_key": str(uuid4()), "type": "task.complete",
                           "payload": {"task_id": "tk-0001", "user_id": "u-s01", "completed_at": now,
                                       "photo_sha256": sha(data)},
                           "clock": {"device_time": now, "monotonic_ms": 1000, "boot_id": "b"}}]}
    assert api.post("/v1/sync/push", json=body, headers=bearer(api)).json()["results"][0]["status"] == "applied"
    assert api.get(url, headers=bearer(api, "u-sm-cwb")).status_code == 200
    refused = api.get(url, headers=bearer(api, "u-s02"))
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"


def test_task_completion_needs_its_photo_uploaded_first(api):
    """Completing a task with a photo that never reached the server is rejected; once uploaded it applies."""
    data = image("JPEG")

    def complete(seq: int) -> dict:
        now = datetime.now(UTC).isoformat()
        body = {"device_id": "dev-u-s01", "sent": {"device_time": now, "monotonic_ms": 2000, "boot_id": "b"},
                "mutations": [{"seq": seq, "idempotency_key": str(uuid4()), "type": "task.complete",
                               "payload": {"task_id": "tk-0002", "user_id": "u-s01", "completed_at": now,
                                           "photo_sha256": sha(data)},
                               "clock": {"device_time": now, "monotonic_ms": 1000, "boot_id": "b"}}]}
        resp = api.post("/v1/sync/push", json=body, headers=bearer(api))
        assert resp.status_code == 200, resp.text
        return resp.json()["results"][0]

    early = complete(1)
    assert (early["status"], early["reason"]) == ("rejected", "invalid_payload")
    assert put(api, data).status_code == 201
    assert complete(2)["status"] == "applied"
    with api.engine.connect() as conn:
        task = conn.execute(select(db.tasks).where(db.tasks.c.id == "tk-0002")).mappings().one()
    assert (task["status"], task["photo_sha256"]) == ("waiting_review", sha(data))  # issue 12: for review
