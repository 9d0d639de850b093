"""Issue 10, availability on the server: a person's weekly windows and days off (theirs to set,
seen by themselves and their stores' managers), the chain's settings (HQ changes them, every
device pulls them), and the trade checks reading both."""

from datetime import timedelta

from sqlalchemy import select

from backend_stub import db
from tests.test_api_push import bearer, pull_all
from tests.test_api_trades import _one
from tests.trade_world import add_shift, full_week, future_monday, offer, trade_row

WEEKDAYS_9_TO_6 = [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]


def _windows(api, user_id: str) -> list[tuple]:
    with api.engine.connect() as conn:
        return sorted(conn.execute(select(db.availability_windows.c.weekday, db.availability_windows.c.starts,
                                          db.availability_windows.c.ends).where(
            db.availability_windows.c.user_id == user_id)).all())


def _days_off(api, user_id: str) -> list[str]:
    with api.engine.connect() as conn:
        return list(conn.execute(select(db.unavailability.c.id).where(
            db.unavailability.c.user_id == user_id)).scalars())


def _seen(api, viewer: str, entity: str) -> dict:
    return {c["id"]: c["data"] for c in pull_all(api, viewer) if c["entity"] == entity}


def test_own_availability_is_stored_and_seen_in_full_by_self_and_their_stores_managers_only(api):
    """Chan (Causeway Bay) sets weekday windows and a day off with a note: he, his store manager
    and his area manager pull them with the note; Mong Kok's manager pulls nothing of them."""
    mine = {"user_id": "u-s01", "windows": WEEKDAYS_9_TO_6}
    assert _one(api, "u-s01", "availability.set", mine)["status"] == "applied"
    off = {"unavailability_id": "un-1", "user_id": "u-s01", "first_day": "2027-01-04", "last_day": "2027-01-05",
           "note": "Exam"}
    assert _one(api, "u-s01", "unavailability.add", off)["status"] == "applied"
    assert _windows(api, "u-s01")[0] == (0, "09:00", "18:00") and len(_windows(api, "u-s01")) == 5
    for viewer in ("u-s01", "u-sm-cwb", "u-am-hk"):
        assert len(_seen(api, viewer, "availability")["u-s01"]["windows"]) == 5, viewer
        assert _seen(api, viewer, "unavailability")["un-1"]["note"] == "Exam", viewer
    assert "u-s01" not in _seen(api, "u-sm-mk", "availability")
    assert "un-1" not in _seen(api, "u-sm-mk", "unavailability")


def test_colleagues_of_the_same_store_pull_times_only_and_other_stores_nothing(api):
    """Chan (Causeway Bay) sets windows and a day off noted "Hospital check-up": Siti (Causeway
    Bay) and Fatima (Stanley and Causeway Bay) pull his windows and the days, with no note or
    entry time; Leung and Nur (Mong Kok, Tsim Sha Tsui) pull nothing of it, and withdrawing the
    day off reaches the colleagues as a deletion."""
    _one(api, "u-s01", "availability.set", {"user_id": "u-s01", "windows": WEEKDAYS_9_TO_6})
    _one(api, "u-s01", "unavailability.add", {"unavailability_id": "un-h", "user_id": "u-s01",
                                              "first_day": "2027-01-11", "last_day": "2027-01-12",
                                              "note": "Hospital check-up"})
    for colleague in ("u-s02", "u-s08"):
        changes = pull_all(api, colleague)
        assert _seen(api, colleague, "availability")["u-s01"] == {"user_id": "u-s01", "windows": WEEKDAYS_9_TO_6}
        assert _seen(api, colleague, "unavailability")["un-h"] == {
            "id": "un-h", "user_id": "u-s01", "first_day": "2027-01-11", "last_day": "2027-01-12"}
        assert "Hospital" not in str(changes), colleague
    for outsider in ("u-s03", "u-s06"):
        changes = pull_all(api, outsider)
        assert not [c for c in changes if c["entity"] in ("availability", "unavailability")], outsider
    _one(api, "u-s01", "unavailability.remove", {"unavailability_id": "un-h"})
    gone = [c for c in pull_all(api, "u-s02") if c["id"] == "un-h"]
    assert gone[-1]["op"] == "delete"
    own = _seen(api, "u-s01", "availability")["u-s01"]
    assert own["windows"] == WEEKDAYS_9_TO_6 and "updated_at" in own  # his own record stays whole


