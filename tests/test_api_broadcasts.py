"""Issue 11, broadcasts, on the server (both backends): audiences (stores, an area, a role, named
people) resolved once per person, counted before sending, scoped to the sender's own stores;
nobody outside the audience pulls, reads or follows a broadcast; urgent ones are acknowledged;
receipts (delivered on pull, read, acknowledged) per store and per person for the sender and
their managers only."""

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from backend_stub import db
from tests.test_api_bad_input import bearer
from tests.test_api_push import pull_all
from tests.test_api_trades import _one

AREA_MANAGER, CWB_MANAGER, HQ = "u-am-kln", "u-sm-cwb", "u-hq"


def _count(api, user_id: str, **audience):
    return api.post("/v1/broadcasts/audience-count", json=audience, headers=bearer(api, user_id))


def _send(api, user_id: str, broadcast_id: str, kind: str = "normal", **audience) -> dict:
    payload = {"broadcast_id": broadcast_id, "title": "Lift out of service", "body": "請用樓梯。", "kind": kind,
               **audience}
    return _one(api, user_id, "broadcast.create", payload)


def _pulled(api, user_id: str, broadcast_id: str) -> list[dict]:
    return [c for c in pull_all(api, user_id) if c["entity"] == "broadcast" and c["id"] == broadcast_id]


def _receipts(api, user_id: str, broadcast_id: str, status: str = "all"):
    return api.get(f"/v1/broadcasts/{broadcast_id}/receipts", params={"status": status},
                   headers=bearer(api, user_id))


def test_an_area_and_a_role_reach_each_staff_member_once_counted_before_sending(api):
    """Kowloon's area manager counts "staff of Kowloon": 5 people, 3 at Mong Kok (Nur Aisyah, at
    both Kowloon stores, counted once, under Mong Kok) and 2 at TST. Sent, each of the five pulls
    it exactly once; the MK store manager (not staff), a CWB staff member and nobody else does,
    except the sender and HQ (the sender's manager)."""
    counted = _count(api, AREA_MANAGER, area="kowloon", role="staff")
    assert counted.status_code == 200, counted.text
    assert counted.json() == {"people": 5, "stores": [{"store_id": "st-mk", "people": 3},
                                                      {"store_id": "st-tst", "people": 2}]}
    assert _send(api, AREA_MANAGER, "bc-kln-staff", area="kowloon", role="staff")["status"] == "applied"
    for staff in ("u-s03", "u-s04", "u-s05", "u-s06", "u-s09"):
        assert len(_pulled(api, staff, "bc-kln-staff")) == 1, staff
    for outsider in ("u-sm-mk", "u-s01", "u-s08"):
        assert _pulled(api, outsider, "bc-kln-staff") == [], outsider
    assert _pulled(api, AREA_MANAGER, "bc-kln-staff") and _pulled(api, HQ, "bc-kln-staff")
    pulled = _pulled(api, "u-s06", "bc-kln-staff")[0]["data"]
    assert pulled["recipient_ids"] == ["u-s03", "u-s04", "u-s05", "u-s06", "u-s09"]


def test_stores_a_role_and_named_people_resolve_on_the_server(api):
    """Mong Kok alone reaches its 4 other people (the sender, Kowloon's area manager, is not
    counted); HQ's "store managers of CWB" reaches Chan Siu Ming alone; two named people are
    exactly those two."""
    assert _count(api, AREA_MANAGER, store_ids=["st-mk"]).json()["people"] == 3 + 1  # 3 staff + its manager
    assert _count(api, HQ, store_ids=["st-cwb"], role="store_manager").json() == {
        "people": 1, "stores": [{"store_id": "st-cwb", "people": 1}]}
    assert _count(api, CWB_MANAGER, user_ids=["u-s01", "u-s08"]).json()["people"] == 2


def test_a_manager_addresses_only_their_own_stores_and_people(api):
    """The CWB manager may not count or send to Mong Kok, to the Kowloon area or to a Mong Kok
    staff member (forbidden, nothing stored); he may name Fatima (who also works at CWB). Staff
    cannot address anyone; an empty audience is refused with its own code."""
    for audience in ({"store_ids": ["st-mk"]}, {"area": "kowloon"}, {"user_ids": ["u-s03"]}):
        refused = _count(api, CWB_MANAGER, **audience)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role", audience
        sent = _send(api, CWB_MANAGER, f"bc-out-{len(audience)}-{next(iter(audience))}", **audience)
        assert sent["status"] == "rejected" and sent["reason"] == "forbidden_role"
    assert _pulled(api, "u-s03", "bc-out-1-store_ids") == []
    assert _count(api, CWB_MANAGER, user_ids=["u-s08"]).json()["people"] == 1
    assert _count(api, "u-s01", store_ids=["st-cwb"]).status_code == 403
    empty = _count(api, CWB_MANAGER)
    assert empty.status_code == 400 and empty.json()["code"] == "broadcast_audience_empty"


