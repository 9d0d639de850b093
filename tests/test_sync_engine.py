"""Sync engine against a real uvicorn API: offline actions reach the server exactly once."""

import json
import random

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.domain.roles import Actor, Role
from app.store import Actions, DeviceStore
from app.store import outbox
from app.sync import ApiClient, AuthRequired, NetworkError, SyncEngine
from tests.conftest import login


def _actor(store: DeviceStore) -> Actor:
    user, _ = store.load_session()
    return Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))


def _server_db(server):
    return create_engine(server.db_url)


def test_first_sync_pulls_the_users_world(server, device):
    """After login the first sync brings the user's store, shifts, broadcasts and tasks."""
    engine = SyncEngine(device, login(server.url, device, "S3001", "1111"))
    report = engine.sync_once()
    assert report.pulled > 0 and report.waiting == 0
    with device.reading() as db:
        assert {r["id"] for r in db.query("SELECT id FROM stores")} == {"st-cwb"}
        assert db.execute("SELECT count(*) FROM shifts WHERE store_id != 'st-cwb'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM shifts WHERE user_id='u-s01'").fetchone()[0] >= 8
        assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3
        titles = {r["title"] for r in db.query("SELECT title FROM broadcasts")}
    assert "Stock count tonight" in titles and "Christmas window display" not in titles
    assert device.get_meta("last_sync_at")


def test_offline_actions_sync_once_when_server_returns(server, tmp_path):
    """Actions made while the API is unreachable wait, then apply exactly once."""
    store = DeviceStore(tmp_path / "d.db")
    api = login(server.url, store, "S3002", "2222")
    actions = Actions(store, store.clock, _actor(store))
    offline = ApiClient("http://127.0.0.1:9", store.device_id)  # nothing listens on port 9
    offline.access_token, offline.refresh_token = api.access_token, api.refresh_token
    note = actions.add_note("st-cwb", "Written offline")
    with pytest.raises(NetworkError):
        SyncEngine(store, offline, max_attempts=2, sleep=lambda s: None).sync_once()
    with store.reading() as db:
        assert outbox.waiting_count(db) == 1
    report = SyncEngine(store, api).sync_once()
    assert report.applied == 1 and report.waiting == 0
    SyncEngine(store, api).sync_once()  # nothing left to send
    with _server_db(server).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes WHERE id=:i"), {"i": note}).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM mutations WHERE device_id=:d"),
                            {"d": store.device_id}).scalar() == 1
    store.close()


def test_rejected_action_is_shown_and_never_retried(server, device):
    """An action the server refuses stays visible with its reason and is not sent again."""
    api = login(server.url, device, "S3001", "1111")
    actions = Actions(device, device.clock, _actor(device))
    actions.raw("note.add", {"note_id": "nt-spoof", "user_id": "u-s02", "store_id": "st-cwb",
                             "body": "pretending to be Siti"}, "note:nt-spoof")
    actions.add_note("st-cwb", "genuine")
    engine = SyncEngine(device, api)
    report = engine.sync_once()
    assert (report.applied, report.rejected) == (1, 1)
    with device.reading() as db:
        [rej] = outbox.rejected(db)
    assert rej["reason"] == "not_your_record" and rej["message"]
    again = engine.sync_once()
    assert again.applied == again.rejected == 0


def test_lost_response_is_answered_as_duplicate(server, device):
    """If the server applied a batch but the answer was lost, the resend applies nothing twice."""
    api = login(server.url, device, "S3001", "1111")
    actions = Actions(device, device.clock, _actor(device))
    note = actions.add_note("st-cwb", "once only")
    with device.reading() as db:
        batch = outbox.pending(db, 10)
    from app.protocol import PushRequest
    api.push(PushRequest(device_id=device.device_id, sent=device.clock.stamp(), mutations=batch))
    report = SyncEngine(device, api).sync_once()  # the device never saw the first answer
    assert report.duplicates == 1 and report.applied == 0 and report.waiting == 0
    with _server_db(server).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes WHERE id=:i"), {"i": note}).scalar() == 1


def test_expired_access_token_is_refreshed_transparently(server, device):
    """A sync with an expired/invalid access token refreshes it and carries on."""
    api = login(server.url, device, "S3001", "1111")
    api.access_token = "not-a-valid-token"
    Actions(device, device.clock, _actor(device)).add_note("st-cwb", "after refresh")
    assert SyncEngine(device, api).sync_once().applied == 1


def test_revoked_session_asks_user_to_sign_in(server, device):
    """After logout elsewhere (refresh refused) sync raises AuthRequired, actions stay queued."""
    api = login(server.url, device, "S3001", "1111")
    Actions(device, device.clock, _actor(device)).add_note("st-cwb", "kept for later")
    saved = api.refresh_token
    api.logout()
    api.refresh_token, api.access_token = saved, None  # the server must refuse it now
    with pytest.raises(AuthRequired):
        SyncEngine(device, api).sync_once()
    with device.reading() as db:
        assert outbox.waiting_count(db) == 1


def test_server_errors_are_retried_with_jittered_backoff(device):
    """5xx answers are retried with growing random waits, then succeed."""
    calls = {"push": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/push"):
            calls["push"] += 1
            if calls["push"] < 3:
                return httpx.Response(503, text="busy")
            body = json.loads(request.content)
            return httpx.Response(200, json={
                "results": [{"seq": m["seq"], "idempotency_key": m["idempotency_key"],
                             "status": "applied"} for m in body["mutations"]],
                "last_applied_seq": body["mutations"][-1]["seq"],
                "server_time": "2026-11-25T00:00:00+00:00"})
        return httpx.Response(200, json={"changes": [], "cursor": "x", "has_more": False})

    api = ApiClient("http://api.test", device.device_id, transport=httpx.MockTransport(handler))
    api.access_token = "t"
    Actions(device, device.clock, Actor("u-s01", Role.STAFF, frozenset({"st-cwb"}))).add_note("st-cwb", "x")
    waits: list[float] = []
    engine = SyncEngine(device, api, sleep=waits.append, rng=random.Random(1), base_delay=1, max_delay=60)
    assert engine.sync_once().applied == 1
    assert calls["push"] == 3 and len(waits) == 2
    assert 0 <= waits[0] <= 1 and 0 <= waits[1] <= 2


def test_pull_page_and_cursor_commit_together(server, device):
    """Paged pulls apply each page with its cursor; a later pull starts where it stopped."""
    engine = SyncEngine(device, login(server.url, device, "M2001", "7100"))
    engine.pull(page_size=7)
    with device.reading() as db:
        shifts = db.execute("SELECT count(*) FROM shifts").fetchone()[0]
        cursor = device.get_meta("pull_cursor")
    assert shifts > 7 and cursor
    assert engine.pull().pulled == 0  # nothing new


def test_unknown_cursor_triggers_a_full_resync(server, device):
    """A cursor the server no longer knows (restored backup) makes the device pull everything again."""
    engine = SyncEngine(device, login(server.url, device, "S3001", "1111"))
    engine.sync_once()
    from backend_stub.services.changes import encode_cursor
    device.set_meta("pull_cursor", encode_cursor(10**9))
    with device.transaction() as db:
        db.execute("DELETE FROM shifts")
    report = engine.pull()
    with device.reading() as db:
        assert db.execute("SELECT count(*) FROM shifts").fetchone()[0] > 0
    assert report.pulled > 0
