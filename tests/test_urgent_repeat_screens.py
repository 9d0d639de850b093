"""Issue 11, bcfollow, on a phone against a real server: an urgent broadcast put off ("Later")
leaves the screen below, shows first on the clock-in screen, and again at the next app start;
acknowledged on the clock-in screen, the clock-in screen follows."""

from datetime import UTC, datetime, timedelta

from app.domain.roles import Role
from app.i18n import Translator
from app.sync import SyncEngine
from app.ui.context import AppContext
from app.ui.shell import Shell
from tests.test_accessible_names import Page
from app.ui.screens import home
from tests.test_broadcast_screens import _button, _run_tasks
from tests.test_me_calendar_feed import DialogPage
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

HEADING = "Urgent · Gas leak drill at 14:00"


def _shown(shell: Shell, route: str) -> list[str]:
    shell.ctx.page.route = route
    shell.render()
    return _texts(shell.ctx.page.views[-1])


def _started_again(ctx: AppContext) -> AppContext:
    """The same phone, its app started again (same database and session)."""
    return AppContext(page=Page(), config=ctx.config, store=ctx.store, api=ctx.api, tr=Translator("en"),
                      user=ctx.user)


def test_put_off_it_leaves_and_comes_back_before_clock_in_and_at_the_next_start(device):
    """Chan taps Later on the urgent screen: Home shows, and Shifts too; on Clock the urgent
    broadcast comes first. The app started again shows it on Home. Acknowledged on Clock, the
    clock-in screen is there and nothing urgent comes back anywhere."""
    manager = device("M2001", "7100")
    manager.actions.create_broadcast(["st-cwb"], "Gas leak drill at 14:00", "Leave by the back door.",
                                     role=Role.STAFF, kind="urgent")
    SyncEngine(manager.store, manager.api).sync_once()
    chan = device("S3001", "1111")
    shell = Shell(chan)
    assert HEADING in _shown(shell, "/home")
    _button(chan.page.views[-1], "Later").on_click(None)
    assert HEADING not in _texts(chan.page.views[-1]) and "Hello, Chan Tai Man 陳大文" in _texts(chan.page.views[-1])
    assert HEADING not in _shown(shell, "/shifts")
    assert HEADING in _shown(shell, "/clock")
    again = Shell(_started_again(chan))
    assert HEADING in _shown(again, "/home")
    assert HEADING in _shown(shell, "/clock")
    _button(chan.page.views[-1], "Acknowledge").on_click(None)
    assert chan.page.views[-1].route == "/clock" and HEADING not in _texts(chan.page.views[-1])
    assert HEADING not in _shown(again, "/home")


def test_the_store_managers_home_lists_who_has_not_acknowledged_after_the_reminders(device):
    """An urgent broadcast to CWB staff sent (queued offline) two hours ago, and Siti
    acknowledged: the CWB manager's Home, once the server answered, has "Not acknowledged after
    reminders" with its title, Chan and Fatima (at Causeway Bay), not Siti."""
    manager = device("M2001", "7100")
    manager.page = DialogPage()
    sent = manager.actions.create_broadcast(["st-cwb"], "Fire exits blocked: clear them", "", role=Role.STAFF,
                                            kind="urgent")
    with manager.store.transaction() as db:  # queued offline two hours ago (the phone's clocks then)
        db.execute("UPDATE outbox SET device_time=?, boot_id='before-a-restart', monotonic_ms=? WHERE type='broadcast.create'",
                    [(datetime.now(UTC) - timedelta(hours=2)).isoformat(), 2 * 3600 * 1000])
    SyncEngine(manager.store, manager.api).sync_once()
    siti = device("S3002", "2222")
    SyncEngine(siti.store, siti.api).sync_once()
    siti.actions.acknowledge_broadcast(sent)
    SyncEngine(siti.store, siti.api).sync_once()
    home.view(manager)
    _run_tasks(manager.page)
    texts = _texts(home.view(manager))
    start = texts.index("Not acknowledged after reminders")
    assert texts[start + 1].startswith("Fire exits blocked: clear them")
    people = texts[start + 2:start + 4]
    cwb = "Causeway Bay (Times Square)"
    assert sorted(people) == [f"Chan Tai Man 陳大文 · {cwb}", f"Fatima Al-Sayed · {cwb}"], texts
    assert not any(t.startswith("Siti Rahayu") for t in texts[start:])
