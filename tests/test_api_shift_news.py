"""Issue 10, shiftnews, on the server: publishing a week tells each person affected what changed,
in one "shift change" broadcast addressed to that person alone (the store's managers see it too,
for receipts); colleagues never pull it, and nothing new is said when nothing changed."""

from datetime import timedelta

from tests.test_api_open_shifts import MANAGER, publish, seen
from tests.test_api_trades import _one
from tests.trade_world import add_shift, at, future_monday


def _create(api, shift_id: str, user_id: str, day, start: int = 9, end: int = 17) -> None:
    ends = at(day, end) + (timedelta(days=1) if end <= start else timedelta())  # overnight
    payload = {"shift_id": shift_id, "store_id": "st-cwb", "user_id": user_id, "role": "Sales",
               "starts_at": at(day, start).isoformat(), "ends_at": ends.isoformat()}
    assert _one(api, MANAGER, "shift.create", payload)["status"] == "applied"


def _shift_news(api, user_id: str) -> dict[str, dict]:
    return {k: v for k, v in seen(api, user_id, "broadcast").items() if v.get("kind") == "shift_change"}


def test_publish_tells_the_person_affected_and_the_managers_but_not_a_colleague(api):
    """Chan gets two new shifts and one cancelled: after publish he pulls one shift-change
    broadcast from his manager linking the three with what happened to each; Siti (same store)
    pulls none and cannot mark it read; the store manager pulls it (to follow receipts)."""
    day = future_monday(7)
    gone = add_shift(api.engine, "u-s01", day + timedelta(days=3))
    _create(api, "sh-news-a", "u-s01", day)
    _create(api, "sh-news-b", "u-s01", day + timedelta(days=1), 22, 6)
    assert _one(api, MANAGER, "shift.delete", {"shift_id": gone})["status"] == "applied"
    publish(api, day)
    mine = list(_shift_news(api, "u-s01").values())
    assert len(mine) == 1
    news = mine[0]
    assert news["author_id"] == MANAGER and news["title"] == "" and news["body"] == ""
    assert news["shift_ids"] == ["sh-news-a", "sh-news-b", gone]
    assert news["changes"] == {"sh-news-a": "added", "sh-news-b": "added", gone: "cancelled"}
    assert _shift_news(api, "u-s02") == {}
    assert list(_shift_news(api, MANAGER)) == [news["id"]]
    refused = _one(api, "u-s02", "broadcast.read", {"broadcast_id": news["id"], "user_id": "u-s02",
                                                    "read_at": at(day, 8).isoformat()})
    assert refused["status"] == "rejected" and refused["reason"] == "forbidden_role"
    read = _one(api, "u-s01", "broadcast.read", {"broadcast_id": news["id"], "user_id": "u-s01",
                                                 "read_at": at(day, 8).isoformat()})
    assert read["status"] == "applied"


def test_each_person_affected_gets_their_own_and_store_broadcasts_still_reach_everyone(api):
    """Two people's shifts change: each pulls only the broadcast about their own shift; a
    store-wide broadcast written afterwards still reaches both."""
    day = future_monday(8)
    _create(api, "sh-news-c", "u-s01", day)
    _create(api, "sh-news-d", "u-s02", day)
    publish(api, day)
    assert [n["shift_ids"] for n in _shift_news(api, "u-s01").values()] == [["sh-news-c"]]
    assert [n["shift_ids"] for n in _shift_news(api, "u-s02").values()] == [["sh-news-d"]]
    assert len(_shift_news(api, MANAGER)) == 2
    store_wide = {"broadcast_id": "bc-news-all", "store_ids": ["st-cwb"], "title": "Stock count", "body": "Tonight"}
    assert _one(api, MANAGER, "broadcast.create", store_wide)["status"] == "applied"
    for person in ("u-s01", "u-s02"):
        assert seen(api, person, "broadcast")["bc-news-all"]["kind"] == "normal"


def test_publishing_without_changes_or_again_tells_nobody(api):
    """Publishing a week with nothing changed writes no broadcast; publishing a week twice tells
    its people once; an edit after that is told in a second broadcast that names only it."""
    empty = future_monday(9)
    publish(api, empty)
    assert _shift_news(api, MANAGER) == {}
    day = future_monday(10)
    _create(api, "sh-news-e", "u-s01", day)
    _create(api, "sh-news-f", "u-s01", day + timedelta(days=1))
    publish(api, day)
    publish(api, day)
    assert len(_shift_news(api, "u-s01")) == 1
    moved = {"shift_id": "sh-news-f", "user_id": "u-s01", "role": "Sales",
             "starts_at": at(day + timedelta(days=1), 10).isoformat(),
             "ends_at": at(day + timedelta(days=1), 18).isoformat()}
    assert _one(api, MANAGER, "shift.update", moved)["status"] == "applied"
    publish(api, day)
    told = sorted((n["shift_ids"], n["changes"]) for n in _shift_news(api, "u-s01").values())
    assert told == [(["sh-news-e", "sh-news-f"], {"sh-news-e": "added", "sh-news-f": "added"}),
                    (["sh-news-f"], {"sh-news-f": "changed"})]


def test_a_shift_moved_to_a_colleague_tells_both_people(api):
    """The manager moves Chan's published shift to Siti and publishes: Siti is told it is a new
    shift of hers, and Chan, who no longer works it, is told it is cancelled for him."""
    day = future_monday(11)
    moved = add_shift(api.engine, "u-s01", day)
    give = {"shift_id": moved, "user_id": "u-s02", "role": "Sales", "starts_at": at(day, 9).isoformat(),
            "ends_at": at(day, 17).isoformat()}
    assert _one(api, MANAGER, "shift.update", give)["status"] == "applied"
    publish(api, day)
    assert [n["changes"] for n in _shift_news(api, "u-s02").values()] == [{moved: "added"}]
    assert [n["changes"] for n in _shift_news(api, "u-s01").values()] == [{moved: "cancelled"}]
