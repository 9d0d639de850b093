"""Clock-in/out on the server: re-check every rule the device checked, and flag disagreements.

The device decides quickly (and offline); the server decides for real. A punch breaking a
shift rule (already clocked in, too early...) is rejected. Location and face problems are
recorded as flags for the manager rather than rejections: the person was probably at work,
and a manager can judge (outside, uncertain, mocked GPS, face mismatch, replayed selfie,
disagreement with the device's own verdict = possible tampering).
"""

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import approvals, attendance, roster
from app.domain.access import require_manager_of, require_may_sign_off, require_self, require_works_at
from app.domain.roles import Role
from app.domain.geofence import Fence, Fix, decide
from app.protocol import Flag, Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import biometrics, face_work, photo_refs
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, Rejected, person_store_ids


def punch_public(row: dict) -> dict:
    """What devices see of a punch: no embeddings and no photo, only the selfie's address
    (``GET /photos/{sha}`` serves it to the person and their managers alone)."""
    keys = ("id", "user_id", "store_id", "shift_id", "kind", "method", "at", "geofence", "distance_m",
            "face", "status", "flags")
    out = {k: row[k] for k in keys} | {"selfie_sha256": row.get("selfie_sha256")}
    out["flags"] = json.loads(row["flags"]) if isinstance(row["flags"], str) else row["flags"]
    return out


def _domain_punches(conn: Connection, user_id: str, since: datetime) -> list[attendance.Punch]:
    rows = conn.execute(select(db.punches).where(
        db.punches.c.user_id == user_id, db.punches.c.at >= since, db.punches.c.status != "refused",
    ).order_by(db.punches.c.at)).mappings()
    return [attendance.Punch(id=r["id"], user_id=r["user_id"], store_id=r["store_id"],
                             kind=attendance.PunchKind(r["kind"]), at=db.aware(r["at"]), shift_id=r["shift_id"],
                             flags=tuple(json.loads(r["flags"]))) for r in rows]


def _domain_shifts(conn: Connection, user_id: str, around: datetime) -> list[attendance.ShiftWindow]:
    rows = conn.execute(select(db.shifts).where(
        db.shifts.c.user_id == user_id, db.shifts.c.status == roster.PUBLISHED,  # not drafts, not cancelled
        db.shifts.c.starts_at >= around - timedelta(days=1),
        db.shifts.c.starts_at <= around + timedelta(days=1))).mappings()
    return [attendance.ShiftWindow(id=r["id"], user_id=r["user_id"], store_id=r["store_id"],
                                   starts_at=db.aware(r["starts_at"]), ends_at=db.aware(r["ends_at"])) for r in rows]


def _geofence_flags(conn: Connection, p: m.PunchRecord, ctx: Context, flags: list[str]) -> dict:
    store = conn.execute(select(db.stores).where(db.stores.c.id == p.store_id)).mappings().first()
    if store is None:
        raise Rejected(Reason.NOT_FOUND, "Unknown store.")
    if p.fix is None:
        flags.append(Flag.NO_LOCATION)
        return {"geofence": None, "distance_m": None}
    fix = Fix(p.fix.latitude, p.fix.longitude, p.fix.accuracy_m, p.fix.timestamp, p.fix.mocked)
    fence = Fence(store["id"], store["latitude"], store["longitude"], store["radius_m"])
    # Judge the fix's age against the event's own device time: both come from one clock.
    decision = decide(fix, fence, now=ctx.device_time, max_accuracy_m=ctx.settings.max_fix_accuracy_m)
    verdict = decision.verdict.value
    if verdict == "refused":
        flags.append({"mocked": Flag.MOCKED_GPS, "inaccurate": Flag.INACCURATE_LOCATION,
                      "stale": Flag.STALE_LOCATION}.get(decision.reason or "", Flag.LOCATION_REFUSED))
    elif verdict in (Flag.OUTSIDE, Flag.UNCERTAIN):
        flags.append(Flag(verdict))
    if p.device_geofence and p.device_geofence != verdict:
        flags.append(Flag.GEOFENCE_DISAGREES)  # the device said otherwise: tampering or a bug
    return {"geofence": verdict, "distance_m": round(decision.distance_m, 1),
            "latitude": fix.latitude, "longitude": fix.longitude, "accuracy_m": fix.accuracy_m,
            "mocked": fix.mocked}


