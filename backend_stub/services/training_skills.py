"""Issue 13: the skills a person's valid training grants, for the shift rules on the server.

A passed course grants its skill (``Course.skill``); shifts needing it (``Shift.role``) check it
through ``Person.roles``. ``app.domain.training.completions.with_training`` decides; this loads
what it needs. The device does the same with what it pulled (``app.store.trade_actions``):
colleagues' phones get only the skills each person holds and until when (``emit_skills``), never
their completions, scores or quiz data.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.shift_rules import Person
from app.domain.training import completions
from backend_stub import db
from backend_stub.services.changes import emit
from backend_stub.services.handlers import person_store_ids
from backend_stub.services.training_catalogue import catalogue
from backend_stub.services.training_matrix import _completions


def with_training_of(conn: Connection, person: Person, at: datetime) -> Person:
    """``person`` with the skills their training grants at ``at`` (see ``with_training``)."""
    return completions.with_training(person, _completions(conn, [person.id]), catalogue(conn), at)


def skills_payload(conn: Connection, user_id: str, at: datetime) -> dict:
    """What the person's store is told: the skills their training grants at ``at`` and until when."""
    held = completions.held_skills(_completions(conn, [user_id]), catalogue(conn), user_id, at)
    return {"user_id": user_id, "skills": [{"skill": s, "until": held[s]} for s in sorted(held)]}


def emit_skills(conn: Connection, user_id: str, at: datetime) -> None:
    """Tell the devices of the person's stores the skills they now hold (one change per person:
    a completion recorded or renewed replaces the last), for the colleague pickers there."""
    stores = sorted(person_store_ids(conn, user_id))
    if stores:
        emit(conn, "training_skills", user_id, skills_payload(conn, user_id, at), audience="store", store_ids=stores)


def emit_skills_of_course(conn: Connection, course_id: str, at: datetime) -> None:
    """A course rewritten (its skill renamed, say): everyone who completed it is told again."""
    c = db.training_completions.c
    for user_id in conn.execute(select(c.user_id).where(c.course_id == course_id).distinct()).scalars().all():
        emit_skills(conn, user_id, at)
