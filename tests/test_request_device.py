"""Issue 10, leave: requests on the phone, offline through the outbox, against a real uvicorn API:
the manager's queue, an offline approval of a request cancelled meanwhile (told, and undone)."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from app.domain.requests.flow import Action
from app.domain.requests.kinds import REASON_BAD_DATES, REASON_OWN_REQUEST, RequestRefused, RequestType
from app.domain.roles import Actor, Role
from app.store import DeviceStore, outbox
from app.domain.attendance import HONG_KONG
from app.store.requests import (
    RequestActions, approval_queue, my_requests, people_names, request_by_id, request_context,
)
from app.sync import ApiClient, NetworkError, SyncEngine
from tests.conftest import login


def _phone(server, tmp_path, staff_no: str, pin: str):
    store = DeviceStore(tmp_path / f"{staff_no}.db")
    api = login(server.url, store, staff_no, pin)
    user, _ = store.load_session()
    actor = Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))
    return store, api, RequestActions(store, store.clock, actor)


def _photo() -> bytes:
    """A small real JPEG (the server decodes every photo it accepts)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (240, 240, 230)).save(out, "JPEG")
    return out.getvalue()


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


def test_phone_shows_the_whole_route_and_balance_before_sending_and_offline(server, tmp_path):
    """After one pull, five days of annual leave show the store manager then the area manager and
    12 days left; sent offline, the request lists that route and waits at the store manager; a
    request over the balance is refused on the phone with the numbers and nothing is queued."""
    staff, api, acts = _phone(server, tmp_path, "S3001", "1111")
    SyncEngine(staff, api).sync_once()
    dates = {"first_day": date(2027, 1, 11), "last_day": date(2027, 1, 15)}
    seen = acts.preview(RequestType.ANNUAL_LEAVE, "st-cwb", **dates)
    assert [(s.role.value, s.approvers) for s in seen.route] == [
        ("store_manager", ("u-sm-cwb",)), ("area_manager", ("u-am-hk",))]
    assert (seen.days, seen.balance.available) == (5, 12)
    request_id = acts.submit(RequestType.ANNUAL_LEAVE, "st-cwb", **dates)
    with pytest.raises(NetworkError):
        _offline(staff, api).sync_once()
    with staff.reading() as db:
        mine, = [r for r in my_requests(db, "u-s01") if r["id"] == request_id]
    assert acts.preview(RequestType.ANNUAL_LEAVE, "st-cwb", first_day=date(2027, 2, 1)).balance.held == 5
    assert (mine["id"], mine["status"], mine["current_step"]) == (request_id, "pending", 0)
    assert [s["approvers"] for s in mine["route"]] == [["u-sm-cwb"], ["u-am-hk"]]
    assert [h["action"] for h in mine["history"]] == ["submit"]
    with pytest.raises(RequestRefused) as err:
        acts.submit(RequestType.ANNUAL_LEAVE, "st-cwb", first_day=date(2027, 3, 1), last_day=date(2027, 3, 10))
    assert err.value.reason == "leave_over_balance" and err.value.details["available"] == 7
    with staff.reading() as db:
        assert outbox.waiting_count(db) == 1
    staff.close()


