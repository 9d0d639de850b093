"""Issue 10, trades, on the server: swaps, offers and cover requests walk their states, every
check runs the shift rules on the server's own roster, scoped by role and stores."""

from datetime import timedelta

import pytest

from tests.test_api_push import mutation, pull_all, push
from tests.trade_world import add_shift, full_week, future_monday, offer, shift_row, trade_row

MANAGER = "u-sm-cwb"


def _one(api, user_id: str, type_: str, payload: dict) -> dict:
    """One action from ``user_id``'s phone (each person has one device, numbering its actions)."""
    numbers = api.__dict__.setdefault("trade_seq", {})
    numbers[user_id] = seq = numbers.get(user_id, 0) + 1
    r = push(api, user_id, [mutation(seq, type_, payload)], device_id=f"dev-trades-{user_id}")
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def _applied(result: dict) -> None:
    assert result["status"] == "applied", result


def test_offer_accepted_is_auto_approved_and_both_devices_see_the_new_holder(api):
    """Chan offers his Monday shift to Siti; Siti accepts; no rule warns, so the chain approves
    it at once: the shift is Siti's (version 2) and both their pulls show the trade and shift."""
    monday = future_monday()
    shift = add_shift(api.engine, "u-s01", monday)
    full_week(api.engine, "u-s01", monday)
    _applied(_one(api, "u-s01", "trade.request", offer("tr-1", shift, "u-s02")))
    assert trade_row(api.engine, "tr-1")["state"] == "waiting_colleague"
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-1", "accept": True}))
    assert trade_row(api.engine, "tr-1")["state"] == "approved"
    row = shift_row(api.engine, shift)
    assert row["user_id"] == "u-s02" and row["version"] == 2
    for person in ("u-s01", "u-s02"):
        seen = {c["id"]: c["data"] for c in pull_all(api, person) if c["entity"] in ("trade", "shift")}
        assert seen["tr-1"]["state"] == "approved" and seen[shift]["user_id"] == "u-s02"


def test_warning_needs_the_managers_override_with_a_reason_which_is_logged(api):
    """Chan has one shift that week: giving it away warns of the "468" continuous contract, so
    the trade waits for the manager; approving without an override is refused with the code;
    with a reason it is approved and the override is kept with who, why and when."""
    shift = add_shift(api.engine, "u-s01", future_monday())
    _applied(_one(api, "u-s01", "trade.request", offer("tr-w", shift, "u-s02")))
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-w", "accept": True}))
    assert trade_row(api.engine, "tr-w")["state"] == "waiting_manager"
    plain = _one(api, MANAGER, "trade.decide", {"trade_id": "tr-w", "approve": True})
    assert plain["status"] == "rejected" and plain["reason"] == "trade_override_needed"
    assert "continuous_contract_at_risk" in plain["message"]
    override = {"code": "continuous_contract_at_risk", "person_id": "u-s01", "reason": "Chan asked for a light week"}
    _applied(_one(api, MANAGER, "trade.decide", {"trade_id": "tr-w", "approve": True, "overrides": [override]}))
    stored = trade_row(api.engine, "tr-w")
    assert stored["state"] == "approved" and stored["decided_by"] == MANAGER
    assert '"by": "u-sm-cwb"' in stored["overrides"] and "light week" in stored["overrides"]
    assert shift_row(api.engine, shift)["user_id"] == "u-s02"


def test_rules_refuse_on_the_server_with_the_reason_and_numbers(api):
    """An offer to a colleague already working then is stored refused with the overlap rule
    (the device's own verdict is not trusted); the shift stays with Chan."""
    monday = future_monday()
    shift = add_shift(api.engine, "u-s01", monday)
    add_shift(api.engine, "u-s02", monday, 12, 20)
    _applied(_one(api, "u-s01", "trade.request", offer("tr-r", shift, "u-s02")))
    stored = trade_row(api.engine, "tr-r")
    assert stored["state"] == "refused" and "shift_overlap" in stored["findings"]
    assert shift_row(api.engine, shift)["user_id"] == "u-s01"


