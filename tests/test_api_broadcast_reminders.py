"""Issue 11, bcfollow, on the server (both backends): "remind them" reaches exactly those who have
not read a broadcast (not acknowledged, for an urgent one) when the reminder arrives, is recorded
with who sent it, when and to how many, and only the sender and the sender's managers may send it."""

from datetime import UTC, datetime, timedelta

from backend_stub import db
from tests.test_api_bad_input import bearer
from tests.test_api_broadcasts import CWB_MANAGER, _receipts, _send
from tests.test_api_push import mutation, pull_all, push
from tests.test_api_trades import _one

CHAN, SITI, FATIMA = "u-s01", "u-s02", "u-s08"


def _remind(api, user_id: str, broadcast_id: str, reminder_id: str, sent_at: datetime | None = None) -> dict:
    return _one(api, user_id, "broadcast.remind", {"reminder_id": reminder_id, "broadcast_id": broadcast_id,
                                                    "sent_at": (sent_at or datetime.now(UTC)).isoformat()})


def _reminders(api, user_id: str) -> list[dict]:
    return [c["data"] for c in pull_all(api, user_id) if c["entity"] == "broadcast_reminder"]


def test_a_reminder_reaches_only_those_who_have_not_read_it_when_it_arrives(api):
    """The CWB manager taps "remind them" at 10:00 while offline; Chan reads the broadcast at
    10:05 and his read arrives first. When the reminder arrives it reaches Siti and Fatima (not
    read) and not Chan; the receipts list it: sent by the manager at 10:00, to 2 people."""
    assert _send(api, CWB_MANAGER, "bc-stock", store_ids=["st-cwb"], role="staff")["status"] == "applied"
    tapped = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    read = {"broadcast_id": "bc-stock", "user_id": CHAN, "read_at": (tapped + timedelta(minutes=5)).isoformat()}
    assert _one(api, CHAN, "broadcast.read", read)["status"] == "applied"
    assert _remind(api, CWB_MANAGER, "bc-stock", "rm-stock-1", tapped)["status"] == "applied"
    assert _reminders(api, CHAN) == []
    for person in (SITI, FATIMA):
        got = _reminders(api, person)
        assert [(r["broadcast_id"], r["waiting_for"]) for r in got] == [("bc-stock", "read")], person
    sent = _receipts(api, CWB_MANAGER, "bc-stock").json()["reminders"]
    assert [(r["sent_by"], r["people"], r["waiting_for"]) for r in sent] == [(CWB_MANAGER, 2, "read")]
    assert datetime.fromisoformat(sent[0]["sent_at"]).replace(tzinfo=UTC) == tapped


def test_an_urgent_reminder_chases_those_who_have_not_acknowledged(api):
    """Urgent: Chan read it but did not acknowledge, Siti acknowledged. The reminder reaches Chan
    and Fatima, not Siti."""
    assert _send(api, CWB_MANAGER, "bc-fire", kind="urgent", store_ids=["st-cwb"], role="staff")[
        "status"] == "applied"
    now = datetime.now(UTC)
    assert _one(api, CHAN, "broadcast.read", {"broadcast_id": "bc-fire", "user_id": CHAN,
                                              "read_at": now.isoformat()})["status"] == "applied"
    assert _one(api, SITI, "broadcast.acknowledge", {"broadcast_id": "bc-fire", "user_id": SITI,
                                                     "acknowledged_at": now.isoformat()})["status"] == "applied"
    assert _remind(api, CWB_MANAGER, "bc-fire", "rm-fire-1")["status"] == "applied"
    assert [r["waiting_for"] for r in _reminders(api, CHAN)] == ["acknowledge"]
    assert len(_reminders(api, FATIMA)) == 1
    assert _reminders(api, SITI) == []


def test_only_the_sender_and_their_managers_may_remind(api):
    """A staff member who got it and the Sha Tin manager (another store's) are refused as if it
    did not exist, and nothing is recorded or sent; the HK Island area manager (the sender's
    manager) may remind."""
    assert _send(api, CWB_MANAGER, "bc-rota", store_ids=["st-cwb"], role="staff")["status"] == "applied"
    for outsider in (CHAN, "u-sm-st"):
        refused = _remind(api, outsider, "bc-rota", f"rm-{outsider}")
        assert (refused["status"], refused["reason"]) == ("rejected", "not_found"), outsider
    assert _receipts(api, CWB_MANAGER, "bc-rota").json()["reminders"] == []
    assert _reminders(api, SITI) == []
    assert _remind(api, "u-am-hk", "bc-rota", "rm-am")["status"] == "applied"
    assert [r["sent_by"] for r in _receipts(api, CWB_MANAGER, "bc-rota").json()["reminders"]] == ["u-am-hk"]


