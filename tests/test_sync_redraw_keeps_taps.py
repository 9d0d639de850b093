"""A sync that brings nothing the screen shows leaves the screen's controls as they are (a tap
already on its way reaches them); one that changes what it shows redraws it; the sync strip
still follows every round."""

from app.sync import SyncEngine
from app.sync.engine import SyncReport
from app.ui.shell import Shell
from tests.test_accessible_names import Page  # noqa: F401  (the phones' stand-in page)
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)


def test_a_sync_with_nothing_new_on_screen_keeps_the_tapped_controls(device):
    """Chan on Home: a round that pulled rows Home does not show keeps the very same view (its
    buttons keep their ids); the strip shown is still the one the sync refreshes."""
    chan = device("S3001", "1111")
    shell = Shell(chan)
    chan.page.route = "/home"
    shell.render()
    shown, slot = chan.page.views[-1], chan.page.data["status_slot"]
    shell._synced(SyncReport(pulled=3))
    assert chan.page.views[-1] is shown
    assert chan.page.data["status_slot"] is slot


def test_a_sync_that_changes_the_screen_redraws_it(device):
    """A broadcast for Chan arrives: Home is drawn again and shows it."""
    manager, chan = device("M2001", "7100"), device("S3001", "1111")
    shell = Shell(chan)
    chan.page.route = "/home"
    shell.render()
    shown = chan.page.views[-1]
    manager.actions.create_broadcast(["st-cwb"], "Stocktake moved to Friday", "Count starts at 9.")
    SyncEngine(manager.store, manager.api).sync_once()
    report = SyncEngine(chan.store, chan.api).sync_once()
    shell._synced(report)
    assert chan.page.views[-1] is not shown
    assert "Stocktake moved to Friday" in _texts(chan.page.views[-1])


def test_a_screen_with_fields_is_always_drawn_from_its_state(device):
    """The manager's Approvals (fields kept in its state) follows every sync that brought rows."""
    manager = device("M2001", "7100")
    shell = Shell(manager)
    manager.page.route = "/approvals"
    shell.render()
    shown = manager.page.views[-1]
    shell._synced(SyncReport(pulled=1))
    assert manager.page.views[-1] is not shown

