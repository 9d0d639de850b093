"""Login with staff number + PIN (throttled), token refresh (device-bound, rotating), logout,
and managers clearing a person's PIN lock, signing them out or resetting a forgotten PIN
(the person then chooses a new one at login; see docs/auth.md)."""

import logging
import secrets
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied
from app.domain.login_throttle import require_may_manage_sign_in
from app.domain.roles import Role
from app.protocol import (
    ErrorBody,
    LoginRequest,
    PinReset,
    Reason,
    RefreshRequest,
    SetPinRequest,
    TokenPair,
    UserPublic,
)
from backend_stub import db
from backend_stub.deps import CurrentUser, DbRead, DbSession, EngineDep, SettingsDep, load_actor
from backend_stub.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from backend_stub.openapi import errors
from backend_stub.security import hash_pin, refresh_token_hash, verify_pin
from backend_stub.services import sessions, throttle
from backend_stub.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
staff_router = APIRouter(prefix="/staff", tags=["staff"])


def _public(conn: Connection, user_id: str) -> UserPublic:
    actor, row = load_actor(conn, user_id)  # type: ignore[misc]
    return UserPublic(id=row["id"], staff_no=row["staff_no"], name=row["name"], role=actor.role,
                      store_ids=sorted(actor.store_ids), home_store_id=row["home_store_id"],
                      locale=row["locale"])


def _pair(conn: Connection, settings: Settings, user_id: str, role: str, device_id: str,
          sid: str, refresh_token: str) -> TokenPair:
    access = sessions.access_token(settings, user_id, role, device_id, sid)
    return TokenPair(access_token=access, refresh_token=refresh_token, expires_in=settings.access_ttl_s,
                     user=_public(conn, user_id))


def _bind_device(conn: Connection, body: LoginRequest, user_id: str) -> None:
    """Bind the device to ``user_id``; refused while another user's session lives on it."""
    now = datetime.now(UTC)
    if db.insert_missing(conn, db.devices, id=body.device_id, user_id=user_id, name=body.device_name,
                         platform=body.platform, registered_at=now, last_seen_at=now):
        return
    # Locked until commit (PostgreSQL): two people signing in on one device take turns.
    device = conn.execute(select(db.devices).where(db.devices.c.id == body.device_id)
                          .with_for_update()).mappings().one()
    bound_to = sessions.holder(conn, body.device_id)
    if bound_to is not None and bound_to != user_id:
        # Taking the device over would sign its user out and reuse their mutation sequence.
        raise Conflict(Reason.DEVICE_BOUND, "This device is signed in to another person. They must "
                       "log out on it first, or a manager can sign them out.")
    # The same user signing in again, or a shared phone whose last user logged out.
    sessions.end_device(conn, body.device_id, "relogin")
    conn.execute(db.devices.update().where(db.devices.c.id == body.device_id).values(
        user_id=user_id, name=body.device_name or device["name"], last_seen_at=now))


def _checked_user(engine, body: LoginRequest) -> dict:
    """The person whose staff number + PIN these are (wrong ones throttled per account and device)."""
    throttle.reserve_attempt(engine, staff_no=body.staff_no, device_id=body.device_id)
    with engine.connect().execution_options(readonly=True) as conn, conn.begin():
        user = conn.execute(select(db.users).where(db.users.c.staff_no == body.staff_no)).mappings().first()
    # Checked outside any write transaction: argon2 is slow on purpose.
    if not verify_pin(user["pin_hash"] if user else None, body.pin) or not user["active"]:
        raise Unauthorized(Reason.INVALID_CREDENTIALS, "Wrong staff number or PIN")
    throttle.succeeded(engine, staff_no=body.staff_no, device_id=body.device_id)
    return dict(user)


def _sign_in(conn: Connection, settings: Settings, body: LoginRequest, user: dict) -> TokenPair:
    _bind_device(conn, body, user["id"])
    sid, token = sessions.start(conn, settings, user["id"], body.device_id)
    return _pair(conn, settings, user["id"], user["role"], body.device_id, sid, token)