def test_receipts_count_read_and_acknowledged_by_the_readers_language(api):
    """Urgent to CWB staff: Chan (no language set) switches his phone to Traditional Chinese, which
    reaches the server; Siti (Indonesian) reads and acknowledges, Fatima (Arabic) does nothing.
    The receipts count, per language: ar 0 of 1, id 1 of 1 (100 %), zh_Hant_HK 0 of 1. Nobody can
    set another person's language, nor one the app does not offer."""
    assert _send(api, CWB_MANAGER, "bc-lang", kind="urgent", store_ids=["st-cwb"], role="staff")[
        "status"] == "applied"
    assert _one(api, CHAN, "user.locale", {"user_id": CHAN, "locale": "zh_Hant_HK"})["status"] == "applied"
    now = datetime.now(UTC).isoformat()
    assert _one(api, SITI, "broadcast.read", {"broadcast_id": "bc-lang", "user_id": SITI, "read_at": now})[
        "status"] == "applied"
    assert _one(api, SITI, "broadcast.acknowledge", {"broadcast_id": "bc-lang", "user_id": SITI,
                                                     "acknowledged_at": now})["status"] == "applied"
    languages = _receipts(api, CWB_MANAGER, "bc-lang").json()["languages"]
    assert [(x["locale"], x["people"], x["read"], x["acknowledged"], x["read_pct"]) for x in languages] == [
        ("ar", 1, 0, 0, 0.0), ("id", 1, 1, 1, 100.0), ("zh_Hant_HK", 1, 0, 0, 0.0)]
    assert _one(api, CHAN, "user.locale", {"user_id": SITI, "locale": "en"})["status"] == "rejected"
    assert _one(api, CHAN, "user.locale", {"user_id": CHAN, "locale": "xx"})["status"] == "rejected"


def test_hq_sets_how_often_urgent_broadcasts_come_back_and_every_phone_pulls_it(api):
    """The defaults are every 5 minutes for an hour. Staff cannot change them; a zero is refused
    with chain_settings_invalid and nothing changes; HQ's every 10 for 30 is shown and pulled."""
    staff, hq = bearer(api, CHAN), bearer(api, "u-hq")
    url = "/v1/chain/settings/urgent-repeats"
    assert api.get("/v1/chain/settings", headers=staff).json()["urgent_repeats"] == {
        "every_minutes": 5, "for_minutes": 60}
    assert api.put(url, json={"every_minutes": 10, "for_minutes": 30}, headers=staff).status_code == 403
    bad = api.put(url, json={"every_minutes": 0, "for_minutes": 30}, headers=hq)
    assert bad.status_code == 400 and bad.json()["code"] == "chain_settings_invalid"
    assert api.put(url, json={"every_minutes": 10, "for_minutes": 30}, headers=hq).status_code == 200
    assert api.get("/v1/chain/settings", headers=staff).json()["urgent_repeats"] == {
        "every_minutes": 10, "for_minutes": 30}
    pulled = [c["data"] for c in pull_all(api, CHAN) if c["entity"] == "chain_setting" and c["id"] == "urgent_repeats"]
    assert pulled[-1]["settings"] == {"every_minutes": 10, "for_minutes": 30}


def _not_acknowledged(api, user_id: str):
    return api.get("/v1/broadcasts/not-acknowledged", headers=bearer(api, user_id))


def test_after_the_reminder_period_the_store_manager_on_duty_sees_who_has_not_acknowledged(api):
    """An urgent broadcast the CWB manager queued offline two hours ago (past the hour of
    reminders) and one sent just now: Siti acknowledged the old one. The CWB manager is shown the
    old one with Chan and Fatima (at CWB), not Siti and not the new one; the Sha Tin manager and
    the HK Island area manager (no shift now) are shown nothing; staff are refused."""
    old = {"broadcast_id": "bc-old", "title": "Evacuation route changed", "kind": "urgent",
           "store_ids": ["st-cwb"], "role": "staff"}
    sent = push(api, CWB_MANAGER, [mutation(1, "broadcast.create", old, age_s=2 * 3600)], device_id="dev-bcf-old")
    assert sent.json()["results"][0]["status"] == "applied", sent.text
    assert _send(api, CWB_MANAGER, "bc-new", kind="urgent", store_ids=["st-cwb"], role="staff")["status"] == "applied"
    ack = {"broadcast_id": "bc-old", "user_id": SITI, "acknowledged_at": datetime.now(UTC).isoformat()}
    assert _one(api, SITI, "broadcast.acknowledge", ack)["status"] == "applied"
    listed = _not_acknowledged(api, CWB_MANAGER)
    assert listed.status_code == 200, listed.text
    assert [(b["broadcast_id"], sorted(p["user_id"] for p in b["people"])) for b in listed.json()] == [
        ("bc-old", [CHAN, FATIMA])]
    assert _not_acknowledged(api, "u-sm-st").json() == [] and _not_acknowledged(api, "u-am-hk").json() == []
    assert _not_acknowledged(api, CHAN).status_code == 403


def test_a_manager_with_a_published_shift_there_now_is_on_duty_too(api):
    """HK Island's area manager is shown nothing for CWB until he has a published shift at CWB
    now; then he sees who there has not acknowledged (a draft shift would not count)."""
    old = {"broadcast_id": "bc-duty", "title": "Alarm code changed", "kind": "urgent",
           "store_ids": ["st-cwb"], "role": "staff"}
    sent = push(api, CWB_MANAGER, [mutation(1, "broadcast.create", old, age_s=3 * 3600)], device_id="dev-bcf-duty")
    assert sent.json()["results"][0]["status"] == "applied", sent.text
    now = datetime.now(UTC)
    shift = {"id": "sh-am-now", "store_id": "st-cwb", "user_id": "u-am-hk", "starts_at": now - timedelta(hours=1),
             "ends_at": now + timedelta(hours=3), "status": "draft"}
    with api.engine.begin() as conn:  # the roster as it stands (a manager wrote it earlier)
        conn.execute(db.shifts.insert(), shift)
    assert _not_acknowledged(api, "u-am-hk").json() == []
    with api.engine.begin() as conn:
        conn.execute(db.shifts.update().where(db.shifts.c.id == "sh-am-now").values(status="published"))
    listed = _not_acknowledged(api, "u-am-hk").json()
    assert [(b["broadcast_id"], len(b["people"])) for b in listed] == [("bc-duty", 3)]
