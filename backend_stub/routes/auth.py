"""Login with staff number + PIN, token refresh (device-bound, rotating) and logout."""

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.protocol import ErrorBody, LoginRequest, Reason, RefreshRequest, TokenPair, UserPublic
from backend_stub import db
from backend_stub.deps import CurrentUser, DbRead, DbSession, SettingsDep, load_actor
from backend_stub.errors import Unauthorized
from backend_stub.openapi import errors
from backend_stub.security import (
    issue_access_token,
    new_refresh_token,
    refresh_token_hash,
    verify_pin,
)
from backend_stub.settings import Settings

router = APIRouter(prefix="/auth", tags=["auth"])


def _public(conn: Connection, user_id: str) -> UserPublic:
    actor, row = load_actor(conn, user_id)  # type: ignore[misc]
    return UserPublic(id=row["id"], staff_no=row["staff_no"], name=row["name"], role=actor.role,
                      store_ids=sorted(actor.store_ids), home_store_id=row["home_store_id"],
                      locale=row["locale"])


def _issue(conn: Connection, settings: Settings, user_id: str, role: str, device_id: str) -> TokenPair:
    now = datetime.now(UTC)
    token, token_hash = new_refresh_token()
    conn.execute(db.refresh_tokens.insert().values(
        token_hash=token_hash, device_id=device_id, user_id=user_id, created_at=now,
        expires_at=now + timedelta(days=settings.refresh_ttl_days)))
    access = issue_access_token(key=settings.signing_key, issuer=settings.jwt_issuer,
                                audience=settings.jwt_audience, user_id=user_id, role=role,
                                device_id=device_id, ttl_s=settings.access_ttl_s)
    return TokenPair(access_token=access, refresh_token=token, expires_in=settings.access_ttl_s,
                     user=_public(conn, user_id))


def _revoke_device(conn: Connection, device_id: str, now: datetime, user_id: str | None = None) -> None:
    """End the device's sessions (only ``user_id``'s, when given)."""
    where = [db.refresh_tokens.c.device_id == device_id, db.refresh_tokens.c.revoked_at.is_(None)]
    if user_id is not None:
        where.append(db.refresh_tokens.c.user_id == user_id)
    conn.execute(db.refresh_tokens.update().where(*where).values(revoked_at=now))


@router.post("/login", response_model=TokenPair, responses=errors(401, 429))
def login(body: LoginRequest, conn: DbSession, settings: SettingsDep) -> TokenPair:
    """Check staff number + PIN, register the device to this user, issue tokens."""
    user = conn.execute(select(db.users).where(db.users.c.staff_no == body.staff_no)).mappings().first()
    if not verify_pin(user["pin_hash"] if user else None, body.pin) or not user["active"]:
        raise Unauthorized(Reason.INVALID_CREDENTIALS, "Wrong staff number or PIN")
    now = datetime.now(UTC)
    device = conn.execute(select(db.devices).where(db.devices.c.id == body.device_id)).mappings().first()
    if device is None:
        conn.execute(db.devices.insert().values(id=body.device_id, user_id=user["id"],
                                                name=body.device_name, platform=body.platform,
                                                registered_at=now, last_seen_at=now))
    else:
        # A shared phone or kiosk changing hands: the previous user's sessions end here.
        _revoke_device(conn, body.device_id, now)
        conn.execute(db.devices.update().where(db.devices.c.id == body.device_id).values(
            user_id=user["id"], name=body.device_name or device["name"], last_seen_at=now))
    return _issue(conn, settings, user["id"], user["role"], body.device_id)


@router.post("/refresh", response_model=TokenPair, responses=errors(401))
def refresh(body: RefreshRequest, conn: DbSession, settings: SettingsDep) -> TokenPair | JSONResponse:
    """Rotate a refresh token. Presenting a revoked one ends its user's sessions on that device."""
    now = datetime.now(UTC)
    row = conn.execute(select(db.refresh_tokens).where(
        db.refresh_tokens.c.token_hash == refresh_token_hash(body.refresh_token))).mappings().first()
    if row is None or row["device_id"] != body.device_id:
        raise Unauthorized(Reason.REFRESH_INVALID, "Please log in again")
    if row["revoked_at"] is not None:
        # A rotated token used again means it was copied: cut the device off for its user.
        # Not for whoever uses the device now: a shared phone's previous user's stale token
        # must not log the new user out. Answer without raising so the revocation commits.
        _revoke_device(conn, row["device_id"], now, user_id=row["user_id"])
        return JSONResponse(ErrorBody(code=Reason.REFRESH_INVALID, message="Please log in again")
                            .model_dump(), 401, headers={"WWW-Authenticate": "Bearer"})
    expires = row["expires_at"] if row["expires_at"].tzinfo else row["expires_at"].replace(tzinfo=UTC)
    loaded = load_actor(conn, row["user_id"])
    if expires <= now or loaded is None:
        raise Unauthorized(Reason.REFRESH_INVALID, "Session expired, please log in again")
    conn.execute(db.refresh_tokens.update().where(
        db.refresh_tokens.c.token_hash == row["token_hash"]).values(revoked_at=now))
    return _issue(conn, settings, row["user_id"], loaded[0].role.value, row["device_id"])


@router.post("/logout", status_code=204)
def logout(caller: CurrentUser, conn: DbSession) -> None:
    """End every session of the caller's device."""
    _revoke_device(conn, caller.device_id, datetime.now(UTC))


@router.get("/me", response_model=UserPublic)
def me(caller: CurrentUser, conn: DbRead) -> UserPublic:
    """The signed-in user with their current role and stores."""
    return _public(conn, caller.actor.user_id)