def test_approver_sees_holidays_and_the_persons_shifts_in_the_range(server, tmp_path):
    """A store manager's context of a request over Christmas 2026 lists the two general holidays,
    the requester's shifts on those days as the manager's phone holds them, and how many others
    are on shift at the store each day."""
    staff, api, acts = _phone(server, tmp_path, "S3002", "2222")
    SyncEngine(staff, api).sync_once()
    request_id = acts.submit(RequestType.UNPAID_LEAVE, "st-cwb", first_day=date(2026, 12, 24),
                             last_day=date(2026, 12, 28))
    SyncEngine(staff, api).sync_once()
    manager, manager_api, _acts = _phone(server, tmp_path, "M2001", "7100")
    SyncEngine(manager, manager_api).sync_once()
    with manager.reading() as db:
        row = request_by_id(db, request_id)
        context = request_context(db, row)
        held = list(db.execute("SELECT id FROM shifts WHERE user_id='u-s02' AND starts_at >= '2026-12-23T16:00'"
                               " AND starts_at < '2026-12-28T16:00' AND status='published'"))
    assert sorted(d.isoformat() for d in context["holidays"]) == ["2026-12-25", "2026-12-26"]
    assert [s.id for s in context["shifts"]] == [r[0] for r in sorted(held)]
    with manager.reading() as db:
        others = db.execute("SELECT count(DISTINCT user_id) FROM shifts WHERE store_id='st-cwb' AND user_id != 'u-s02'"
                            " AND starts_at >= '2026-12-23T16:00' AND starts_at < '2026-12-24T16:00'"
                            " AND status='published'").fetchone()[0]
    assert list(context["coverage"]) == [date(2026, 12, d) for d in range(24, 29)]
    assert context["coverage"][date(2026, 12, 24)] == others
    # A day of the demo roster: the count matches the store's shifts on the phone that day.
    with manager.reading() as db:
        first = db.execute("SELECT starts_at FROM shifts WHERE store_id='st-cwb' AND user_id != 'u-s02'"
                           " AND status='published' ORDER BY starts_at").fetchone()[0]
        day = datetime.fromisoformat(first).astimezone(HONG_KONG).replace(hour=0, minute=0, second=0)
        bounds = [(day + timedelta(days=n)).astimezone(UTC).isoformat() for n in (0, 1)]
        expected = db.execute("SELECT count(DISTINCT user_id) FROM shifts WHERE store_id='st-cwb' AND user_id != 'u-s02'"
                              " AND starts_at >= ? AND starts_at < ? AND status='published'", bounds).fetchone()[0]
        coverage = request_context(db, {**row, "first_day": day.date().isoformat(),
                                        "last_day": day.date().isoformat()})["coverage"]
    assert expected > 0 and coverage == {day.date(): expected}
    for phone in (staff, manager):
        phone.close()


def test_approver_sees_the_shift_a_shift_change_is_about(server, tmp_path):
    """A shift change from Chan Tai Man reaches the store manager's queue with that shift as context."""
    staff, api, acts = _phone(server, tmp_path, "S3001", "1111")
    SyncEngine(staff, api).sync_once()
    with staff.reading() as db:
        shift_id = db.execute("SELECT id FROM shifts WHERE user_id='u-s01' ORDER BY starts_at DESC").fetchone()[0]
    request_id = acts.submit(RequestType.SHIFT_CHANGE, "st-cwb", shift_id=shift_id, note="Late shift please")
    SyncEngine(staff, api).sync_once()
    manager, manager_api, _acts = _phone(server, tmp_path, "M2001", "7100")
    SyncEngine(manager, manager_api).sync_once()
    with manager.reading() as db:
        row, = [r for r in approval_queue(db, "u-sm-cwb", manager.clock.now()) if r["id"] == request_id]
        context = request_context(db, row)
    assert [s.id for s in context["shifts"]] == [shift_id] and context["holidays"] == {}
    for phone in (staff, manager):
        phone.close()


def test_sick_leave_with_a_certificate_photo_syncs_photo_then_request(server, tmp_path):
    """Sick leave without a certificate is refused on the phone; with a photo kept on the phone it
    syncs (the photo first) and the server holds the request citing that photo."""
    staff, api, acts = _phone(server, tmp_path, "S3002", "2222")
    SyncEngine(staff, api).sync_once()
    days = {"first_day": date(2027, 4, 12), "last_day": date(2027, 4, 13)}
    with pytest.raises(RequestRefused) as err:
        acts.submit(RequestType.SICK_LEAVE, "st-cwb", **days)
    assert err.value.reason == "certificate_required"
    sha = acts.keep_certificate(_photo())
    request_id = acts.submit(RequestType.SICK_LEAVE, "st-cwb", certificate_sha256=sha, **days)
    assert SyncEngine(staff, api).sync_once().applied == 1
    SyncEngine(staff, api).sync_once()
    with staff.reading() as db:
        row = request_by_id(db, request_id)
    assert (row["status"], row["certificate_sha256"], row["sync_state"]) == ("pending", sha, "synced")
    assert row["balance"] == {"entitled": 24, "used": 0, "held": 2, "available": 22}
    staff.close()


