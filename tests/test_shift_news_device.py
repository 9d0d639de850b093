"""Issue 10, shiftnews, on real synced phones (real API): publishing a week reaches the person
affected as a "shift change" on their Home, written in their language from the phone's own
shifts; tapping "My shifts" opens that week. The manager's Home does not list it as theirs; their
Broadcast screen names whose shifts changed, with its read receipt out of one."""

from datetime import timedelta

from app.domain import roster
from app.store.roster_actions import RosterActions
from app.sync import SyncEngine
from app.ui.screen_state import screen_state
from app.ui.screens import broadcast, home, shifts
from tests.test_accessible_names import nameless
from tests.test_open_shifts_screens import _buttons
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)
from tests.trade_world import at, future_monday


def test_siti_reads_her_shift_change_in_indonesian_and_opens_that_week(device):
    """The manager gives Siti a new Tuesday shift and publishes week +33: on her next sync her
    Home shows "Shift Anda berubah" with the line "Shift baru: <day>, 09.00–17.00" in Indonesian,
    and "Shift saya" opens My shifts on that week."""
    manager = device("M2001", "7100")
    monday = future_monday(33)
    day = monday + timedelta(days=1)
    actions = RosterActions(manager.store, manager.store.clock, manager.actor)
    actions.create_shift(store_id="st-cwb", user_id="u-s02", starts_at=at(day, 9), ends_at=at(day, 17),
                                    role="Sales")
    SyncEngine(manager.store, manager.api).sync_once()
    actions.publish_week("st-cwb", monday)
    SyncEngine(manager.store, manager.api).sync_once()

    siti = device("S3002", "2222", "id")
    view = home.view(siti)
    assert nameless(view) == []
    texts = _texts(view)
    assert "Shift Anda berubah" in texts
    line = siti._("New shift: {day}, {time}", day=siti.tr.format_skeleton("MMMEd", at(day, 9)),
                  time=siti.tr.format_interval(at(day, 9), at(day, 17), "Hm"))
    assert line.startswith("Shift baru: ") and line in texts
    _buttons(view, "Shift saya")[0].on_click(None)
    assert siti.page.route == shifts.ROUTE
    state = screen_state(siti, shifts.ROUTE, shifts.MyShiftsState)
    this_monday = roster.week_start(siti.tr.to_local(siti.tr.now()).date())
    assert this_monday + timedelta(weeks=state.week) == monday
    hours = siti.tr.format_interval(at(day, 9), at(day, 17), "Hm")
    assert any(hours in text for text in _texts(shifts.view(siti)))

    manager_home = " ".join(_texts(home.view(manager)))
    assert "Your shifts changed" not in manager_home and "Siti" not in manager_home
    sent = _texts(broadcast.view(manager))
    assert "Shift change for Siti Rahayu" in sent and "Read by 0 of 1" in sent
