"""Issue 10, leave: requests walk their approval chain on a real uvicorn API (SQLite and PostgreSQL):
conditions, delegation, send back, balances, scope, and offline decisions re-checked on sync."""

from datetime import UTC, datetime, timedelta
from itertools import count
from uuid import uuid4

import pytest

from app.domain.attendance import HONG_KONG
from app.protocol.sync import PushRequest
from app.store import DeviceStore
from tests.conftest import login

PINS = {"u-s01": ("S3001", "1111"), "u-s02": ("S3002", "2222"), "u-sm-cwb": ("M2001", "7100"),
        "u-sm-mk": ("M2002", "7200"), "u-sm-st": ("M2004", "7400"), "u-am-hk": ("A1002", "8200"),
        "u-hq": ("A0001", "9000"), "u-am-kln": ("A1001", "8100")}


class Phones:
    """One signed-in phone per person, pushing raw mutations with their own numbering."""

    def __init__(self, server, tmp_path_factory):
        self.server, self.dir, self.clients, self.seqs = server, tmp_path_factory.mktemp("phones"), {}, {}

    def client(self, user_id: str):
        if user_id not in self.clients:
            store = DeviceStore(self.dir / f"{user_id}.db")
            self.clients[user_id] = login(self.server.url, store, *PINS[user_id])
            self.seqs[user_id] = count(1)
        return self.clients[user_id]

    def push(self, user_id: str, type_: str, payload: dict) -> dict:
        """Push one action; its per-item result (status, reason, message)."""
        client = self.client(user_id)
        now = datetime.now(UTC).isoformat()
        clock = {"device_time": now, "monotonic_ms": 1000, "boot_id": "boot"}
        body = {"device_id": client.device_id, "sent": clock, "mutations": [
            {"seq": next(self.seqs[user_id]), "idempotency_key": str(uuid4()), "type": type_,
             "payload": payload, "clock": clock}]}
        return self.client(user_id).push(PushRequest.model_validate(body)).results[0].model_dump(mode="json")

    def seen(self, user_id: str, entity: str = "request") -> dict[str, dict]:
        """What this person's phone pulls of ``entity``: id -> latest data."""
        found, cursor = {}, ""
        while True:
            page = self.client(user_id).pull(cursor, 500)
            for change in page.changes:
                change = change if isinstance(change, dict) else change.model_dump(mode="json")
                if change["entity"] == entity:
                    found[change["id"]] = change["data"]
            cursor = page.cursor
            if not page.has_more:
                return found


@pytest.fixture(scope="module")
def phones(server, tmp_path_factory):
    return Phones(server, tmp_path_factory)


def leave(request_id: str, first: str, last: str, type_: str = "annual_leave", store: str = "st-cwb") -> dict:
    return {"request_id": request_id, "type": type_, "store_id": store, "first_day": first, "last_day": last}


def decide(request_id: str, decision: str = "approve", comment: str = "") -> dict:
    return {"request_id": request_id, "decision": decision, "comment": comment}


def test_leave_over_three_days_walks_store_then_area_manager(phones):
    """Six leave days: the route shows store manager then area manager up front; another store's
    manager cannot approve; after both approve the requester sees it approved, each step recorded
    with its device, and the balance down by the days (Christmas holidays not counted)."""
    assert phones.push("u-s01", "request.submit", leave("rq-long", "2026-12-21", "2026-12-30"))["status"] == "applied"
    mine = phones.seen("u-s01")["rq-long"]
    assert [(s["role"], s["approvers"]) for s in mine["route"]] == [
        ("store_manager", ["u-sm-cwb"]), ("area_manager", ["u-am-hk"])]
    assert (mine["status"], mine["current_step"], mine["days"]) == ("pending", 0, 8)
    assert mine["holidays"] == [{"day": "2026-12-25", "name": "Christmas Day"},
                                {"day": "2026-12-26", "name": "The first weekday after Christmas Day"}]
    other = phones.push("u-sm-mk", "request.decide", decide("rq-long"))
    assert (other["status"], other["reason"]) == ("rejected", "not_found")
    early = phones.push("u-am-hk", "request.decide", decide("rq-long"))
    assert (early["status"], early["reason"]) == ("rejected", "request_not_your_turn")
    assert phones.push("u-sm-cwb", "request.decide", decide("rq-long"))["status"] == "applied"
    assert phones.seen("u-am-hk")["rq-long"]["current_step"] == 1
    assert phones.push("u-am-hk", "request.decide", decide("rq-long", comment="Enjoy"))["status"] == "applied"
    mine = phones.seen("u-s01")["rq-long"]
    assert mine["status"] == "approved" and mine["current_step"] is None
    assert [(h["action"], h["user_id"], h["device_id"]) for h in mine["history"]] == [
        ("submit", "u-s01", phones.client("u-s01").device_id),
        ("approve", "u-sm-cwb", phones.client("u-sm-cwb").device_id),
        ("approve", "u-am-hk", phones.client("u-am-hk").device_id)]
    assert mine["balance"] == {"entitled": 12, "used": 8, "held": 0, "available": 4}


