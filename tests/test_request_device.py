"""Issue 10, leave: requests on the phone, offline through the outbox, against a real uvicorn API:
the manager's queue, an offline approval of a request cancelled meanwhile (told, and undone)."""

from datetime import date

import pytest

from app.domain.requests.flow import Action
from app.domain.requests.kinds import REASON_BAD_DATES, REASON_OWN_REQUEST, RequestRefused, RequestType
from app.domain.roles import Actor, Role
from app.store import DeviceStore, outbox
from app.store.requests import RequestActions, approval_queue, my_requests
from app.sync import ApiClient, NetworkError, SyncEngine
from tests.conftest import login


def _phone(server, tmp_path, staff_no: str, pin: str):
    store = DeviceStore(tmp_path / f"{staff_no}.db")
    api = login(server.url, store, staff_no, pin)
    user, _ = store.load_session()
    actor = Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))
    return store, api, RequestActions(store, store.clock, actor)


def _offline(store: DeviceStore, api: ApiClient) -> SyncEngine:
    down = ApiClient("http://127.0.0.1:9", store.device_id)
    down.access_token, down.refresh_token = api.access_token, api.refresh_token
    return SyncEngine(store, down, max_attempts=2, sleep=lambda s: None)


def test_offline_request_reaches_the_queue_and_a_late_approval_is_refused_and_undone(server, tmp_path):
    """Staff ask for two days offline; once synced the store manager's queue lists it with its age
    and the balance. The manager approves offline while the staff member cancels; when the
    manager syncs, the approval is refused as closed and the phone shows the request cancelled."""
    staff, staff_api, staff_acts = _phone(server, tmp_path, "S3001", "1111")
    request_id = staff_acts.submit(RequestType.ANNUAL_LEAVE, "st-cwb", first_day=date(2026, 12, 14),
                                   last_day=date(2026, 12, 15))
    with pytest.raises(NetworkError):
        _offline(staff, staff_api).sync_once()
    with staff.reading() as db:
        assert [(r["id"], r["sync_state"], r["days"]) for r in my_requests(db, "u-s01")] == [(request_id, "pending", 2)]
    assert SyncEngine(staff, staff_api).sync_once().applied == 1
    SyncEngine(staff, staff_api).sync_once()
    with staff.reading() as db:
        mine, = my_requests(db, "u-s01")
    assert [s["role"] for s in mine["route"]] == ["store_manager"] and mine["current_step"] == 0

    manager, manager_api, manager_acts = _phone(server, tmp_path, "M2001", "7100")
    SyncEngine(manager, manager_api).sync_once()
    with manager.reading() as db:
        queue = approval_queue(db, "u-sm-cwb", manager.clock.now())
    assert [q["id"] for q in queue] == [request_id]
    assert queue[0]["age_hours"] >= 0 and queue[0]["balance"]["held"] == 2

    manager_acts.decide(request_id, Action.APPROVE)
    with pytest.raises(NetworkError):
        _offline(manager, manager_api).sync_once()
    staff_acts.cancel(request_id)
    assert SyncEngine(staff, staff_api).sync_once().applied == 1

    report = SyncEngine(manager, manager_api).sync_once()
    assert report.rejected == 1
    with manager.reading() as db:
        refused, = outbox.rejected(db)
        assert refused["reason"] == "request_not_open" and "cancelled" in refused["message"]
        row = db["requests"].get(request_id)
    assert row["status"] == "cancelled"
    for phone in (staff, manager):
        phone.close()


def test_phone_refuses_at_once_what_the_server_would(server, tmp_path):
    """Bad dates, or deciding one's own request, are refused on the phone and nothing is queued."""
    staff, _api, acts = _phone(server, tmp_path, "S3002", "2222")
    with pytest.raises(RequestRefused) as err:
        acts.submit(RequestType.UNPAID_LEAVE, "st-cwb", first_day=date(2026, 12, 10), last_day=date(2026, 12, 9))
    assert err.value.reason == REASON_BAD_DATES
    request_id = acts.submit(RequestType.PURCHASE, "st-cwb", amount_hkd=300, note="Tape")
    SyncEngine(staff, _api).sync_once()
    SyncEngine(staff, _api).sync_once()
    with pytest.raises(RequestRefused) as err:
        acts.decide(request_id, Action.APPROVE)
    assert err.value.reason == REASON_OWN_REQUEST
    with staff.reading() as db:
        assert outbox.waiting_count(db) == 0
    staff.close()
