"""Pushes of one device arriving at the same moment, against a real server: each gets a proper
answer and each action is applied once (a retry sent while the first push is still running)."""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from backend_stub.settings import Settings
from tests.servers import ApiServer, server_rows
from tests.tokens import device_tokens

SECRET = "race-test-secret-" + "x" * 40
DEVICES = 12  # pairs fired at once: enough for the two of a pair to overlap in the database
NOTES = 30


@pytest.fixture(scope="module")
def race_server(tmp_path_factory: pytest.TempPathFactory, backend: str):
    """A real API (2 workers, as deployed) with a live session for each test device."""
    server = ApiServer(tmp_path_factory.mktemp("race"), env={"SHOPFLOOR_JWT_SECRET": SECRET},
                       workers=2).start()
    settings = Settings(data_dir=server.data_dir, jwt_secret=SECRET)
    tokens = device_tokens(server.db_url, settings, "u-s01", [f"race-dev-{n:04d}" for n in range(2 * DEVICES)])
    server.tokens = tokens
    yield server
    server.stop()


def _batch(device_id: str, first_seq: int) -> dict:
    clock = {"device_time": datetime.now(UTC).isoformat(), "monotonic_ms": 1, "boot_id": "b"}
    return {"device_id": device_id, "sent": clock, "mutations": [
        {"seq": first_seq + i, "idempotency_key": str(uuid.uuid4()), "type": "note.add", "clock": clock,
         "payload": {"note_id": f"nt-{uuid.uuid4().hex}", "user_id": "u-s01", "store_id": "st-cwb",
                     "body": f"race note {i}"}}
        for i in range(NOTES)]}


async def _twice_at_once(server: ApiServer, batches: dict[str, dict]) -> dict[str, list[httpx.Response]]:
    """Each device's batch sent twice at the same moment (on two connections), all devices together."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60,
                                 limits=httpx.Limits(max_connections=4 * DEVICES)) as client:
        async def send(device: str) -> httpx.Response:
            return await client.post("/v1/sync/push", json=batches[device],
                                     headers={"Authorization": f"Bearer {server.tokens[device]}"})

        devices = list(batches)
        answers = await asyncio.gather(*(send(d) for d in devices for _ in range(2)))
    return {d: [answers[2 * i], answers[2 * i + 1]] for i, d in enumerate(devices)}


def _check_once_each(server: ApiServer, batches: dict[str, dict],
                     answers: dict[str, list[httpx.Response]]) -> None:
    for device, pair in answers.items():
        assert [r.status_code for r in pair] == [200, 200], [r.text[:300] for r in pair]
        statuses = Counter((item["idempotency_key"], item["status"])
                           for r in pair for item in r.json()["results"])
        for mut in batches[device]["mutations"]:
            key = mut["idempotency_key"]
            # One answer applied it, the other reports it as a duplicate of that outcome.
            assert statuses[key, "applied"] == 1 and statuses[key, "duplicate"] == 1, (device, statuses)
        assert {r.json()["last_applied_seq"] for r in pair} == {batches[device]["mutations"][-1]["seq"]}
    note_ids = {m["payload"]["note_id"] for b in batches.values() for m in b["mutations"]}
    stored = Counter(i for (i,) in server_rows(server, "SELECT id FROM notes") if i in note_ids)
    assert set(stored) == note_ids and set(stored.values()) == {1}
    feed = Counter(i for (i,) in server_rows(server, "SELECT entity_id FROM changes WHERE entity = 'note'")
                   if i in note_ids)
    assert set(feed) == note_ids and set(feed.values()) == {1}  # each note's change written once


def test_two_first_pushes_of_a_device_at_once_both_get_an_answer_and_apply_each_action_once(race_server):
    """A device's very first push sent twice at the same moment (a retry while the first is
    still running): both answered 200, each action applied once and reported as a duplicate
    in the other answer (before: the second died on the device's new sequence row with a 500)."""
    batches = {f"race-dev-{n:04d}": _batch(f"race-dev-{n:04d}", 1) for n in range(DEVICES)}
    answers = asyncio.run(_twice_at_once(race_server, batches))
    _check_once_each(race_server, batches, answers)


def test_two_later_pushes_of_a_device_at_once_both_get_an_answer_and_apply_each_action_once(race_server):
    """The same for a device that has pushed before (its sequence row exists): no 500 on the
    action records, each action applied once."""
    devices = [f"race-dev-{n:04d}" for n in range(DEVICES, 2 * DEVICES)]
    firsts = {d: _batch(d, 1) for d in devices}
    for device, answer in asyncio.run(_twice_at_once(race_server, firsts)).items():
        assert [r.status_code for r in answer] == [200, 200]
    batches = {d: _batch(d, NOTES + 1) for d in devices}
    answers = asyncio.run(_twice_at_once(race_server, batches))
    _check_once_each(race_server, batches, answers)
