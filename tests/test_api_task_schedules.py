"""Issue 12, taskrecur: recurring tasks through the API (SQLite and PostgreSQL). A store manager
adds a daily schedule (POST /v1/stores/{id}/task-schedules), lists, changes, pauses and deletes
it; the task pass puts each occurrence on the board once (due at the store's local time, with
the schedule's checklist and assignees, in the store's pull feed), a rerun adds nothing, a
paused or deleted schedule adds nothing more and past tasks stay; bad schedules are 400 with
their reason, other stores' managers and staff 403, an unknown schedule 404."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from backend_stub import db
from backend_stub.services.housekeeping import run_task_pass
from tests.test_api_push import bearer, pull_all

HK = ZoneInfo("Asia/Hong_Kong")
URL = "/v1/stores/st-cwb/task-schedules"


def body(due: datetime, **changes) -> dict:
    return {"title": "Opening checklist", "instructions": "Before the doors open", "kind": "cleaning_check",
            "assignees": {"role": "staff"}, "checklist": ["Lights", "Till float"], "photos_required": 1,
            "recurrence": "daily", "due_time": due.astimezone(HK).strftime("%H:%M"), "lead_minutes": 120,
            **changes}


def tasks_of(api, schedule_id: str) -> list[dict]:
    with api.engine.connect() as conn:
        rows = conn.execute(select(db.tasks).where(db.tasks.c.schedule_id == schedule_id).order_by(db.tasks.c.due_at))
        return [dict(r) for r in rows.mappings()]


def test_schedule_crud_and_occurrences(api):
    """Add, list, pause, delete; the pass creates today's occurrence once, tomorrow's the next
    day, nothing while paused or after deletion; tasks already made stay."""
    manager = bearer(api, "u-sm-cwb")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    made = api.post(URL, json=body(now + timedelta(hours=1)), headers=manager)
    assert made.status_code == 201, made.text
    schedule = made.json()
    assert (schedule["store_id"], schedule["checklist"], schedule["paused"]) == ("st-cwb", ["Lights", "Till float"], False)
    assert [s["id"] for s in api.get(URL, headers=manager).json()] == [schedule["id"]]

    run_task_pass(api.engine, now)
    assert run_task_pass(api.engine, now + timedelta(minutes=1)) == (0, 0)  # a rerun adds nothing
    (task,) = tasks_of(api, schedule["id"])
    assert db.aware(task["due_at"]) == now + timedelta(hours=1)
    assert (task["title"], task["status"], task["kind"], task["photos_required"]) == (
        "Opening checklist", "to_do", "cleaning_check", 1)
    feed = [c for c in pull_all(api, "u-s01") if c["entity"] == "task" and c["id"] == task["id"]]
    assert len(feed) == 1 and feed[0]["data"]["checklist"] == ["Lights", "Till float"]

    run_task_pass(api.engine, now + timedelta(days=1))
    assert len(tasks_of(api, schedule["id"])) == 2
    paused = api.put(f"{URL}/{schedule['id']}", json=body(now + timedelta(hours=1), paused=True), headers=manager)
    assert paused.status_code == 200 and paused.json()["paused"] is True
    run_task_pass(api.engine, now + timedelta(days=2))
    assert len(tasks_of(api, schedule["id"])) == 2
    assert api.delete(f"{URL}/{schedule['id']}", headers=manager).status_code == 204
    run_task_pass(api.engine, now + timedelta(days=3))
    assert len(tasks_of(api, schedule["id"])) == 2  # past tasks stay
    assert api.get(URL, headers=manager).json() == []
    gone = api.delete(f"{URL}/{schedule['id']}", headers=manager)
    assert (gone.status_code, gone.json()["code"]) == (404, "not_found")


def test_weekly_schedule_only_on_chosen_weekdays(api):
    """A weekly promotion set-up on one weekday: over a week of passes exactly one task, on that day."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    target = (now + timedelta(days=3)).astimezone(HK)
    made = api.post(URL, json=body(now, title="Promotion set-up", kind="promotion_setup", recurrence="weekly",
                                   weekdays=[target.weekday()], lead_minutes=60), headers=bearer(api, "u-am-hk"))
    assert made.status_code == 201, made.text
    for hours in range(0, 7 * 24, 6):
        run_task_pass(api.engine, now + timedelta(hours=hours))
    (task,) = tasks_of(api, made.json()["id"])
    assert db.aware(task["due_at"]).astimezone(HK).weekday() == target.weekday()


def test_refusals(api):
    """Bad schedules 400 (task_bad_schedule / task_bad_task), staff and another store's manager
    403 forbidden_role, an assignee from another store 403, an unknown schedule 404; nothing stored."""
    now = datetime.now(UTC)
    manager = bearer(api, "u-sm-cwb")
    cases = [
        ("u-sm-cwb", body(now, recurrence="weekly"), 400, "task_bad_schedule"),
        ("u-sm-cwb", body(now, weekdays=[2]), 400, "task_bad_schedule"),
        ("u-sm-cwb", body(now, assignees={}), 400, "task_bad_task"),
        ("u-sm-cwb", body(now, assignees={"user_ids": ["u-s03"]}), 403, "forbidden_role"),
        ("u-s01", body(now), 403, "forbidden_role"),
        ("u-sm-mk", body(now), 403, "forbidden_role"),
    ]
    for user_id, payload, status, code in cases:
        resp = api.post(URL, json=payload, headers=bearer(api, user_id))
        assert (resp.status_code, resp.json()["code"]) == (status, code), (user_id, payload, resp.text)
    assert api.post(URL, json=body(now, due_time="25:00"), headers=manager).status_code == 422
    missing = api.put(f"{URL}/sc-nope", json=body(now), headers=manager)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert api.get(URL, headers=bearer(api, "u-s01")).status_code == 403
    with api.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.task_schedules)).scalar() == 0
