"""Issue 10, openshiftedit, on the server: a manager of the store edits an open shift's times,
role or places, or cancels it. Places never go below those filled; an edit made on an older
version is refused "changed meanwhile"; new times re-check the claims still waiting; cancelling
closes the waiting claims (their people pull it) and keeps the shifts already given."""

from datetime import UTC, datetime, timedelta

import pytest

from backend_stub import db
from tests.test_api_open_shifts import (
    MANAGER, _manager_picks, add_published, claim, open_shift, rows, seen,
)
from tests.test_api_trades import _one
from tests.trade_world import add_shift, at, future_monday


def edit(open_id: str, day, version: int, start: int = 9, end: int = 17, slots: int = 1, role: str = "") -> dict:
    body = open_shift(open_id, day, start=start, end=end, slots=slots, role=role)
    return {k: v for k, v in body.items() if k != "store_id"} | {"version": version}


def _stored(api, open_id: str) -> dict:
    return rows(api, db.open_shifts, id=open_id)[0]


def test_the_manager_edits_times_role_and_places_and_staff_pull_the_new_open_shift(api):
    """Published 09:00-17:00, 1 place: the manager makes it 10:00-18:00, Cashier, 3 places;
    Siti's phone pulls the new times, role and places (version up)."""
    day = future_monday(16)
    add_published(api, "os-ed", day)
    version = _stored(api, "os-ed")["version"]
    done = _one(api, MANAGER, "open_shift.edit", edit("os-ed", day, version, 10, 18, slots=3, role="Cashier"))
    assert done["status"] == "applied", done
    pulled = seen(api, "u-s02", "open_shift")["os-ed"]
    assert (pulled["slots"], pulled["role"], pulled["version"]) == (3, "Cashier", version + 1)
    assert db.aware(_stored(api, "os-ed")["starts_at"]) == at(day, 10)


def test_places_below_those_filled_are_refused_naming_the_number(api):
    """Two of three places are taken: asking for 1 place is refused "already filled: 2" and
    nothing changes; 2 places is fine."""
    day = future_monday(17)
    add_published(api, "os-few", day, slots=3)
    for user, claim_id in (("u-s01", "oc-few1"), ("u-s02", "oc-few2")):
        assert claim(api, user, claim_id, "os-few")["status"] == "applied"
    version = _stored(api, "os-few")["version"]
    refused = _one(api, MANAGER, "open_shift.edit", edit("os-few", day, version, slots=1))
    assert (refused["status"], refused["reason"]) == ("rejected", "open_shift_below_filled")
    assert "2" in refused["message"]
    assert _stored(api, "os-few")["slots"] == 3
    assert _one(api, MANAGER, "open_shift.edit", edit("os-few", day, version, slots=2))["status"] == "applied"


def test_an_edit_made_on_an_older_version_is_refused_changed_meanwhile(api):
    """The manager's phone saw version v; Chan's claim took a place since (v+1): the edit based
    on v is refused "changed meanwhile" and changes nothing."""
    day = future_monday(18)
    add_published(api, "os-stale", day, slots=2)
    seen_version = _stored(api, "os-stale")["version"]
    assert claim(api, "u-s01", "oc-stale", "os-stale")["status"] == "applied"
    stale = _one(api, MANAGER, "open_shift.edit", edit("os-stale", day, seen_version, 12, 20, slots=2))
    assert (stale["status"], stale["reason"]) == ("rejected", "open_shift_changed")
    assert db.aware(_stored(api, "os-stale")["starts_at"]) == at(day, 9)
    cancel = _one(api, MANAGER, "open_shift.cancel", {"open_shift_id": "os-stale", "version": seen_version,
                                                      "keep_filled": True})
    assert (cancel["status"], cancel["reason"]) == ("rejected", "open_shift_changed")


def test_new_times_re_check_the_waiting_claims_and_refuse_those_that_no_longer_pass(api):
    """Manager picks: Chan and Siti wait on a Monday open shift. Chan works Tuesday 09:00-17:00;
    moving the open shift to Tuesday 12:00-16:00 overlaps it: his claim is refused with
    "shift_overlap" (his phone pulls it), Siti's still waits."""
    _manager_picks(api)
    day = future_monday(19)
    add_shift(api.engine, "u-s01", day + timedelta(days=1))
    add_published(api, "os-move", day, start=9, end=13)
    for user, claim_id in (("u-s01", "oc-mv1"), ("u-s02", "oc-mv2")):
        assert claim(api, user, claim_id, "os-move")["status"] == "applied"
    version = _stored(api, "os-move")["version"]
    assert _one(api, MANAGER, "open_shift.edit", edit("os-move", day + timedelta(days=1), version, 12, 16))["status"] == "applied"
    chan = seen(api, "u-s01", "open_shift_claim")["oc-mv1"]
    assert chan["state"] == "refused"
    assert [r["code"] for r in chan["findings"]["refusals"]] == ["shift_overlap"]
    assert rows(api, db.open_shift_claims, id="oc-mv2")[0]["state"] == "waiting_manager"
    again = _one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-mv1", "approve": True})
    assert (again["status"], again["reason"]) == ("rejected", "open_shift_claim_decided")


