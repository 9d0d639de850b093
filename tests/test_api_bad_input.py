"""API bad input: malformed/invalid bodies, size limits, the one error body, the OpenAPI document."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from app.protocol import MAX_BATCH
from backend_stub import db
from backend_stub.settings import Settings
from tests.conftest import seeded_api
from tests.tokens import session_bearer

DEVICE = "dev-bad-0001"


@pytest.fixture
def small_api(tmp_path, seeded_template):
    """The API with tight limits: 5 actions a batch, 4 KiB request bodies."""
    settings = Settings(data_dir=tmp_path / "small", jwt_secret="test-secret-" + "x" * 40,
                        max_batch=5, max_body_bytes=4096)
    yield from seeded_api(settings, seeded_template)


def bearer(api, user_id: str = "u-s01", device_id: str = DEVICE) -> dict[str, str]:
    """An access token exactly as /auth/login issues it (login is pinned in test_api_auth)."""
    return session_bearer(api, user_id, device_id)


def note_batch(n: int, *, first_seq: int = 1, body: str = "Hand-over", device_id: str = DEVICE) -> dict:
    now = datetime.now(UTC).isoformat()
    return {"device_id": device_id,
            "sent": {"device_time": now, "monotonic_ms": 100_000, "boot_id": "b"},
            "mutations": [{"seq": first_seq + i, "idempotency_key": str(uuid4()), "type": "note.add",
                           "payload": {"note_id": f"n-{first_seq + i}", "user_id": "u-s01",
                                       "store_id": "st-cwb", "body": body},
                           "clock": {"device_time": now, "monotonic_ms": 99_000, "boot_id": "b"}}
                          for i in range(n)]}


def written(api) -> dict[str, int]:
    """Row counts of everything a push or login could write."""
    bearer(api)  # the test caller's session exists first: only the request under test counts
    with api.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (db.notes, db.mutations, db.changes, db.device_state, db.devices, db.refresh_tokens)}


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.parametrize(("path", "auth"), [("/v1/sync/push", True), ("/v1/auth/login", False)])
def test_malformed_json_is_a_validation_error_naming_the_problem(api, path, auth):
    """A body that is not valid JSON answers 422 validation_error saying it is malformed, and changes nothing."""
    before = written(api)
    resp = api.post(path, content=b'{"device_id": "dev-bad-0001", "sent": {',
                    headers={"Content-Type": "application/json", **(bearer(api) if auth else {})})
    body = assert_error(resp, 422, "validation_error")
    assert any("malformed JSON" in d["problem"] for d in body["details"])
    assert written(api) == before


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


def _with_mutation(**changes) -> dict:
    batch = note_batch(1)
    batch["mutations"][0].update(changes)
    return batch


def _naive_sent() -> dict:
    batch = note_batch(1)
    batch["sent"]["device_time"] = "2026-01-05T09:00:00"
    return batch


@pytest.mark.parametrize(("body", "field"), [
    (_without(note_batch(1), "sent"), "sent"),
    (_without(note_batch(1), "device_id"), "device_id"),
    (_with_mutation(seq=0), "mutations.0.seq"),
    (_with_mutation(idempotency_key="not-a-uuid"), "mutations.0.idempotency_key"),
    (_with_mutation(payload="text"), "mutations.0.payload"),
    (_naive_sent(), "sent.device_time"),
    ({**note_batch(1), "surprise": 1}, "surprise"),
    ({**note_batch(1), "mutations": []}, "mutations"),
], ids=["missing-sent", "missing-device", "seq-zero", "bad-uuid", "payload-not-object", "naive-time",
        "unknown-field", "empty-batch"])
def test_invalid_push_field_is_named_in_the_error(api, body, field):
    """A push with a missing or invalid field answers 422 naming that field, and applies nothing."""
    before = written(api)
    resp = api.post("/v1/sync/push", json=body, headers=bearer(api))
    error = assert_error(resp, 422, "validation_error")
    assert field in error["message"]
    assert field in [d["field"] for d in error["details"]]
    assert written(api) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"staff_no": "S3001", "pin": "12ab", "device_id": "dev-bad-0001"}, "pin"),
    ({"pin": "1111", "device_id": "dev-bad-0001"}, "staff_no"),
    ({"staff_no": "S3001", "pin": "1111", "device_id": "short"}, "device_id"),
], ids=["pin-not-digits", "missing-staff-no", "device-id-too-short"])
def test_invalid_login_field_is_named_in_the_error(api, body, field):
    """A login with a missing or invalid field answers 422 naming that field, and registers nothing."""
    before = written(api)
    error = assert_error(api.post("/v1/auth/login", json=body), 422, "validation_error")
    assert field in error["message"]
    assert written(api) == before


def test_non_consecutive_action_numbers_are_refused(api):
    """A batch whose action numbers skip one is refused whole (400 validation_error), nothing applied."""
    batch = note_batch(3)
    batch["mutations"][2]["seq"] = 4
    before = written(api)
    assert_error(api.post("/v1/sync/push", json=batch, headers=bearer(api)), 400, "validation_error")
    assert written(api) == before


def test_batch_over_the_protocol_maximum_is_refused(api):
    """A batch of more actions than the protocol allows (500) answers 413 payload_too_large, nothing applied."""
    before = written(api)
    resp = api.post("/v1/sync/push", json=note_batch(MAX_BATCH + 1), headers=bearer(api))
    body = assert_error(resp, 413, "payload_too_large")
    assert body["details"]["max_batch"] == MAX_BATCH
    assert written(api) == before


def test_batch_over_configured_max_batch_is_refused_but_max_batch_applies(small_api):
    """With max_batch=5, six actions answer 413 and apply nothing; five apply."""
    api = small_api
    before = written(api)
    assert_error(api.post("/v1/sync/push", json=note_batch(6), headers=bearer(api)), 413, "payload_too_large")
    assert written(api) == before
    resp = api.post("/v1/sync/push", json=note_batch(5), headers=bearer(api))
    assert resp.status_code == 200, resp.text
    assert [r["status"] for r in resp.json()["results"]] == ["applied"] * 5


@pytest.mark.parametrize("streamed", [False, True], ids=["with-content-length", "chunked-no-length"])
def test_body_over_max_body_bytes_is_refused_even_without_content_length(small_api, streamed):
    """A request body over max_body_bytes answers 413 payload_too_large, even streamed with no Content-Length."""
    api = small_api
    raw = json.dumps(note_batch(3, body="x" * 1900)).encode()  # a valid batch, just too big
    assert len(raw) > 4096
    content = (raw[i:i + 1000] for i in range(0, len(raw), 1000)) if streamed else raw
    before = written(api)
    resp = api.post("/v1/sync/push", content=content,
                    headers={"Content-Type": "application/json", **bearer(api)})
    assert ("content-length" in resp.request.headers) is not streamed
    assert_error(resp, 413, "payload_too_large")
    assert written(api) == before
    # The same actions in a body under the limit apply.
    small = api.post("/v1/sync/push", json=note_batch(3, body="short"), headers=bearer(api))
    assert small.status_code == 200, small.text


def _gap(api):
    return api.post("/v1/sync/push", json=note_batch(1, first_seq=9), headers=bearer(api))


def _over_batch(api):
    return api.post("/v1/sync/push", json=note_batch(MAX_BATCH + 1), headers=bearer(api))


@pytest.mark.parametrize(("call", "status"), [
    (lambda api: api.get("/v1/no-such-route"), 404),
    (lambda api: api.delete("/v1/sync/push"), 405),
    (lambda api: api.get("/v1/auth/me"), 401),
    (lambda api: api.post("/v1/auth/login", json={"staff_no": "S3001", "pin": "0000",
                                                  "device_id": DEVICE}), 401),
    (lambda api: api.post("/v1/auth/refresh", json={"refresh_token": "r" * 40, "device_id": DEVICE}), 401),
    (lambda api: api.post("/v1/sync/push", json=note_batch(1, device_id="dev-other-0002"),
                          headers=bearer(api)), 403),
    (lambda api: api.get("/v1/sync/pull", params={"cursor": "?"}, headers=bearer(api)), 400),
    (lambda api: api.get("/v1/photos/" + "0" * 64, headers=bearer(api)), 404),
    (_gap, 409),
    (_over_batch, 413),
    (lambda api: api.put("/v1/photos/" + "0" * 64, content=b"hello", headers=bearer(api)), 415),
    (lambda api: api.post("/v1/sync/push", content=b"[", headers={"Content-Type": "application/json",
                                                                  **bearer(api)}), 422),
], ids=["404", "405", "401-no-token", "401-wrong-pin", "401-refresh", "403", "400", "404-photo",
        "409", "413", "415", "422"])
def test_every_error_body_has_code_and_message(api, call, status):
    """Every error answer, whatever its status, is JSON with a machine code and a human message."""
    resp = call(api)
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"code", "message", "details"}
    assert isinstance(body["code"], str) and body["code"].islower() and " " not in body["code"]
    assert isinstance(body["message"], str) and body["message"]


def test_openapi_document_lists_the_sync_and_login_routes(api):
    """The OpenAPI document is served at /openapi.json and describes login, push, pull and photos."""
    resp = api.get("/openapi.json")
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert "post" in paths["/v1/auth/login"]
    assert "post" in paths["/v1/auth/refresh"]
    assert "post" in paths["/v1/sync/push"]
    assert "get" in paths["/v1/sync/pull"]
    assert "put" in paths["/v1/photos/{sha}"]
    push_schema = paths["/v1/sync/push"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert push_schema["$ref"].endswith("/PushResponse")
    assert {"PushRequest", "PullResponse", "LoginRequest", "TokenPair"} <= set(doc["components"]["schemas"])


@pytest.mark.parametrize(("path", "content_type", "content"), [
    ("/v1/auth/login", "application/json", b"\xff\xfe{not utf-8"),
    ("/v1/auth/refresh", "application/json", b"\x80\x81"),
    ("/v1/kiosk/st-tst/pin", "application/json", b"\xc3\x28"),
    ("/v1/kiosk/st-tst/identify", "multipart/form-data; boundary=b0b", b"--b0b\r\n885--b0b--\r\n"),
], ids=["login-not-utf8", "refresh-not-utf8", "pin-not-utf8", "identify-broken-multipart"])
def test_body_the_framework_cannot_parse_is_a_documented_422(api, path, content_type, content):
    """A body that is not UTF-8 JSON or not valid multipart answers 422 validation_error (it was an undocumented 400)."""
    token = bearer(api, "u-sm-tst")  # signing in writes a session: before the count
    before = written(api)
    resp = api.post(path, content=content, headers={"Content-Type": content_type, **token})
    body = assert_error(resp, 422, "validation_error")
    assert body["details"][0]["field"] == "body"
    assert written(api) == before


def test_kiosk_identify_refuses_a_file_that_is_not_a_photo_even_with_nobody_enrolled(api):
    """At a store where nobody has enrolled, a file that is not a photo still answers 415 (not 'no match')."""
    resp = api.post("/v1/kiosk/st-tst/identify", files={"photo": ("x.jpg", b"certainly not a jpeg", "image/jpeg")},
                    headers=bearer(api, "u-sm-tst"))
    assert_error(resp, 415, "unsupported_media_type")


def test_every_documented_integer_bound_is_exact_in_json(api):
    """Integer limits in the OpenAPI document stay within 2^53 so every client (and fuzzer) reads them exactly."""
    def bounds(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"):
                    yield value
                else:
                    yield from bounds(value)
        elif isinstance(node, list):
            for item in node:
                yield from bounds(item)

    found = list(bounds(api.get("/openapi.json").json()))
    assert found and all(abs(b) <= 2**53 - 1 for b in found)
