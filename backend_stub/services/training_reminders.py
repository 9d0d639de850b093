"""Issue 13, trainmanage: expiry reminders, a job (rules: ``app.domain.training.completions``).

A completion that expires is reminded 30 and 7 days before (``due_reminders``: only the
completion that counts, so a renewal silences the old one; a job that was down never sends both
at once). Each reminder goes to the person's own feed and to the managers of the person's stores
(``training_reminder``); phones word it in their reader's language from its fields (course title,
days, expiry), as task reminders are.

Exactly once: the reminder's row in ``training_reminders`` (id: a hash of its stable key) is
inserted only when missing; whichever server process wins sends it, the others and later runs
send nothing.
"""

import hashlib
import logging
from datetime import UTC, datetime

from sqlalchemy import and_, select, tuple_
from sqlalchemy.engine import Connection, Engine

from app.domain.training import completions
from backend_stub import db
from backend_stub.services.handlers import person_store_ids
from backend_stub.services.changes import emit, flush

log = logging.getLogger(__name__)
_C, _U = db.training_completions.c, db.users.c


def reminder_id(key: str) -> str:
    return "tr-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _candidates(conn: Connection, now: datetime) -> list[completions.Completion]:
    """The completions of active people who have one expiring within the first reminder's reach,
    every completion of those person-course pairs (a renewal must be seen to silence the old)."""
    reach = now + completions.EXPIRING_WITHIN
    pairs = select(_C.user_id, _C.course_id).join(db.users, _U.id == _C.user_id).where(
        _U.active.is_(True), and_(_C.expires_at > now, _C.expires_at <= reach)).distinct()
    pair_list = [tuple(r) for r in conn.execute(pairs)]
    if not pair_list:
        return []
    rows = conn.execute(select(db.training_completions).where(
        tuple_(_C.user_id, _C.course_id).in_(pair_list))).mappings()
    return [completions.Completion(r["user_id"], r["course_id"], db.aware(r["completed_at"]),
                                   r["expires_at"] and db.aware(r["expires_at"]), r["via"], r["score"]) for r in rows]


def remind_expiring(conn: Connection, now: datetime) -> int:
    """Send the expiry reminders due at ``now`` not sent yet; how many were sent."""
    titles = dict(conn.execute(select(db.training_courses.c.id, db.training_courses.c.title)).all())
    sent = 0
    for due in sorted(completions.due_reminders(_candidates(conn, now), now), key=lambda r: r.key):
        rid = reminder_id(due.key)
        if not db.insert_missing(conn, db.training_reminders, id=rid, user_id=due.person_id, course_id=due.course_id,
                                 days_before=due.days_before, expires_at=due.expires_at, sent_at=now):
            continue  # another process (or an earlier run) sent it
        data = {"user_id": due.person_id, "course_id": due.course_id, "course_title": titles.get(due.course_id, ""),
                "days_before": due.days_before, "expires_at": due.expires_at.isoformat(), "sent_at": now.isoformat()}
        emit(conn, "training_reminder", rid, data, audience="user", user_id=due.person_id)
        emit(conn, "training_reminder", rid, data, audience="managers", store_ids=sorted(person_store_ids(conn, due.person_id)))
        sent += 1
    return sent


def run_training_reminders(engine: Engine, now: datetime | None = None) -> int:
    """One pass of the job, in its own transaction (the housekeeping round runs it)."""
    with engine.begin() as conn:
        sent = remind_expiring(conn, now or datetime.now(UTC))
        flush(conn)
    if sent:
        log.info("%d training expiry reminders sent", sent)
    return sent
