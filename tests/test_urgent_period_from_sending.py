"""Issue 11, bcsaved: the reminder period of an urgent broadcast counts from sending, on the phone
(the urgent screen put off comes back by itself only during the hour after it was sent, however
late the phone first showed it) and on the server ("not acknowledged after reminders" waits for
the hour after a send-later broadcast was actually sent)."""

from datetime import UTC, datetime, timedelta

from app.domain.roles import Role
from app.sync import SyncEngine
from app.ui.shell import Shell
from tests.test_api_broadcast_reminders import _not_acknowledged
from tests.test_api_broadcasts import CWB_MANAGER
from tests.test_api_push import mutation, push
from tests.test_broadcast_screens import _button
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)
from tests.test_urgent_repeat_screens import _shown


def _sent_minutes_ago(device, title: str, minutes: int) -> None:
    """The CWB manager's urgent broadcast to CWB staff, queued offline ``minutes`` ago, synced now."""
    manager = device("M2001", "7100")
    manager.actions.create_broadcast(["st-cwb"], title, "", role=Role.STAFF, kind="urgent")
    with manager.store.transaction() as db:  # queued before the phone restarted: its wall clock then
        db.execute("UPDATE outbox SET device_time=?, boot_id='before-a-restart', monotonic_ms=? WHERE type='broadcast.create'",
                   [(datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(), minutes * 60 * 1000])
    SyncEngine(manager.store, manager.api).sync_once()


def _later(ctx, minutes: int) -> None:
    """The phone's clock ``minutes`` from now."""
    then = datetime.now(UTC) + timedelta(minutes=minutes)
    ctx.store.clock.now = lambda: then


def test_put_off_it_comes_back_only_during_the_hour_after_sending(device):
    """Sent 63 minutes ago, Chan's phone shows it only now (it was off): he taps Later, and six
    minutes on it does not come back by itself (the hour after sending is over) but does on the
    clock-in screen. One sent 10 minutes ago, put off, is back six minutes on."""
    _sent_minutes_ago(device, "Fire door jammed", 63)
    chan = device("S3001", "1111")
    shell = Shell(chan)
    heading = "Urgent · Fire door jammed"
    assert heading in _shown(shell, "/home")
    _button(chan.page.views[-1], "Later").on_click(None)
    assert heading not in _texts(chan.page.views[-1])
    _later(chan, 6)
    assert heading not in _shown(shell, "/home")
    assert heading in _shown(shell, "/clock")
    _button(chan.page.views[-1], "Acknowledge").on_click(None)

    _sent_minutes_ago(device, "Till 3 is down", 10)
    SyncEngine(chan.store, chan.api).sync_once()
    chan.store.clock.now = lambda: datetime.now(UTC)
    assert "Urgent · Till 3 is down" in _shown(shell, "/home")
    _button(chan.page.views[-1], "Later").on_click(None)
    _later(chan, 6)
    assert "Urgent · Till 3 is down" in _shown(shell, "/home")


def test_not_acknowledged_after_reminders_counts_from_when_it_was_sent(api):
    """Two urgent broadcasts written two hours ago: one to be sent 30 minutes ago, one in an hour.
    Neither is listed to the CWB manager as not acknowledged after reminders: the hour after
    sending is not over (the second has not even reached anyone)."""
    now = datetime.now(UTC)
    for name, send_at in (("bc-late-sent", now - timedelta(minutes=30)), ("bc-late-held", now + timedelta(hours=1))):
        late = {"broadcast_id": name, "title": "Stock room flooded", "kind": "urgent", "store_ids": ["st-cwb"],
                "role": "staff", "send_at": send_at.isoformat()}
        sent = push(api, CWB_MANAGER, [mutation(1, "broadcast.create", late, age_s=2 * 3600)], device_id=f"dev-{name}")
        assert sent.json()["results"][0]["status"] == "applied", sent.text
    listed = _not_acknowledged(api, CWB_MANAGER)
    assert listed.status_code == 200 and listed.json() == [], listed.text
