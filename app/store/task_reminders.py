"""Issue 12, taskrecur: the overdue reminders this phone holds (pulled ``task_reminder``
entries: the server reminds a task's assignees and the store's manager once, when it is due
and still open); the chain's departments a repair can be sent to (chain setting)."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.domain.tasks.departments import DEPARTMENTS, Departments


@dataclass(frozen=True)
class OverdueReminder:
    task_id: str
    title: str
    due_at: datetime | None


def overdue_reminders(db: Database, user_id: str) -> list[OverdueReminder]:
    """My reminders of tasks still open (a task this phone does not hold counts as open), the
    most overdue first."""
    rows = db.execute(
        "SELECT r.task_id, coalesce(t.title, r.title), r.due_at FROM task_reminders r"
        " LEFT JOIN tasks t ON t.id = r.task_id WHERE r.user_id = ?"
        " AND (t.id IS NULL OR t.status IN ('to_do', 'in_progress', 'open')) ORDER BY r.due_at, r.task_id",
        [user_id]).fetchall()
    return [OverdueReminder(task_id, title, datetime.fromisoformat(due) if due else None)
            for task_id, title, due in rows]


def department_names(db: Database) -> dict[str, str]:
    """The chain's departments by id, as last pulled (none before HQ sets some)."""
    row = db.execute("SELECT settings FROM chain_settings WHERE id=?", [DEPARTMENTS]).fetchone()
    try:
        departments = Departments.from_dict(json.loads(row[0])) if row and row[0] else Departments()
    except ValueError:
        departments = Departments()
    return {d.id: d.name for d in departments.items}
