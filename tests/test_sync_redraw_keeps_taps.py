"""A sync that brings nothing the screen shows leaves the screen's controls as they are (a tap
already on its way reaches them); one that changes what it shows redraws it; the sync strip
still follows every round."""

from app.sync import SyncEngine
from app.sync.engine import SyncReport
from app.domain.broadcast_checks import Check
from app.ui.chrome import status_strip
from app.ui.redraw import look_of, marked_on_top
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


def test_a_screen_with_fields_that_looks_the_same_keeps_its_fields(device):
    """The manager's Approvals (fields kept in its state) after a sync that brought rows it does
    not show: the same view, so the field being typed in is the one on screen."""
    manager = device("M2001", "7100")
    shell = Shell(manager)
    manager.page.route = "/approvals"
    shell.render()
    shown = manager.page.views[-1]
    shell._synced(SyncReport(pulled=1))
    assert manager.page.views[-1] is shown



def test_an_urgent_cover_stays_the_same_view_while_the_screen_below_is_redrawn(device):
    """Chan's urgent cover asks a check question over Home; a normal broadcast then changes Home:
    Home is drawn again, but the cover is the very same view (a choice tapped on it still lands)."""
    manager, chan = device("M2001", "7100"), device("S3001", "1111")
    manager.actions.create_broadcast(["st-cwb"], "Typhoon signal 8", "Close the shutters.", kind="urgent",
                                     check=Check("Shutters?", ("Open", "Closed"), 1))
    SyncEngine(manager.store, manager.api).sync_once()
    shell = Shell(chan)
    chan.page.route = "/home"
    shell._synced(SyncEngine(chan.store, chan.api).sync_once())
    shell.render()
    home, cover = chan.page.views
    assert "Shutters?" in _texts(cover)
    manager.actions.create_broadcast(["st-cwb"], "Stocktake moved to Friday", "Count starts at 9.")
    SyncEngine(manager.store, manager.api).sync_once()
    shell._synced(SyncEngine(chan.store, chan.api).sync_once())
    assert chan.page.views[-1] is cover
    assert chan.page.views[0] is not home and "Stocktake moved to Friday" in _texts(chan.page.views[0])


def test_a_kept_view_shows_the_strip_of_now(device):
    """Chan opens Language from Me with an action now waiting: Me below is kept as it was, yet
    its strip shows the action waiting (the look leaves strips out), and the strip a sync
    refreshes is the one on screen."""
    chan = device("S3001", "1111")
    shell = Shell(chan)
    chan.page.route = "/me"
    shell.render()
    me_view = chan.page.views[1]  # above Home (an urgent cover from another test may be on top)
    before = look_of([marked_on_top([me_view]).content])
    chan.status.waiting = 1  # what the sync runner says after Chan wrote a note offline
    chan.page.route = "/me/language"
    shell.render()
    assert chan.page.views[1] is me_view
    now = look_of([status_strip(chan).content])
    assert now != before and look_of([marked_on_top([me_view]).content]) == now
    assert chan.page.data["status_slot"] is marked_on_top(chan.page.views)
