"""Calendar feed (issue 10): ``GET /calendar/{token}.ics`` lists a person's shifts for phone
calendars, which cannot send a bearer token: the secret URL is the credential. The person
gets their URL from ``GET /me/calendar-feed`` and replaces it (the old one then answers 404)
with ``POST /me/calendar-feed``. The access log masks the token (backend_stub.access_log)."""

import re
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from app.protocol import CalendarFeedPublic, Reason
from backend_stub.deps import CurrentUser, DbRead, DbSession, SettingsDep
from backend_stub.errors import NotFound
from backend_stub.openapi import errors
from backend_stub.services import calendar_feed, ics
from backend_stub.settings import Settings

router = APIRouter(prefix="/calendar", tags=["calendar"])
me_router = APIRouter(prefix="/me", tags=["calendar"])
#: What an issued token looks like (43 URL-safe base64 characters); anything else is unknown.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: The feed and the URL are secrets: no cache or proxy keeps them, no page passes them on.
_PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
FEED_RESPONSES = {200: {"description": "The person's shifts as iCalendar (RFC 5545)",
                        "content": {"text/calendar": {"schema": {"type": "string"}}}},
                  **errors(NotFound)}


@router.get("/{token}.ics", response_class=Response, responses=FEED_RESPONSES)
def calendar(token: str, conn: DbRead) -> Response:
    """The shifts of the person whose secret this is, from 60 days ago to 120 days ahead:
    published and cancelled ones (STATUS:CANCELLED), never drafts. An unknown or revoked
    token, or one of a person who has left, is a 404."""
    owner = calendar_feed.owner_of(conn, token) if _TOKEN.match(token) else None
    if owner is None:
        raise NotFound(Reason.NOT_FOUND, "No such calendar")
    now = datetime.now(UTC)
    body = ics.render(calendar_feed.feed_shifts(conn, owner, now), now)
    return Response(body, media_type=ics.MEDIA_TYPE, headers=_PRIVATE)


def _url(settings: Settings, request: Request, token: str) -> CalendarFeedPublic:
    base = (settings.public_base_url or str(request.base_url)).rstrip("/")
    return CalendarFeedPublic(url=f"{base}{request.app.url_path_for('calendar', token=token)}")


@me_router.get("/calendar-feed", response_model=CalendarFeedPublic, responses=errors(401))
def my_calendar_feed(caller: CurrentUser, conn: DbSession, settings: SettingsDep, request: Request,
                     response: Response) -> CalendarFeedPublic:
    """The signed-in person's calendar feed URL (made on the first call, the same after)."""
    response.headers.update(_PRIVATE)
    return _url(settings, request, calendar_feed.current_token(conn, settings.signing_key, caller.actor.user_id))


@me_router.post("/calendar-feed", response_model=CalendarFeedPublic, responses=errors(401))
def new_calendar_feed(caller: CurrentUser, conn: DbSession, settings: SettingsDep, request: Request,
                      response: Response) -> CalendarFeedPublic:
    """A new feed URL for the signed-in person; the old one answers 404 from now on, so
    calendars subscribed to it stop updating."""
    response.headers.update(_PRIVATE)
    return _url(settings, request, calendar_feed.new_token(conn, settings.signing_key, caller.actor.user_id))