def test_nobody_writes_another_persons_availability_even_with_a_forged_request(api):
    """Siti's phone sending "Chan's availability" and Chan's manager doing the same are refused
    (not_your_record); removing Chan's day off from Siti's phone is refused; Chan's stay as set."""
    _one(api, "u-s01", "availability.set", {"user_id": "u-s01", "windows": WEEKDAYS_9_TO_6})
    _one(api, "u-s01", "unavailability.add", {"unavailability_id": "un-c", "user_id": "u-s01",
                                              "first_day": "2027-02-01", "last_day": "2027-02-01"})
    for forger in ("u-s02", "u-sm-cwb", "u-hq"):
        res = _one(api, forger, "availability.set", {"user_id": "u-s01", "windows": []})
        assert res["status"] == "rejected" and res["reason"] == "not_your_record", forger
        res = _one(api, forger, "unavailability.add", {"unavailability_id": f"un-f-{forger}", "user_id": "u-s01",
                                                       "first_day": "2027-02-02", "last_day": "2027-02-02"})
        assert res["reason"] == "not_your_record", forger
        assert _one(api, forger, "unavailability.remove", {"unavailability_id": "un-c"})["reason"] == "not_your_record"
    assert len(_windows(api, "u-s01")) == 5 and _days_off(api, "u-s01") == ["un-c"]


