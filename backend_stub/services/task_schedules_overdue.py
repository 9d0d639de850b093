"""Issue 12, taskrecur: overdue reminders. When a task passes its due time still to do (or sent
back), its assignees and the store's manager are reminded once: a ``task_reminder`` entry in each
one's pull feed, which phones show on Home ("Overdue: {title}").

Exactly once per task: the task's row in ``task_overdue_reminders`` is inserted only when missing
(whichever worker wins sends the reminders; the others and later passes send nothing). Tasks due
longer than ``REMIND_WITHIN`` ago, and tasks from before issue 12 (no assignees: "anyone at the
store"), are not reminded.
"""

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from app.domain import roster
from app.domain.tasks.model import OPEN, Assignees
from backend_stub import db
from backend_stub.services import task_board
from backend_stub.services.changes import emit

REMIND_WITHIN = timedelta(days=7)
_T, _R = db.tasks.c, db.task_overdue_reminders.c


def _assignees(conn: Connection, store_id: str, assignees: Assignees, at: datetime) -> set[str]:
    """The people a task is assigned to: named, everyone of the role at the store, or those with a
    published shift there at ``at`` (a task without assignees: nobody but the managers)."""
    if assignees.user_ids:
        return set(assignees.user_ids)
    u, us, s = db.users.c, db.user_stores.c, db.shifts.c
    if assignees.role is not None:
        return set(conn.execute(select(u.id).join(db.user_stores, us.user_id == u.id).where(
            us.store_id == store_id, u.role == assignees.role, u.active.is_(True))).scalars())
    if assignees.on_shift:
        return set(conn.execute(select(s.user_id).where(
            s.store_id == store_id, s.status == roster.PUBLISHED, s.starts_at <= at, s.ends_at >= at)).scalars())
    return set()


def reminder_id(task_id: str, user_id: str) -> str:
    return "ov-" + hashlib.sha256(f"{task_id}:{user_id}".encode()).hexdigest()[:32]


def people_to_remind(conn: Connection, row: dict, now: datetime) -> list[str]:
    """The task's assignees and the store's manager (on duty, else all its store managers)."""
    task = task_board.to_domain(row, [])
    managers = task_board._store_managers(conn, row["store_id"], now)  # noqa: SLF001 (one rule)
    return sorted(_assignees(conn, row["store_id"], task.assignees, now) | set(managers))


def remind_overdue(conn: Connection, now: datetime) -> int:
    """Remind the people of every task that became overdue (once per task); how many tasks."""
    due = select(db.tasks).outerjoin(db.task_overdue_reminders, _R.task_id == _T.id).where(
        _R.task_id.is_(None), _T.status.in_([s.value for s in OPEN]), _T.assignees != "{}",
        and_(_T.due_at < now, _T.due_at >= now - REMIND_WITHIN)).order_by(_T.due_at)
    count = 0
    for row in [dict(r) for r in conn.execute(due).mappings()]:
        people = people_to_remind(conn, row, now)
        if not db.insert_missing(conn, db.task_overdue_reminders, task_id=row["id"], reminded_at=now,
                                 people=json.dumps(people)):
            continue  # another worker reminded them
        data = {"task_id": row["id"], "store_id": row["store_id"], "title": row["title"],
                "due_at": db.aware(row["due_at"]).isoformat(), "reminded_at": now.isoformat(), "kind": "overdue"}
        for user_id in people:
            emit(conn, "task_reminder", reminder_id(row["id"], user_id), {**data, "user_id": user_id},
                 audience="user", user_id=user_id)
        count += 1
    return count


__all__ = ["REMIND_WITHIN", "people_to_remind", "remind_overdue"]