def test_nobody_outside_the_audience_pulls_reads_or_follows_it(api):
    """The CWB manager names Fatima: Chan Tai Man (same store) neither pulls it, nor reads it
    directly, nor gets its receipts, nor can mark it read; Fatima reads it but not its receipts;
    the Sha Tin manager (Fatima's other store, not the sender's manager) cannot follow it; the
    HK Island area manager (his manager) can."""
    assert _send(api, CWB_MANAGER, "bc-fatima", user_ids=["u-s08"])["status"] == "applied"
    assert _pulled(api, "u-s01", "bc-fatima") == []
    assert api.get("/v1/broadcasts/bc-fatima", headers=bearer(api, "u-s01")).status_code == 404
    assert _receipts(api, "u-s01", "bc-fatima").status_code == 404
    read = _one(api, "u-s01", "broadcast.read", {"broadcast_id": "bc-fatima", "user_id": "u-s01",
                                                 "read_at": datetime.now(UTC).isoformat()})
    assert read["status"] == "rejected"
    mine = api.get("/v1/broadcasts/bc-fatima", headers=bearer(api, "u-s08"))
    assert mine.status_code == 200 and mine.json()["body"] == "請用樓梯。"
    assert _receipts(api, "u-s08", "bc-fatima").status_code == 404
    assert _receipts(api, "u-sm-st", "bc-fatima").status_code == 404
    assert _pulled(api, "u-sm-st", "bc-fatima") == []
    assert _receipts(api, "u-am-hk", "bc-fatima").status_code == 200
    assert _receipts(api, CWB_MANAGER, "bc-fatima").status_code == 200


def test_urgent_receipts_per_store_and_person_delivered_read_and_acknowledged(api):
    """An urgent broadcast to CWB staff (Chan, Siti, Fatima): Chan's phone pulls it (delivered),
    he reads it at 09:01 and acknowledges at 09:02, his phone's times; the receipts show CWB at
    3 people, 1 delivered / read / acknowledged (33.3 %), his times, and "not read yet" lists
    Siti and Fatima. A normal broadcast cannot be acknowledged; someone outside cannot either."""
    assert _send(api, CWB_MANAGER, "bc-urgent", kind="urgent", store_ids=["st-cwb"], role="staff")[
        "status"] == "applied"
    with api.engine.begin() as conn:  # sent an hour ago (a receipt is never before the sending)
        conn.execute(update(db.broadcasts).where(db.broadcasts.c.id == "bc-urgent")
                     .values(created_at=datetime.now(UTC) - timedelta(hours=1)))
    assert _pulled(api, "u-s01", "bc-urgent")[0]["data"]["kind"] == "urgent"
    read_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    acked_at = read_at + timedelta(minutes=1)
    assert _one(api, "u-s01", "broadcast.read", {"broadcast_id": "bc-urgent", "user_id": "u-s01",
                                                 "read_at": read_at.isoformat()})["status"] == "applied"
    ack = {"broadcast_id": "bc-urgent", "user_id": "u-s01", "acknowledged_at": acked_at.isoformat()}
    assert _one(api, "u-s01", "broadcast.acknowledge", ack)["status"] == "applied"
    answer = _receipts(api, CWB_MANAGER, "bc-urgent").json()
    assert answer["stores"] == [{"store_id": "st-cwb", "people": 3, "delivered": 1, "read": 1, "acknowledged": 1,
                                 "delivered_pct": 33.3, "read_pct": 33.3, "acknowledged_pct": 33.3}]
    chan = next(p for p in answer["people"] if p["user_id"] == "u-s01")
    assert datetime.fromisoformat(chan["read_at"]).replace(tzinfo=UTC) == read_at
    assert datetime.fromisoformat(chan["acknowledged_at"]).replace(tzinfo=UTC) == acked_at
    assert chan["delivered_at"] is not None
    unread = _receipts(api, CWB_MANAGER, "bc-urgent", "unread").json()["people"]
    assert sorted(p["user_id"] for p in unread) == ["u-s02", "u-s08"]
    assert _send(api, CWB_MANAGER, "bc-plain", store_ids=["st-cwb"])["status"] == "applied"
    plain = _one(api, "u-s01", "broadcast.acknowledge", {**ack, "broadcast_id": "bc-plain"})
    assert plain["status"] == "rejected" and plain["reason"] == "broadcast_not_urgent"
    outsider = _one(api, "u-s03", "broadcast.acknowledge", {**ack, "user_id": "u-s03"})
    assert outsider["status"] == "rejected" and outsider["reason"] == "not_found"


