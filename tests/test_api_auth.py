"""API auth: staff number + PIN login, HS256 access tokens, device-bound rotating refresh."""

import hashlib
import warnings
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from backend_stub import db
from backend_stub.seed import USERS
from backend_stub.services import sessions
from tests.tokens import session_token

ALL_STORES = ["st-cwb", "st-mk", "st-st", "st-tst"]
DEVICE = "dev-auth-0001"


def login(api, staff_no: str, pin: str, device_id: str = DEVICE):
    return api.post("/v1/auth/login", json={"staff_no": staff_no, "pin": pin, "device_id": device_id,
                                            "device_name": "Test phone", "platform": "android"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refresh(api, token: str, device_id: str = DEVICE):
    return api.post("/v1/auth/refresh", json={"refresh_token": token, "device_id": device_id})


def live_sid(api, user_id: str = "u-s01") -> str:
    """The session id of a live session of ``user_id`` on DEVICE."""
    return jwt.decode(session_token(api, user_id, DEVICE), options={"verify_signature": False})["sid"]


def claims(settings, sid: str | None, **override) -> dict:
    now = datetime.now(UTC)
    base = {"sub": "u-s01", "role": "staff", "did": DEVICE, "sid": sid, "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience, "iat": now, "exp": now + timedelta(minutes=5), "jti": "t1"}
    base.update(override)
    return {k: v for k, v in base.items() if v is not None}


def test_login_gives_short_lived_hs256_token_and_refresh_token(api, settings):
    """A correct staff number + PIN gives a working HS256 access token for this device and a refresh token."""
    resp = login(api, "S3001", "1111")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_ttl_s <= 900
    assert body["user"]["id"] == "u-s01" and body["user"]["role"] == "staff"
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"
    decoded = jwt.decode(body["access_token"], settings.jwt_secret, algorithms=["HS256"],
                         audience=settings.jwt_audience, issuer=settings.jwt_issuer)
    assert decoded["sub"] == "u-s01" and decoded["did"] == DEVICE
    assert decoded["exp"] - decoded["iat"] == settings.access_ttl_s
    assert api.get("/v1/auth/me", headers=bearer(body["access_token"])).status_code == 200
    with api.engine.connect() as conn:
        device = conn.execute(select(db.devices).where(db.devices.c.id == DEVICE)).mappings().one()
        stored = conn.execute(select(db.refresh_tokens.c.token_hash)).scalars().all()
    assert device["user_id"] == "u-s01" and device["platform"] == "android"
    # The refresh token is kept only as a hash: a database leak does not leak sessions.
    assert body["refresh_token"] not in stored
    assert stored == [hashlib.sha256(body["refresh_token"].encode()).hexdigest()]


def test_pins_are_stored_as_argon2_hashes_never_plain(api):
    """PINs are stored as argon2id hashes; no PIN appears in the users table."""
    with api.engine.connect() as conn:
        hashes = dict(conn.execute(select(db.users.c.staff_no, db.users.c.pin_hash)).all())
    assert set(hashes) == {u.staff_no for u in USERS}
    for user in USERS:
        assert hashes[user.staff_no].startswith("$argon2id$")
        assert user.pin not in hashes[user.staff_no].split("$")[-1]
    assert PasswordHasher().verify(hashes["S3001"], "1111")


@pytest.mark.parametrize(("staff_no", "pin"), [("S3001", "1112"), ("S9999", "1111")],
                         ids=["wrong-pin", "unknown-staff-number"])
def test_wrong_pin_is_refused_with_clear_message_and_no_token(api, staff_no, pin):
    """A wrong PIN (or unknown staff number) answers 401 invalid_credentials, a clear message, no token."""
    resp = login(api, staff_no, pin)
    assert resp.status_code == 401
    body = resp.json()
    assert body["code"] == "invalid_credentials"
    assert body["message"] == "Wrong staff number or PIN"
    assert "access_token" not in body and "refresh_token" not in body
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    with api.engine.connect() as conn:
        assert conn.execute(select(db.refresh_tokens)).first() is None
        assert conn.execute(select(db.devices)).first() is None


@pytest.mark.parametrize(("staff_no", "pin", "role", "stores"), [
    ("S3006", "6666", "staff", ["st-mk", "st-tst"]),
    ("M2001", "7100", "store_manager", ["st-cwb"]),
    ("A1001", "8100", "area_manager", ["st-mk", "st-tst"]),
    ("A0001", "9000", "hq_admin", ALL_STORES),
], ids=["staff", "store-manager", "area-manager", "hq-admin"])
def test_me_returns_role_and_stores(api, staff_no, pin, role, stores):
    """/v1/auth/me names the signed-in user's role and stores; an HQ admin covers every store."""
    token = login(api, staff_no, pin).json()["access_token"]
    resp = api.get("/v1/auth/me", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    me = resp.json()
    assert me["staff_no"] == staff_no
    assert me["role"] == role
    assert me["store_ids"] == stores


def _forge(settings, sid: str, case: str) -> str:
    key = settings.jwt_secret
    claims_ = lambda **kw: claims(settings, **{"sid": sid, **kw})  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns about the short key for HS512
        match case:
            case "alg-none":
                return jwt.encode(claims_(), None, algorithm="none")
            case "alg-hs512-same-key":
                return jwt.encode(claims_(), key, algorithm="HS512")
            case "other-key":
                return jwt.encode(claims_(), "another-secret-" + "y" * 40, algorithm="HS256")
            case "wrong-issuer":
                return jwt.encode(claims_(iss="someone-else"), key, algorithm="HS256")
            case "wrong-audience":
                return jwt.encode(claims_(aud="another-app"), key, algorithm="HS256")
            case "no-device":
                return jwt.encode(claims_(did=None), key, algorithm="HS256")
            case "no-session":
                return jwt.encode(claims_(sid=None), key, algorithm="HS256")
            case "unknown-session":
                return jwt.encode(claims_(sid="0" * 32), key, algorithm="HS256")
            case "session-of-another-user":
                return jwt.encode(claims_(sub="u-s02"), key, algorithm="HS256")
            case "garbage":
                return "not.a.jwt"
            case "expired":
                past = datetime.now(UTC) - timedelta(minutes=20)
                return jwt.encode(claims_(iat=past, exp=past + timedelta(minutes=15)),
                                  key, algorithm="HS256")
    raise AssertionError(case)


@pytest.mark.parametrize(("case", "code"), [
    ("alg-none", "token_invalid"),
    ("alg-hs512-same-key", "token_invalid"),
    ("other-key", "token_invalid"),
    ("wrong-issuer", "token_invalid"),
    ("wrong-audience", "token_invalid"),
    ("no-device", "token_invalid"),
    ("no-session", "token_invalid"),
    ("unknown-session", "token_invalid"),
    ("session-of-another-user", "token_invalid"),
    ("garbage", "token_invalid"),
    ("expired", "token_expired"),
])
def test_forged_or_expired_access_token_is_refused(api, settings, case, code):
    """A token with alg none/another alg, another key, issuer or audience, no or another session, or expired, is refused (401)."""
    # The same claims signed properly are accepted, so only the forged part is refused.
    sid = live_sid(api)
    good = jwt.encode(claims(settings, sid), settings.jwt_secret, algorithm="HS256")
    assert api.get("/v1/auth/me", headers=bearer(good)).status_code == 200
    resp = api.get("/v1/auth/me", headers=bearer(_forge(settings, sid, case)))
    assert resp.status_code == 401
    assert resp.json()["code"] == code
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    assert api.post("/v1/sync/push", headers=bearer(_forge(settings, sid, case)), json={}).status_code == 401


def test_missing_bearer_token_is_refused(api):
    """A request without a bearer token answers 401 token_invalid, for reads and writes alike."""
    for method, path in [("GET", "/v1/auth/me"), ("GET", "/v1/sync/pull"), ("POST", "/v1/auth/logout")]:
        resp = api.request(method, path)
        assert resp.status_code == 401, path
        assert resp.json()["code"] == "token_invalid"


def test_token_of_deactivated_user_is_refused(api, settings):
    """Once a user is deactivated, their still-unexpired access token no longer works."""
    token = login(api, "S3002", "2222").json()["access_token"]
    assert api.get("/v1/auth/me", headers=bearer(token)).status_code == 200
    with api.engine.begin() as conn:
        conn.execute(update(db.users).where(db.users.c.id == "u-s02").values(active=False))
    resp = api.get("/v1/auth/me", headers=bearer(token))
    assert resp.status_code == 401
    assert resp.json()["code"] == "token_invalid"


def test_refresh_from_another_device_is_refused(api):
    """A refresh token only works from the device it was issued to."""
    tokens = login(api, "S3001", "1111").json()
    resp = refresh(api, tokens["refresh_token"], device_id="dev-stolen-0002")
    assert resp.status_code == 401
    assert resp.json()["code"] == "refresh_invalid"
    assert "access_token" not in resp.json()
    # The owner's device still refreshes normally.
    assert refresh(api, tokens["refresh_token"]).status_code == 200


def age_rotation(api, seconds: float) -> None:
    """Time passes: every session's last refresh happened ``seconds`` earlier."""
    with api.engine.begin() as conn:
        for sid, rotated in conn.execute(select(db.auth_sessions.c.id, db.auth_sessions.c.rotated_at)).all():
            if rotated is not None:
                conn.execute(update(db.auth_sessions).where(db.auth_sessions.c.id == sid).values(
                    rotated_at=rotated - timedelta(seconds=seconds)))


def test_refresh_rotates_and_reuse_of_old_token_revokes_device(api):
    """Refresh rotates the token; a used token presented again after the grace is refused and ends
    the device's sessions, access tokens included."""
    first = login(api, "S3001", "1111").json()
    resp = refresh(api, first["refresh_token"])
    assert resp.status_code == 200, resp.text
    second = resp.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user"]["id"] == "u-s01"
    assert api.get("/v1/auth/me", headers=bearer(second["access_token"])).status_code == 200

    age_rotation(api, sessions.REFRESH_GRACE_S + 1)
    replay = refresh(api, first["refresh_token"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_invalid"
    # The copy was used: the token issued by the rotation is dead too, and its access token.
    assert refresh(api, second["refresh_token"]).json()["code"] == "refresh_invalid"
    assert api.get("/v1/auth/me", headers=bearer(second["access_token"])).status_code == 401
    with api.engine.connect() as conn:
        live = conn.execute(select(db.refresh_tokens).where(
            db.refresh_tokens.c.device_id == DEVICE, db.refresh_tokens.c.revoked_at.is_(None))).all()
    assert live == []


def test_logout_ends_the_device_session(api):
    """After logout the device's refresh token no longer works."""
    tokens = login(api, "M2001", "7100").json()
    resp = api.post("/v1/auth/logout", headers=bearer(tokens["access_token"]))
    assert resp.status_code == 204
    again = refresh(api, tokens["refresh_token"])
    assert again.status_code == 401
    assert again.json()["code"] == "refresh_invalid"


def test_shared_device_passes_to_the_next_user_only_after_logout(api):
    """A shared phone: the next user may sign in only once the previous one logged out on it."""
    first = login(api, "S3001", "1111").json()
    taken = login(api, "S3002", "2222")
    assert taken.status_code == 409
    assert taken.json()["code"] == "device_bound"
    assert "access_token" not in taken.json()
    # The refusal changed nothing for the user signed in on it.
    assert api.get("/v1/auth/me", headers=bearer(first["access_token"])).status_code == 200
    assert api.post("/v1/auth/logout", headers=bearer(first["access_token"])).status_code == 204
    after = login(api, "S3002", "2222").json()
    assert after["user"]["id"] == "u-s02"
    assert refresh(api, first["refresh_token"]).status_code == 401
    resp = refresh(api, after["refresh_token"])
    assert resp.status_code == 200
    assert resp.json()["user"]["id"] == "u-s02"
    with api.engine.connect() as conn:
        owner = conn.execute(select(db.devices.c.user_id).where(db.devices.c.id == DEVICE)).scalar_one()
    assert owner == "u-s02"