@router.post("/login", response_model=TokenPair, responses=errors(401, 403, 409, 429))
def login(body: LoginRequest, engine: EngineDep, settings: SettingsDep) -> TokenPair:
    """Check staff number + PIN, bind the device. After a manager's PIN reset the temporary PIN
    opens no session: ``403 pin_change_required`` asks for a new PIN (``/auth/set-pin``)."""
    user = _checked_user(engine, body)
    if user["must_change_pin"]:
        raise Forbidden(Reason.PIN_CHANGE_REQUIRED, "Your PIN was reset. Choose a new PIN to sign in.")
    with engine.begin() as conn:
        return _sign_in(conn, settings, body, user)


@router.post("/set-pin", response_model=TokenPair, responses=errors(400, 401, 409, 429))
def set_pin(body: SetPinRequest, engine: EngineDep, settings: SettingsDep) -> TokenPair:
    """Sign in with the current (or temporary) PIN and choose a new one; audited as "pin_set"."""
    user = _checked_user(engine, body)
    if body.new_pin == body.pin:  # only said to the person whose PIN it is
        raise BadRequest(Reason.VALIDATION_ERROR, "Choose a PIN different from the one you were given.")
    new_hash = hash_pin(body.new_pin)  # slow on purpose: before the write transaction
    with engine.begin() as conn:
        conn.execute(db.users.update().where(db.users.c.id == user["id"]).values(
            pin_hash=new_hash, must_change_pin=False))
        conn.execute(db.sign_in_audit.insert().values(user_id=user["id"], action="pin_set",
                                                      by_user=user["id"], at=datetime.now(UTC)))
        log.info("sign-in pin_set of %s", user["id"])
        return _sign_in(conn, settings, body, user)


def _refused(conn: Connection, row) -> JSONResponse:
    """A replaced refresh token used again, outside the grace: it was copied. End the device's
    sessions of its user (not of whoever uses the device now). Answered without raising so the
    revocation commits."""
    log.warning("replaced refresh token presented again: device %s signed out", row["device_id"])
    sessions.end_device(conn, row["device_id"], "theft", user_id=row["user_id"])
    return JSONResponse(ErrorBody(code=Reason.REFRESH_INVALID, message="Please log in again").model_dump(),
                        401, headers={"WWW-Authenticate": "Bearer"})


@router.post("/refresh", response_model=TokenPair, responses=errors(401))
def refresh(body: RefreshRequest, conn: DbSession, settings: SettingsDep) -> TokenPair | JSONResponse:
    """Rotate a refresh token. The one just replaced works again for a short grace (a lost answer);
    any other replaced token ends its user's sessions on that device."""
    presented = refresh_token_hash(body.refresh_token)
    row = conn.execute(select(db.refresh_tokens).where(
        db.refresh_tokens.c.token_hash == presented)).mappings().first()
    if row is None or row["device_id"] != body.device_id:
        raise Unauthorized(Reason.REFRESH_INVALID, "Please log in again")
    session = sessions.find_by_refresh(conn, presented)
    if row["revoked_at"] is not None and not sessions.in_grace(session, presented, body.device_id):
        return _refused(conn, row)
    loaded = load_actor(conn, row["user_id"])
    if db.aware(row["expires_at"]) <= datetime.now(UTC) or loaded is None:
        raise Unauthorized(Reason.REFRESH_INVALID, "Session expired, please log in again")
    if session is None:
        session = sessions.adopt(conn, row)
    if session["ended_at"] is not None:
        raise Unauthorized(Reason.REFRESH_INVALID, "Please log in again")
    token = sessions.rotate(conn, settings, session, presented)
    return _pair(conn, settings, row["user_id"], loaded[0].role.value, row["device_id"], session["id"], token)


@router.post("/logout", status_code=204, responses=errors(401))
def logout(caller: CurrentUser, conn: DbSession) -> None:
    """End every session of the caller's device: its tokens stop working now, and another
    person may sign in on it."""
    sessions.end_device(conn, caller.device_id, "logout")