# -- Issue 11, bcwrite: translations ------------------------------------------------------------------

INDONESIAN = {"id": {"title": "Lift tidak berfungsi", "body": "Silakan gunakan tangga."}}


def test_translations_are_stored_pulled_and_read_with_the_original(api):
    """The CWB manager adds an Indonesian version: Siti's pull and a direct read carry the
    original and the Indonesian title and text, exactly as written."""
    assert _send(api, CWB_MANAGER, "bc-lift-id", store_ids=["st-cwb"], translations=INDONESIAN)["status"] == "applied"
    pulled = _pulled(api, "u-s02", "bc-lift-id")
    assert pulled and pulled[-1]["data"]["title"] == "Lift out of service"
    assert pulled[-1]["data"]["translations"] == INDONESIAN
    read = api.get("/v1/broadcasts/bc-lift-id", headers=bearer(api, "u-s02")).json()
    assert read["body"] == "請用樓梯。" and read["translations"] == INDONESIAN


def test_a_translation_in_an_unsupported_language_or_too_long_is_refused_and_nothing_is_sent(api):
    """A version in Klingon, one with no title, or one with a title over 200 characters is
    refused with a clear reason; the broadcast is not sent to anyone."""
    for bad in ({"tlh": {"title": "nuqneH"}}, {"id": {"title": " ", "body": "x"}}, {"th": {"title": "ก" * 201}}):
        result = _send(api, CWB_MANAGER, "bc-bad-lang", store_ids=["st-cwb"], translations=bad)
        assert result["status"] == "rejected", result
        assert _pulled(api, "u-s02", "bc-bad-lang") == []
    assert api.get("/v1/broadcasts/bc-bad-lang", headers=bearer(api, CWB_MANAGER)).status_code == 404


# -- Issue 11, bcwrite: editing a sent broadcast ----------------------------------------------------

def _edit(api, user_id: str, broadcast_id: str, base_version: int, title: str, body: str = "") -> dict:
    return _one(api, user_id, "broadcast.edit", {"broadcast_id": broadcast_id, "base_version": base_version,
                                                  "title": title, "body": body})


def _versions(api, user_id: str, broadcast_id: str):
    return api.get(f"/v1/broadcasts/{broadcast_id}/versions", headers=bearer(api, user_id))


def test_an_edit_keeps_the_history_and_an_edit_on_an_old_version_is_refused(api):
    """The CWB manager fixes the lift notice; the HK Island area manager (his manager) edits it
    again. Its versions list all three texts with who wrote each and when; an edit still based on
    version 1 is refused as "edited meanwhile" and changes nothing; Chan (staff) can neither edit it
    nor see its history."""
    assert _send(api, CWB_MANAGER, "bc-edit", store_ids=["st-cwb"])["status"] == "applied"
    assert _edit(api, CWB_MANAGER, "bc-edit", 1, "Lift out of service until 3pm", "請用樓梯。")["status"] == "applied"
    assert _edit(api, "u-am-hk", "bc-edit", 2, "Lift repaired", "可以用升降機。")["status"] == "applied"
    stale = _edit(api, CWB_MANAGER, "bc-edit", 1, "Lift out of service all day")
    assert stale["status"] == "rejected" and stale["reason"] == "broadcast_edited_meanwhile", stale
    history = _versions(api, CWB_MANAGER, "bc-edit").json()
    assert [(v["version"], v["title"], v["written_by"]) for v in history] == [
        (1, "Lift out of service", CWB_MANAGER), (2, "Lift out of service until 3pm", CWB_MANAGER),
        (3, "Lift repaired", "u-am-hk")]
    assert history[0]["written_at"] <= history[1]["written_at"] <= history[2]["written_at"]
    refused = _edit(api, "u-s01", "bc-edit", 3, "Lift fine")
    assert refused["status"] == "rejected" and refused["reason"] == "forbidden_role", refused
    assert _versions(api, "u-s01", "bc-edit").status_code == 404
    pulled = _pulled(api, "u-s01", "bc-edit")[-1]["data"]
    assert pulled["title"] == "Lift repaired" and pulled["version"] == 3
    assert pulled["previous"] == {"title": "Lift out of service until 3pm", "body": "請用樓梯。"}


