"""Issue 12, taskrecur: equipment repairs sent to another department (rules:
``app.domain.tasks.departments``). HQ keeps the chain's departments (chain setting
``departments``, sent to every device like the others); a manager of the store sends an open
equipment repair to one (or takes it back); the task is emitted to the store's feed with its
``department_id`` and the board names the department ("Sent to Facilities")."""

from datetime import datetime

from sqlalchemy.engine import Connection

from app.domain.access import require_manager_of
from app.domain.roles import Actor
from app.domain.tasks.departments import DEPARTMENTS, Departments, check_send
from app.protocol import Reason
from backend_stub import db
from backend_stub.services.outcomes import Rejected
from backend_stub.services import keyed_settings, task_board


def load(conn: Connection) -> Departments:
    """The chain's departments (none until HQ adds some)."""
    return keyed_settings.load(conn, DEPARTMENTS, Departments.from_dict, Departments)


def change(conn: Connection, actor: Actor, data: object, now: datetime) -> dict:
    """HQ replaces the list; refused whole when bad; every device pulls it."""
    return keyed_settings.change(conn, actor, DEPARTMENTS, Departments.from_dict, data, now)


def send(conn: Connection, actor: Actor, store_id: str, task_id: str, department_id: str | None,
         now: datetime) -> dict:
    """A manager of the store hands the repair to a department (``None``: back to the store)."""
    require_manager_of(actor, [store_id])
    row = task_board._load(conn, task_id)  # noqa: SLF001 (the board's locked read; Rejected not_found)
    if row["store_id"] != store_id:
        raise Rejected(Reason.NOT_FOUND, "This task is not on this store's board.")
    check_send(task_board.to_domain(row, []), load(conn), department_id)
    conn.execute(db.tasks.update().where(db.tasks.c.id == task_id).values(
        department_id=department_id, sent_to_department_at=now if department_id else None,
        version=row["version"] + 1))
    task_board._emit(conn, task_id)  # noqa: SLF001
    return named(conn, task_board.board(conn, actor, store_id, now), task_id)


def named(conn: Connection, board: list[dict], task_id: str | None = None) -> list[dict] | dict:
    """Board rows with ``department_name`` (the chain's name for their department)."""
    departments = load(conn)
    rows = [{**r, "department_name": departments.name_of(r.get("department_id"))} for r in board]
    return next(r for r in rows if r["id"] == task_id) if task_id else rows
