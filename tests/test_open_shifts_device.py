"""Issue 10, open shifts on the phone against a real uvicorn API: a manager adds and publishes
one from the phone, staff claim offline and sync; a claim the server refuses (the last place
went first to someone else) is undone on the phone and told in the claimant's language."""

from datetime import timedelta

import flet as ft
import pytest

from app.config import ClientConfig
from app.domain import open_shifts
from app.i18n import Translator
from app.store import outbox
from app.store.open_shift_actions import OpenShiftActions, claims_of, store_open_shifts
from app.store.roster_actions import RosterActions
from app.ui.context import AppContext
from app.ui.screens import rejected
from tests.test_accessible_names import Page, walk
from tests.test_trades_device import Phone, world  # noqa: F401  (signed-in phones, the server's engine)
from tests.trade_world import add_shift, at, future_monday


def _open(phone: Phone) -> OpenShiftActions:
    return OpenShiftActions(phone.store, phone.store.clock, phone.actor)


def _visible(phone: Phone, day) -> dict[str, dict]:
    """The open shifts this phone lists for ``day`` (staff: published ones only), by id."""
    with phone.store.reading() as db:
        found = store_open_shifts(db, phone.actor.store_ids, at(day, 0), at(day, 0) + timedelta(days=1),
                                  published_only=not phone.actor.role.is_manager)
    return {r["id"]: r for r in found}


@pytest.fixture
def phone(world):
    return world[1]


def _published_open_shift(manager: Phone, day, slots: int, start: int = 9, end: int = 17) -> str:
    open_id = _open(manager).add_open_shift(store_id="st-cwb", starts_at=at(day, start), ends_at=at(day, end),
                                          slots=slots)
    monday = day - timedelta(days=day.weekday())
    RosterActions(manager.store, manager.store.clock, manager.actor).publish_week("st-cwb", monday)
    manager.sync()
    return open_id


def test_manager_adds_an_open_shift_staff_claim_it_offline_and_get_the_shift_after_sync(phone):
    """The manager adds a 2-place open shift on the phone and publishes the week; Chan sees it
    with 2 places left, claims it with no network (shown at once, pending), syncs, and then has
    the shift in his own list; the store sees 1 place left."""
    day = future_monday(30) + timedelta(days=1)
    manager, chan = phone("M2001", "7100"), phone("S3001", "1111")
    open_id = _published_open_shift(manager, day, slots=2)
    chan.sync()
    assert _visible(chan, day)[open_id]["remaining"] == 2
    claim_id = _open(chan).claim(open_id)  # offline: nothing sent yet
    local = chan.one("open_shift_claims", claim_id)
    assert local["sync_state"] == "pending" and local["state"] == open_shifts.APPROVED
    chan.sync()
    chan.sync()
    assert chan.one("open_shift_claims", claim_id)["state"] == open_shifts.APPROVED
    mine = chan.one("shifts", open_shifts.claim_shift_id(claim_id))
    assert mine["user_id"] == "u-s01" and mine["status"] == "published"
    assert _visible(chan, day)[open_id]["remaining"] == 1
    assert chan.rejected() == []


def test_the_loser_of_the_last_place_sees_the_claim_undone_and_why_in_her_language(phone, server):
    """One place: Siti claims it offline; Chan claims and syncs first. When Siti's phone syncs,
    her claim is refused "already taken", it disappears from her phone, the open shift shows no
    place left, and her Rejected actions screen tells why in Indonesian (her language)."""
    day = future_monday(31) + timedelta(days=2)
    manager, chan, siti = phone("M2001", "7100"), phone("S3001", "1111"), phone("S3002", "2222")
    open_id = _published_open_shift(manager, day, slots=1)
    siti.sync()
    chan.sync()
    siti_claim = _open(siti).claim(open_id)
    _open(chan).claim(open_id)
    chan.sync()
    siti.sync()
    siti.sync()
    assert siti.one("open_shift_claims", siti_claim) is None
    assert siti.rejected() == [("open_shift.claim", "open_shift_full")]
    assert _visible(siti, day)[open_id]["remaining"] == 0
    ctx = AppContext(page=Page(), config=ClientConfig(api_url=server.url), store=siti.store, api=siti.api,
                     tr=Translator("id"), user=siti.store.load_session()[0])
    shown = [c.value for c in walk(rejected.view(ctx)) if isinstance(c, ft.Text)]
    told = Translator("id").reason_message("open_shift_full")
    assert told != Translator("en").reason_message("open_shift_full") and told in shown
    assert any(ctx._("Open shift claim") in text for text in shown if isinstance(text, str))


def test_a_claim_the_device_knows_is_against_the_rules_is_refused_at_once_with_the_reason(world):
    """Chan already works that morning: claiming the overlapping open shift is refused on the
    phone at once (no network needed) with "overlap", and nothing is queued."""
    day = future_monday(32) + timedelta(days=3)
    engine, phone = world
    add_shift(engine, "u-s01", day)
    manager, chan = phone("M2001", "7100"), phone("S3001", "1111")
    open_id = _published_open_shift(manager, day, slots=1, start=12, end=20)
    chan.sync()
    with pytest.raises(open_shifts.ClaimRefused) as refused:
        _open(chan).claim(open_id)
    assert refused.value.reason == "shift_overlap"
    with chan.store.reading() as db:
        assert claims_of(db, open_id) == [] and outbox.waiting_count(db) == 0


def test_an_open_shift_for_yesterday_is_refused_on_the_phone_and_nothing_is_queued(phone):
    """The manager picks yesterday by mistake: the phone refuses at once (open_shift_in_past,
    the same rule the server checks) and neither a row nor an action is kept."""
    manager = phone("M2001", "7100")
    yesterday = manager.store.clock.now().date() - timedelta(days=1)
    with pytest.raises(open_shifts.roster.RosterRefused) as refused:
        _open(manager).add_open_shift(store_id="st-cwb", starts_at=at(yesterday, 9), ends_at=at(yesterday, 17),
                                      slots=1)
    assert refused.value.reason == open_shifts.REASON_IN_PAST
    assert _visible(manager, yesterday) == {}
    with manager.store.reading() as db:
        assert outbox.waiting_count(db) == 0
