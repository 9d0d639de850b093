"""Issue 13, trainapi: training sessions on the server (rules: app.domain.training.sessions/signin).

A session row keeps its secret in a column of its own; ``public`` never includes it, so neither
the change feed (``training_session``, audience ``store``) nor any route carries it. Only the
session's trainer and the managers of its store get the code of the moment (``code_now``).
Sign-ins are emitted (``training_sign_in``) to the person, the trainer and the store's managers.
A new or changed session (``tell``) also goes to the people named in it, whatever their store.
"""

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied, require_manager_of
from app.domain.geofence import Fence
from app.domain.roles import Actor
from app.domain.training import codes, sessions
from app.domain.training.signin import check_manual_add
from app.protocol import Reason
from app.protocol.training import SessionCreate, feed_key  # issue 13, trainstaff: shared with the phone
from backend_stub import db
from backend_stub.deps import load_actor
from backend_stub.errors import BadRequest, Forbidden, NotFound
from backend_stub.services.changes import emit
from backend_stub.services.handlers import person_store_ids
from backend_stub.services.training_catalogue import course as load_course

log = logging.getLogger(__name__)

_S, _I = db.training_sessions.c, db.training_sign_ins.c
CANCELLED = "cancelled"
_MARGINS = ("early_margin", "late_allowance", "late_margin", "sign_out_early", "sign_out_margin", "manual_add_margin")


