""""This looks wrong": a person's request about their own day goes through the outbox (offline too),
the server accepts only their own records at their stores, and their store manager receives it."""

from datetime import date, datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.attendance import HONG_KONG
from app.domain.roles import Actor, Role
from app.store import Actions, DeviceStore, outbox, queries
from app.sync import ApiClient, NetworkError, SyncEngine
from tests.conftest import login
from tests.test_api_push import mutation, push


def _actor(store: DeviceStore) -> Actor:
    user, _ = store.load_session()
    return Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))


def _today(store: DeviceStore) -> date:
    return store.clock.now().astimezone(HONG_KONG).date()


def test_request_made_offline_reaches_the_store_manager(server, tmp_path):
    """Staff ask about yesterday while offline; once online it syncs, and the Causeway Bay manager's
    phone lists it (the Mong Kok manager's does not)."""
    phone = DeviceStore(tmp_path / "staff.db")
    api = login(server.url, phone, "S3001", "1111")
    actions = Actions(phone, phone.clock, _actor(phone))
    offline = ApiClient("http://127.0.0.1:9", phone.device_id)
    offline.access_token, offline.refresh_token = api.access_token, api.refresh_token
    yesterday = _today(phone) - timedelta(days=1)
    query_id = actions.ask_about_day("st-cwb", yesterday, "I clocked out at 18:00, not 16:00")
    with pytest.raises(NetworkError):
        SyncEngine(phone, offline, max_attempts=2, sleep=lambda s: None).sync_once()
    with phone.reading() as db:
        mine, = queries.timesheet_queries(db, user_id="u-s01")
        assert (mine["id"], mine["sync_state"], outbox.waiting_count(db)) == (query_id, "pending", 1)
    assert SyncEngine(phone, api).sync_once().applied == 1

    for staff_no, pin, expected in (("M2001", "7100", [query_id]), ("M2002", "7200", [])):
        manager = DeviceStore(tmp_path / f"{staff_no}.db")
        SyncEngine(manager, login(server.url, manager, staff_no, pin)).sync_once()
        with manager.reading() as db:
            seen = queries.timesheet_queries(db, store_ids=sorted(_actor(manager).store_ids), open_only=True)
        assert [q["id"] for q in seen] == expected
        if expected:
            assert seen[0]["user_name"].startswith("Chan Tai Man")
            assert (seen[0]["day"], seen[0]["message"]) == (yesterday.isoformat(), "I clocked out at 18:00, not 16:00")
        manager.close()
    phone.close()


def test_device_refuses_asking_about_someone_elses_store_or_the_future(device):
    """On the phone at once: not for a store the person does not work at, nor for tomorrow."""
    device.save_session({"id": "u-s01", "role": "staff", "store_ids": ["st-cwb"]}, None)
    actions = Actions(device, device.clock, _actor(device))
    with pytest.raises(AccessDenied):
        actions.ask_about_day("st-mk", _today(device), "Wrong hours")
    with pytest.raises(AccessDenied):
        actions.ask_about_day("st-cwb", _today(device) + timedelta(days=1), "Wrong hours")
    with device.reading() as db:
        assert outbox.waiting_count(db) == 0


def test_server_accepts_only_own_records_at_own_stores(api):
    """Pushed by hand: for a colleague, for another store or for the future is refused per item."""
    today = datetime.now(HONG_KONG).date()
    payload = {"query_id": "tq-1", "user_id": "u-s01", "store_id": "st-cwb", "day": today.isoformat(),
               "message": "My break was 30 minutes, not an hour"}
    bad = [dict(payload, query_id="tq-2", user_id="u-s02"), dict(payload, query_id="tq-3", store_id="st-mk"),
           dict(payload, query_id="tq-4", day=(today + timedelta(days=3)).isoformat()),
           dict(payload, query_id="tq-5", message="x")]
    items = [mutation(i + 1, "timesheet.query", p) for i, p in enumerate([*bad, payload])]
    results = push(api, "u-s01", items).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"]
    assert [r["reason"] for r in results[:4]] == ["not_your_record", "forbidden_role", "invalid_payload",
                                                  "invalid_payload"]
