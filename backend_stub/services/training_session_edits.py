"""Issue 13, trainmanage: a manager lists, edits and cancels training sessions.

Scope as for scheduling: a manager of the session's store (HQ: any); anyone else is refused (403).
The rules are ``app.domain.training.session_edits`` (the manager's phone ran them too), run here on
the stored row, locked, so two managers editing at once cannot both win: the second one's version
is stale (409 ``training_session_changed``). An edit or a cancellation reaches the store's devices
(``training_session``), and, each in their own feed, the people invited by name (before or after
the edit) and whoever is on the roll: a cancelled session is how they are told.
"""

import json
import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied, require_manager_of
from app.domain.training import session_edits
from app.protocol import Reason
from app.protocol.training import SessionCancel, SessionEdit
from backend_stub import db
from backend_stub.errors import BadRequest, Conflict, Forbidden, NotFound
from backend_stub.services.training_catalogue import course as load_course
from backend_stub.services.training_sessions import (CANCELLED, _trainer_ok, load_row, public, require_active, roll,
                                                     tell, to_domain)

log = logging.getLogger(__name__)
_S, _I = db.training_sessions.c, db.training_sign_ins.c
_MARGINS = ("early_margin", "late_allowance", "late_margin", "sign_out_early", "sign_out_margin")
#: Refusals that mean "what you saw is no longer so": 409, look again.
_CONFLICTS = {Reason.TRAINING_SESSION_CHANGED, Reason.TRAINING_SESSION_CANCELLED}


def _refusal(exc: AccessDenied) -> Exception:
    reason = Reason(exc.reason)
    return (Conflict if reason in _CONFLICTS else BadRequest)(reason, exc.message)


def _managed(conn: Connection, actor, session_id: str) -> dict:
    """The session, locked, for a manager of its store (else 403; none: 404)."""
    row = load_row(conn, session_id, lock=True)
    if row is None:
        raise NotFound(Reason.NOT_FOUND, f"No training session {session_id}.")
    try:
        require_manager_of(actor, [row["store_id"]])
    except AccessDenied as exc:
        raise Forbidden(Reason(exc.reason), exc.message) from None
    return row


def _sign_out_required(conn: Connection, row: dict) -> bool:
    course = load_course(conn, row["course_id"])
    return bool(course and course.sign_out_required)


def _edited_row(conn: Connection, row: dict, body: SessionEdit) -> dict:
    if body.room:
        place = dict(room=body.room.name, latitude=body.room.latitude, longitude=body.room.longitude,
                     radius_m=body.room.radius_m)
    else:
        store = conn.execute(select(db.stores).where(db.stores.c.id == row["store_id"])).mappings().one()
        place = dict(room="", latitude=store["latitude"], longitude=store["longitude"], radius_m=store["radius_m"])
    return {**row, **place, "trainer_id": body.trainer_id, "starts_at": body.starts_at, "ends_at": body.ends_at,
            "capacity": body.capacity, "invite_only": body.invite_only,
            "invited_user_ids": json.dumps(sorted(set(body.invited_user_ids))),
            "invited_roles": json.dumps(sorted({str(r) for r in body.invited_roles})),
            "version": row["version"] + 1, **{f"{m}_s": getattr(body, f"{m}_min") * 60 for m in _MARGINS}}


def edit(conn: Connection, actor, session_id: str, body: SessionEdit, now: datetime) -> dict:
    """A manager of the store changes the session (made on ``body.base_version``)."""
    row = _managed(conn, actor, session_id)
    after = _edited_row(conn, row, body)
    sign_out = _sign_out_required(conn, row)
    try:
        session_edits.check_edit(to_domain(row, sign_out), row["version"], body.base_version,
                                 to_domain(after, sign_out), len(roll(conn, session_id).signed_in), now)
    except AccessDenied as exc:
        raise _refusal(exc) from None
    _trainer_ok(conn, body.trainer_id, row["store_id"])  # after the version: a stale edit is told so first
    # Only people newly named: someone deactivated after being invited does not block other changes.
    require_active(conn, set(body.invited_user_ids) - set(json.loads(row["invited_user_ids"])))
    changed = {k: v for k, v in after.items() if k != "id" and v != row[k]}
    conn.execute(update(db.training_sessions).where(_S.id == session_id).values(**changed))
    log.info("training session edited: session=%s by=%s version=%d", session_id, actor.user_id, after["version"])
    return tell(conn, row, after)


def cancel(conn: Connection, actor, session_id: str, body: SessionCancel, now: datetime) -> dict:
    """A manager of the store calls the session off; invitees and the roll are told."""
    row = _managed(conn, actor, session_id)
    try:
        session_edits.check_cancel(to_domain(row, _sign_out_required(conn, row)), row["version"],
                                   body.base_version, now)
    except AccessDenied as exc:
        raise _refusal(exc) from None
    changes = dict(status=CANCELLED, version=row["version"] + 1, cancelled_at=now, cancelled_by=actor.user_id)
    conn.execute(update(db.training_sessions).where(_S.id == session_id).values(**changes))
    log.info("training session cancelled: session=%s by=%s", session_id, actor.user_id)
    return tell(conn, row, {**row, **changes})


def list_for_store(conn: Connection, actor, store_id: str, now: datetime) -> list[dict]:
    """Sessions of a store not ended yet (cancelled ones too, marked), soonest first, with the
    course's title and how many have signed in: for a manager of the store (HQ: any)."""
    try:
        require_manager_of(actor, [store_id])
    except AccessDenied as exc:
        raise Forbidden(Reason(exc.reason), exc.message) from None
    c = db.training_courses.c
    counts = (select(_I.session_id, func.count().label("n")).group_by(_I.session_id).subquery())
    query = (select(db.training_sessions, c.title.label("course_title"), func.coalesce(counts.c.n, 0).label("n"))
             .join(db.training_courses, c.id == _S.course_id)
             .outerjoin(counts, counts.c.session_id == _S.id)
             .where(_S.store_id == store_id, _S.ends_at >= now).order_by(_S.starts_at, _S.id))
    out = []
    for r in conn.execute(query).mappings():
        row = dict(r)
        title, n = row.pop("course_title"), row.pop("n")
        margins = {f"{m}_min": row[f"{m}_s"] // 60 for m in _MARGINS}  # what the edit form starts from
        out.append({**public(conn, row), **margins, "course_title": title, "signed_in": n})
    return out
