"""Issue 13, trainapi: the chain's courses and quizzes on the server (rules: app.domain.training).

HQ writes both. A course is emitted to every device (``training_course``, audience ``all``: it
holds no secret). A quiz is stored WITH its answer key and is never emitted: devices get the
views of ``quizzes.views_for`` only, shuffled with seeds derived from a server-only key.
"""

import hashlib
import hmac
import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role
from app.domain.training import courses, quizzes
from app.protocol import Reason
from app.protocol.training import CourseCreate, QuizCreate
from backend_stub import db
from backend_stub.errors import BadRequest, Forbidden
from backend_stub.services.changes import emit

_C, _Q = db.training_courses.c, db.training_quizzes.c


def require_hq(actor: Actor) -> None:
    """Only HQ writes the chain's catalogue."""
    if actor.role is not Role.HQ_ADMIN:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only HQ writes training courses and quizzes.")


def quiz_secret(signing_key: str) -> bytes:
    """The key quiz attempt seeds are derived from: from the server's own key, never sent."""
    return hmac.new(signing_key.encode(), b"shopfloor/training/quiz-seeds", hashlib.sha256).digest()


def course_from_row(row) -> courses.Course:
    return courses.Course(row["id"], row["title"], row["skill"], row["validity_months"],
                          bool(row["sign_out_required"]), row["quiz_id"])


def catalogue(conn: Connection) -> courses.Catalogue:
    """Every course, in the order they were written."""
    rows = conn.execute(select(db.training_courses).order_by(_C.written_at, _C.id)).mappings()
    return courses.Catalogue(tuple(course_from_row(r) for r in rows))


def list_courses(conn: Connection) -> list[dict]:
    """Issue 13, trainmanage: every course, by title (what a manager schedules sessions of)."""
    c = db.training_courses.c
    rows = conn.execute(select(c.id, c.title, c.skill, c.validity_months, c.sign_out_required, c.quiz_id)
                        .order_by(c.title, c.id)).mappings()
    return [dict(r) for r in rows]


def course(conn: Connection, course_id: str) -> courses.Course | None:
    row = conn.execute(select(db.training_courses).where(_C.id == course_id)).mappings().first()
    return None if row is None else course_from_row(row)


def save_course(conn: Connection, actor: Actor, body: CourseCreate, now: datetime) -> dict:
    """HQ adds a course or replaces the one with its id; every device pulls it."""
    require_hq(actor)
    try:
        checked = courses.course_from_dict(body.model_dump())
    except AccessDenied as exc:
        raise BadRequest(Reason(exc.reason), exc.message) from None
    if checked.quiz_id is not None and current_quiz(conn, checked.quiz_id) is None:
        raise BadRequest(Reason.TRAINING_BAD_COURSE, f"No quiz {checked.quiz_id}: write the quiz first.")
    values = {**checked.as_dict(), "written_by": actor.user_id, "written_at": now}
    before = conn.execute(select(_C.skill, _C.validity_months).where(_C.id == checked.id)).first()
    if before:
        conn.execute(db.training_courses.update().where(_C.id == checked.id).values(**values))
    else:
        conn.execute(db.training_courses.insert().values(**values))
    emit(conn, "training_course", checked.id, checked.as_dict(), audience="all")
    if before and tuple(before) != (checked.skill, checked.validity_months):
        # What the course grants changed: colleagues' phones hold its trainees' skills.
        from backend_stub.services import training_skills  # it reads this module's catalogue

        training_skills.emit_skills_of_course(conn, checked.id, now)
    return checked.as_dict()


def current_quiz(conn: Connection, quiz_id: str) -> quizzes.Quiz | None:
    """The quiz's latest version, WITH its key (server only)."""
    row = conn.execute(select(_Q.body).where(_Q.id == quiz_id).order_by(_Q.version.desc()).limit(1)).first()
    return None if row is None else quizzes.quiz_from_dict(json.loads(row.body))


def save_quiz(conn: Connection, actor: Actor, body: QuizCreate, now: datetime) -> dict:
    """HQ writes a quiz as its next version (sheets answered on an older one are refused)."""
    require_hq(actor)
    version = (conn.execute(select(func.max(_Q.version)).where(_Q.id == body.id)).scalar() or 0) + 1
    try:
        quiz = quizzes.quiz_from_dict({**body.model_dump(mode="json"), "version": version})
    except AccessDenied as exc:
        raise BadRequest(Reason(exc.reason), exc.message) from None
    conn.execute(db.training_quizzes.insert().values(id=quiz.id, version=version, body=json.dumps(quiz.as_dict()),
                                                     written_by=actor.user_id, written_at=now))
    return {"id": quiz.id, "version": version, "questions": len(quiz.questions)}
