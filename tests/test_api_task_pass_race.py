"""Issue 12, taskrecur: the task pass run by two workers at the same moment (SQLite and
PostgreSQL, each pass on its own engine, released together): a recurring task's occurrence is
created once and emitted to the store's feed once; a task that became overdue is reminded once,
each of its people getting one ``task_reminder`` in their feed (assignees and the store's
manager, nobody else); a later pass sends nothing more. Tasks without assignees (from before
issue 12) and tasks no longer open are not reminded."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from backend_stub import db
from backend_stub.engine import make_engine
from backend_stub.services.housekeeping import run_task_pass
from backend_stub.services.task_schedules_overdue import reminder_id
from tests.test_api_push import bearer
from tests.test_api_tasks import Board
from tests.test_api_trades_race import _at_once

HK = ZoneInfo("Asia/Hong_Kong")




def _feed_count(api, entity: str, entity_id: str) -> int:
    c = db.changes.c
    with api.engine.connect() as conn:
        return conn.execute(select(func.count()).where(c.entity == entity, c.entity_id == entity_id)).scalar()


def test_two_passes_at_once_create_and_remind_once(api):
    """Two passes at the same time: one task for the occurrence, one feed entry for it, one
    reminder per person for each overdue task; a third pass later adds nothing."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    made = api.post("/v1/stores/st-cwb/task-schedules", headers=bearer(api, "u-sm-cwb"), json={
        "title": "Closing checklist", "assignees": {"user_ids": ["u-s02"]}, "recurrence": "daily",
        "due_time": (now + timedelta(hours=1)).astimezone(HK).strftime("%H:%M"), "lead_minutes": 180})
    assert made.status_code == 201, made.text
    board = Board(api)
    assert board.create("tk-late", due_at=(now + timedelta(minutes=30)).isoformat())["status"] == "applied"

    later = now + timedelta(hours=2)  # both tasks are overdue by then
    engines = [make_engine(api.app.state.settings.db_url) for _ in range(2)]
    try:
        results = _at_once(*[lambda e=e: run_task_pass(e, later) for e in engines])
    finally:
        for e in engines:
            e.dispose()
    with api.engine.connect() as conn:
        (occurrence,) = conn.execute(select(db.tasks.c.id).where(db.tasks.c.schedule_id == made.json()["id"])).scalars()
        reminded = dict(conn.execute(select(db.task_overdue_reminders.c.task_id, db.task_overdue_reminders.c.people)
                                     .where(db.task_overdue_reminders.c.task_id.in_([occurrence, "tk-late"]))).all())
    assert sum(created for created, _ in results) == 1
    assert _feed_count(api, "task", occurrence) == 1
    assert set(reminded) == {occurrence, "tk-late"}
    people = {occurrence: {"u-s02", "u-sm-cwb"}, "tk-late": {"u-s01", "u-sm-cwb"}}
    for task_id, expected in people.items():
        for user_id in ("u-s01", "u-s02", "u-sm-cwb", "u-sm-mk"):
            assert _feed_count(api, "task_reminder", reminder_id(task_id, user_id)) == (user_id in expected)

    run_task_pass(api.engine, later + timedelta(minutes=5))
    assert _feed_count(api, "task", occurrence) == 1
    assert all(_feed_count(api, "task_reminder", reminder_id(t, u)) == 1 for t, us in people.items() for u in us)


def test_tasks_without_assignees_and_closed_ones_are_not_reminded(api):
    """A task from before issue 12 (no assignees) and a task already sent for review are past due
    but nobody is reminded of them."""
    now = datetime.now(UTC)
    board = Board(api)
    assert board.create("tk-sent", photos_required=0, checklist=[],
                        due_at=(now + timedelta(minutes=1)).isoformat())["status"] == "applied"
    assert board.complete([], task_id="tk-sent", ticks=())["status"] == "applied"
    with api.engine.begin() as conn:
        conn.execute(db.tasks.insert().values(id="tk-legacy", store_id="st-cwb", title="Old", description="",
                                              status="open", comment="", due_at=now + timedelta(minutes=1)))
    run_task_pass(api.engine, now + timedelta(minutes=5))
    with api.engine.connect() as conn:
        assert conn.execute(select(db.task_overdue_reminders).where(
            db.task_overdue_reminders.c.task_id.in_(["tk-sent", "tk-legacy"]))).first() is None