def test_cancelling_closes_the_waiting_claims_and_their_people_pull_it(api):
    """Manager picks: Chan waits. The manager cancels the open shift: it is cancelled for the
    store, Chan's claim is cancelled (his phone pulls it), and a new claim is refused."""
    _manager_picks(api)
    day = future_monday(20)
    add_published(api, "os-gone", day)
    assert claim(api, "u-s01", "oc-gone", "os-gone")["status"] == "applied"
    version = _stored(api, "os-gone")["version"]
    done = _one(api, MANAGER, "open_shift.cancel", {"open_shift_id": "os-gone", "version": version})
    assert done["status"] == "applied", done
    assert seen(api, "u-s02", "open_shift")["os-gone"]["status"] == "cancelled"
    assert seen(api, "u-s01", "open_shift_claim")["oc-gone"]["state"] == "cancelled"
    late = claim(api, "u-s02", "oc-gone-2", "os-gone")
    assert (late["status"], late["reason"]) == ("rejected", "open_shift_not_open")
    edit_after = _one(api, MANAGER, "open_shift.edit", edit("os-gone", day, version + 1))
    assert (edit_after["status"], edit_after["reason"]) == ("rejected", "open_shift_cancelled")


def test_cancelling_with_places_filled_needs_the_confirmation_and_keeps_their_shifts(api):
    """Chan has one of two places: cancelling without confirming is refused "already filled: 1";
    confirmed, the open shift is cancelled and Chan keeps his (ordinary, published) shift."""
    day = future_monday(21)
    add_published(api, "os-kept", day, slots=2)
    assert claim(api, "u-s01", "oc-kept", "os-kept")["status"] == "applied"
    version = _stored(api, "os-kept")["version"]
    refused = _one(api, MANAGER, "open_shift.cancel", {"open_shift_id": "os-kept", "version": version})
    assert (refused["status"], refused["reason"]) == ("rejected", "open_shift_has_filled")
    assert "1" in refused["message"] and _stored(api, "os-kept")["status"] == "published"
    confirmed = {"open_shift_id": "os-kept", "version": version, "keep_filled": True}
    assert _one(api, MANAGER, "open_shift.cancel", confirmed)["status"] == "applied"
    assert _stored(api, "os-kept")["status"] == "cancelled"
    [kept] = rows(api, db.shifts, id="sh-oc-kept")
    assert (kept["user_id"], kept["status"]) == ("u-s01", "published")


def test_cancelling_a_draft_removes_it(api):
    """A draft open shift cancelled is gone: the manager's phone pulls its removal."""
    day = future_monday(22)
    assert _one(api, MANAGER, "open_shift.create", open_shift("os-draft-x", day))["status"] == "applied"
    assert _one(api, MANAGER, "open_shift.cancel", {"open_shift_id": "os-draft-x", "version": 1})["status"] == "applied"
    assert rows(api, db.open_shifts, id="os-draft-x") == []
    assert seen(api, MANAGER, "open_shift").get("os-draft-x") is None


def test_another_stores_manager_and_staff_cannot_edit_or_cancel(api):
    """Mong Kok's manager, and Chan (staff of the store), editing or cancelling a Causeway Bay
    open shift are refused, and it stays as it was."""
    day = future_monday(23)
    add_published(api, "os-scope", day)
    version = _stored(api, "os-scope")["version"]
    for user in ("u-sm-mk", "u-s01"):
        edited = _one(api, user, "open_shift.edit", edit("os-scope", day, version, slots=5))
        cancelled = _one(api, user, "open_shift.cancel", {"open_shift_id": "os-scope", "version": version})
        assert (edited["status"], edited["reason"]) == ("rejected", "forbidden_role")
        assert (cancelled["status"], cancelled["reason"]) == ("rejected", "forbidden_role")
    stored = _stored(api, "os-scope")
    assert (stored["slots"], stored["status"], stored["version"]) == (1, "published", version)


BAD_EDITS = {"no place": {"slots": 0}, "too many": {"slots": 21}, "version 0": {"version": 0},
             "no version": {"version": None}, "no end": {"ends_at": None}}


@pytest.mark.parametrize("what", sorted(BAD_EDITS))
def test_a_bad_edit_is_refused_and_changes_nothing(api, what):
    """No places, too many, no or a bad version, no end: refused, the open shift unchanged."""
    day = future_monday(24)
    open_id = f"os-bad-{what.replace(' ', '-')}"
    add_published(api, open_id, day)
    body = edit(open_id, day, _stored(api, open_id)["version"], slots=2) | BAD_EDITS[what]
    result = _one(api, MANAGER, "open_shift.edit", {k: v for k, v in body.items() if v is not None})
    assert (result["status"], result["reason"]) == ("rejected", "invalid_payload")
    assert _stored(api, open_id)["slots"] == 1


def test_an_open_shift_that_has_started_is_neither_edited_nor_cancelled(api):
    """Issue 10, issue10fix: the open shift began an hour ago (Chan works its place): the
    manager's edit (even moving it to next week) and cancel are refused "open_shift_started",
    saying it has already started, and it stays as it was, published, Chan's claim kept."""
    day = future_monday(25)
    add_published(api, "os-begun", day, slots=2)
    assert claim(api, "u-s01", "oc-begun", "os-begun")["status"] == "applied"
    begun = datetime.now(UTC) - timedelta(hours=1)
    with api.engine.begin() as conn:  # time has passed: the shift is under way
        conn.execute(db.open_shifts.update().where(db.open_shifts.c.id == "os-begun").values(
            starts_at=begun, ends_at=begun + timedelta(hours=8)))
    version = _stored(api, "os-begun")["version"]
    edited = _one(api, MANAGER, "open_shift.edit", edit("os-begun", day + timedelta(days=7), version, slots=3))
    cancelled = _one(api, MANAGER, "open_shift.cancel", {"open_shift_id": "os-begun", "version": version,
                                                         "keep_filled": True})
    for refused in (edited, cancelled):
        assert (refused["status"], refused["reason"]) == ("rejected", "open_shift_started")
        assert "already started" in refused["message"]
    stored = _stored(api, "os-begun")
    assert (stored["slots"], stored["status"], stored["version"]) == (2, "published", version)
    assert rows(api, db.open_shift_claims, id="oc-begun")[0]["state"] == "approved"
