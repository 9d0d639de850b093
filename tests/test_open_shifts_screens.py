"""Issue 10, open shifts on screen, built from real synced devices (real API): the manager adds
an open shift with places from the Roster, staff see it in My shifts and tap "Claim", and
a claim waiting for the manager (a warning, or "manager picks") is picked from the Roster."""

from datetime import datetime, timedelta

import flet as ft
from sqlalchemy import select

from app.domain import open_shifts as rules
from app.domain import roster as roster_rules
from app.store.open_shift_actions import OpenShiftActions
from app.store.roster_actions import RosterActions
from app.sync import SyncEngine
from app.ui.screen_state import screen_state
from app.ui.screens import roster, shifts
from backend_stub import db
from tests.servers import server_engine
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)
from tests.trade_world import add_shift, at, future_monday


def _buttons(view, label: str) -> list:
    return [c for c in walk(view) if isinstance(c, (ft.FilledButton, ft.OutlinedButton, ft.TextButton))
            and (c.content == label or (isinstance(c.content, ft.Control) and label in _texts(c.content)))]


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _rows(ctx, sql: str) -> list[dict]:
    with ctx.store.reading() as db:
        return list(db.query(sql))


def test_manager_adds_an_open_shift_with_places_and_staff_claim_it_from_my_shifts(device):
    """The manager opens next-but-one week on the Roster, taps "Add open shift" on Monday, asks
    for 2 places and saves: the roster lists it as a draft with 2 places left. After publishing
    and syncing, Siti (reading Indonesian) sees it in My shifts under "Open shifts" and taps
    "Claim": her phone shows her claim at once, waiting to sync."""
    manager = device("M2001", "7100")
    state = screen_state(manager, roster.ROUTE, roster.RosterState)
    state.week = 2
    view = roster.view(manager)
    _buttons(view, manager._("Add open shift"))[0].on_click(None)
    assert state.open_form is not None and state.open_form.store_id in manager.actor.store_ids
    state.open_form.store_id = "st-cwb"
    state.open_form.slots = "2"
    view = roster.view(manager)
    assert nameless(view) == []
    form_button = [b for b in _buttons(view, manager._("Add open shift")) if isinstance(b, ft.FilledButton)]
    form_button[0].on_click(None)
    [added] = _rows(manager, "SELECT * FROM open_shifts")
    assert (added["slots"], added["status"], added["sync_state"]) == (2, "draft", "pending")
    listed = " ".join(_texts(roster.view(manager)))
    assert manager.tr.ngettext("{count} place left", "{count} places left", 2) in listed
    assert manager._("Draft") in listed
    RosterActions(manager.store, manager.store.clock, manager.actor).publish_week("st-cwb", _monday(added))
    _sync(manager)
    siti = device("S3002", "2222", "id")
    mine = shifts.view(siti)
    assert nameless(mine) == []
    assert siti._("Open shifts") in _texts(mine) and siti._("Open shifts") != "Open shifts"
    _buttons(mine, siti._("Claim"))[0].on_click(None)
    [claim] = _rows(siti, "SELECT * FROM open_shift_claims")
    assert (claim["open_shift_id"], claim["user_id"], claim["sync_state"]) == (added["id"], "u-s02", "pending")
    assert siti._("waiting to sync") in " ".join(_texts(shifts.view(siti)))
    assert _buttons(shifts.view(siti), siti._("Claim")) == []  # one claim per person


def _monday(row: dict):
    return roster_rules.week_start(roster_rules.work_day(datetime.fromisoformat(row["starts_at"])))


def test_a_claim_that_warns_waits_and_the_manager_picks_it_with_a_reason_on_the_roster(server, device):
    """Chan already works 40 h that week, so his claim (synced) waits for the manager with an
    overtime warning. On the Roster the manager sees him under the open shift with a reason
    field for the warning; "Pick" without a reason is refused on the phone with the message;
    with a reason the pick is queued and, once synced, Chan has the shift."""
    engine = server_engine(server)
    monday = future_monday(34)
    for offset in (0, 1, 3, 4):
        add_shift(engine, "u-s01", monday + timedelta(days=offset), 8, 18)
    manager = device("M2001", "7100")
    start = at(monday + timedelta(days=2), 9)
    open_id = OpenShiftActions(manager.store, manager.store.clock, manager.actor).add_open_shift(
        store_id="st-cwb", starts_at=start, ends_at=start + timedelta(hours=8), slots=1)
    RosterActions(manager.store, manager.store.clock, manager.actor).publish_week("st-cwb", monday)
    _sync(manager)
    chan = device("S3001", "1111")
    claim_id = OpenShiftActions(chan.store, chan.store.clock, chan.actor).claim(open_id)
    _sync(chan)
    _sync(manager)
    state = screen_state(manager, roster.ROUTE, roster.RosterState)
    state.week = (monday - roster_rules.week_start(manager.tr.to_local(manager.tr.now()).date())).days // 7
    view = roster.view(manager)
    assert manager._("Claimed: waiting for the manager") in " ".join(_texts(view))
    assert any("44" in text for text in _texts(view)), "the warning names the day's hours"
    [reason] = [c for c in walk(view) if isinstance(c, ft.TextField) and c.label == manager._("Reason")]
    notices = []
    manager.notify = lambda message, error=False: notices.append((message, error))
    _buttons(view, manager._("Pick"))[0].on_click(None)
    assert notices[-1] == (manager.reason_text("trade_override_needed"), True)
    reason.value = "Stock count week, agreed with Chan"
    _buttons(view, manager._("Pick"))[0].on_click(None)
    [picked] = _rows(manager, f"SELECT * FROM open_shift_claims WHERE id='{claim_id}'")
    assert (picked["state"], picked["sync_state"]) == (rules.APPROVED, "pending")
    assert "Stock count week" in picked["overrides"]
    _sync(manager)
    with engine.connect() as conn:
        shift = conn.execute(select(db.shifts).where(db.shifts.c.id == rules.claim_shift_id(claim_id))).mappings().one()
    engine.dispose()
    assert shift["user_id"] == "u-s01"