def test_editing_an_urgent_broadcast_asks_everyone_to_acknowledge_again(api):
    """Chan acknowledged the urgent lift notice; the manager edits it: Chan's acknowledgement is
    cleared in the receipts and taken off his phone (his pull deletes it), so he is asked again."""
    assert _send(api, CWB_MANAGER, "bc-edit-urgent", kind="urgent", store_ids=["st-cwb"])["status"] == "applied"
    ack = _one(api, "u-s01", "broadcast.acknowledge", {"broadcast_id": "bc-edit-urgent", "user_id": "u-s01",
                                                       "acknowledged_at": datetime.now(UTC).isoformat()})
    assert ack["status"] == "applied", ack
    people = {p["user_id"]: p for p in _receipts(api, CWB_MANAGER, "bc-edit-urgent").json()["people"]}
    assert people["u-s01"]["acknowledged_at"]
    assert _edit(api, CWB_MANAGER, "bc-edit-urgent", 1, "Lift out of service: use stairs B")["status"] == "applied"
    people = {p["user_id"]: p for p in _receipts(api, CWB_MANAGER, "bc-edit-urgent").json()["people"]}
    assert people["u-s01"]["acknowledged_at"] is None
    acks = [c for c in pull_all(api, "u-s01") if c["entity"] == "broadcast_ack" and c["id"] == "bc-edit-urgent:u-s01"]
    assert acks[-1]["op"] == "delete"


# -- Issue 11, bcwrite: send later, expire ------------------------------------------------------------

def test_a_broadcast_sent_later_reaches_its_readers_only_then_and_is_taken_back_when_it_expires(api):
    """The CWB manager schedules a notice 2 seconds ahead, expiring 4 seconds after that: until it
    is due, Chan neither pulls nor reads it (the manager does); once due, Chan pulls and reads it;
    once expired, his pull takes it off his phone and a direct read fails; the manager still has it.
    An expiry before the sending time is refused and nothing is sent."""
    now = datetime.now(UTC)
    at, until = now + timedelta(seconds=2), now + timedelta(seconds=6)
    sent = _send(api, CWB_MANAGER, "bc-later", store_ids=["st-cwb"], send_at=at.isoformat(),
                 expires_at=until.isoformat())
    assert sent["status"] == "applied", sent
    assert _pulled(api, "u-s01", "bc-later") == []
    assert api.get("/v1/broadcasts/bc-later", headers=bearer(api, "u-s01")).status_code == 404
    assert _pulled(api, CWB_MANAGER, "bc-later")
    while datetime.now(UTC) < at:
        time.sleep(0.2)
    assert _pulled(api, "u-s01", "bc-later")[-1]["op"] != "delete"
    assert api.get("/v1/broadcasts/bc-later", headers=bearer(api, "u-s01")).status_code == 200
    while datetime.now(UTC) < until:
        time.sleep(0.2)
    assert _pulled(api, "u-s01", "bc-later")[-1]["op"] == "delete"
    assert api.get("/v1/broadcasts/bc-later", headers=bearer(api, "u-s01")).status_code == 404
    assert api.get("/v1/broadcasts/bc-later", headers=bearer(api, CWB_MANAGER)).status_code == 200
    bad = _send(api, CWB_MANAGER, "bc-backwards", store_ids=["st-cwb"], send_at=until.isoformat(),
                expires_at=at.isoformat())
    assert bad["status"] == "rejected" and bad["reason"] == "broadcast_bad_schedule", bad
    assert api.get("/v1/broadcasts/bc-backwards", headers=bearer(api, CWB_MANAGER)).status_code == 404


def test_the_audience_count_path_is_not_read_as_a_broadcast_id(api):
    """`/v1/broadcasts/audience-count` is the audience count only: OPTIONS lists exactly POST
    (the fuzzer found GET advertised there, answered as a broadcast called "audience-count"),
    and a GET is 405 naming it; a broadcast id still reads as one."""
    options = api.options("/v1/broadcasts/audience-count")
    assert options.status_code == 204 and options.headers["allow"] == "OPTIONS, POST"
    got = api.get("/v1/broadcasts/audience-count", headers=bearer(api, "u-s01"))
    assert got.status_code == 405 and got.headers["allow"] == "OPTIONS, POST"
    assert api.get("/v1/broadcasts/bc-nothing-here", headers=bearer(api, "u-s01")).status_code == 404
