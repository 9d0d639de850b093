"""API logging: one access line per request with its request id; no PIN, token or face data in the log."""

import logging
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from backend_stub import create_app
from backend_stub.settings import Settings
from tests.servers import ApiServer

PIN, WRONG_PIN = "7300", "864209"
DEVICE = "dev-logs-0001"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """A real server's log after a login, a failed login, a push, a refresh and a 404."""
    srv = ApiServer(tmp_path_factory.mktemp("logs")).start(timeout=120)  # seeding hashes every PIN
    seen: dict = {}
    try:
        url = srv.url
        bad = httpx.post(f"{url}/v1/auth/login", json={"staff_no": "M2003", "pin": WRONG_PIN, "device_id": DEVICE})
        assert bad.status_code == 401
        resp = httpx.post(f"{url}/v1/auth/login", headers={"X-Request-ID": "login-req-1"},
                          json={"staff_no": "M2003", "pin": PIN, "device_id": DEVICE})
        assert resp.status_code == 200, resp.text
        seen["login"], tokens = resp, resp.json()
        now = datetime.now(UTC).isoformat()
        push = {"device_id": DEVICE, "sent": {"device_time": now, "monotonic_ms": 2000, "boot_id": "b"},
                "mutations": [{"seq": 1, "idempotency_key": str(uuid4()), "type": "note.add",
                               "payload": {"note_id": "n-log-1", "user_id": "u-sm-tst", "store_id": "st-tst",
                                           "body": "Shutter sticks"},
                               "clock": {"device_time": now, "monotonic_ms": 1000, "boot_id": "b"}}]}
        seen["push"] = httpx.post(f"{url}/v1/sync/push", json=push, headers={
            "Authorization": f"Bearer {tokens['access_token']}", "X-Request-ID": "push-req-1"})
        assert seen["push"].status_code == 200, seen["push"].text
        seen["refresh"] = httpx.post(f"{url}/v1/auth/refresh", json={
            "refresh_token": tokens["refresh_token"], "device_id": DEVICE},
            headers={"X-Request-ID": "bad id with spaces; " + "x" * 80})
        assert seen["refresh"].status_code == 200, seen["refresh"].text
        seen["secrets"] = [PIN, WRONG_PIN, tokens["access_token"], tokens["refresh_token"],
                           seen["refresh"].json()["access_token"], seen["refresh"].json()["refresh_token"]]
        seen["missing"] = httpx.get(f"{url}/v1/no-such-thing")
    finally:
        srv.stop()
    seen["log"] = srv.log.read_text(encoding="utf-8")
    return seen


def _access_line(log: str, request_id: str) -> str:
    lines = [line for line in log.splitlines() if f"request_id={request_id} " in line and "status=" in line]
    assert len(lines) == 1, (request_id, log[-2000:])
    return lines[0]


def test_each_request_logs_one_line_with_its_id_method_path_status_and_duration(logged):
    """Login, push, refresh and a 404 each give one access line naming the request id, method, path, status and duration."""
    log = logged["log"]
    assert re.search(r"method=POST path=/v1/auth/login status=200 duration_ms=\d+\.\d",
                     _access_line(log, "login-req-1"))
    assert "method=POST path=/v1/sync/push status=200" in _access_line(log, "push-req-1")
    refresh_id = logged["refresh"].headers["x-request-id"]
    assert "method=POST path=/v1/auth/refresh status=200" in _access_line(log, refresh_id)
    assert "status=404" in _access_line(log, logged["missing"].headers["x-request-id"])
    assert log.count("path=/v1/auth/login status=401") == 1


def test_request_id_is_echoed_and_a_malformed_one_replaced(logged):
    """A sane X-Request-ID comes back as sent; a malformed one is replaced by a fresh id."""
    assert logged["login"].headers["x-request-id"] == "login-req-1"
    assert logged["push"].headers["x-request-id"] == "push-req-1"
    fresh = logged["refresh"].headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)


def test_log_holds_no_pin_and_no_token(logged):
    """Neither the right nor a wrong PIN, nor any access or refresh token, nor a Bearer header appears in the log."""
    log = logged["log"]
    for secret in logged["secrets"]:
        assert secret not in log
    assert "bearer" not in log.lower() and "eyJ" not in log


def test_unexpected_error_is_a_500_naming_the_request_id(tmp_path, caplog):
    """An unexpected exception answers 500 with the request id in the body and header, and its traceback is logged under that id."""
    app = create_app(Settings(data_dir=tmp_path, jwt_secret="test-secret-" + "x" * 40))

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("kaput")

    with caplog.at_level(logging.INFO, logger="backend_stub"), TestClient(app) as client:
        resp = client.get("/v1/boom", headers={"X-Request-ID": "boom-1"})
    assert resp.status_code == 500
    assert resp.headers["x-request-id"] == "boom-1"
    assert resp.json() == {"code": "internal_error", "message": "Internal server error",
                           "details": {"request_id": "boom-1"}}
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "request_id=boom-1" in r.getMessage()]
    assert errors and "kaput" in str(errors[0].exc_info[1])
    assert any("request_id=boom-1 method=GET path=/v1/boom status=500" in r.getMessage() for r in caplog.records)


def test_secrets_are_masked_even_if_a_message_carries_one(caplog):
    """A log message that would carry a JWT or a Bearer credential is written masked."""
    from backend_stub.logs import MaskSecrets

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "got %s and %s",
                               ("Bearer abc.def", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"), None)
    MaskSecrets().filter(record)
    assert record.getMessage() == "got [masked] and [masked]"


def test_no_print_in_the_app_or_the_api():
    """app/ and backend_stub/ log with the logging module: no print() call anywhere."""
    import ast

    calls = []
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("backend_stub").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not calls