def test_only_the_holder_trades_and_only_the_stores_manager_decides(api):
    """Siti cannot offer Chan's shift; Mong Kok's manager cannot decide a Causeway Bay trade;
    Chan cannot approve his own request."""
    shift = add_shift(api.engine, "u-s01", future_monday())
    assert _one(api, "u-s02", "trade.request", offer("tr-x", shift, "u-s08"))["reason"] == "not_your_record"
    _applied(_one(api, "u-s01", "trade.request", offer("tr-s", shift, "u-s02")))
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-s", "accept": True}))
    assert _one(api, "u-sm-mk", "trade.decide", {"trade_id": "tr-s", "approve": True})["reason"] == "forbidden_role"
    assert _one(api, "u-s01", "trade.decide", {"trade_id": "tr-s", "approve": True})["reason"] == "forbidden_role"


def test_shift_edited_after_the_request_fails_with_shift_changed(api):
    """A request made on version 1 of a shift the manager has since edited (version 2) cannot
    be approved: "shift changed"; the shift keeps its holder."""
    monday = future_monday()
    shift = add_shift(api.engine, "u-s01", monday)
    full_week(api.engine, "u-s01", monday)
    _applied(_one(api, "u-s01", "trade.request", offer("tr-c", shift, "u-s02")))
    edit = {"shift_id": shift, "user_id": "u-s01", "starts_at": shift_row(api.engine, shift)["starts_at"].isoformat(),
            "ends_at": (shift_row(api.engine, shift)["ends_at"] + timedelta(hours=1)).isoformat(), "role": "Sales"}
    if shift_row(api.engine, shift)["starts_at"].tzinfo is None:
        edit["starts_at"] += "+00:00"
        edit["ends_at"] += "+00:00"
    _applied(_one(api, MANAGER, "shift.update", edit))
    late = _one(api, "u-s02", "trade.respond", {"trade_id": "tr-c", "accept": True})
    assert late["status"] == "rejected" and late["reason"] == "trade_shift_changed"
    assert shift_row(api.engine, shift)["user_id"] == "u-s01"
    stale = _one(api, "u-s01", "trade.request", offer("tr-c2", shift, "u-s02", version=1))
    assert stale["reason"] == "trade_shift_changed"


def test_cancel_and_decline_close_the_request(api):
    """The requester cancels before approval (then nobody can accept it); a declined offer
    cannot be cancelled any more."""
    monday = future_monday()
    shift = add_shift(api.engine, "u-s01", monday)
    _applied(_one(api, "u-s01", "trade.request", offer("tr-k", shift, "u-s02")))
    _applied(_one(api, "u-s01", "trade.cancel", {"trade_id": "tr-k"}))
    assert trade_row(api.engine, "tr-k")["state"] == "cancelled"
    assert _one(api, "u-s02", "trade.respond", {"trade_id": "tr-k", "accept": True})["reason"] == "trade_closed"
    _applied(_one(api, "u-s01", "trade.request", offer("tr-d", shift, "u-s02")))
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-d", "accept": False}))
    assert trade_row(api.engine, "tr-d")["state"] == "declined"
    assert _one(api, "u-s01", "trade.cancel", {"trade_id": "tr-d"})["reason"] == "trade_closed"


def test_swap_exchanges_both_shifts(api):
    """Chan swaps his Monday for Siti's Tuesday: after approval each holds the other's shift."""
    monday = future_monday()
    mine, theirs = add_shift(api.engine, "u-s01", monday), add_shift(api.engine, "u-s02", monday + timedelta(days=1))
    payload = offer("tr-sw", mine, "u-s02", kind="swap", swap_shift_id=theirs, swap_shift_version=1)
    _applied(_one(api, "u-s01", "trade.request", payload))
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-sw", "accept": True}))
    stored = trade_row(api.engine, "tr-sw")
    if stored["state"] == "waiting_manager":  # a rest-day or 468 warning: the manager overrides it
        codes = [w["code"] for w in __import__("json").loads(stored["findings"])["warnings"]]
        overrides = [{"code": c, "person_id": w["person_id"], "reason": "Agreed at the team meeting"}
                     for c, w in zip(codes, __import__("json").loads(stored["findings"])["warnings"])]
        _applied(_one(api, MANAGER, "trade.decide", {"trade_id": "tr-sw", "approve": True, "overrides": overrides}))
    assert shift_row(api.engine, mine)["user_id"] == "u-s02" and shift_row(api.engine, theirs)["user_id"] == "u-s01"


