"""Schema-driven fuzzing (schemathesis) of a real uvicorn API, with and without a valid token:
no 5xx, no status or body the OpenAPI document does not list.

Checks: every schemathesis check except ``positive_data_acceptance``, which expects any
schema-valid request to succeed; here a schema-valid request may still be refused for a
business reason the schema cannot express (an opaque cursor the server never issued,
consent to an outdated text, numbers in a batch that skip). Bounded by examples and time
(about a minute for both runs); the seed is fixed so a failure reproduces.
"""

import subprocess
import sys

import httpx
import pytest

from tests.servers import ApiServer

CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]


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
        [sys.executable, "-m", "schemathesis.cli", "run", f"{fuzzed.url}/openapi.json", *CHECKS, *auth,
         "--max-examples", "15", "--max-time", "40" if with_token else "20", "--workers", "1",
         "--seed", "7", "--request-timeout", "15", "--output-truncate", "false"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
    log = fuzzed.log.read_text(encoding="utf-8")
    assert " status=5" not in log and "unexpected error" not in log, log[-3000:]
