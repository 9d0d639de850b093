"""The calendar feed link (issue 10): a personal secret URL a phone calendar subscribes to."""

from pydantic import BaseModel, Field


class CalendarFeedPublic(BaseModel):
    """``GET``/``POST /v1/me/calendar-feed``: the signed-in person's feed URL (``.ics``)."""

    url: str = Field(description="Secret URL of the person's shifts as iCalendar; anyone with it can "
                                 "read them, so it is shown to its owner only")
