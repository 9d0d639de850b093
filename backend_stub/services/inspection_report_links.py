"""Issue 12, insprun: a short-lived link to an inspection's PDF report, for a browser.

A browser opening ``/v1/inspections/{id}/report.pdf`` sends no bearer token, so the app asks
``POST /v1/inspections/{id}/report-link`` (with its token) for a link the browser can open:
``/v1/inspection-reports/{link}.pdf``, where ``link`` is a JWT signed with the server's key, for
its own audience (an access token is no link and a link is no access token), naming the person,
the inspection and the report's language, valid ``LINK_TTL_S``. Opening it checks the person
again as they are then (role, stores, still active): the same ``inspections.get_inspection``
rule as the report itself; a forged or expired link is 401, one for a record the person may no
longer see 404. The link is a credential for that one report until it expires (as the calendar
feed's secret URL is for a feed): it is never logged (the access log drops it, see below).
"""

from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy.engine import Connection

from app.domain.roles import Actor
from app.protocol import Reason
from backend_stub.errors import NotFound, Unauthorized
from backend_stub.security import ALGORITHM
from backend_stub.services import inspections
from backend_stub.settings import Settings

LINK_TTL_S = 600
_AUDIENCE = "shopfloor-inspection-report"
PATH = "/v1/inspection-reports/{link}.pdf"


def issue(conn: Connection, settings: Settings, actor: Actor, inspection_id: str, lang: str | None,
          now: datetime) -> dict:
    """A link to the report for a caller who may read it (else 404, as ``GET`` answers)."""
    inspections.get_inspection(conn, actor, inspection_id)
    expires = now + timedelta(seconds=LINK_TTL_S)
    claims = {"sub": actor.user_id, "insp": inspection_id, "lang": lang, "iss": settings.jwt_issuer,
              "aud": _AUDIENCE, "iat": now, "exp": expires}
    link = jwt.encode(claims, settings.signing_key, algorithm=ALGORITHM)
    return {"url": PATH.format(link=link), "expires_at": expires}


def read(settings: Settings, link: str) -> tuple[str, str, str | None]:
    """(user id, inspection id, language) of a genuine, unexpired link; else 401."""
    try:
        claims = jwt.decode(link, settings.signing_key, algorithms=[ALGORITHM], issuer=settings.jwt_issuer,
                            audience=_AUDIENCE, options={"require": ["exp", "iat", "iss", "aud", "sub", "insp"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized(Reason.TOKEN_EXPIRED, "This report link has expired: open the report again "
                                                 "from the app.") from None
    except jwt.PyJWTError:
        raise Unauthorized(Reason.TOKEN_INVALID, "This is not a report link this server made.") from None
    return str(claims["sub"]), str(claims["insp"]), claims.get("lang")


def not_found(inspection_id: str) -> NotFound:
    return NotFound(Reason.NOT_FOUND, f"No inspection {inspection_id} you may see.")


def now() -> datetime:
    return datetime.now(UTC)