def test_bad_availability_is_refused_with_a_clear_reason_and_changes_nothing(api):
    """A window that ends when it starts, days off running backwards and an impossible time are
    each refused with their own code and message; what Chan had before stays."""
    _one(api, "u-s01", "availability.set", {"user_id": "u-s01", "windows": WEEKDAYS_9_TO_6})
    empty = _one(api, "u-s01", "availability.set", {"user_id": "u-s01", "windows": [
        {"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 2, "start": "10:00", "end": "10:00"}]})
    assert empty["reason"] == "availability_bad_window" and "end after it starts" in empty["message"]
    late = _one(api, "u-s01", "availability.set", {"user_id": "u-s01",
                                                   "windows": [{"weekday": 1, "start": "25:00", "end": "26:00"}]})
    assert late["reason"] == "invalid_payload" and "start" in late["message"]
    backwards = _one(api, "u-s01", "unavailability.add", {"unavailability_id": "un-b", "user_id": "u-s01",
                                                          "first_day": "2027-03-05", "last_day": "2027-03-01"})
    assert backwards["reason"] == "unavailability_bad_days" and "before the first day" in backwards["message"]
    assert len(_windows(api, "u-s01")) == 5 and _days_off(api, "u-s01") == []


def test_hq_changes_the_chain_settings_which_everyone_pulls_and_bad_ones_change_nothing(api):
    """Anyone signed in reads the settings (defaults first); staff and a store manager may not
    change them (403); HQ's negative cap is refused (400, the field named) and nothing changes;
    HQ's valid change is stored and reaches a staff member's pull."""
    staff = bearer(api, "u-s01", "dev-set-s01")
    assert api.get("/v1/chain/settings", headers=staff).json()["shift_trades"]["weekly_cap_hours"] == 48
    url = "/v1/chain/settings/shift-trades"
    for who in ("u-s01", "u-sm-cwb"):
        r = api.put(url, json={"weekly_cap_hours": 40}, headers=bearer(api, who, f"dev-set-{who}"))
        assert r.status_code == 403 and r.json()["code"] == "forbidden_role"
    hq = bearer(api, "u-hq", "dev-set-hq")
    bad = api.put(url, json={"weekly_cap_hours": -1}, headers=hq)
    assert bad.status_code == 400 and bad.json()["code"] == "chain_settings_invalid"
    assert "weekly_cap_hours" in bad.json()["message"]
    assert api.put(url, json={"open_shift_mode": "lottery"}, headers=hq).json()["code"] == "chain_settings_invalid"
    assert api.get("/v1/chain/settings", headers=staff).json()["shift_trades"]["weekly_cap_hours"] == 48
    good = api.put(url, json={"weekly_cap_hours": 40, "overtime_warning_hours": 36}, headers=hq)
    assert good.status_code == 200 and good.json()["shift_trades"]["weekly_cap_hours"] == 40
    assert _seen(api, "u-s01", "chain_setting")["shift_trades"]["settings"]["weekly_cap_hours"] == 40


def test_server_trade_check_refuses_an_unavailable_colleague_and_follows_the_chain_settings(api):
    """Siti marked Monday off: Chan's offer of his Monday shift to her is stored refused with the
    availability rule; once HQ switches that rule off for the chain, the same offer goes through."""
    monday = future_monday()
    shift = add_shift(api.engine, "u-s01", monday)
    full_week(api.engine, "u-s01", monday)
    day = monday.isoformat()
    _one(api, "u-s02", "unavailability.add", {"unavailability_id": "un-s", "user_id": "u-s02",
                                              "first_day": day, "last_day": day, "note": "Dentist"})
    _one(api, "u-s01", "trade.request", offer("tr-av", shift, "u-s02"))
    stored = trade_row(api.engine, "tr-av")
    assert stored["state"] == "refused" and "shift_unavailable" in stored["findings"]
    r = api.put("/v1/chain/settings/shift-trades", json={"switched_off": ["availability"]},
                headers=bearer(api, "u-hq", "dev-set-hq"))
    assert r.status_code == 200, r.text
    _one(api, "u-s01", "trade.request", offer("tr-av2", shift, "u-s02"))
    assert trade_row(api.engine, "tr-av2")["state"] == "waiting_colleague"


def test_weekly_windows_outside_the_shift_refuse_the_colleague_on_the_server(api):
    """Siti works mornings only (07:00-12:00 every day): Chan's 09:00-17:00 shift is refused for
    her with the availability rule (kind "weekly")."""
    monday = future_monday() + timedelta(weeks=1)
    shift = add_shift(api.engine, "u-s01", monday)
    full_week(api.engine, "u-s01", monday)
    mornings = [{"weekday": d, "start": "07:00", "end": "12:00"} for d in range(7)]
    assert _one(api, "u-s02", "availability.set", {"user_id": "u-s02", "windows": mornings})["status"] == "applied"
    _one(api, "u-s01", "trade.request", offer("tr-wk", shift, "u-s02"))
    stored = trade_row(api.engine, "tr-wk")
    assert stored["state"] == "refused" and '"kind": "weekly"' in stored["findings"]


def test_several_windows_a_day_are_stored_but_overlapping_ones_refused_by_the_server(api):
    """Chan sends a split Monday (09:00-13:00 and 17:00-21:00): both stored. A request sent past
    the phone's check with 09:00-13:00 and 12:00-18:00 on Tuesday is refused with the overlap
    code, naming both windows, and his split Monday stays."""
    split = [{"weekday": 0, "start": "09:00", "end": "13:00"}, {"weekday": 0, "start": "17:00", "end": "21:00"}]
    assert _one(api, "u-s01", "availability.set", {"user_id": "u-s01", "windows": split})["status"] == "applied"
    clash = [{"weekday": 1, "start": "09:00", "end": "13:00"}, {"weekday": 1, "start": "12:00", "end": "18:00"}]
    res = _one(api, "u-s01", "availability.set", {"user_id": "u-s01", "windows": clash})
    assert res["status"] == "rejected" and res["reason"] == "availability_overlap"
    assert "Tuesday 09:00-13:00 and Tuesday 12:00-18:00" in res["message"]
    assert _windows(api, "u-s01") == [(0, "09:00", "13:00"), (0, "17:00", "21:00")]
