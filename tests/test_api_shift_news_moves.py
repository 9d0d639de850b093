"""Issue 10, openshiftedit: a shift that changes hands through an approved trade or an open-shift
claim tells each person affected with the same "shift change" broadcast as publishing does (one
each, addressed to them and their store's managers only; a colleague pulls none)."""

from datetime import timedelta

from tests.test_api_open_shifts import MANAGER, _manager_picks, add_published, claim, seen
from tests.test_api_trades import _applied, _one
from tests.trade_world import add_shift, full_week, future_monday, offer, shift_row


def _news(api, user_id: str) -> list[dict]:
    return [v for v in seen(api, user_id, "broadcast").values() if v.get("kind") == "shift_change"]


def test_an_approved_offer_tells_the_taker_and_the_giver_once_each_and_not_a_colleague(api):
    """Chan's offer to Siti is approved at once: Siti pulls one "shift change" (the shift added),
    Chan one (the shift gone from him); Fatima, at the same store, pulls none; the manager sees both."""
    monday = future_monday(12)
    shift = add_shift(api.engine, "u-s01", monday)
    full_week(api.engine, "u-s01", monday)
    _applied(_one(api, "u-s01", "trade.request", offer("tr-news", shift, "u-s02")))
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-news", "accept": True}))
    assert shift_row(api.engine, shift)["user_id"] == "u-s02"
    [taker] = _news(api, "u-s02")
    [giver] = _news(api, "u-s01")
    assert taker["changes"] == {shift: "added"} and taker["recipient_ids"] == ["u-s02"]
    assert giver["changes"] == {shift: "cancelled"} and giver["recipient_ids"] == ["u-s01"]
    assert _news(api, "u-s08") == []
    assert {n["id"] for n in _news(api, MANAGER)} == {taker["id"], giver["id"]}
    assert _news(api, "u-sm-mk") == []


def test_a_swap_approved_by_the_manager_tells_each_person_once_with_both_shifts(api):
    """A swap that waits for the manager: on approval each of the two pulls one broadcast naming
    the shift they gave (cancelled for them) and the one they got (added); nothing before it."""
    monday = future_monday(13)
    mine, theirs = add_shift(api.engine, "u-s01", monday), add_shift(api.engine, "u-s02", monday + timedelta(days=1))
    payload = offer("tr-news-sw", mine, "u-s02", kind="swap", swap_shift_id=theirs, swap_shift_version=1)
    _applied(_one(api, "u-s01", "trade.request", payload))
    assert _news(api, "u-s01") == []
    _applied(_one(api, "u-s02", "trade.respond", {"trade_id": "tr-news-sw", "accept": True}))
    if shift_row(api.engine, mine)["user_id"] == "u-s01":  # a warning: the manager accepts it
        stored = seen(api, MANAGER, "trade")["tr-news-sw"]
        overrides = [{"code": w["code"], "person_id": w["person_id"], "reason": "Agreed"}
                     for w in stored["findings"]["warnings"]]
        _applied(_one(api, MANAGER, "trade.decide", {"trade_id": "tr-news-sw", "approve": True,
                                                      "overrides": overrides}))
    [chan] = _news(api, "u-s01")
    [siti] = _news(api, "u-s02")
    assert chan["changes"] == {mine: "cancelled", theirs: "added"}
    assert siti["changes"] == {mine: "added", theirs: "cancelled"}
    assert _news(api, "u-s08") == []


def test_a_claim_that_wins_a_place_tells_the_claimant_only(api):
    """First claim wins: Chan's claim gives him the shift and one "shift change" naming it as
    added; Siti (same store) pulls none; a claim refused as full tells nobody."""
    day = future_monday(14)
    add_published(api, "os-news", day)
    assert claim(api, "u-s01", "oc-news", "os-news")["status"] == "applied"
    [told] = _news(api, "u-s01")
    assert told["changes"] == {"sh-oc-news": "added"} and told["recipient_ids"] == ["u-s01"]
    assert claim(api, "u-s02", "oc-news-2", "os-news")["reason"] == "open_shift_full"
    assert _news(api, "u-s02") == []
    assert [n["id"] for n in _news(api, MANAGER)] == [told["id"]]


def test_a_manager_picking_a_claimant_tells_that_claimant_once(api):
    """Manager picks: a waiting claim tells nobody; picking Siti tells Siti once; declining Chan
    tells Chan nothing (no shift of his changed)."""
    _manager_picks(api)
    day = future_monday(15)
    add_published(api, "os-news-pick", day)
    assert claim(api, "u-s01", "oc-np1", "os-news-pick")["status"] == "applied"
    assert claim(api, "u-s02", "oc-np2", "os-news-pick")["status"] == "applied"
    assert _news(api, "u-s02") == []
    _applied(_one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-np2", "approve": True}))
    _applied(_one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-np1", "approve": False}))
    assert [n["changes"] for n in _news(api, "u-s02")] == [{"sh-oc-np2": "added"}]
    assert _news(api, "u-s01") == []
