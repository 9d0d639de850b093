"""Issue 10, openshiftedit, on screen with real synced phones (real API): on the Roster the
manager taps "Edit open shift" (the form comes filled in) or "Cancel open shift" (confirmed
first, saying who keeps their shift); a refusal names the number filled in the manager's
language; a claimant's My shifts shows their claim cancelled or no longer possible, in theirs."""

from datetime import datetime, timedelta
from types import SimpleNamespace

from app.domain import open_shifts as rules
from app.domain.attendance import HONG_KONG
from app.domain import roster as roster_rules
from app.i18n.reasons import shift_rule_message
from app.store.open_shift_actions import OpenShiftActions
from app.store.roster_actions import RosterActions
from app.ui.screen_state import screen_state
from app.ui.screens import roster, shifts
from tests.servers import server_engine
from tests.test_accessible_names import nameless
from tests.test_api_open_shifts import _manager_picks
from tests.test_me_calendar_feed import DialogPage, choose
from tests.test_open_shifts_screens import _buttons, _rows, _sync
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)
from tests.trade_world import add_shift, at, future_monday


def _published(manager, monday, slots: int, start: int = 9, end: int = 17, day: int = 2) -> str:
    starts = at(monday + timedelta(days=day), start)
    clock, now = manager.store.clock, manager.store.clock.now
    made = min(now(), starts - timedelta(days=7))  # an open shift is made before it starts
    clock.now = lambda: made
    try:
        open_id = OpenShiftActions(manager.store, clock, manager.actor).add_open_shift(
            store_id="st-cwb", starts_at=starts, ends_at=starts + timedelta(hours=end - start), slots=slots)
    finally:
        clock.now = now
    if made < now():
        with manager.store.transaction() as db:  # queued then, on a phone restarted since: its wall clock stands
            db.execute("UPDATE outbox SET boot_id='before-a-restart' WHERE type='open_shift.create'")
    RosterActions(manager.store, manager.store.clock, manager.actor).publish_week("st-cwb", monday)
    _sync(manager)
    return open_id


def _roster_week(manager, monday):
    manager.page = DialogPage()
    state = screen_state(manager, roster.ROUTE, roster.RosterState)
    state.week = (monday - roster_rules.week_start(manager.tr.to_local(manager.tr.now()).date())).days // 7
    return state


def _claim(phone, open_id: str) -> str:
    claim_id = OpenShiftActions(phone.store, phone.store.clock, phone.actor).claim(open_id)
    _sync(phone)
    return claim_id


def test_manager_edits_an_open_shift_from_the_roster_and_is_told_the_number_filled(device):
    """Chan and Siti have 2 of 3 places. The manager (Thai) taps "Edit open shift": the form
    shows 09:00, 17:00 and 3 places; asking for 1 place is refused with "filled: 2" in Thai and
    nothing changes; 4 places from 10:00 are saved, shown at once as waiting to sync."""
    monday = future_monday(36)
    manager = device("M2001", "7100", "th")
    open_id = _published(manager, monday, slots=3)
    for staff_no, pin in (("S3001", "1111"), ("S3002", "2222")):
        _claim(device(staff_no, pin), open_id)
    _sync(manager)
    state = _roster_week(manager, monday)
    view = roster.view(manager)
    assert nameless(view) == []
    _buttons(view, manager._("Edit open shift"))[0].on_click(None)
    form = state.open_form
    assert (form.open_shift_id, form.start, form.end, form.slots) == (open_id, "09:00", "17:00", "3")
    assert manager._("Edit open shift") in _texts(roster.view(manager))
    notices = []
    manager.notify = lambda message, error=False: notices.append((message, error))
    form.slots = "1"
    _buttons(roster.view(manager), manager._("Save shift"))[0].on_click(None)
    told = shift_rule_message(manager.tr, "open_shift_below_filled", {"filled": 2})
    assert notices[-1] == (told, True) and "2" in told and told != shift_rule_message(
        device("M2002", "7200").tr, "open_shift_below_filled", {"filled": 2})
    assert _rows(manager, f"SELECT slots FROM open_shifts WHERE id='{open_id}'") == [{"slots": 3}]
    form.slots, form.start = "4", "10:00"
    _buttons(roster.view(manager), manager._("Save shift"))[0].on_click(None)
    [saved] = _rows(manager, f"SELECT * FROM open_shifts WHERE id='{open_id}'")
    assert (saved["slots"], saved["sync_state"]) == (4, "pending") and state.open_form is None
    assert manager._("waiting to sync") in _texts(roster.view(manager))


