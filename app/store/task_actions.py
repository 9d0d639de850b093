"""Issue 12, taskboard: the task board on the device: create, complete with several photos,
can't do, undo a completion, review; offline.

Each action runs the shared rules (``app.domain.tasks``) on the task as this phone holds it,
then writes the task as the rule returns it and queues the mutation in one transaction (photos
prepared and queued for upload with it, ``task_photos``). A refused action's local effect is
undone by ``app.store.undo`` (the task as it was comes back); the server's copy arrives by pull.
"""

import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime

from sqlite_utils import Database

from app.domain.access import AccessDenied, require_manager_of
from app.domain.roles import Actor, Role
from app.domain.roster import PUBLISHED
from app.domain.tasks import transitions as rules
from app.domain.tasks.model import Assignees, Task, TaskKind, TaskStatus, on_shift_at, photos_from
from app.protocol import Reason
from app.protocol import tasks as t


def _dt(value: str | None) -> datetime | None:
    """A stored time; one without its zone (an older server's SQLite copy) is UTC."""
    if not value:
        return None
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def task_from_row(row: Mapping) -> Task:
    """A task as this phone holds it (pulled, or changed here), as the rules see it."""
    return Task(id=row["id"], store_id=row["store_id"], title=row["title"] or "",
                assignees=Assignees.from_dict(json.loads(row.get("assignees") or "{}")),
                instructions=row.get("description") or "", example_photo=row.get("example_photo_sha256"),
                due_at=_dt(row.get("due_at")), kind=TaskKind(row.get("kind") or "other"),
                checklist=tuple(json.loads(row.get("checklist") or "[]")),
                photos_required=row.get("photos_required") or 0,
                after_photo_required=bool(row.get("after_photo_required")), status=TaskStatus.read(row["status"]),
                completed_by=row.get("completed_by"), round=row.get("round") or 0,
                photos=photos_from(json.loads(row.get("photos") or "[]")))


def load_task(db: Database, task_id: str) -> Task:
    rows = list(db.query("SELECT * FROM tasks WHERE id=?", [task_id]))
    if not rows:
        raise AccessDenied(Reason.NOT_FOUND.value, "This task is not on this phone.")
    return task_from_row(rows[0])


def on_shift(db: Database, user_id: str, store_id: str, now: datetime) -> bool:
    """Whether this phone's roster has the person on a published shift at the store now."""
    rows = db.query("SELECT starts_at, ends_at FROM shifts WHERE user_id=? AND store_id=? AND"
                    " coalesce(status, ?)=?", [user_id, store_id, PUBLISHED, PUBLISHED])
    return on_shift_at(((_dt(r["starts_at"]), _dt(r["ends_at"])) for r in rows), now)


def _photos_json(task: Task) -> str:
    return json.dumps([p.as_dict() for p in task.photos])


