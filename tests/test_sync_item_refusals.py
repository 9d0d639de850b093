"""Only the network or the server being down stops sync: one refused item never does."""

import json
import random

import httpx
import pytest

from app.domain.roles import Actor, Role
from app.store import Actions, DeviceStore, PunchActions
from app.store import outbox
from app.sync import ApiClient, NetworkError, SyncEngine
from tests.conftest import login
from tests.servers import ApiServer, server_rows

STAFF = Actor("u-s01", Role.STAFF, frozenset({"st-cwb"}))


def _actor(store: DeviceStore) -> Actor:
    user, _ = store.load_session()
    return Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))


@pytest.fixture(scope="module")
def small_server(server, tmp_path_factory):
    """A real API that takes request bodies of at most 20 kB (a copy of the seeded chain)."""
    srv = ApiServer.on_copy(tmp_path_factory.mktemp("small-api"), server.snapshot(),
                            env={"SHOPFLOOR_MAX_BODY_BYTES": "20000"}).start()
    yield srv
    srv.stop()


def test_batch_too_large_is_split_and_an_oversized_action_refused_alone(small_server, tmp_path):
    """A push the server refuses as too large is sent in smaller batches; the one action that is
    too large even alone is shown rejected (payload_too_large) and the others all arrive."""
    store = DeviceStore(tmp_path / "d.db")
    api = login(small_server.url, store, "S3001", "1111")
    actions = Actions(store, store.clock, _actor(store))
    for i in range(12):
        actions.add_note("st-cwb", f"{i:02d} " + "long hand-over note " * 90)  # ~1.8 kB each
    huge = actions.add_note("st-cwb", "x" * 1999)
    with store.transaction() as db:  # as an older app version could have queued it
        db.execute("UPDATE outbox SET payload=json_set(payload, '$.body', ?) WHERE entity_ref=?",
                   ["y" * 30000, f"note:{huge}"])
    actions.add_note("st-cwb", "after the big one")

    report = SyncEngine(store, api, batch_size=200).sync_once()

    assert report.applied == 13 and report.rejected == 1 and report.waiting == 0
    with store.reading() as db:
        [refused] = outbox.rejected(db)
        assert db.execute("SELECT count(*) FROM notes WHERE id=?", [huge]).fetchone()[0] == 0
    assert refused["reason"] == "payload_too_large"
    types = [r[0] for r in server_rows(small_server, "SELECT type FROM mutations WHERE device_id = :device"
                                                     " ORDER BY seq", {"device": store.device_id})]
    assert types == ["note.add"] * 12 + ["mutation.void", "note.add"]
    store.close()


def test_photo_upload_retries_busy_server_then_goes_through(device):
    """5xx and 429 on a photo upload are retried with backoff; the photo and its action then sync."""
    puts, pushed = [], []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "HEAD":
            return httpx.Response(404, headers={"Upload-Offset": "0"})
        if request.method == "PUT":
            puts.append(path)
            status = {1: 503, 2: 429}.get(len(puts), 201)
            return httpx.Response(status, json={"code": "busy", "message": "later", "details": None})
        if path.endswith("/sync/push"):
            body = json.loads(request.content)
            pushed.extend(m["type"] for m in body["mutations"])
            return httpx.Response(200, json={
                "results": [{"seq": m["seq"], "idempotency_key": m["idempotency_key"], "status": "applied"}
                            for m in body["mutations"]],
                "last_applied_seq": body["mutations"][-1]["seq"], "server_time": "2026-11-30T00:00:00+00:00"})
        return httpx.Response(200, json={"changes": [], "cursor": "c", "has_more": False})

    api = ApiClient("http://api.test", device.device_id, transport=httpx.MockTransport(handler))
    api.access_token = "t"
    PunchActions(device, device.clock, STAFF).record_punch(kind="clock_in", store_id="st-cwb", fix=None,
                                                           selfie=b"\xff\xd8\xff\xe0 a selfie")
    waits: list[float] = []
    report = SyncEngine(device, api, sleep=waits.append, rng=random.Random(3)).sync_once()
    assert (report.photos, report.applied, report.rejected) == (1, 1, 0)
    assert len(puts) == 3 and len(waits) == 2 and pushed == ["punch.record"]


def test_photo_upload_without_network_keeps_the_action_waiting(device):
    """No network during a photo upload: nothing is refused, the action waits for the next round."""
    api = ApiClient("http://127.0.0.1:9", device.device_id)
    api.access_token = "t"
    PunchActions(device, device.clock, STAFF).record_punch(kind="clock_in", store_id="st-cwb", fix=None,
                                                           selfie=b"\xff\xd8\xff\xe0 offline")
    with pytest.raises(NetworkError):
        SyncEngine(device, api, max_attempts=2, sleep=lambda s: None).sync_once()
    with device.reading() as db:
        assert outbox.waiting_count(db) == 1 and outbox.rejected(db) == []
        assert db.execute("SELECT status FROM photo_uploads").fetchone()[0] == "pending"
        assert db.execute("SELECT count(*) FROM punches").fetchone()[0] == 1