def load_row(conn: Connection, session_id: str, *, lock: bool = False) -> dict | None:
    query = select(db.training_sessions).where(_S.id == session_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    return None if row is None else dict(row)


def to_domain(row: dict, sign_out_required: bool) -> sessions.TrainingSession:
    """The stored session as the sign-in rules see it."""
    return sessions.TrainingSession(
        id=row["id"], trainer_id=row["trainer_id"],
        fence=Fence(row["store_id"], row["latitude"], row["longitude"], row["radius_m"]),
        starts_at=db.aware(row["starts_at"]), ends_at=db.aware(row["ends_at"]), invite_only=bool(row["invite_only"]),
        invited_user_ids=frozenset(json.loads(row["invited_user_ids"])),
        invited_roles=frozenset(json.loads(row["invited_roles"])), capacity=row["capacity"],
        sign_out_required=sign_out_required, cancelled=row["status"] == CANCELLED,
        **{m: timedelta(seconds=row[f"{m}_s"]) for m in _MARGINS})


def domain_session(conn: Connection, row: dict) -> sessions.TrainingSession:
    course = load_course(conn, row["course_id"])
    return to_domain(row, bool(course and course.sign_out_required))


def public(conn: Connection, row: dict) -> dict:
    """The session as devices see it: every column but the secret, and its sign-in window."""
    course = load_course(conn, row["course_id"])
    session = to_domain(row, bool(course and course.sign_out_required))
    out = {k: (db.aware(v) if isinstance(v, datetime) else v) for k, v in row.items()
           if k != "secret" and not k.endswith("_s") and k not in ("created_by", "created_at", "cancelled_by")}
    out.update(invited_user_ids=json.loads(row["invited_user_ids"]), invited_roles=json.loads(row["invited_roles"]),
               invite_only=bool(row["invite_only"]), sign_in_opens=session.sign_in_opens,
               sign_in_closes=session.sign_in_closes, sign_out_required=session.sign_out_required,
               on_time_until=session.on_time_until, sign_out_opens=session.sign_out_opens,
               sign_out_closes=session.sign_out_closes,
               has_quiz=bool(course and course.quiz_id))
    return out


def roll(conn: Connection, session_id: str) -> sessions.Roll:
    rows = conn.execute(select(_I.user_id, _I.signed_out_at).where(_I.session_id == session_id)).all()
    return sessions.Roll(frozenset(r.user_id for r in rows), frozenset(r.user_id for r in rows if r.signed_out_at))


def _trainer_ok(conn: Connection, trainer_id: str, store_id: str) -> None:
    """The trainer works at the store (or, as a manager, covers it)."""
    found = load_actor(conn, trainer_id)
    if found is None or not (store_id in person_store_ids(conn, trainer_id) or found[0].covers(store_id)):
        raise BadRequest(Reason.TRAINING_BAD_SESSION, f"{trainer_id} does not work at store {store_id}.")


def create(conn: Connection, actor: Actor, body: SessionCreate, now: datetime) -> dict:
    """A manager of the store (HQ: any store) schedules a session; the trainer is named in it."""
    try:
        require_manager_of(actor, [body.store_id])
    except AccessDenied as exc:
        raise Forbidden(Reason(exc.reason), exc.message) from None
    store = conn.execute(select(db.stores).where(db.stores.c.id == body.store_id)).mappings().first()
    course = load_course(conn, body.course_id)
    if store is None or course is None:
        raise NotFound(Reason.NOT_FOUND, "No such store or course.")
    _trainer_ok(conn, body.trainer_id, body.store_id)
    require_active(conn, body.invited_user_ids)
    if body.room:
        latitude, longitude, radius_m = body.room.latitude, body.room.longitude, body.room.radius_m
    else:
        latitude, longitude, radius_m = store["latitude"], store["longitude"], store["radius_m"]
    row = dict(id=body.id, course_id=body.course_id, trainer_id=body.trainer_id, store_id=body.store_id,
               room=body.room.name if body.room else "", latitude=latitude, longitude=longitude, radius_m=radius_m,
               starts_at=body.starts_at, ends_at=body.ends_at, capacity=body.capacity, invite_only=body.invite_only,
               invited_user_ids=json.dumps(sorted(set(body.invited_user_ids))),
               invited_roles=json.dumps(sorted({str(r) for r in body.invited_roles})), status="scheduled",
               secret=codes.encode_secret(codes.new_secret()), created_by=actor.user_id, created_at=now,
               manual_add_margin_s=int(sessions.DEFAULT_MANUAL_ADD_MARGIN.total_seconds()),
               **{f"{m}_s": getattr(body, f"{m}_min") * 60 for m in _MARGINS[:-1]})
    try:
        sessions.check_session(to_domain(row, course.sign_out_required))
    except AccessDenied as exc:
        raise BadRequest(Reason(exc.reason), exc.message) from None
    if not db.insert_missing(conn, db.training_sessions, **row):
        raise BadRequest(Reason.TRAINING_BAD_SESSION, "A session with this id already exists.")
    return tell(conn, row, row)


def tell(conn: Connection, before: dict, after: dict) -> dict:
    """A new or changed session reaches the store's devices, and, each in their own feed, the people
    invited by name (before or after; also from other stores), the trainers and whoever is on the roll."""
    data = public(conn, after)
    emit(conn, "training_session", after["id"], data, audience="store", store_ids=[after["store_id"]])
    people = set(json.loads(before["invited_user_ids"])) | set(json.loads(after["invited_user_ids"]))
    people |= roll(conn, after["id"]).signed_in | {before["trainer_id"], after["trainer_id"]}
    for user_id in sorted(people):
        emit(conn, "training_session", after["id"], data, audience="user", user_id=user_id)
    return data


def require_active(conn: Connection, user_ids) -> None:
    """Refuse deactivated people (400 ``training_person_inactive``) before anything is written."""
    wanted = sorted(set(user_ids))
    gone = conn.execute(select(db.users.c.id).where(db.users.c.id.in_(wanted), db.users.c.active.is_(False))
                        .order_by(db.users.c.id)).scalars().all() if wanted else []
    if gone:
        raise BadRequest(Reason.TRAINING_PERSON_INACTIVE, f"Deactivated, cannot take part: {', '.join(gone)}.")


def require_runs(conn: Connection, actor: Actor, session_id: str, *, lock: bool = False) -> dict:
    """The session, for its trainer and the managers of its store (anyone else: 403; none: 404)."""
    row = load_row(conn, session_id, lock=lock)
    if row is None:
        raise NotFound(Reason.NOT_FOUND, f"No training session {session_id}.")
    try:
        sessions.require_runs(actor, domain_session(conn, row))
    except AccessDenied as exc:
        raise Forbidden(Reason(exc.reason), exc.message) from None
    return row


def code_now(conn: Connection, actor: Actor, session_id: str, now: datetime) -> dict:
    """The code the trainer's phone shows now, seconds left, and its QR text."""
    row = require_runs(conn, actor, session_id)
    code = codes.code_at(codes.decode_secret(row["secret"]), now)
    return {"session_id": session_id, "code": code, "seconds_left": codes.seconds_left(now),
            "qr_text": codes.qr_text(session_id, code)}


def sign_in_public(row: dict) -> dict:
    out = {k: (db.aware(v) if isinstance(v, datetime) else v) for k, v in row.items()
           if k not in ("received_at", "sign_out_device_time")}
    out["flags"] = json.loads(row["flags"] or "[]")
    return out


def emit_sign_in(conn: Connection, session: dict, user_id: str) -> dict:
    """Tell the person, the trainer and the store's managers (no one else) of a roll change."""
    row = dict(conn.execute(select(db.training_sign_ins).where(
        _I.session_id == session["id"], _I.user_id == user_id)).mappings().one())
    data, key = sign_in_public(row), feed_key(session["id"], user_id)
    for person in sorted({user_id, session["trainer_id"]}):
        emit(conn, "training_sign_in", key, data, audience="user", user_id=person)
    emit(conn, "training_sign_in", key, data, audience="managers", store_ids=[session["store_id"]])
    return data


def attendance(conn: Connection, actor: Actor, session_id: str) -> list[dict]:
    """The live roll for the trainer and the store's managers, by sign-in time."""
    require_runs(conn, actor, session_id)
    u = db.users.c
    rows = conn.execute(select(db.training_sign_ins, u.name, u.staff_no).join(db.users, u.id == _I.user_id)
                        .where(_I.session_id == session_id).order_by(_I.signed_in_at, _I.user_id)).mappings()
    return [sign_in_public(dict(r)) for r in rows]


def manual_add(conn: Connection, actor: Actor, session_id: str, user_id: str, reason: str, now: datetime) -> dict:
    """The trainer (or a manager of the store) adds someone by hand with a reason, logged."""
    row = require_runs(conn, actor, session_id, lock=True)
    if user_id not in _people_of(conn, row["store_id"]):
        raise NotFound(Reason.NOT_FOUND, f"{user_id} does not work at this session's store.")
    require_active(conn, [user_id])
    decision = check_manual_add(domain_session(conn, row), roll(conn, session_id), user_id, reason, now,
                                added_by=actor.user_id)
    if not decision.accepted:
        raise BadRequest(Reason(decision.reason), decision.message)
    conn.execute(db.training_sign_ins.insert().values(
        session_id=session_id, user_id=user_id, signed_in_at=now, outcome=decision.outcome.value,
        manual_reason=reason.strip(), added_by=actor.user_id, flags="[]", received_at=now))
    # The reason is the trainer's words about attendance (no PIN, token or secret): logged for audit.
    log.info("training manual add: session=%s user=%s by=%s reason=%r", session_id, user_id, actor.user_id,
             reason.strip())
    from backend_stub.services.training_signin import complete_by_attendance  # it builds on this module

    complete_by_attendance(conn, row, user_id, now, None)
    data = emit_sign_in(conn, row, user_id)
    # The trainer's list shows who was added, as the attendance list does (the feed copy stays as it was).
    person = conn.execute(select(db.users.c.name, db.users.c.staff_no).where(db.users.c.id == user_id)).one()
    return {**data, "name": person.name, "staff_no": person.staff_no or ""}


def _people_of(conn: Connection, store_id: str) -> set[str]:
    return set(conn.execute(select(db.user_stores.c.user_id).where(db.user_stores.c.store_id == store_id)).scalars())