def test_cancelling_with_a_place_filled_asks_first_and_the_claimant_is_told_in_her_language(device, server):
    """Manager picks: Siti (Indonesian) waits, Chan was picked. "Cancel open shift" asks first,
    saying 1 person keeps their shift; confirmed, the roster shows it cancelled. After syncing,
    Siti's My shifts shows her claim "Cancelled by the manager" in Indonesian; Chan keeps his shift."""
    engine = server_engine(server)
    _manager_picks(SimpleNamespace(engine=engine))
    engine.dispose()
    monday = future_monday(2)  # My shifts lists open shifts of the next 4 weeks
    manager = device("M2001", "7100")
    open_id = _published(manager, monday, slots=2)
    chan, siti = device("S3001", "1111"), device("S3002", "2222", "id")
    chan_claim, siti_claim = _claim(chan, open_id), _claim(siti, open_id)
    _sync(manager)
    OpenShiftActions(manager.store, manager.store.clock, manager.actor).pick(chan_claim, True)
    _sync(manager)
    _sync(manager)
    _roster_week(manager, monday)
    _buttons(roster.view(manager), manager._("Cancel open shift"))[0].on_click(None)
    [dialog] = manager.page.shown
    question = manager.tr.ngettext(
        "{count} person already has a place and keeps their shift. Cancel the places still open?",
        "{count} people already have a place and keep their shifts. Cancel the places still open?", 1)
    assert question in _texts(dialog)
    choose(dialog, manager._("Cancel open shift"))
    assert _rows(manager, f"SELECT status FROM open_shifts WHERE id='{open_id}'") == [{"status": "cancelled"}]
    _sync(manager)
    _sync(siti)
    assert _rows(siti, f"SELECT state FROM open_shift_claims WHERE id='{siti_claim}'") == [
        {"state": rules.CANCELLED}]
    mine = shifts.view(siti)
    told = siti._("Cancelled by the manager")
    assert told != "Cancelled by the manager" and any(told in text for text in _texts(mine))
    assert any(siti._("Cancelled") in text for text in _texts(mine))
    assert _buttons(mine, siti._("Claim")) == []
    _sync(chan)
    kept = _rows(chan, f"SELECT user_id, status FROM shifts WHERE id='{rules.claim_shift_id(chan_claim)}'")
    assert kept == [{"user_id": "u-s01", "status": "published"}]


def test_a_claim_refused_by_new_times_shows_the_rule_on_the_claimants_phone(device, server):
    """Manager picks: Chan waits on a Wednesday open shift; he works Thursday 09:00-17:00. The
    manager moves it to Thursday 12:00-16:00: after syncing, Chan's My shifts says his claim is
    no longer possible and names the overlapping shift."""
    engine = server_engine(server)
    _manager_picks(SimpleNamespace(engine=engine))
    monday = future_monday(3)
    add_shift(engine, "u-s01", monday + timedelta(days=3))
    engine.dispose()
    manager = device("M2001", "7100")
    open_id = _published(manager, monday, slots=1)
    chan = device("S3001", "1111", "vi")
    _claim(chan, open_id)
    _sync(manager)
    thursday = monday + timedelta(days=3)
    OpenShiftActions(manager.store, manager.store.clock, manager.actor).edit_open_shift(
        open_id, starts_at=at(thursday, 12), ends_at=at(thursday, 16), slots=1)
    _sync(manager)
    _sync(chan)
    text = " ".join(_texts(shifts.view(chan)))
    assert chan._("No longer possible after the manager's change") in text
    assert chan._("No longer possible after the manager's change") != "No longer possible after the manager's change"
    assert chan.tr.format_date(at(thursday, 9), "medium") in text  # the overlapping shift, named


def test_an_open_shift_that_has_started_offers_no_edit_or_cancel_on_the_roster(device):
    """Issue 10, issue10fix: last week's open shift (published) is listed on the manager's
    roster without "Edit open shift" or "Cancel open shift"; next week's still has both."""
    this_monday = roster_rules.week_start(datetime.now(HONG_KONG).date())
    manager = device("M2001", "7100")
    past = _published(manager, this_monday - timedelta(days=7), slots=2)
    _published(manager, this_monday + timedelta(days=7), slots=2)
    assert _rows(manager, f"SELECT status, sync_state FROM open_shifts WHERE id='{past}'") == [
        {"status": "published", "sync_state": "synced"}]
    _roster_week(manager, this_monday - timedelta(days=7))
    last_week = roster.view(manager)
    assert manager._("Open shift") in " ".join(_texts(last_week))
    assert _buttons(last_week, manager._("Edit open shift")) == []
    assert _buttons(last_week, manager._("Cancel open shift")) == []
    _roster_week(manager, this_monday + timedelta(days=7))
    next_week = roster.view(manager)
    assert len(_buttons(next_week, manager._("Edit open shift"))) == 1
    assert len(_buttons(next_week, manager._("Cancel open shift"))) == 1