class TaskBoardActions:
    """The task actions of ``app.store.actions.Actions`` (mixed in there)."""

    def _task(self, task_id: str) -> tuple[Task, bool]:
        """The task, and whether the signed-in person is one of its assignees now."""
        with self._store.reading() as db:
            task = load_task(db, task_id)
            here = task.assignees.on_shift and on_shift(db, self.actor.user_id, task.store_id, self._now())
        return task, task.assignees.includes(self.actor.user_id, self.actor.role.value, here)

    def create_task(self, store_id: str, title: str, *, assignees: Assignees, instructions: str = "",
                    due_at: datetime | None = None, kind: TaskKind = TaskKind.OTHER,
                    checklist: Sequence[str] = (), photos_required: int = 0) -> str:
        """A manager of the store puts a task on its board; returns its id."""
        require_manager_of(self.actor, [store_id])
        p = t.TaskCreate(task_id=f"tk-{uuid.uuid4().hex}", store_id=store_id, title=title, instructions=instructions,
                         due_at=due_at, kind=kind, assignees=t.TaskAssignees(**assignees.as_dict()),
                         checklist=list(checklist), photos_required=photos_required)
        rules.check_new(Task(p.task_id, store_id, p.title, assignees, p.instructions, None, due_at, kind,
                             tuple(p.checklist), photos_required))
        row = {"id": p.task_id, "store_id": store_id, "title": p.title, "description": p.instructions,
               "due_at": due_at and due_at.isoformat(), "kind": kind.value, "status": TaskStatus.TO_DO.value,
               "assignees": json.dumps(assignees.as_dict()), "checklist": json.dumps(p.checklist),
               "photos_required": photos_required, "photos": "[]", "round": 0, "sync_state": "pending"}
        self._record("task.create", p, f"task:{p.task_id}", lambda db: db["tasks"].insert(row))
        return p.task_id

    def complete_task(self, task_id: str, comment: str = "", photo_sha256: str | None = None,
                      photo: bytes | None = None, *, photos: Sequence[bytes] = (),
                      ticked: Collection[int] = ()) -> int:
        """Send a task for review with its photos (the camera's, each prepared and queued for
        upload), a note and the checklist items ticked (indexes)."""
        from app.store import task_photos  # imports app.store.actions, which mixes this class in

        task, mine = self._task(task_id)
        shots = ([photo] if photo is not None else []) + list(photos)
        kept = [task_photos.prepare(self._store, shot) for shot in shots]
        shas = [k[0] for k in kept] or ([photo_sha256] if photo_sha256 else [])
        after = rules.complete(task, self.actor.user_id, mine, shas, set(ticked))
        p = t.TaskComplete(task_id=task_id, user_id=self.actor.user_id, completed_at=self._now(), comment=comment,
                           photo_sha256s=shas, checklist_ticks=sorted(set(ticked)))

        def write(db) -> None:
            for one in kept:
                task_photos.queue(db, one, p.completed_at.isoformat())
            db.execute("UPDATE tasks SET status=?, completed_by=?, completed_at=?, comment=?, photo_sha256=?,"
                       " checklist_ticks=?, round=?, photos=?, sync_state='pending' WHERE id=?",
                       [after.status.value, p.user_id, p.completed_at.isoformat(), comment, shas[0] if shas else None,
                        json.dumps(p.checklist_ticks), after.round, _photos_json(after), task_id])

        return self._record("task.complete", p, f"task:{task_id}", write)

    def cant_do_task(self, task_id: str, reason: str) -> int:
        """Say why the task cannot be done (instead of skipping it)."""
        task, mine = self._task(task_id)
        after = rules.cant_do(task, mine, reason)
        p = t.TaskCantDo(task_id=task_id, user_id=self.actor.user_id, reason=reason, at=self._now())
        return self._record("task.cant_do", p, f"task:{task_id}", lambda db: db.execute(
            "UPDATE tasks SET status=?, cant_do_reason=?, sync_state='pending' WHERE id=?",
            [after.status.value, p.reason, task_id]))

    def undo_task(self, task_id: str) -> int:
        """Take one's completion back before it is reviewed."""
        task, _ = self._task(task_id)
        after = rules.undo(task, self.actor.user_id)
        p = t.TaskUndo(task_id=task_id, user_id=self.actor.user_id)
        return self._record("task.undo", p, f"task:{task_id}", lambda db: db.execute(
            "UPDATE tasks SET status=?, completed_by=NULL, completed_at=NULL, round=?, photos=?, comment='',"
            " checklist_ticks='[]', sync_state='pending' WHERE id=?", [after.status.value, after.round, _photos_json(after), task_id]))

    def review_task(self, task_id: str, approve: bool, rejected: Mapping[str, str] | None = None,
                    comment: str = "") -> int:
        """A manager approves the task or sends photos back, each with what is wrong with it."""
        task, _ = self._task(task_id)
        after = rules.review(task, self.actor, approve, dict(rejected or {}), comment)
        p = t.TaskReview(task_id=task_id, approve=approve, rejected=dict(rejected or {}), comment=comment)
        return self._record("task.review", p, f"task:{task_id}", lambda db: db.execute(
            "UPDATE tasks SET status=?, photos=?, review_comment=?, reviewed_by=?, sync_state='pending' WHERE id=?",
            [after.status.value, _photos_json(after), comment, self.actor.user_id, task_id]))


def _allowed(rule) -> bool:
    try:
        rule()
    except AccessDenied:
        return False
    return True


def listed(db: Database, user_id: str, role: str, store_ids: Collection[str], now: datetime,
           inspection_id: str | None = None) -> list[dict]:
    """The tasks of these stores as screens list them: the row, the rules' ``task``, the status
    shown (``overdue`` derived), whether the person is an assignee (``mine``), how many photos
    the next completion sends (``photos_to_send``) and whether the rules let them undo it or
    review it now (``may_undo``, ``may_review``). Open ones first, by due time. ``inspection_id``:
    only that inspection's corrective tasks."""
    from app.domain.tasks.model import OPEN, photos_to_send, shown_status

    marks = ",".join("?" * len(store_ids)) or "''"
    actor, out = Actor(user_id, Role(role), frozenset(store_ids)), []
    only = " AND inspection_id=?" if inspection_id else ""
    for row in db.query(f"SELECT * FROM tasks WHERE store_id IN ({marks}){only} ORDER BY due_at, title",
                        [*store_ids, *([inspection_id] if inspection_id else [])]):
        task = task_from_row(row)
        here = task.assignees.on_shift and on_shift(db, user_id, task.store_id, now)
        out.append({"row": row, "task": task, "shown": shown_status(task, now), "open": task.status in OPEN,
                    "mine": task.assignees.includes(user_id, role, here), "photos_to_send": photos_to_send(task),
                    "may_undo": _allowed(lambda: rules.undo(task, user_id)),
                    "may_review": _allowed(lambda: rules.review(task, actor, True, {}))})
    out.sort(key=lambda t: not t["open"])
    return out
