"""Issue 13, traintrainer: a trainer's own sessions and the secret their phone keeps
(rules: ``app.domain.training.trainer``).

Only the named trainer gets the secret (never a manager of the store, never staff), and only while
the session's codes are needed; each hand-out is logged (who, which session: never the secret).
"""

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied
from app.domain.roles import Actor
from app.domain.training import sessions, trainer
from app.protocol import Reason
from backend_stub import db
from backend_stub.errors import BadRequest, Forbidden, NotFound
from backend_stub.services.training_catalogue import course as load_course
from backend_stub.services.training_sessions import CANCELLED, load_row, public, to_domain

log = logging.getLogger(__name__)
_S = db.training_sessions.c
#: The most sessions a trainer's list shows (the next ones first).
MAX_LISTED = 50


def my_sessions(conn: Connection, actor: Actor, now: datetime) -> list[dict]:
    """The sessions the caller trains whose codes are still needed (not cancelled), soonest first."""
    # No code is needed later than a margin after the end: older sessions are never read.
    rows = conn.execute(select(db.training_sessions).where(
        _S.trainer_id == actor.user_id, _S.status != CANCELLED, _S.ends_at >= now - sessions.MAX_MARGIN)
        .order_by(_S.starts_at, _S.id)).mappings()
    out = []
    for row in rows:
        row = dict(row)
        course = load_course(conn, row["course_id"])
        until = trainer.codes_until(to_domain(row, bool(course and course.sign_out_required)))
        if now <= until:
            out.append({**public(conn, row), "course_title": course.title if course else row["course_id"],
                        "codes_until": until})
        if len(out) == MAX_LISTED:
            break
    return out


def secret_for(conn: Connection, actor: Actor, session_id: str, now: datetime) -> dict:
    """The session's secret for its named trainer (403 for anyone else, 400 once it is over)."""
    row = load_row(conn, session_id)
    if row is None:
        raise NotFound(Reason.NOT_FOUND, f"No training session {session_id}.")
    course = load_course(conn, row["course_id"])
    session = to_domain(row, bool(course and course.sign_out_required))
    try:
        trainer.require_trainer(actor, session, now)
    except AccessDenied as exc:
        if exc.reason == Reason.FORBIDDEN_ROLE:
            log.warning("training secret refused: session=%s user=%s", session_id, actor.user_id)
            raise Forbidden(Reason(exc.reason), exc.message) from None
        raise BadRequest(Reason(exc.reason), exc.message) from None
    log.info("training secret handed to its trainer: session=%s user=%s", session_id, actor.user_id)
    return {"session_id": session_id, "secret": row["secret"], "codes_until": trainer.codes_until(session)}