@router.get("/me", response_model=UserPublic, responses=errors(401))
def me(caller: CurrentUser, conn: DbRead) -> UserPublic:
    """The signed-in user with their current role and stores."""
    return _public(conn, caller.actor.user_id)


class SignInAction(BaseModel):
    """What a manager did to a person's sign-in (also kept in the audit table)."""

    user_id: str
    action: str
    by_user: str
    at: datetime
    failures: int | None = None
    was_locked: bool | None = None
    devices_signed_out: int | None = None


def _subject_for_manager(conn: Connection, caller, user_id: str) -> dict:
    """The person, once the caller is allowed to act on their sign-in."""
    subject = conn.execute(select(db.users).where(db.users.c.id == user_id)).mappings().first()
    if subject is None:
        raise NotFound(Reason.NOT_FOUND, f"No staff member {user_id}")
    stores = conn.execute(select(db.user_stores.c.store_id).where(
        db.user_stores.c.user_id == user_id)).scalars().all()
    try:
        require_may_manage_sign_in(caller.actor, user_id, Role(subject["role"]), stores)
    except AccessDenied as exc:
        raise Forbidden(exc.reason, exc.message) from None
    return dict(subject)


def _audit(conn: Connection, caller, user_id: str, action: str, **facts) -> SignInAction:
    now = datetime.now(UTC)
    row = {"failures": facts.get("failures"), "was_locked": facts.get("was_locked")}
    conn.execute(db.sign_in_audit.insert().values(user_id=user_id, action=action,
                                                  by_user=caller.actor.user_id, at=now, **row))
    log.info("sign-in %s of %s by %s", action, user_id, caller.actor.user_id)
    return SignInAction(user_id=user_id, action=action, by_user=caller.actor.user_id, at=now, **facts)


@staff_router.post("/{user_id}/unlock", response_model=SignInAction,
                   responses=errors(401, 403, 404))
def unlock(user_id: str, caller: CurrentUser, conn: DbSession) -> SignInAction:
    """A manager of the person's store (or an HQ admin) clears their PIN lock; audited."""
    subject = _subject_for_manager(conn, caller, user_id)
    failures, was_locked = throttle.clear_account(conn, subject["staff_no"])
    return _audit(conn, caller, user_id, "unlock", failures=failures, was_locked=was_locked)


@staff_router.post("/{user_id}/sign-out", response_model=SignInAction,
                   responses=errors(401, 403, 404))
def sign_out(user_id: str, caller: CurrentUser, conn: DbSession) -> SignInAction:
    """A manager ends every session of the person (a shared phone left signed in, a lost
    phone): their tokens stop at once and their devices may be signed in by others; audited."""
    _subject_for_manager(conn, caller, user_id)
    ended = sessions.end_user(conn, user_id, "manager")
    return _audit(conn, caller, user_id, "sign_out", devices_signed_out=ended)


@staff_router.post("/{user_id}/reset-pin", response_model=PinReset, responses=errors(401, 403, 404))
def reset_pin(user_id: str, caller: CurrentUser, conn: DbSession) -> PinReset:
    """A manager above the person at one of their stores (or HQ) resets a forgotten PIN: a
    temporary PIN to hand over, the lock cleared, every session ended, and the next login must
    choose a new PIN; audited."""
    subject = _subject_for_manager(conn, caller, user_id)
    temporary = f"{secrets.randbelow(10**6):06d}"
    conn.execute(db.users.update().where(db.users.c.id == user_id).values(
        pin_hash=hash_pin(temporary), must_change_pin=True))
    failures, was_locked = throttle.clear_account(conn, subject["staff_no"])
    ended = sessions.end_user(conn, user_id, "pin_reset")
    _audit(conn, caller, user_id, "pin_reset", failures=failures, was_locked=was_locked)
    return PinReset(user_id=user_id, temporary_pin=temporary, by_user=caller.actor.user_id, sessions_ended=ended)
