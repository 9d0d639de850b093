"""Issue 12, taskrecur: overdue reminders on phones (real uvicorn API, real SQLite device stores).
A task passes its due time still to do: the task pass reminds its assignee and the store's
manager once; their phones pull it and Home says "Overdue: {title}" first among the tasks; a
colleague who is not assigned sees no such line; a second pass sends nothing more; once the task
is sent for review the line goes. A recurring task made by a schedule reaches the phones too. An
equipment repair sent to Facilities says "Sent to Facilities" on the phones' task lists."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.tasks.model import Assignees, TaskKind
from app.store.task_reminders import overdue_reminders
from app.sync import SyncEngine
from app.ui.screens import home, tasks
from backend_stub.services.housekeeping import run_task_pass
from tests.servers import server_engine
from tests.test_trades_screens import _texts, device  # noqa: F401  (the fixture)


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _reminders(ctx) -> list[str]:
    with ctx.store.reading() as db:
        return [r.title for r in overdue_reminders(db, ctx.user["id"])]


def _pass(server, now: datetime) -> tuple[int, int]:
    engine = server_engine(server)
    try:
        return run_task_pass(engine, now)
    finally:
        engine.dispose()


def test_overdue_task_reminds_assignee_and_manager_once_on_home(server, device):
    """Chan's task passes its due time: Chan's and the manager's Home say "Overdue: ..." (once,
    whatever the passes), Siti's does not; when Chan sends it for review the line goes."""
    manager, chan, siti = device("M2001", "7100"), device("S3001", "1111"), device("S3002", "2222")
    due = datetime.now(UTC) + timedelta(minutes=1)
    task_id = manager.actions.create_task("st-cwb", "Wipe the fitting-room mirrors", assignees=Assignees(("u-s01",)),
                                          due_at=due)
    _sync(manager)
    _pass(server, due + timedelta(minutes=2))
    _pass(server, due + timedelta(minutes=3))
    for ctx in (manager, chan, siti):
        _sync(ctx)
    line = chan._("Overdue: {title}", title="Wipe the fitting-room mirrors")
    assert _reminders(chan) == ["Wipe the fitting-room mirrors"] == _reminders(manager)
    assert _reminders(siti) == []
    chan_home = _texts(home.view(chan))
    assert line in chan_home and chan_home.index(line) < chan_home.index("Wipe the fitting-room mirrors")
    assert line in _texts(home.view(manager)) and line not in _texts(home.view(siti))

    chan.actions.complete_task(task_id, "Done")
    assert _reminders(chan) == []  # at once, on the phone
    _sync(chan)
    _sync(manager)
    assert line not in _texts(home.view(manager))


def test_a_recurring_task_reaches_the_phones(server, device):
    """A manager adds a daily schedule for the staff role; the pass puts today's task on the
    board and the staff's phone pulls it with its checklist and schedule."""
    manager, chan = device("M2001", "7100"), device("S3001", "1111")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    due = (now + timedelta(hours=1)).astimezone(ZoneInfo("Asia/Hong_Kong"))
    made = manager.api.add_task_schedule("st-cwb", {
        "title": "Opening checklist", "assignees": {"role": "staff"}, "checklist": ["Lights", "Till float"],
        "recurrence": "daily", "due_time": due.strftime("%H:%M"), "lead_minutes": 120})
    assert [s["id"] for s in manager.api.task_schedules("st-cwb")] == [made["id"]]
    _pass(server, now)
    _sync(chan)
    with chan.store.reading() as db:
        (row,) = db.query("SELECT * FROM tasks WHERE schedule_id = ?", [made["id"]])
    assert (row["title"], row["checklist"], row["status"]) == ("Opening checklist", '["Lights", "Till float"]', "to_do")


def test_a_repair_sent_to_facilities_shows_on_the_board(server, device):
    """HQ lists Facilities; the manager sends the broken fridge there; after a sync the manager's
    board and Chan's My tasks say "Sent to Facilities"."""
    hq, manager, chan = device("A0001", "9000"), device("M2001", "7100"), device("S3001", "1111")
    hq.api.change_departments({"departments": [{"id": "facilities", "name": "Facilities"}]})
    task_id = manager.actions.create_task("st-cwb", "Fridge 2 is warm", assignees=Assignees(("u-s01",)),
                                          kind=TaskKind.EQUIPMENT_REPAIR)
    _sync(manager)
    sent = manager.api.send_task_to_department("st-cwb", task_id, "facilities")
    assert sent["department_name"] == "Facilities"
    for ctx in (manager, chan):
        _sync(ctx)
        line = ctx._("Sent to {department}", department="Facilities")
        assert any(line in text for text in _texts(tasks.view(ctx))), ctx.user["id"]
