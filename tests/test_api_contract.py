"""The API as a contract: the OpenAPI document lists every status a route answers, with the
error body; methods a path does not serve answer 405 with the full Allow list; HEAD and
OPTIONS work everywhere."""

import httpx
import pytest

from app.protocol import Flag, Reason
from app.store import DeviceStore
from tests.conftest import login

ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture(scope="module")
def doc(server) -> dict:
    return httpx.get(f"{server.url}/openapi.json").json()


def _responses(doc: dict, method: str, path: str) -> dict:
    return doc["paths"][path][method]["responses"]


@pytest.mark.parametrize(("method", "path", "statuses"), [
    ("post", "/v1/auth/login", {200, 401, 403, 409, 413, 422, 429, 500}),
    ("post", "/v1/auth/set-pin", {200, 400, 401, 409, 413, 422, 429, 500}),
    ("post", "/v1/auth/refresh", {200, 401, 413, 422, 500}),
    ("get", "/v1/auth/me", {200, 401, 500}),
    ("get", "/v1/calendar/{token}.ics", {200, 404, 422, 500}),
    ("post", "/v1/inspections/{inspection_id}/report-link", {200, 401, 404, 422, 500}),  # issue 12, insprun
    ("get", "/v1/inspection-reports/{link}.pdf", {200, 401, 404, 422, 429, 500}),
    ("get", "/v1/me/calendar-feed", {200, 401, 500}),
    ("post", "/v1/me/calendar-feed", {200, 401, 500}),
    ("post", "/v1/sync/push", {200, 400, 401, 403, 409, 413, 422, 500}),
    ("get", "/v1/sync/pull", {200, 400, 401, 422, 500}),
    ("put", "/v1/photos/{sha}", {200, 201, 202, 400, 401, 409, 413, 415, 422, 500}),
    ("get", "/v1/photos/{sha}", {200, 401, 404, 422, 500}),
    ("head", "/v1/photos/{sha}", {200, 404, 401, 422, 500}),
    ("post", "/v1/face/consent", {200, 400, 401, 413, 422, 500}),
    ("post", "/v1/face/enrol", {200, 400, 401, 403, 413, 415, 422, 500, 503}),
    ("post", "/v1/kiosk/{store_id}/pin", {200, 401, 403, 413, 422, 429, 500}),
    ("post", "/v1/kiosk/{store_id}/identify", {200, 401, 403, 413, 415, 422, 500, 503}),
    ("post", "/v1/staff/{user_id}/erase-biometrics", {200, 401, 403, 404, 422, 500}),
    ("post", "/v1/staff/{user_id}/unlock", {200, 401, 403, 404, 422, 500}),
    ("post", "/v1/staff/{user_id}/sign-out", {200, 401, 403, 404, 422, 500}),
    ("post", "/v1/staff/{user_id}/reset-pin", {200, 401, 403, 404, 422, 500}),
    ("post", "/v1/auth/logout", {204, 401, 500}),
    # issue 11, broadcasts
    ("post", "/v1/broadcasts/audience-count", {200, 400, 401, 403, 413, 422, 500}),
    ("get", "/v1/broadcasts/{broadcast_id}", {200, 401, 404, 422, 500}),
    ("get", "/v1/broadcasts/{broadcast_id}/receipts", {200, 401, 404, 422, 500}),
    # issue 12, inspscore
    ("post", "/v1/inspection-templates", {201, 400, 401, 403, 413, 422, 500}),
    ("get", "/v1/inspection-templates", {200, 401, 403, 500}),
    ("get", "/v1/inspection-templates/{template_id}", {200, 401, 403, 404, 422, 500}),
    ("put", "/v1/inspection-templates/{template_id}", {200, 400, 401, 403, 404, 409, 413, 422, 500}),
    ("post", "/v1/inspections", {201, 400, 401, 403, 404, 409, 413, 422, 500}),
    ("get", "/v1/inspections/{inspection_id}", {200, 401, 404, 422, 500}),
    ("get", "/v1/stores/{store_id}/tasks", {200, 401, 403, 422, 500}),  # issue 12, taskboard
    # issue 13, trainapi
    ("post", "/v1/training/courses", {200, 400, 401, 403, 413, 422, 500}),
    ("post", "/v1/training/quizzes", {201, 400, 401, 403, 413, 422, 500}),
    ("post", "/v1/training/sessions", {201, 400, 401, 403, 404, 413, 422, 500}),
    ("get", "/v1/training/sessions/{session_id}/code", {200, 401, 403, 404, 422, 500}),
    ("get", "/v1/training/sessions/{session_id}/attendance", {200, 401, 403, 404, 422, 500}),
    ("get", "/v1/training/my-sessions", {200, 401, 500}),  # issue 13, traintrainer
    ("get", "/v1/training/sessions/{session_id}/secret", {200, 400, 401, 403, 404, 422, 500}),
    ("post", "/v1/training/sessions/{session_id}/manual-add", {200, 400, 401, 403, 404, 413, 422, 500}),
    ("get", "/v1/training/sessions/{session_id}/quiz", {200, 401, 404, 422, 500}),
    ("get", "/v1/training/matrix", {200, 401, 403, 422, 500}),
])
def test_openapi_lists_every_status_a_route_answers(doc, method, path, statuses):
    """Each route documents its success and every error status it can answer (not only 200/422)."""
    assert {int(s) for s in _responses(doc, method, path)} == statuses


