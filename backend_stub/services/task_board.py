"""Issue 12, taskboard: the task board on the server (rules: ``app.domain.tasks``).

Every mutation reads the task (its row locked), turns it into the domain's ``Task``, runs the
same transition the phone ran, writes the result and emits the task to its store's pull feed
(``task`` entity: the row with its ``photos``), so every phone at the store gets it. Who may:
the transition rules, scoped by the caller's role and stores (``app.domain.access``).
"""

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import roster
from app.domain.access import require_manager_of, require_self, require_store, require_works_at
from app.domain.tasks import transitions as rules
from app.domain.tasks.model import (TASK_SETTINGS, Assignees, Task, TaskKind, TaskPhoto, TaskSettings, TaskStatus,
                                    kind_for_finding, on_shift_at, shown_status)
from app.domain.roles import Actor, Role
from app.protocol import Reason
from app.protocol import tasks as p_
from backend_stub import db
from backend_stub.services import keyed_settings, photo_checks, photo_refs
from backend_stub.services.changes import emit
from backend_stub.services.outcomes import Rejected

_T, _P = db.tasks.c, db.task_photos.c


def _photo_rows(conn: Connection, task_id: str) -> list[dict]:
    rows = conn.execute(select(db.task_photos).where(_P.task_id == task_id)
                        .order_by(_P.round, _P.position)).mappings()
    return [dict(r) for r in rows]


def to_domain(row: dict, photo_rows: list[dict]) -> Task:
    """The stored task as the rules see it."""
    return Task(id=row["id"], store_id=row["store_id"], title=row["title"],
                assignees=Assignees.from_dict(json.loads(row["assignees"] or "{}")),
                instructions=row["description"] or "", example_photo=row["example_photo_sha256"],
                due_at=row["due_at"] and db.aware(row["due_at"]), kind=TaskKind(row["kind"] or "other"),
                checklist=tuple(json.loads(row["checklist"] or "[]")), photos_required=row["photos_required"] or 0,
                after_photo_required=bool(row["after_photo_required"]), status=TaskStatus.read(row["status"]),
                completed_by=row["completed_by"], round=row["round"] or 0,
                photos=tuple(TaskPhoto.from_dict({**r, "sha256": r["photo_sha256"]}) for r in photo_rows))


def public(row: dict, photo_rows: list[dict]) -> dict:
    """The task as phones and the board read it: its row, its JSON fields decoded, its photos."""
    photos = [{"sha256": r["photo_sha256"], "round": r["round"], "verdict": r["verdict"], "comment": r["comment"],
               "flags": json.loads(r["flags"] or "[]")} for r in photo_rows]
    out = {k: (db.aware(v) if isinstance(v, datetime) else v) for k, v in row.items()}
    out.update(status=TaskStatus.read(row["status"]).value, assignees=json.loads(row["assignees"] or "{}"),
               checklist=json.loads(row["checklist"] or "[]"), checklist_ticks=json.loads(row["checklist_ticks"] or "[]"),
               after_photo_required=bool(row["after_photo_required"]), photos=photos,
               photo_flags=sorted({f for ph in photos if ph["verdict"] != "rejected" for f in ph["flags"]}))
    return out


CORRECTIVE_PREFIX = "ct-"  # a corrective task's id: this prefix + a digest of inspection and item


def _load(conn: Connection, task_id: str) -> dict:
    row = conn.execute(select(db.tasks).where(_T.id == task_id).with_for_update()).mappings().first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This task no longer exists.")
    return dict(row)


def _emit(conn: Connection, task_id: str) -> None:
    row = dict(conn.execute(select(db.tasks).where(_T.id == task_id)).mappings().one())
    # A corrective task carries an inspection's finding (the inspector's note): the store's
    # managers', as the inspection itself is; any other task is the whole store's.
    audience = "managers" if row["inspection_id"] else "store"
    emit(conn, "task", task_id, public(row, _photo_rows(conn, task_id)), audience=audience, store_ids=[row["store_id"]])


def _when_done(row: dict, event_time: datetime) -> datetime:
    """When a completion or a can't-do happened: the server's estimate of the phone's moment
    (never the time the phone wrote in the payload), and never before the task existed."""
    created = row["created_at"] and db.aware(row["created_at"])
    return max(event_time, created) if created else event_time


def _is_assignee(conn: Connection, task: Task, user_id: str, now: datetime) -> bool:
    """The rule's ``Assignees.includes`` with the person's role and whether they are on shift
    at the task's store now (a published shift running at ``now``)."""
    role = conn.execute(select(db.users.c.role).where(db.users.c.id == user_id)).scalar() or ""
    s = db.shifts.c
    # The shifts that could be running (started, ended at most a day ago); the rule is the shared one.
    near = conn.execute(select(s.starts_at, s.ends_at).where(
        s.user_id == user_id, s.store_id == task.store_id, s.status == roster.PUBLISHED,
        s.starts_at <= now, s.ends_at >= now - timedelta(days=1))).all() if task.assignees.on_shift else []
    on_shift = on_shift_at(((db.aware(a), db.aware(b)) for a, b in near), now)
    return task.assignees.includes(user_id, role, bool(on_shift))