def test_route_shown_before_sending_names_the_delegate_of_an_approver_away(server, tmp_path):
    """The Mong Kok manager hands approvals to the Tsim Sha Tsui manager for this week: once the
    staff phone has pulled, its route names the delegate (for the manager away) before sending,
    and the route the server sends back agrees."""
    manager, manager_api, manager_acts = _phone(server, tmp_path, "M2002", "7200")
    today = manager.clock.now().astimezone(HONG_KONG).date()
    manager_acts.delegate("u-sm-tst", today - timedelta(days=1), today + timedelta(days=6))
    assert SyncEngine(manager, manager_api).sync_once().applied == 1
    staff, api, acts = _phone(server, tmp_path, "S3003", "3333")
    SyncEngine(staff, api).sync_once()
    seen = acts.preview(RequestType.UNPAID_LEAVE, "st-mk", first_day=date(2027, 5, 3))
    assert [(s.approvers, dict(s.on_behalf_of)) for s in seen.route][0] == (("u-sm-tst",), {"u-sm-tst": "u-sm-mk"})
    with staff.reading() as db:
        assert people_names(db)["u-sm-tst"] == "Ho Ka Lok 何家樂"
    request_id = acts.submit(RequestType.UNPAID_LEAVE, "st-mk", first_day=date(2027, 5, 3))
    SyncEngine(staff, api).sync_once()
    SyncEngine(staff, api).sync_once()
    with staff.reading() as db:
        row = request_by_id(db, request_id)
    assert row["sync_state"] == "synced" and row["route"][0]["approvers"] == ["u-sm-tst"]
    for phone in (staff, manager):
        phone.close()


def test_send_back_with_a_comment_then_send_again_walks_on_to_the_area_manager(server, tmp_path):
    """The Sha Tin manager sends five days of Tam Kwok Wai's leave back with a comment (kept in the
    phone's history at once, offline); Tam sends it again, the manager approves, and it then
    waits for the area manager, on the manager's phone as soon as the decision is made."""
    staff, api, acts = _phone(server, tmp_path, "S3007", "7777")
    SyncEngine(staff, api).sync_once()
    request_id = acts.submit(RequestType.ANNUAL_LEAVE, "st-st", first_day=date(2027, 6, 7), last_day=date(2027, 6, 11))
    SyncEngine(staff, api).sync_once()
    manager, manager_api, manager_acts = _phone(server, tmp_path, "M2004", "7400")
    SyncEngine(manager, manager_api).sync_once()
    with pytest.raises(RequestRefused) as err:
        manager_acts.decide(request_id, Action.SEND_BACK)
    assert err.value.reason == "request_comment_required"
    manager_acts.decide(request_id, Action.SEND_BACK, "Please take the 14th instead")
    with manager.reading() as db:
        row = request_by_id(db, request_id)
    assert row["status"] == "sent_back" and row["history"][-1]["comment"] == "Please take the 14th instead"
    SyncEngine(manager, manager_api).sync_once()
    SyncEngine(staff, api).sync_once()
    acts.resubmit(request_id, "Moved as asked")
    SyncEngine(staff, api).sync_once()
    SyncEngine(manager, manager_api).sync_once()
    manager_acts.decide(request_id, Action.APPROVE)
    with manager.reading() as db:
        row = request_by_id(db, request_id)
    assert (row["status"], row["current_step"]) == ("pending", 1)
    assert [h["action"] for h in row["history"]] == ["submit", "send_back", "resubmit", "approve"]
    assert SyncEngine(manager, manager_api).sync_once().applied == 1
    for phone in (staff, manager):
        phone.close()
