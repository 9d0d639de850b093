"""CORS: the API answers the installable web app's origin, and no other (issue 9, webruntime)."""

from backend_stub.settings import Settings

APP = "http://127.0.0.1:8551"
EVIL = "http://evil.example"


def _login(api, origin: str):
    return api.post("/v1/auth/login", headers={"Origin": origin},
                    json={"staff_no": "S3001", "pin": "1111", "device_id": "web-cors-1"})


def test_web_app_origin_may_read_answers_and_the_headers_sync_needs(api):
    """The web app's origin gets its answer (and the Date, Retry-After and Upload-Offset
    headers the client reads); nothing else is granted (no cookies)."""
    resp = _login(api, APP)
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == APP
    exposed = {h.strip().lower() for h in resp.headers["access-control-expose-headers"].split(",")}
    assert {"date", "retry-after", "upload-offset"} <= exposed
    assert "access-control-allow-credentials" not in resp.headers


def test_web_app_preflight_allows_the_requests_sync_sends(api):
    """A photo chunk upload (PUT with a bearer token and Content-Range) passes the preflight."""
    resp = api.options("/v1/photos/" + "a" * 64, headers={
        "Origin": APP, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type, content-range"})
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == APP
    allowed = resp.headers["access-control-allow-headers"].lower()
    assert all(h in allowed for h in ("authorization", "content-type", "content-range"))


def test_other_origins_get_no_cors_headers(api):
    """Another site's page gets no CORS headers, on a request or a preflight: the browser
    never lets it read an answer or send a token."""
    resp = _login(api, EVIL)
    assert not [h for h in resp.headers if h.lower().startswith("access-control-")]
    pre = api.options("/v1/sync/push", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "authorization"})
    assert pre.status_code >= 400
    assert not [h for h in pre.headers if h.lower().startswith("access-control-allow-origin")]


def test_web_origins_come_from_the_setting(monkeypatch):
    """SHOPFLOOR_WEB_ORIGINS lists the allowed origins (comma separated, trailing slash ignored)."""
    monkeypatch.setenv("SHOPFLOOR_WEB_ORIGINS", "https://staff.shop.hk/, http://127.0.0.1:9000")
    assert Settings().cors_origins == ["https://staff.shop.hk", "http://127.0.0.1:9000"]
    monkeypatch.delenv("SHOPFLOOR_WEB_ORIGINS")
    assert Settings().cors_origins == [APP, "http://localhost:8551"]


def test_native_clients_without_origin_are_served_as_before(api):
    """Phone and desktop clients send no Origin: they are answered, with no CORS headers."""
    resp = api.post("/v1/auth/login", json={"staff_no": "S3001", "pin": "1111", "device_id": "app-cors-2"})
    assert resp.status_code == 200
    assert not [h for h in resp.headers if h.lower().startswith("access-control-")]