def create(conn: Connection, p: p_.TaskCreate, actor: Actor, now: datetime, *, inspection: tuple[str, str] | None = None,
           after_photo: bool = False) -> None:
    """A manager of the store puts a task on its board (``inspection``: the finding of a
    corrective task, which also needs an "after" photo)."""
    require_manager_of(actor, [p.store_id])
    if inspection is None and p.task_id.startswith(CORRECTIVE_PREFIX):  # ids the inspections make
        raise Rejected(Reason.INVALID_PAYLOAD, f"Task ids starting {CORRECTIVE_PREFIX!r} are the inspections'.")
    assignees = Assignees(tuple(p.assignees.user_ids), p.assignees.role, p.assignees.on_shift)
    task = Task(p.task_id, p.store_id, p.title, assignees, p.instructions, p.example_photo_sha256, p.due_at,
                p.kind, tuple(p.checklist), p.photos_required, after_photo)
    rules.check_new(task)
    for user_id in assignees.user_ids:
        require_works_at(user_id, _person_stores(conn, user_id), p.store_id)
    photo_refs.require_own_photos(conn, [p.example_photo_sha256], actor.user_id)
    row = dict(id=p.task_id, store_id=p.store_id, title=p.title, description=p.instructions,
               example_photo_sha256=p.example_photo_sha256, due_at=p.due_at, kind=p.kind.value, status="to_do",
               assignees=json.dumps(assignees.as_dict()), checklist=json.dumps(list(p.checklist)),
               photos_required=p.photos_required, after_photo_required=after_photo, created_by=actor.user_id,
               created_at=now, comment="", inspection_id=inspection and inspection[0],
               finding_item_id=inspection and inspection[1])
    if conn.execute(select(_T.id).where(_T.id == p.task_id)).first():
        raise Rejected(Reason.CONFLICT, "A task with this id already exists.")
    conn.execute(db.tasks.insert().values(**row))  # a racing twin: the push layer's conflict
    _emit(conn, p.task_id)


def load_settings(conn: Connection) -> TaskSettings:
    """The chain's task settings (the defaults until HQ stores some)."""
    return keyed_settings.load(conn, TASK_SETTINGS, TaskSettings.from_dict, TaskSettings)


def change_settings(conn: Connection, actor: Actor, data: object, now: datetime) -> dict:
    """HQ replaces them; refused whole when bad; every device pulls them."""
    return keyed_settings.change(conn, actor, TASK_SETTINGS, TaskSettings.from_dict, data, now)


def _store_managers(conn: Connection, store_id: str, now: datetime) -> tuple[str, ...]:
    """The store managers of the store on duty now (a published shift running), else all of them."""
    u, us, s = db.users.c, db.user_stores.c, db.shifts.c
    managers = select(u.id).join(db.user_stores, us.user_id == u.id).where(
        us.store_id == store_id, u.role == Role.STORE_MANAGER.value, u.active.is_(True))
    on_duty = managers.join(db.shifts, s.user_id == u.id).where(
        s.store_id == store_id, s.status == roster.PUBLISHED, s.starts_at <= now, s.ends_at >= now)
    return tuple(sorted(set(conn.execute(on_duty).scalars()))) or tuple(sorted(conn.execute(managers).scalars()))


def add_corrective(conn: Connection, inspection_id: str, store_id: str, inspector_id: str, finished_at: datetime,
                   item_id: str, section: str, label: str, note: str) -> None:
    """Issue 12: a failed inspection item's corrective task on the store's board, linked to the
    finding, for the store's manager on duty (else its managers; else any store manager there),
    due by the chain's setting, closed only with an "after" photo."""
    task_id = CORRECTIVE_PREFIX + hashlib.sha256(f"{inspection_id}:{item_id}".encode()).hexdigest()[:32]
    managers = _store_managers(conn, store_id, finished_at)
    assignees = Assignees(user_ids=managers) if managers else Assignees(role=Role.STORE_MANAGER.value)
    row = dict(id=task_id, store_id=store_id, title=label, description=note, due_at=load_settings(conn).due(finished_at),
               kind=kind_for_finding(section, label).value, status="to_do", assignees=json.dumps(assignees.as_dict()),
               checklist="[]", photos_required=0, after_photo_required=True, created_by=inspector_id,
               created_at=finished_at, comment="", inspection_id=inspection_id, finding_item_id=item_id)
    db.insert_missing(conn, db.tasks, **row)  # the same inspection sent twice: one task per finding
    _emit(conn, task_id)


def _person_stores(conn: Connection, user_id: str) -> set[str]:
    return set(conn.execute(select(db.user_stores.c.store_id).where(db.user_stores.c.user_id == user_id)).scalars())


