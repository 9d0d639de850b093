"""Issue 10, openshiftedit, on the phone against a real uvicorn API: the manager edits or cancels
an open shift offline (one local change and its outbox row, shown at once); the server checks
again; an edit made on an older version is refused "changed meanwhile" and undone on the phone;
claimants' phones pull their closed claims, and a claim sent after the cancel is undone."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import flet as ft
import pytest

from app.config import ClientConfig

from app.domain import open_shifts, roster
from app.i18n import Translator
from app.store import outbox
from app.store.clock import DeviceClock
from app.store.open_shift_actions import OpenShiftActions
from app.ui.context import AppContext
from app.ui.screens import rejected
from tests.test_accessible_names import Page, walk
from tests.test_api_open_shifts import _manager_picks
from tests.test_open_shifts_device import _open, _published_open_shift, _visible
from tests.test_trades_device import world  # noqa: F401  (signed-in phones, the server's engine)
from tests.trade_world import at, future_monday


def test_the_manager_edits_offline_sees_it_at_once_and_staff_get_it_after_sync(world):
    """Offline, the manager makes a 1-place 09:00-17:00 open shift 10:00-18:00 with 3 places: his
    phone shows it at once (waiting to sync); after sync Siti's phone lists 3 places at 10:00."""
    engine, phone = world
    day = future_monday(40) + timedelta(days=1)
    manager, siti = phone("M2001", "7100"), phone("S3002", "2222")
    open_id = _published_open_shift(manager, day, slots=1)
    _open(manager).edit_open_shift(open_id, starts_at=at(day, 10), ends_at=at(day, 18), slots=3, role="Cashier")
    local = manager.one("open_shifts", open_id)
    assert (local["slots"], local["role"], local["sync_state"]) == (3, "Cashier", "pending")
    manager.sync()
    siti.sync()
    seen = _visible(siti, day)[open_id]
    assert (seen["remaining"], seen["role"]) == (3, "Cashier")
    assert datetime.fromisoformat(seen["starts_at"]) == at(day, 10)
    assert manager.rejected() == []


OFFLINE_CHANGES = {
    "open_shift.edit": lambda actions, open_id, day: actions.edit_open_shift(
        open_id, starts_at=at(day, 12), ends_at=at(day, 20), slots=2),
    "open_shift.cancel": lambda actions, open_id, day: actions.cancel_open_shift(open_id),
}


@pytest.mark.parametrize("change", sorted(OFFLINE_CHANGES))
def test_a_change_made_on_an_older_version_is_undone_on_the_phone_with_changed_meanwhile(world, server, change):
    """The manager edits or cancels offline while Chan's claim takes a place on the server: synced
    after, it is refused "changed meanwhile"; the phone shows the server's open shift again
    (published, 1 place filled, the old times) and Rejected actions names the action and the
    reason in Thai."""
    engine, phone = world
    day = future_monday(41 if change == "open_shift.edit" else 44) + timedelta(days=2)
    manager, chan = phone("M2001", "7100"), phone("S3001", "1111")
    open_id = _published_open_shift(manager, day, slots=2)
    chan.sync()
    OFFLINE_CHANGES[change](_open(manager), open_id, day)
    assert manager.one("open_shifts", open_id)["sync_state"] == "pending"
    _open(chan).claim(open_id)
    chan.sync()
    manager.sync()
    manager.sync()
    assert manager.rejected() == [(change, "open_shift_changed")]
    back = manager.one("open_shifts", open_id)
    assert (back["status"], back["filled"]) == (roster.PUBLISHED, 1)
    assert datetime.fromisoformat(back["starts_at"]) == at(day, 9)
    ctx = AppContext(page=Page(), config=ClientConfig(api_url=server.url), store=manager.store, api=manager.api,
                     tr=Translator("th"), user=manager.store.load_session()[0])
    shown = " ".join(c.value for c in walk(rejected.view(ctx)) if isinstance(c, ft.Text) and isinstance(c.value, str))
    told = ctx.tr.reason_message("open_shift_changed")
    assert told != Translator("en").reason_message("open_shift_changed") and told in shown
    assert ctx._(rejected.ACTION_NAMES[change]) in shown