def test_request_over_the_balance_is_refused_with_the_numbers(phones):
    """Asking for 13 days with 12 left is refused, saying both numbers; nothing is stored."""
    result = phones.push("u-s02", "request.submit", leave("rq-too-long", "2026-11-02", "2026-11-14"))
    assert (result["status"], result["reason"]) == ("rejected", "leave_over_balance")
    assert "13" in result["message"] and "12" in result["message"]
    assert "rq-too-long" not in phones.seen("u-s02")


def test_requester_cannot_approve_own_and_empty_step_passes_on(phones):
    """A store manager's own 5-day leave skips their own step (nobody else holds it) to the area manager;
    approving it themselves is refused."""
    result = phones.push("u-sm-cwb", "request.submit", leave("rq-mgr", "2026-11-09", "2026-11-13"))
    assert result["status"] == "applied", (result["reason"], result["message"])
    mine = phones.seen("u-sm-cwb")["rq-mgr"]
    assert mine["route"][0]["approvers"] == [] and mine["current_step"] == 1
    own = phones.push("u-sm-cwb", "request.decide", decide("rq-mgr"))
    assert (own["status"], own["reason"]) == ("rejected", "request_own")
    assert phones.push("u-am-hk", "request.decide", decide("rq-mgr"))["status"] == "applied"


def test_purchase_over_5000_needs_the_area_manager_and_send_back_returns_to_them(phones):
    """HKD 6,000: store manager then area manager; the area manager sends it back with a comment,
    the requester answers, and it waits at the area manager again."""
    purchase = {"request_id": "rq-buy", "type": "purchase", "store_id": "st-cwb", "amount_hkd": 6000,
                "note": "New till printer"}
    assert phones.push("u-s02", "request.submit", purchase)["status"] == "applied"
    assert phones.push("u-sm-cwb", "request.decide", decide("rq-buy"))["status"] == "applied"
    empty = phones.push("u-am-hk", "request.decide", decide("rq-buy", "send_back"))
    assert (empty["status"], empty["reason"]) == ("rejected", "request_comment_required")
    assert phones.push("u-am-hk", "request.decide", decide("rq-buy", "send_back", "Add a quote"))["status"] == "applied"
    mine = phones.seen("u-s02")["rq-buy"]
    assert mine["status"] == "sent_back" and mine["history"][-1]["comment"] == "Add a quote"
    assert phones.push("u-s02", "request.resubmit", {"request_id": "rq-buy", "comment": "Quote attached"})["status"] == "applied"
    assert phones.seen("u-am-hk")["rq-buy"]["current_step"] == 1
    assert phones.push("u-am-hk", "request.decide", decide("rq-buy"))["status"] == "applied"
    assert phones.seen("u-s02")["rq-buy"]["status"] == "approved"


def test_delegation_for_today_sends_the_approval_to_the_delegate(phones):
    """The Causeway Bay manager hands approvals to the Sha Tin manager for a week from yesterday:
    their step goes to the delegate, who sees the request and approves it on their behalf; the
    manager away cannot, and staff cannot be made a delegate."""
    today = datetime.now(HONG_KONG).date()
    week = {"first_day": (today - timedelta(days=1)).isoformat(), "last_day": (today + timedelta(days=7)).isoformat()}
    staff = phones.push("u-sm-cwb", "delegation.set", {"delegation_id": "dl-0", "delegate_id": "u-s02", **week})
    assert (staff["status"], staff["reason"]) == ("rejected", "forbidden_role")
    set_ = phones.push("u-sm-cwb", "delegation.set", {"delegation_id": "dl-1", "delegate_id": "u-sm-st", **week})
    assert set_["status"] == "applied"
    assert phones.push("u-s02", "request.submit", leave("rq-dlg", "2026-11-16", "2026-11-17"))["status"] == "applied"
    route = phones.seen("u-s02")["rq-dlg"]["route"]
    assert route[0]["approvers"] == ["u-sm-st"] and route[0]["on_behalf_of"] == {"u-sm-st": "u-sm-cwb"}
    away = phones.push("u-sm-cwb", "request.decide", decide("rq-dlg"))
    assert (away["status"], away["reason"]) == ("rejected", "request_not_your_turn")
    assert "rq-dlg" in phones.seen("u-sm-st")
    assert phones.push("u-sm-st", "request.decide", decide("rq-dlg"))["status"] == "applied"
    done = phones.seen("u-s02")["rq-dlg"]
    assert done["status"] == "approved" and done["history"][-1]["on_behalf_of"] == "u-sm-cwb"