def complete(conn: Connection, p: p_.TaskComplete, actor: Actor, event_time: datetime) -> None:
    """An assignee sends it for review with its photos (each their own upload), note and ticks."""
    require_self(actor, p.user_id)
    row = _load(conn, p.task_id)
    require_store(actor, row["store_id"])
    before = to_domain(row, _photo_rows(conn, p.task_id))
    shas, when = p.photos(), _when_done(row, event_time)
    after = rules.complete(before, p.user_id, _is_assignee(conn, before, p.user_id, when), shas,
                           set(p.checklist_ticks))
    photo_refs.require_own_photos(conn, shas, actor.user_id)
    for position, sha in enumerate(shas):
        flags = photo_checks.check_task_photo(conn, p.task_id, sha, event_time)
        conn.execute(db.task_photos.insert().values(
            task_id=p.task_id, photo_sha256=sha, round=after.round, position=position, verdict="pending",
            flags=json.dumps(flags), sent_by=p.user_id, sent_at=when))
    conn.execute(db.tasks.update().where(_T.id == p.task_id).values(
        status=after.status.value, completed_by=p.user_id, completed_at=when, comment=p.comment,
        photo_sha256=shas[0] if shas else None, checklist_ticks=json.dumps(sorted(set(p.checklist_ticks))),
        round=after.round, cant_do_reason=None, version=row["version"] + 1))
    _emit(conn, p.task_id)


def cant_do(conn: Connection, p: p_.TaskCantDo, actor: Actor, event_time: datetime) -> None:
    """An assignee cannot do it: closed with their reason, for the manager to see."""
    require_self(actor, p.user_id)
    row = _load(conn, p.task_id)
    require_store(actor, row["store_id"])
    before, when = to_domain(row, _photo_rows(conn, p.task_id)), _when_done(row, event_time)
    after = rules.cant_do(before, _is_assignee(conn, before, p.user_id, when), p.reason)
    conn.execute(db.tasks.update().where(_T.id == p.task_id).values(
        status=after.status.value, completed_by=p.user_id, completed_at=when, cant_do_reason=p.reason,
        version=row["version"] + 1))
    _emit(conn, p.task_id)


def undo(conn: Connection, p: p_.TaskUndo, actor: Actor) -> None:
    """Whoever completed it takes it back before review: the photos of that completion go."""
    require_self(actor, p.user_id)
    row = _load(conn, p.task_id)
    require_store(actor, row["store_id"])
    after = rules.undo(to_domain(row, _photo_rows(conn, p.task_id)), p.user_id)
    conn.execute(db.task_photos.delete().where(_P.task_id == p.task_id, _P.verdict == "pending"))
    kept = [r["photo_sha256"] for r in _photo_rows(conn, p.task_id)]
    conn.execute(db.tasks.update().where(_T.id == p.task_id).values(
        status=after.status.value, completed_by=None, completed_at=None, round=after.round,
        photo_sha256=kept[0] if kept else None, checklist_ticks="[]", comment="",  # the undone note goes too
        version=row["version"] + 1))
    _emit(conn, p.task_id)


def review(conn: Connection, p: p_.TaskReview, actor: Actor, now: datetime) -> None:
    """A manager of the store approves it or sends photos back, each with a comment."""
    row = _load(conn, p.task_id)
    after = rules.review(to_domain(row, _photo_rows(conn, p.task_id)), actor, p.approve, p.rejected, p.comment)
    for photo in after.photos:
        conn.execute(db.task_photos.update().where(_P.task_id == p.task_id, _P.photo_sha256 == photo.sha256)
                     .values(verdict=photo.verdict.value, comment=photo.comment))
    conn.execute(db.tasks.update().where(_T.id == p.task_id).values(
        status=after.status.value, reviewed_by=actor.user_id, reviewed_at=now, review_comment=p.comment,
        version=row["version"] + 1))
    _emit(conn, p.task_id)


def board(conn: Connection, actor: Actor, store_id: str, now: datetime, status: str | None = None) -> list[dict]:
    """The store's board for its managers: every task with the status shown (``overdue`` derived)."""
    require_manager_of(actor, [store_id])
    rows = [dict(r) for r in conn.execute(select(db.tasks).where(_T.store_id == store_id)
                                          .order_by(_T.due_at, _T.id)).mappings()]
    photos: dict[str, list[dict]] = {}
    ids = [r["id"] for r in rows]
    if ids:
        for r in conn.execute(select(db.task_photos).where(_P.task_id.in_(ids)).order_by(_P.round, _P.position)).mappings():
            photos.setdefault(r["task_id"], []).append(dict(r))
    out = []
    for row in rows:
        shown = shown_status(to_domain(row, photos.get(row["id"], [])), now)
        if status is None or status == shown:
            out.append({**public(row, photos.get(row["id"], [])), "shown_status": shown})
    return out


# Push handlers (services/registry.py): (conn, payload, handlers.Context).
TASK_HANDLERS = {
    "task.create": lambda conn, p, ctx: create(conn, p, ctx.actor, ctx.received_at),
    "task.cant_do": lambda conn, p, ctx: cant_do(conn, p, ctx.actor, ctx.event_time),
    "task.undo": lambda conn, p, ctx: undo(conn, p, ctx.actor),
    "task.review": lambda conn, p, ctx: review(conn, p, ctx.actor, ctx.received_at),
}
