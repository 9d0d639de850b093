"""Issue 12, taskrecur: a store's recurring task schedules (rules: ``app.domain.tasks.schedules``).

Managers of the store (its store managers, area manager, HQ) list, add, change, pause and delete
them (``/v1/stores/{store_id}/task-schedules``). The periodic task pass (``create_due_tasks``)
puts each occurrence on the store's board once: the task id is derived from the schedule and the
occurrence's local date, and inserted only when missing, so two workers or a rerun add nothing
twice. Each new task is emitted to the store's pull feed like any task. Pausing or deleting a
schedule stops future occurrences; tasks already created stay.
"""

import json
import logging
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.access import require_manager_of, require_works_at
from app.domain.roles import Actor
from app.domain.tasks import schedules as rules
from app.domain.tasks.model import Assignees, TaskKind
from app.protocol.task_schedules import TaskScheduleIn
from backend_stub import db
from backend_stub.services import task_board

log = logging.getLogger(__name__)
_S = db.task_schedules.c


class ScheduleNotFound(LookupError):
    """No such schedule at this store."""


def _decode(row: dict) -> dict:
    return {**row, "instructions": row["description"], "assignees": json.loads(row["assignees"] or "{}"),
            "checklist": json.loads(row["checklist"] or "[]"), "weekdays": json.loads(row["weekdays"] or "[]"),
            "paused": bool(row["paused"]), "created_at": db.aware(row["created_at"]),
            "updated_at": db.aware(row["updated_at"])}


def to_domain(row: dict) -> rules.Schedule:
    """The stored schedule as the rules see it."""
    hour, minute = (int(x) for x in row["due_time"].split(":"))
    return rules.Schedule(id=row["id"], store_id=row["store_id"], title=row["title"],
                          assignees=Assignees.from_dict(json.loads(row["assignees"] or "{}")),
                          recurrence=rules.Recurrence(row["recurrence"]), due_time=time(hour, minute),
                          lead=timedelta(minutes=row["lead_minutes"]),
                          weekdays=frozenset(json.loads(row["weekdays"] or "[]")), instructions=row["description"],
                          kind=TaskKind(row["kind"]), checklist=tuple(json.loads(row["checklist"] or "[]")),
                          photos_required=row["photos_required"], paused=bool(row["paused"]))


def _fields(store_id: str, body: TaskScheduleIn) -> dict:
    return dict(store_id=store_id, title=body.title, description=body.instructions, kind=body.kind.value,
                assignees=json.dumps(body.assignees.model_dump()), checklist=json.dumps(list(body.checklist)),
                photos_required=body.photos_required, recurrence=body.recurrence.value,
                weekdays=json.dumps(sorted(set(body.weekdays))), due_time=body.due_time,
                lead_minutes=body.lead_minutes, paused=body.paused)


def _check(conn: Connection, actor: Actor, store_id: str, fields: dict) -> None:
    """Who may (a manager of the store) and what (the rules; named assignees work there)."""
    require_manager_of(actor, [store_id])
    rules.check_schedule(to_domain({**fields, "id": "new"}))
    us = db.user_stores.c
    for user_id in json.loads(fields["assignees"]).get("user_ids") or ():
        stores = conn.execute(select(us.store_id).where(us.user_id == user_id)).scalars()
        require_works_at(user_id, set(stores), store_id)


def _row(conn: Connection, store_id: str, schedule_id: str) -> dict:
    row = conn.execute(select(db.task_schedules).where(_S.id == schedule_id, _S.store_id == store_id)
                       .with_for_update()).mappings().first()
    if row is None:
        raise ScheduleNotFound(schedule_id)
    return dict(row)


def list_for(conn: Connection, actor: Actor, store_id: str) -> list[dict]:
    """The store's schedules, by due time of day."""
    require_manager_of(actor, [store_id])
    rows = conn.execute(select(db.task_schedules).where(_S.store_id == store_id).order_by(_S.due_time, _S.id))
    return [_decode(dict(r)) for r in rows.mappings()]


def add(conn: Connection, actor: Actor, store_id: str, body: TaskScheduleIn, now: datetime) -> dict:
    """A manager of the store adds a schedule (its first task appears at the next occurrence)."""
    fields = _fields(store_id, body)
    _check(conn, actor, store_id, fields)
    row = dict(id=f"sc-{uuid.uuid4().hex}", created_by=actor.user_id, created_at=now, updated_at=now, **fields)
    conn.execute(db.task_schedules.insert().values(**row))
    return _decode(row)


def replace(conn: Connection, actor: Actor, store_id: str, schedule_id: str, body: TaskScheduleIn,
            now: datetime) -> dict:
    """Change a schedule (``paused`` pauses it); tasks already on the board keep what they had."""
    require_manager_of(actor, [store_id])
    before = _row(conn, store_id, schedule_id)
    fields = _fields(store_id, body)
    _check(conn, actor, store_id, fields)
    conn.execute(db.task_schedules.update().where(_S.id == schedule_id).values(updated_at=now, **fields))
    return _decode({**before, **fields, "updated_at": now})


def delete(conn: Connection, actor: Actor, store_id: str, schedule_id: str) -> None:
    """Delete a schedule: no more occurrences; tasks already created stay on the board."""
    require_manager_of(actor, [store_id])
    _row(conn, store_id, schedule_id)
    conn.execute(db.task_schedules.delete().where(_S.id == schedule_id))


def _zone(name: str | None) -> ZoneInfo:
    """The store's time zone (Hong Kong when it has none, or one this server does not know)."""
    try:
        return ZoneInfo(name or "Asia/Hong_Kong")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown store time zone %r; Hong Kong used", name)
        return ZoneInfo("Asia/Hong_Kong")


def create_due_tasks(conn: Connection, now: datetime) -> int:
    """Put every occurrence that has appeared (and was not created yet) on its store's board;
    the number of tasks created. Safe to run in several workers at once."""
    st = db.stores.c
    rows = conn.execute(select(db.task_schedules, st.timezone).join(db.stores, st.id == _S.store_id)
                        .where(_S.paused.is_(False))).mappings()
    created = 0
    for row in [dict(r) for r in rows]:
        try:
            schedule = to_domain(row)
        except (ValueError, KeyError):
            log.warning("task schedule %s cannot be read; skipped", row["id"])
            continue
        tz = _zone(row["timezone"])
        for occ in rules.due_to_create(schedule, db.aware(row["created_at"]), now, tz):
            created += _create_occurrence(conn, row, occ, now)
    return created


def _create_occurrence(conn: Connection, row: dict, occ: rules.Occurrence, now: datetime) -> int:
    task_id = rules.task_id(row["id"], occ.day)
    inserted = db.insert_missing(
        conn, db.tasks, id=task_id, store_id=row["store_id"], title=row["title"], description=row["description"],
        due_at=occ.due_at.astimezone(UTC), kind=row["kind"], status="to_do", assignees=row["assignees"], checklist=row["checklist"],
        photos_required=row["photos_required"], after_photo_required=False, created_by=row["created_by"],
        created_at=now, comment="", schedule_id=row["id"])
    if inserted:
        task_board._emit(conn, task_id)
    return int(inserted)