def test_cover_request_the_first_eligible_taker_wins_and_the_next_is_told(api):
    """Chan asks for cover; Siti takes it (approved at once); Fatima, a moment later, is told
    someone else took it first."""
    monday = future_monday()
    shift = add_shift(api.engine, "u-s01", monday)
    full_week(api.engine, "u-s01", monday)
    _applied(_one(api, "u-s01", "trade.request", offer("tr-cv", shift, None, kind="cover")))
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-cv", "accept": True}))
    late = _one(api, "u-s08", "trade.respond", {"trade_id": "tr-cv", "accept": True})
    assert late["status"] == "rejected" and late["reason"] == "trade_already_taken"
    assert shift_row(api.engine, shift)["user_id"] == "u-s02"


@pytest.mark.parametrize("payload", [
    {"kind": "offer", "taker_id": None},
    {"kind": "cover", "taker_id": "u-s02"},
    {"kind": "swap", "taker_id": "u-s02"},
])
def test_a_request_that_makes_no_sense_is_refused_and_changes_nothing(api, payload):
    """An offer naming nobody, a cover naming someone, a swap without a shift: refused."""
    shift = add_shift(api.engine, "u-s01", future_monday())
    result = _one(api, "u-s01", "trade.request", {**offer("tr-bad", shift, None), **payload})
    assert result["status"] == "rejected" and result["reason"] == "trade_invalid"


def test_a_request_still_waiting_when_the_shift_starts_expires(api):
    """The housekeeping round after the shift's start marks a waiting request expired, and
    the requester's phone pulls it so."""
    from backend_stub.services.trade_handlers import expire_started

    shift = add_shift(api.engine, "u-s01", future_monday())
    _applied(_one(api, "u-s01", "trade.request", offer("tr-exp", shift, "u-s02")))
    starts = shift_row(api.engine, shift)["starts_at"]
    with api.engine.begin() as conn:
        assert expire_started(conn, starts - timedelta(minutes=1)) == 0
    with api.engine.begin() as conn:
        assert expire_started(conn, starts + timedelta(minutes=1)) == 1
    assert trade_row(api.engine, "tr-exp")["state"] == "expired"
    seen = {c["id"]: c["data"] for c in pull_all(api, "u-s01") if c["entity"] == "trade"}
    assert seen["tr-exp"]["state"] == "expired"


def test_a_named_offer_reaches_the_two_people_and_the_managers_only(api):
    """Chan's offer to Siti is theirs and their managers' business: Fatima (same store) never
    pulls it; a cover request stays open to the whole store, Fatima included."""
    monday = future_monday(weeks=8)
    named, open_ = add_shift(api.engine, "u-s01", monday), add_shift(api.engine, "u-s01", monday + timedelta(days=2))
    _applied(_one(api, "u-s01", "trade.request", offer("tr-priv", named, "u-s02")))
    _applied(_one(api, "u-s01", "trade.request", offer("tr-open", open_, None, kind="cover")))
    def trades_seen(person: str) -> set[str]:
        return {c["id"] for c in pull_all(api, person) if c["entity"] == "trade"}
    for person in ("u-s01", "u-s02", MANAGER):
        assert {"tr-priv", "tr-open"} <= trades_seen(person), person
    fatima = trades_seen("u-s08")
    assert "tr-open" in fatima and "tr-priv" not in fatima
