"""Issue 13, trainmanage: a short-lived link to the training matrix export, for a browser.

As for inspection reports (``inspection_report_links``): a browser downloading a file sends no
bearer token, so the web app asks ``POST /v1/training/matrix/link`` (with its token) for
``/v1/training/matrix-files/{link}``: a JWT signed with the server's key for its own audience,
naming the person, the store (or none: all theirs), the format, valid ``LINK_TTL_S``. Opening it
checks the person again as they are then (a manager of the store, still active); a forged or
expired link is 401. The link is a credential until it expires: the access log masks it.
"""

from datetime import UTC, datetime, timedelta

import jwt

from app.domain.roles import Actor
from app.protocol import Reason
from backend_stub.errors import Unauthorized
from backend_stub.security import ALGORITHM
from backend_stub.settings import Settings

LINK_TTL_S = 600
_AUDIENCE = "shopfloor-training-matrix"
PATH = "/v1/training/matrix-files/{link}"


def issue(settings: Settings, actor: Actor, store_id: str | None, fmt: str, now: datetime) -> dict:
    """A link to the export (the caller's scope was checked by the route before)."""
    expires = now + timedelta(seconds=LINK_TTL_S)
    claims = {"sub": actor.user_id, "store": store_id, "fmt": fmt, "iss": settings.jwt_issuer, "aud": _AUDIENCE,
              "iat": now, "exp": expires}
    return {"url": PATH.format(link=jwt.encode(claims, settings.signing_key, algorithm=ALGORITHM)),
            "expires_at": expires}


def read(settings: Settings, link: str) -> tuple[str, str | None, str]:
    """(user id, store id or None, format) of a genuine, unexpired link; else 401."""
    try:
        claims = jwt.decode(link, settings.signing_key, algorithms=[ALGORITHM], issuer=settings.jwt_issuer,
                            audience=_AUDIENCE, options={"require": ["exp", "iat", "iss", "aud", "sub", "fmt"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized(Reason.TOKEN_EXPIRED, "This link has expired: export again from the app.") from None
    except jwt.PyJWTError:
        raise Unauthorized(Reason.TOKEN_INVALID, "This is not an export link this server made.") from None
    if claims["fmt"] not in ("csv", "xlsx"):
        raise Unauthorized(Reason.TOKEN_INVALID, "This is not an export link this server made.")
    return str(claims["sub"]), claims.get("store"), str(claims["fmt"])


def now() -> datetime:
    return datetime.now(UTC)