def test_every_error_status_documents_the_one_error_body(doc):
    """Every documented 4xx/5xx with a body is ErrorBody (no framework HTTPValidationError), with its headers."""
    seen = 0
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if int(status) < 400 or (method == "head" and status == "404"):
                    continue
                assert response["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, (method, path, status)
                seen += 1
            if "401" in op["responses"]:
                assert "WWW-Authenticate" in op["responses"]["401"]["headers"]
            if "429" in op["responses"]:
                assert "Retry-After" in op["responses"]["429"]["headers"]
    assert seen > 50
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    error_body = doc["components"]["schemas"]["ErrorBody"]["properties"]
    assert set(error_body) == {"code", "message", "details"}
    assert set(error_body["code"]["enum"]) == set(Reason)  # so the fuzzer checks every code sent
    item = doc["components"]["schemas"]["ItemResult"]["properties"]
    assert set(item["reason"]["enum"]) == set(Reason) | {None}
    assert set(item["flags"]["items"]["enum"]) == set(Flag)


def test_routes_needing_a_token_document_401(doc):
    """Every route that needs the bearer token documents 401; login, refresh, health and the
    calendar feed (its secret URL is the credential) need none."""
    open_routes = {("post", "/v1/auth/login"), ("post", "/v1/auth/set-pin"), ("post", "/v1/auth/refresh"),
                   ("get", "/v1/health"), ("get", "/v1/calendar/{token}.ics")}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if (method, path) in open_routes:
                continue
            assert "401" in op["responses"], (method, path)


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("TRACE", "/v1/health", "GET, HEAD, OPTIONS"),
    ("TRACE", "/v1/sync/push", "OPTIONS, POST"),
    ("DELETE", "/v1/auth/login", "OPTIONS, POST"),
    ("PATCH", "/v1/photos/" + "0" * 64, "GET, HEAD, OPTIONS, PUT"),
    ("PROPFIND", "/v1/sync/pull", "GET, HEAD, OPTIONS"),
])
def test_methods_a_path_does_not_serve_answer_405_with_the_full_allow_list(server, method, path, allow):
    """TRACE or any other method the path does not serve answers 405 with the error body and an Allow header naming every method of the path.

    (A method token no HTTP registry knows, e.g. BREW, is refused by uvicorn's parser with 400 before the app.)"""
    resp = httpx.request(method, server.url + path)
    assert resp.status_code == 405, resp.text
    assert resp.headers["allow"] == allow
    assert resp.json()["code"] == "method_not_allowed"


def test_options_answers_the_allow_list_and_unknown_paths_404(server):
    """OPTIONS on a route answers 204 with its Allow list; on no route, 404."""
    resp = httpx.options(f"{server.url}/v1/photos/{'0' * 64}")
    assert (resp.status_code, resp.headers["allow"]) == (204, "GET, HEAD, OPTIONS, PUT")
    assert httpx.options(f"{server.url}/v1/nothing-here").status_code == 404


def test_head_answers_like_get_without_a_body(server, tmp_path):
    """HEAD on a GET route answers GET's status and headers with no body (health, and /me with and without a token)."""
    assert httpx.head(f"{server.url}/v1/health").status_code == 200
    assert httpx.head(f"{server.url}/v1/auth/me").status_code == 401
    store = DeviceStore(tmp_path / "device.db")
    try:
        client = login(server.url, store, "S3001", "1111")
        auth = {"Authorization": f"Bearer {client.access_token}"}
    finally:
        store.close()
    head, get = (httpx.request(m, f"{server.url}/v1/auth/me", headers=auth) for m in ("HEAD", "GET"))
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-type"] == get.headers["content-type"]
