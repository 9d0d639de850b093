"""Schema-driven fuzzing (schemathesis) of a real uvicorn API, with and without a valid token:
no 5xx, no status or body the OpenAPI document does not list.

Checks: every schemathesis check. ``positive_data_acceptance`` expects a schema-valid
request to succeed; where the server may still refuse one for a reason no schema can
express, the config below names that route's extra statuses (an opaque cursor the server
never issued, consent to an outdated text, numbers in a batch that skip, bytes that are
not a photo). Bounded by examples and time (45 s for both runs); the seed is
fixed so a failure reproduces.
"""

import subprocess
import sys

import httpx
import pytest

from tests.servers import ApiServer

#: Statuses a schema-valid request may get on top of success, 401, 403, 404, 409 and 429.
BUSINESS_REFUSALS = {
    "GET /v1/sync/pull": [400],  # a cursor this server never issued
    "POST /v1/sync/push": [400],  # action numbers that skip
    "POST /v1/face/consent": [400],  # consent to an outdated text
    "POST /v1/face/enrol": [400, 422],  # not 3 photos; not a face
    "POST /v1/kiosk/{store_id}/identify": [422],  # not a photo
    "PUT /v1/photos/{sha}": [400, 413, 415],  # range or hash mismatch; too large; not a photo
    # issue 13, trainapi: a course, quiz or session the training rules refuse; a manual addition refused
    "POST /v1/training/courses": [400],
    "POST /v1/training/quizzes": [400],
    "POST /v1/training/sessions": [400],
    "POST /v1/training/sessions/{session_id}/manual-add": [400],
}
ACCEPTED = ["2XX", 401, 403, 404, 409, 429]


def _config(path) -> str:
    """A schemathesis.toml widening positive_data_acceptance per route, as listed above."""
    blocks = [f"[[operations]]\ninclude-name = {name!r}\n"
              f"checks.positive_data_acceptance.expected-statuses = {ACCEPTED + extra!r}\n"
              for name, extra in BUSINESS_REFUSALS.items()]
    path.write_text("\n".join(blocks).replace("'", '"'), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    srv = ApiServer(tmp_path_factory.mktemp("fuzz")).start(timeout=120)  # seeding hashes every PIN
    yield srv
    srv.stop()


def _token(url: str) -> str:
    """A store manager's token, so the kiosk and approval routes are reachable too."""
    resp = httpx.post(f"{url}/v1/auth/login", json={"staff_no": "M2003", "pin": "7300",
                                                     "device_id": "dev-fuzz-0001"})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


@pytest.mark.parametrize("with_token", [True, False], ids=["with-token", "without-token"])
def test_fuzzer_finds_no_server_error_and_no_undocumented_answer(fuzzed, with_token, tmp_path):
    """Thousands of generated requests (valid and invalid) to every route get only documented statuses and bodies, never a 5xx."""
    auth = ["-H", f"Authorization: Bearer {_token(fuzzed.url)}"] if with_token else []
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", _config(tmp_path / "schemathesis.toml"),
         "run", f"{fuzzed.url}/openapi.json", "--checks", "all", *auth,
         "--max-examples", "15", "--max-time", "30" if with_token else "15", "--workers", "1",
         "--seed", "7", "--request-timeout", "15", "--output-truncate", "false",
         # Generation efficiency, not the API: on a loaded machine hypothesis may give up on
         # the push body's many constraints, which says nothing about the server.
         "--suppress-health-check", "filter_too_much"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
    log = fuzzed.log.read_text(encoding="utf-8")
    assert " status=5" not in log and "unexpected error" not in log, log[-3000:]
