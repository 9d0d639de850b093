"""Device sessions: one signed-in user on one device, named by the access tokens (``sid``).

Logout, a refresh-token theft and a deactivated user end the session, and with it every access
token issued for it at once (``deps.current_caller`` checks the session is live). A device is
bound to the user of its live session; another user may sign in on it only once that ends.
"""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection, RowMapping

from backend_stub import db
from backend_stub.security import issue_access_token, new_refresh_token
from backend_stub.settings import Settings

#: A refresh token replaced less than this long ago still works once more from the same device:
#: the answer carrying its successor may have been lost (a retried request is not a theft).
REFRESH_GRACE_S = 45

_s = db.auth_sessions


def _new_refresh(conn: Connection, settings: Settings, user_id: str, device_id: str,
                 now: datetime) -> tuple[str, str, datetime]:
    token, token_hash = new_refresh_token()
    expires = now + timedelta(days=settings.refresh_ttl_days)
    conn.execute(db.refresh_tokens.insert().values(
        token_hash=token_hash, device_id=device_id, user_id=user_id, created_at=now, expires_at=expires))
    return token, token_hash, expires


def start(conn: Connection, settings: Settings, user_id: str, device_id: str) -> tuple[str, str]:
    """Open a session (the device row must exist): its id and its first refresh token."""
    now = datetime.now(UTC)
    token, token_hash, expires = _new_refresh(conn, settings, user_id, device_id, now)
    sid = secrets.token_hex(16)
    conn.execute(_s.insert().values(id=sid, device_id=device_id, user_id=user_id, created_at=now,
                                    expires_at=expires, refresh_hash=token_hash))
    return sid, token


def adopt(conn: Connection, token_row: RowMapping) -> RowMapping:
    """A live refresh token issued before sessions existed gets one, so the upgrade signs
    nobody out (their old access tokens, without a session, are refused and refreshed)."""
    sid = secrets.token_hex(16)
    conn.execute(_s.insert().values(id=sid, device_id=token_row["device_id"], user_id=token_row["user_id"],
                                    created_at=token_row["created_at"], expires_at=token_row["expires_at"],
                                    refresh_hash=token_row["token_hash"]))
    return conn.execute(select(_s).where(_s.c.id == sid)).mappings().one()


def rotate(conn: Connection, settings: Settings, session: RowMapping, presented_hash: str) -> str:
    """Replace the session's refresh token; the presented one becomes the one in grace.

    On a grace retry (the presented token is already the previous one) the unseen successor
    is revoked and the grace clock is not restarted, so retries cannot stretch it.
    """
    now = datetime.now(UTC)
    token, token_hash, expires = _new_refresh(conn, settings, session["user_id"], session["device_id"], now)
    conn.execute(db.refresh_tokens.update().where(
        db.refresh_tokens.c.token_hash.in_([presented_hash, session["refresh_hash"]]),
        db.refresh_tokens.c.revoked_at.is_(None)).values(revoked_at=now))
    retry = presented_hash == session["previous_hash"]
    conn.execute(_s.update().where(_s.c.id == session["id"]).values(
        refresh_hash=token_hash, previous_hash=presented_hash, expires_at=expires,
        rotated_at=session["rotated_at"] if retry else now))
    return token


def find_by_refresh(conn: Connection, token_hash: str) -> RowMapping | None:
    """The session whose current or immediately previous refresh token this is."""
    return conn.execute(select(_s).where(
        (_s.c.refresh_hash == token_hash) | (_s.c.previous_hash == token_hash))).mappings().first()


def in_grace(session: RowMapping | None, token_hash: str, device_id: str) -> bool:
    """A replaced token sent again soon after, from its device, while the session lives."""
    if session is None or session["ended_at"] is not None or session["rotated_at"] is None:
        return False
    age = datetime.now(UTC) - db.aware(session["rotated_at"])
    return (session["previous_hash"] == token_hash and session["device_id"] == device_id
            and age <= timedelta(seconds=REFRESH_GRACE_S))


def end_device(conn: Connection, device_id: str, reason: str, user_id: str | None = None) -> None:
    """End the device's sessions (only ``user_id``'s, when given) and revoke their refresh tokens."""
    now = datetime.now(UTC)
    tokens = [db.refresh_tokens.c.device_id == device_id, db.refresh_tokens.c.revoked_at.is_(None)]
    sessions = [_s.c.device_id == device_id, _s.c.ended_at.is_(None)]
    if user_id is not None:
        tokens.append(db.refresh_tokens.c.user_id == user_id)
        sessions.append(_s.c.user_id == user_id)
    conn.execute(db.refresh_tokens.update().where(*tokens).values(revoked_at=now))
    conn.execute(_s.update().where(*sessions).values(ended_at=now, end_reason=reason))


def end_user(conn: Connection, user_id: str, reason: str) -> int:
    """End every live session of ``user_id`` on every device; how many devices that signed out."""
    devices = conn.execute(select(_s.c.device_id).where(_s.c.user_id == user_id, _s.c.ended_at.is_(None))
                           .distinct()).scalars().all()
    for device_id in devices:
        end_device(conn, device_id, reason, user_id=user_id)
    return len(devices)


def holder(conn: Connection, device_id: str) -> str | None:
    """The user a device is bound to: the one with a live, unexpired session on it (if active)."""
    now = datetime.now(UTC)
    rows = conn.execute(select(_s.c.user_id, _s.c.expires_at).join(db.users, db.users.c.id == _s.c.user_id)
                        .where(_s.c.device_id == device_id, _s.c.ended_at.is_(None),
                               db.users.c.active.is_(True))).all()
    live = [user_id for user_id, expires in rows if db.aware(expires) > now]
    return live[0] if live else None


def is_live(conn: Connection, sid: str, user_id: str, device_id: str) -> bool:
    """True while the session named by an access token has not ended (one primary-key read)."""
    row = conn.execute(select(_s.c.user_id, _s.c.device_id, _s.c.ended_at).where(_s.c.id == sid)).first()
    return row is not None and row.ended_at is None and (row.user_id, row.device_id) == (user_id, device_id)


def access_token(settings: Settings, user_id: str, role: str, device_id: str, sid: str) -> str:
    """An access token of session ``sid``."""
    return issue_access_token(key=settings.signing_key, issuer=settings.jwt_issuer,
                              audience=settings.jwt_audience, user_id=user_id, role=role,
                              device_id=device_id, session_id=sid, ttl_s=settings.access_ttl_s)