#: The punch's ``face`` column for each ``app.face.Outcome`` (keys are its values: app.face
#: is imported only when a selfie is judged).
FACE_COLUMN = {"match": "matched", "mismatch": "mismatch", "retry": "retry", "unavailable": "unchecked",
               "not_enrolled": "unchecked"}
#: The flag a manager sees. Only a judged face that is someone else's is a mismatch: a photo
#: that could not be judged, or no engine to judge it, says so instead.
FACE_FLAGS = {"mismatch": Flag.FACE_MISMATCH, "retry": Flag.FACE_RETRY, "unavailable": Flag.FACE_UNCHECKED,
              "not_enrolled": Flag.FACE_UNCHECKED}


def _face_flags(conn: Connection, p: m.PunchRecord, ctx: Context, flags: list[str]) -> dict:
    if p.method == "pin" or (p.method == "kiosk" and not p.selfie_sha256):
        # PIN path (no face consent, or a location too coarse to judge): valid once the store
        # manager confirms it (app.domain.approvals.punch_status).
        return {"face": "not_used"}
    if not p.selfie_sha256:
        flags.append(Flag.NO_SELFIE)
        return {"face": "not_used"}
    if not biometrics.has_consent(conn, p.user_id):
        flags.append(Flag.NO_CONSENT)  # never process biometrics without consent
        return {"face": "not_used"}
    selfie = biometrics.photo_bytes(ctx.settings, p.selfie_sha256)
    if selfie is None:
        raise Rejected(Reason.INVALID_PAYLOAD, "The selfie has not been uploaded.")
    from app.face import PhotoFingerprint, is_replay

    frames = [f for f in (biometrics.photo_bytes(ctx.settings, s) for s in p.frame_sha256s) if f]
    found = face_work.punch_evidence(selfie, [selfie, *frames], biometrics.load_embeddings(
        conn, ctx.settings, p.user_id), ctx.settings.face_tolerance)
    decision = found.decision
    out: dict = {"face": FACE_COLUMN[decision.outcome], "selfie_sha256": p.selfie_sha256,
                 "frame_sha256s": json.dumps(p.frame_sha256s), "face_distance": decision.distance}
    if decision.outcome in FACE_FLAGS:
        flags.append(FACE_FLAGS[decision.outcome])
    if p.device_face == "matched" and decision.outcome in ("mismatch", "retry"):
        flags.append(Flag.FACE_DISAGREES)  # the same decide() on the same bytes said otherwise
    seen = conn.execute(select(db.selfie_fingerprints).where(
        db.selfie_fingerprints.c.user_id == p.user_id)).mappings().all()
    fp = found.fingerprint
    if is_replay(fp, [PhotoFingerprint(r["sha256"], int(r["dhash"])) for r in seen]):
        flags.append(Flag.REPLAY)
    else:
        conn.execute(db.selfie_fingerprints.insert().values(
            sha256=fp.sha256, user_id=p.user_id, dhash=str(fp.dhash), seen_at=ctx.received_at))
    if found.live is None:
        flags.append(Flag.NO_LIVENESS)  # a single photo (file picker): a manager should look
    elif not found.live:
        flags.append(Flag.LIVENESS_FAILED)
    return out


