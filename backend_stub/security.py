"""PIN hashing (argon2), access tokens (JWT, HS256 only) and device-bound refresh tokens."""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.protocol import Reason
from backend_stub.errors import Unauthorized

# One algorithm, fixed: a token naming any other ("none", RS256 with our key...) is refused.
ALGORITHM = "HS256"
_hasher = PasswordHasher()
# Verifying against this when the staff number is unknown keeps timing the same either way.
_DUMMY_HASH = _hasher.hash("000000")


def hash_pin(pin: str) -> str:
    """Argon2id hash of a PIN."""
    return _hasher.hash(pin)


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """True when ``pin`` matches; an unknown user (``None``) costs the same time and fails."""
    try:
        return _hasher.verify(pin_hash or _DUMMY_HASH, pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def issue_access_token(
    *, key: str, issuer: str, audience: str, user_id: str, role: str, device_id: str,
    session_id: str, ttl_s: int,
) -> str:
    """A short-lived JWT naming the user, their role, the device and the session (``sid``).

    The session is checked on every request, so ending it (logout) ends the token at once.
    """
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "role": role,
        "did": device_id,
        "sid": session_id,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_s),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_access_token(token: str, *, key: str, issuer: str, audience: str) -> dict:
    """Check signature, algorithm, issuer, audience and expiry; raise ``Unauthorized`` otherwise."""
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "did", "sid"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized(Reason.TOKEN_EXPIRED, "Access token expired") from None
    except jwt.PyJWTError as exc:
        raise Unauthorized(Reason.TOKEN_INVALID, f"Invalid access token: {exc}") from None


def new_refresh_token() -> tuple[str, str]:
    """A random refresh token and the hash under which the server stores it."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> str:
    """Refresh tokens are stored hashed, so a database leak does not leak sessions."""
    return hashlib.sha256(token.encode()).hexdigest()
