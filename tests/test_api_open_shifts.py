"""Issue 10, open shifts, on the server: a manager adds one with N places, publishing shows it to
the store's staff, claims are re-checked with the chain's rules, and the chain's setting says
whether the first valid claim wins or the manager picks among the claimants."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.access import Actor, Role
from app.domain.shift_rules import MANAGER_PICKS, ShiftTradeSettings
from backend_stub import db
from backend_stub.services import open_shift_handlers
from backend_stub.services.availability import change_settings
from tests.test_api_push import pull_all
from tests.test_api_trades import _one
from tests.trade_world import add_shift, at, future_monday


def _manager_picks(api) -> None:
    """HQ sets the chain to "the manager picks among claimants" (stored, as through the API)."""
    with api.engine.begin() as conn:
        change_settings(conn, Actor("u-hq", Role.HQ_ADMIN, frozenset()),
                        ShiftTradeSettings(open_shift_mode=MANAGER_PICKS).to_dict(), datetime.now(UTC))

MANAGER = "u-sm-cwb"


def open_shift(open_id: str, day, start: int = 9, end: int = 17, slots: int = 1, store_id: str = "st-cwb",
               role: str = "") -> dict:
    return {"open_shift_id": open_id, "store_id": store_id, "starts_at": at(day, start).isoformat(),
            "ends_at": (at(day, end) + (timedelta(days=1) if end <= start else timedelta())).isoformat(),
            "role": role, "slots": slots}


def publish(api, day, store_id: str = "st-cwb", manager: str = MANAGER) -> None:
    monday = day - timedelta(days=day.weekday())
    result = _one(api, manager, "roster.publish", {"store_id": store_id, "week_start": monday.isoformat()})
    assert result["status"] == "applied", result


def add_published(api, open_id: str, day, **kw) -> None:
    result = _one(api, MANAGER, "open_shift.create", open_shift(open_id, day, **kw))
    assert result["status"] == "applied", result
    publish(api, day)


def claim(api, user_id: str, claim_id: str, open_id: str) -> dict:
    return _one(api, user_id, "open_shift.claim", {"claim_id": claim_id, "open_shift_id": open_id})


def rows(api, table, **where) -> list[dict]:
    with api.engine.connect() as conn:
        query = select(table).where(*(table.c[k] == v for k, v in where.items()))
        return [dict(r) for r in conn.execute(query).mappings()]


def seen(api, user_id: str, entity: str) -> dict[str, dict]:
    return {c["id"]: c["data"] for c in pull_all(api, user_id) if c["entity"] == entity}


def test_a_draft_open_shift_is_seen_by_managers_only_until_the_week_is_published(api):
    """The manager adds a 2-place open shift: staff of the store see nothing until the week is
    published; then they pull it with its places; a staff member of another store never does."""
    day = future_monday()
    assert _one(api, MANAGER, "open_shift.create", open_shift("os-draft", day, slots=2))["status"] == "applied"
    assert "os-draft" in seen(api, MANAGER, "open_shift")
    assert "os-draft" not in seen(api, "u-s01", "open_shift")
    publish(api, day)
    pulled = seen(api, "u-s01", "open_shift")["os-draft"]
    assert pulled["status"] == "published" and pulled["slots"] == 2 and pulled["filled"] == 0
    assert "os-draft" not in seen(api, "u-s03", "open_shift")  # Mong Kok staff


def test_first_valid_claim_wins_the_claimant_gets_a_published_shift_at_once(api):
    """First claim wins (the default): Chan claims the overnight open shift and has it at once,
    as his own published shift of the day it starts; the store sees one place fewer."""
    day = future_monday() + timedelta(days=2)
    add_published(api, "os-night", day, start=22, end=6)
    assert claim(api, "u-s01", "oc-chan", "os-night")["status"] == "applied"
    [stored] = rows(api, db.open_shift_claims, id="oc-chan")
    assert stored["state"] == "approved" and stored["shift_id"] == "sh-oc-chan"
    [shift] = rows(api, db.shifts, id="sh-oc-chan")
    assert shift["user_id"] == "u-s01" and shift["status"] == "published"
    assert db.aware(shift["ends_at"]) - db.aware(shift["starts_at"]) == timedelta(hours=8)
    assert seen(api, "u-s02", "open_shift")["os-night"]["filled"] == 1
    assert seen(api, "u-s01", "shift")["sh-oc-chan"]["user_id"] == "u-s01"
    assert seen(api, "u-s01", "open_shift_claim")["oc-chan"]["state"] == "approved"
    assert "oc-chan" not in seen(api, "u-s02", "open_shift_claim")  # a colleague's claim is theirs


def test_a_full_shift_and_a_second_claim_by_the_same_person_are_refused_with_the_reason(api):
    """One place: Chan takes it; Chan claiming again is told he already claimed it; Siti is told
    the shift was already taken; neither changes anything."""
    day = future_monday() + timedelta(days=1)
    add_published(api, "os-one", day)
    assert claim(api, "u-s01", "oc-1", "os-one")["status"] == "applied"
    again = claim(api, "u-s01", "oc-1b", "os-one")
    assert (again["status"], again["reason"]) == ("rejected", "open_shift_already_claimed")
    late = claim(api, "u-s02", "oc-2", "os-one")
    assert (late["status"], late["reason"]) == ("rejected", "open_shift_full")
    assert len(rows(api, db.open_shift_claims, open_shift_id="os-one")) == 1
    assert rows(api, db.open_shifts, id="os-one")[0]["filled"] == 1


def test_the_shift_rules_refuse_a_claim_that_overlaps_the_claimants_own_shift(api):
    """Chan already works 09:00-17:00 that day: his claim on a 12:00-20:00 open shift is refused
    with "overlap" (the chain's rule, re-run on the server), and he gets no second shift."""
    day = future_monday() + timedelta(days=3)
    add_shift(api.engine, "u-s01", day)
    add_published(api, "os-clash", day, start=12, end=20)
    refused = claim(api, "u-s01", "oc-clash", "os-clash")
    assert (refused["status"], refused["reason"]) == ("rejected", "shift_overlap")
    assert rows(api, db.open_shift_claims, open_shift_id="os-clash") == []


def test_staff_of_another_store_cannot_claim_and_drafts_do_not_exist_for_staff(api):
    """Scoping: Leung (Mong Kok) forging a claim on a Causeway Bay open shift is refused (other
    store); Chan claiming a draft is told it does not exist; staff cannot add open shifts."""
    day = future_monday() + timedelta(days=4)
    add_published(api, "os-cwb", day)
    forged = claim(api, "u-s03", "oc-mk", "os-cwb")
    assert (forged["status"], forged["reason"]) == ("rejected", "shift_other_store")
    hidden_draft = open_shift("os-hidden", day + timedelta(days=7))
    assert _one(api, MANAGER, "open_shift.create", hidden_draft)["status"] == "applied"
    hidden = claim(api, "u-s01", "oc-hidden", "os-hidden")
    assert (hidden["status"], hidden["reason"]) == ("rejected", "not_found")
    by_staff = _one(api, "u-s01", "open_shift.create", open_shift("os-staff", day))
    assert (by_staff["status"], by_staff["reason"]) == ("rejected", "forbidden_role")
    other_store = _one(api, MANAGER, "open_shift.create", open_shift("os-mk", day, store_id="st-mk"))
    assert other_store["status"] == "rejected"
    assert rows(api, db.open_shifts, id="os-staff") == rows(api, db.open_shifts, id="os-mk") == []


@pytest.mark.parametrize("payload", [
    {"slots": 0}, {"slots": 21}, {"slots": "2"}, {"ends_at": None}, {"role": "x" * 65},
])
def test_a_bad_open_shift_is_refused_and_changes_nothing(api, payload):
    """Zero or too many places, places as text, no end, a role too long: refused, nothing stored."""
    body = open_shift("os-bad", future_monday()) | payload
    result = _one(api, MANAGER, "open_shift.create", {k: v for k, v in body.items() if v is not None})
    assert result["status"] == "rejected"
    assert rows(api, db.open_shifts, id="os-bad") == []


def test_an_open_shift_ending_before_it_starts_or_too_long_is_refused_with_the_roster_reason(api):
    """The same span rules as a rostered shift: a 20-hour open shift is refused as too long."""
    day = future_monday()
    body = open_shift("os-long", day) | {"ends_at": at(day + timedelta(days=1), 5).isoformat()}
    result = _one(api, MANAGER, "open_shift.create", body)
    assert (result["status"], result["reason"]) == ("rejected", "shift_too_long")


def test_manager_picks_among_claimants_when_the_chain_says_so(api):
    """Chain setting "manager picks": claims wait; the manager gives the one place to Siti (her
    shift is made), then picking Chan too is refused as full; turning Chan down closes his claim."""
    _manager_picks(api)
    day = future_monday() + timedelta(days=5)
    add_published(api, "os-pick", day)
    for user, claim_id in (("u-s01", "oc-p1"), ("u-s02", "oc-p2")):
        assert claim(api, user, claim_id, "os-pick")["status"] == "applied"
        assert rows(api, db.open_shift_claims, id=claim_id)[0]["state"] == "waiting_manager"
    assert set(seen(api, MANAGER, "open_shift_claim")) >= {"oc-p1", "oc-p2"}
    staff_pick = _one(api, "u-s01", "open_shift.pick", {"claim_id": "oc-p1", "approve": True})
    assert (staff_pick["status"], staff_pick["reason"]) == ("rejected", "forbidden_role")
    assert _one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-p2", "approve": True})["status"] == "applied"
    assert rows(api, db.shifts, id="sh-oc-p2")[0]["user_id"] == "u-s02"
    full = _one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-p1", "approve": True})
    assert (full["status"], full["reason"]) == ("rejected", "open_shift_full")
    assert _one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-p1", "approve": False})["status"] == "applied"
    assert seen(api, "u-s01", "open_shift_claim")["oc-p1"]["state"] == "declined"
    other = _one(api, "u-sm-mk", "open_shift.pick", {"claim_id": "oc-p2", "approve": False})
    assert other["status"] == "rejected"


def test_forged_claims_change_nothing(api):
    """A claim naming someone else is refused as invalid (the claimant is always the signed-in
    person); re-using a colleague's claim id is a conflict; a claim on an unknown open shift is
    "not found". Nobody gets a place from any of them."""
    day = future_monday() + timedelta(days=6)
    add_published(api, "os-forged", day, slots=3)
    as_other = _one(api, "u-s01", "open_shift.claim", {"claim_id": "oc-f1", "open_shift_id": "os-forged",
                                                        "user_id": "u-s02"})
    assert (as_other["status"], as_other["reason"]) == ("rejected", "invalid_payload")
    assert claim(api, "u-s02", "oc-f2", "os-forged")["status"] == "applied"
    reused = claim(api, "u-s01", "oc-f2", "os-forged")
    assert reused["status"] != "applied"
    unknown = claim(api, "u-s01", "oc-f3", "os-nowhere")
    assert (unknown["status"], unknown["reason"]) == ("rejected", "not_found")
    stored = rows(api, db.open_shift_claims, open_shift_id="os-forged")
    assert [(c["id"], c["user_id"]) for c in stored] == [("oc-f2", "u-s02")]
    assert rows(api, db.open_shifts, id="os-forged")[0]["filled"] == 1


def test_a_claim_that_warns_waits_and_the_manager_accepts_the_warning_with_a_reason(api):
    """Chan already works 40 h that week: his claim (first claim wins) would make 48 h, over the
    44 h overtime line, so it waits for the manager; picking him without a reason is refused
    "give a reason"; with one he gets the shift and the override is kept (who, why, when)."""
    monday = future_monday() + timedelta(weeks=1)
    for offset in (0, 1, 3, 4):
        add_shift(api.engine, "u-s01", monday + timedelta(days=offset), 8, 18)
    add_published(api, "os-ot", monday + timedelta(days=2))
    assert claim(api, "u-s01", "oc-ot", "os-ot")["status"] == "applied"
    waiting = rows(api, db.open_shift_claims, id="oc-ot")[0]
    assert waiting["state"] == "waiting_manager" and '"overtime"' in waiting["findings"]
    plain = _one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-ot", "approve": True})
    assert (plain["status"], plain["reason"]) == ("rejected", "trade_override_needed")
    assert "overtime" in plain["message"]
    override = {"code": "overtime", "person_id": "u-s01", "reason": "Stock count week, agreed with Chan"}
    picked = _one(api, MANAGER, "open_shift.pick", {"claim_id": "oc-ot", "approve": True, "overrides": [override]})
    assert picked["status"] == "applied", picked
    stored = rows(api, db.open_shift_claims, id="oc-ot")[0]
    assert stored["state"] == "approved" and stored["decided_by"] == MANAGER
    assert '"by": "u-sm-cwb"' in stored["overrides"] and "Stock count week" in stored["overrides"]
    assert rows(api, db.shifts, id="sh-oc-ot")[0]["user_id"] == "u-s01"


def test_a_claim_still_waiting_when_the_shift_starts_expires(api):
    """Manager picks, but nobody picked: the housekeeping round after the open shift's start
    marks the claim expired, and the claimant's phone pulls it so."""
    _manager_picks(api)
    day = future_monday() + timedelta(weeks=2)
    add_published(api, "os-exp", day)
    assert claim(api, "u-s02", "oc-exp", "os-exp")["status"] == "applied"
    starts = db.aware(rows(api, db.open_shifts, id="os-exp")[0]["starts_at"])
    with api.engine.begin() as conn:
        assert open_shift_handlers.expire_started(conn, starts - timedelta(minutes=1)) == 0
    with api.engine.begin() as conn:
        assert open_shift_handlers.expire_started(conn, starts + timedelta(minutes=1)) == 1
    assert rows(api, db.open_shift_claims, id="oc-exp")[0]["state"] == "expired"
    assert seen(api, "u-s02", "open_shift_claim")["oc-exp"]["state"] == "expired"


def test_an_open_shift_starting_before_it_was_made_is_refused_and_nothing_is_kept(api):
    """Issue 10 (noticed at review): an open shift for yesterday is refused (open_shift_in_past,
    nobody could claim a place in the past) and no row is kept; tomorrow's is applied."""
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    result = _one(api, MANAGER, "open_shift.create", open_shift("os-past", yesterday))
    assert (result["status"], result["reason"]) == ("rejected", "open_shift_in_past")
    with api.engine.connect() as conn:
        assert conn.execute(select(db.open_shifts).where(db.open_shifts.c.id == "os-past")).first() is None
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    assert _one(api, MANAGER, "open_shift.create", open_shift("os-tomorrow", tomorrow))["status"] == "applied"
