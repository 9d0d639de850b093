"""Access tokens of real sessions for API tests that act as a user without going through login."""

from datetime import UTC, datetime

from sqlalchemy import select

from backend_stub import db
from backend_stub.engine import make_engine
from backend_stub.services import sessions
from backend_stub.settings import Settings


def session_token(api, user_id: str, device_id: str) -> str:
    """An access token exactly as /auth/login issues it: a live session of ``user_id`` on
    ``device_id`` (login itself, with its PIN checks and device binding, is pinned in
    test_api_auth). Several users may hold sessions on one test device."""
    settings = api.app.state.settings
    with api.engine.begin() as conn:
        role = conn.execute(select(db.users.c.role).where(db.users.c.id == user_id)).scalar_one()
        if conn.execute(select(db.devices.c.id).where(db.devices.c.id == device_id)).first() is None:
            conn.execute(db.devices.insert().values(id=device_id, user_id=user_id,
                                                    registered_at=datetime.now(UTC)))
        sid, _refresh = sessions.start(conn, settings, user_id, device_id)
    return sessions.access_token(settings, user_id, role, device_id, sid)


def session_bearer(api, user_id: str, device_id: str) -> dict[str, str]:
    """``Authorization`` header of :func:`session_token`, one session per user and device and api."""
    cache = api.__dict__.setdefault("_test_sessions", {})
    if (user_id, device_id) not in cache:
        cache[user_id, device_id] = session_token(api, user_id, device_id)
    return {"Authorization": f"Bearer {cache[user_id, device_id]}"}


def device_tokens(db_url: str, settings: Settings, user_id: str, device_ids: list[str]) -> dict[str, str]:
    """A new device and a live session of ``user_id`` (a staff member) on it, for each of
    ``device_ids``, written straight into a running server's database: its access tokens
    (many argon2 logins would take longer than the test)."""
    engine, tokens = make_engine(db_url), {}
    try:
        with engine.begin() as conn:
            for device in device_ids:
                conn.execute(db.devices.insert().values(id=device, user_id=user_id,
                                                        registered_at=datetime.now(UTC)))
                sid, _refresh = sessions.start(conn, settings, user_id, device)
                tokens[device] = sessions.access_token(settings, user_id, "staff", device, sid)
    finally:
        engine.dispose()
    return tokens