def punch_record(conn: Connection, p: m.PunchRecord, ctx: Context) -> None:
    if p.method == "kiosk":
        require_manager_of(ctx.actor, [p.store_id])  # the kiosk tablet is signed in by a manager
        require_works_at(p.user_id, person_store_ids(conn, p.user_id), p.store_id)
    else:
        require_self(ctx.actor, p.user_id)
        # The person's own stores, not the actor's: the HQ admin covers all and works at none.
        require_works_at(p.user_id, person_store_ids(conn, p.user_id), p.store_id)
    # The caller uploaded every cited photo: the person, or the kiosk's signed-in manager.
    photo_refs.require_own_photos(conn, [p.selfie_sha256, *p.frame_sha256s], ctx.actor.user_id)
    if conn.execute(select(db.punches.c.id).where(db.punches.c.id == p.punch_id)).first():
        raise Rejected(Reason.CONFLICT, "This punch was already recorded.")
    at = ctx.event_time
    history = _domain_punches(conn, p.user_id, at - timedelta(days=2))
    check = attendance.check_new_punch(attendance.PunchKind(p.kind), at, punches=history,
                                       shifts=_domain_shifts(conn, p.user_id, at), rules=attendance.ShiftRules(),
                                       unscheduled=p.unscheduled)
    if not check.allowed:
        raise Rejected(check.reason or Reason.CONFLICT, f"Punch refused: {check.reason}.")
    flags = list(check.flags) + [f for f in ctx.flags if f not in check.flags]
    row = {"id": p.punch_id, "user_id": p.user_id, "store_id": p.store_id, "shift_id": check.shift_id,
           "kind": p.kind, "method": p.method, "at": at, "device_time": ctx.device_time,
           "received_at": ctx.received_at, "recorded_by": ctx.actor.user_id}
    row |= _geofence_flags(conn, p, ctx, flags)
    row |= _face_flags(conn, p, ctx, flags)
    row["flags"] = json.dumps(sorted(set(flags)))
    row["status"] = approvals.punch_status(p.method, bool(p.selfie_sha256), flags)
    conn.execute(db.punches.insert(), row)
    public = punch_public(row)
    emit(conn, "punch", p.punch_id, public, audience="user", user_id=p.user_id)
    emit(conn, "punch", p.punch_id, public, audience="managers", store_ids=[p.store_id])


def _require_may_sign_off(conn: Connection, ctx: Context, user_id: str, store_id: str) -> None:
    """``app.domain.access.require_may_sign_off`` against the person's stored role and stores."""
    role = conn.execute(select(db.users.c.role).where(db.users.c.id == user_id)).scalar()
    if role is None:
        raise Rejected(Reason.NOT_FOUND, "No such staff member.")
    require_may_sign_off(ctx.actor, user_id, Role(role), person_store_ids(conn, user_id), store_id)


def punch_confirm(conn: Connection, p: m.PunchConfirm, ctx: Context) -> None:
    row = conn.execute(select(db.punches).where(db.punches.c.id == p.punch_id)).mappings().first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This punch does not exist.")
    _require_may_sign_off(conn, ctx, row["user_id"], row["store_id"])
    status = approvals.ACCEPTED if p.approve else approvals.REFUSED
    conn.execute(db.punches.update().where(db.punches.c.id == p.punch_id).values(status=status))
    public = punch_public({**row, "status": status})
    emit(conn, "punch", p.punch_id, public, audience="user", user_id=row["user_id"])
    emit(conn, "punch", p.punch_id, public, audience="managers", store_ids=[row["store_id"]])


def punch_correct(conn: Connection, p: m.PunchCorrect, ctx: Context) -> None:
    _require_may_sign_off(conn, ctx, p.user_id, p.store_id)
    approvals.require_reason(p.reason)
    if p.shift_id and not conn.execute(select(db.shifts.c.id).where(
            db.shifts.c.id == p.shift_id, db.shifts.c.user_id == p.user_id,
            db.shifts.c.store_id == p.store_id)).first():
        raise Rejected(Reason.NOT_FOUND, "This person has no such shift at this store.")
    row = {"id": p.correction_id, "user_id": p.user_id, "store_id": p.store_id, "shift_id": p.shift_id,
           "kind": p.kind, "at": p.at, "reason": p.reason, "by_user": ctx.actor.user_id,
           "created_at": ctx.received_at}
    conn.execute(db.punch_corrections.insert(), row)
    emit(conn, "punch_correction", p.correction_id, row, audience="managers", store_ids=[p.store_id])
    emit(conn, "punch_correction", p.correction_id, row, audience="user", user_id=p.user_id)