def test_sick_leave_cites_a_certificate_the_requester_uploaded(phones):
    """Sick leave without a certificate, or citing a photo never uploaded, is refused and not stored."""
    bare = phones.push("u-s01", "request.submit", leave("rq-sick", "2026-11-03", "2026-11-04", "sick_leave"))
    assert (bare["status"], bare["reason"]) == ("rejected", "certificate_required")
    ghost = phones.push("u-s01", "request.submit", {**leave("rq-sick", "2026-11-03", "2026-11-04", "sick_leave"),
                                                     "certificate_sha256": "ab" * 32})
    assert (ghost["status"], ghost["reason"]) == ("rejected", "invalid_payload")
    assert "rq-sick" not in phones.seen("u-s01")


def test_approval_made_offline_on_a_cancelled_request_is_refused_on_sync(phones):
    """The requester cancels while the manager's phone is offline; the manager's approval, synced
    later, is refused saying it was cancelled, and the held days are back in the balance."""
    assert phones.push("u-s02", "request.submit", leave("rq-gone", "2026-11-23", "2026-11-24"))["status"] == "applied"
    held = phones.seen("u-s02")["rq-gone"]["balance"]
    assert phones.push("u-s02", "request.cancel", {"request_id": "rq-gone"})["status"] == "applied"
    late = phones.push("u-sm-cwb", "request.decide", decide("rq-gone"))
    assert (late["status"], late["reason"]) == ("rejected", "request_not_open")
    assert "cancelled" in late["message"]
    after = phones.seen("u-s02")["rq-gone"]
    assert after["status"] == "cancelled" and after["balance"]["available"] == held["available"] + 2


def test_shift_change_shows_the_approver_the_shift(phones, server):
    """A shift change names one of the requester's own shifts; the manager sees its times."""
    from sqlalchemy import create_engine, select

    from backend_stub import db

    engine = create_engine(server.db_url)
    with engine.connect() as conn:
        shift_id, other = (conn.execute(select(db.shifts.c.id).where(db.shifts.c.user_id == u)).scalars().first()
                           for u in ("u-s01", "u-s02"))
    engine.dispose()
    theirs = phones.push("u-s01", "request.submit", {"request_id": "rq-sc-0", "type": "shift_change",
                                                     "store_id": "st-cwb", "shift_id": other})
    assert (theirs["status"], theirs["reason"]) == ("rejected", "not_found")
    assert phones.push("u-s01", "request.submit", {"request_id": "rq-sc", "type": "shift_change",
                                                   "store_id": "st-cwb", "shift_id": shift_id,
                                                   "note": "Swap to the late shift"})["status"] == "applied"
    seen = phones.seen("u-sm-cwb")["rq-sc"]
    assert seen["shift"]["starts_at"] and seen["shift"]["ends_at"] and "holidays" not in seen


def test_chains_are_pulled_by_every_device(phones):
    """Staff phones pull the chain of every request type (the route is computed on the device too)."""
    chains = phones.seen("u-s01", "request_chain")
    assert set(chains) == {"annual_leave", "sick_leave", "unpaid_leave", "overtime", "shift_change", "purchase"}
    assert chains["annual_leave"]["steps"][1]["when"] == {"measure": "days", "over": 3}


def test_a_store_managers_own_short_leave_goes_to_the_area_manager(phones):
    """Two days of the Mong Kok manager's own leave (a chain of one store-manager step, theirs):
    the request waits for the area manager, who approves it; it is not refused 'no approver'."""
    ask = leave("rq-mgr-short", "2026-11-24", "2026-11-25", store="st-mk")
    result = phones.push("u-sm-mk", "request.submit", ask)
    assert result["status"] == "applied", (result["reason"], result["message"])
    mine = phones.seen("u-sm-mk")["rq-mgr-short"]
    assert [s["role"] for s in mine["route"]] == ["store_manager", "area_manager"]
    assert mine["route"][1]["approvers"] == ["u-am-kln"] and mine["current_step"] == 1
    assert phones.push("u-am-kln", "request.decide", decide("rq-mgr-short"))["status"] == "applied"
    assert phones.seen("u-sm-mk")["rq-mgr-short"]["status"] == "approved"


def test_each_phone_pulls_its_own_entitlements_and_the_stores_of_managers(phones):
    """A staff phone pulls its own yearly leave (not a colleague's) and, for each manager of its
    store, the stores they cover: what it needs to show the route and balance before sending."""
    mine = phones.seen("u-s01", "leave_entitlement")
    assert {(e["user_id"], e["type"], e["year"], e["days"]) for e in mine.values()} == {
        ("u-s01", t, y, d) for y in (2026, 2027) for t, d in (("annual_leave", 12), ("sick_leave", 24))}
    users = phones.seen("u-s01", "user")
    assert users["u-am-hk"]["store_ids"] == ["st-cwb", "st-st"] and users["u-sm-cwb"]["store_ids"] == ["st-cwb"]
    assert users["u-hq"]["role"] == "hq_admin"