def test_places_below_those_filled_are_refused_on_the_phone_at_once_naming_the_number(world):
    """Chan and Siti have two of three places: asking for 1 place is refused on the manager's
    phone at once with the number (2), nothing queued; so is cancelling without confirming."""
    engine, phone = world
    day = future_monday(42) + timedelta(days=3)
    manager, chan, siti = phone("M2001", "7100"), phone("S3001", "1111"), phone("S3002", "2222")
    open_id = _published_open_shift(manager, day, slots=3)
    for person in (chan, siti):
        person.sync()
        _open(person).claim(open_id)
        person.sync()
    manager.sync()
    with pytest.raises(roster.RosterRefused) as fewer:
        _open(manager).edit_open_shift(open_id, starts_at=at(day, 9), ends_at=at(day, 17), slots=1)
    assert (fewer.value.reason, fewer.value.details) == ("open_shift_below_filled", {"filled": 2})
    assert _waiting(manager) == 0
    with pytest.raises(roster.RosterRefused) as unconfirmed:
        _open(manager).cancel_open_shift(open_id)
    assert (unconfirmed.value.reason, unconfirmed.value.details) == ("open_shift_has_filled", {"filled": 2})
    assert _waiting(manager) == 0
    assert manager.one("open_shifts", open_id)["slots"] == 3


def _waiting(phone) -> int:
    with phone.store.reading() as db:
        return outbox.waiting_count(db)


def test_cancelling_closes_the_waiting_claim_and_undoes_a_claim_sent_after_it(world):
    """Manager picks: Chan's claim waits. Siti claims offline. The manager cancels and syncs:
    Chan's phone pulls his claim as cancelled; Siti's claim, synced after, is refused "not open"
    and disappears from her phone, which shows the open shift cancelled."""
    engine, phone = world
    _manager_picks(SimpleNamespace(engine=engine))
    day = future_monday(43) + timedelta(days=4)
    manager, chan, siti = phone("M2001", "7100"), phone("S3001", "1111"), phone("S3002", "2222")
    open_id = _published_open_shift(manager, day, slots=1)
    chan.sync()
    siti.sync()
    chan_claim = _open(chan).claim(open_id)
    chan.sync()
    siti_claim = _open(siti).claim(open_id)
    manager.sync()
    _open(manager).cancel_open_shift(open_id)
    assert manager.one("open_shifts", open_id)["status"] == roster.CANCELLED
    manager.sync()
    chan.sync()
    assert chan.one("open_shift_claims", chan_claim)["state"] == open_shifts.CANCELLED
    siti.sync()
    siti.sync()
    assert siti.one("open_shift_claims", siti_claim) is None
    assert siti.rejected() == [("open_shift.claim", "open_shift_not_open")]
    assert siti.one("open_shifts", open_id)["status"] == roster.CANCELLED



class _LaterClock(DeviceClock):
    """The phone's clock once time has passed (a test cannot wait for the shift to start)."""

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self._later = now

    def now(self) -> datetime:
        return self._later


def test_an_open_shift_that_has_started_is_refused_on_the_phone_at_once(world):
    """Issue 10, issue10fix: at 10:00 on the day of a 09:00-17:00 open shift, the manager's
    phone refuses editing it (even to the next day) and cancelling it "open_shift_started" at
    once: nothing is queued and the open shift stays as it was."""
    engine, phone = world
    day = future_monday(44) + timedelta(days=2)
    manager = phone("M2001", "7100")
    open_id = _published_open_shift(manager, day, slots=2)
    later = OpenShiftActions(manager.store, _LaterClock(at(day, 10)), manager.actor)
    with pytest.raises(roster.RosterRefused) as edited:
        later.edit_open_shift(open_id, starts_at=at(day + timedelta(days=1), 9),
                              ends_at=at(day + timedelta(days=1), 17), slots=3)
    with pytest.raises(roster.RosterRefused) as cancelled:
        later.cancel_open_shift(open_id)
    assert edited.value.reason == cancelled.value.reason == "open_shift_started"
    assert _waiting(manager) == 0
    kept = manager.one("open_shifts", open_id)
    assert (kept["slots"], kept["status"], kept["sync_state"]) == (2, roster.PUBLISHED, "synced")
