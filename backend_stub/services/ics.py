"""Shifts as an RFC 5545 calendar (``icalendar`` writes the CRLF lines and folds them at 75
octets): times in Asia/Hong_Kong with its VTIMEZONE, one stable UID per shift."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from backend_stub.services.calendar_feed import FeedShift, window

HK = ZoneInfo("Asia/Hong_Kong")
PRODID = "-//Shopfloor//Shift calendar//EN"
#: UIDs name no host, so a shift keeps its UID whatever address the API is reached on.
UID_DOMAIN = "shopfloor"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def shift_uid(shift_id: str) -> str:
    return f"shift-{shift_id}@{UID_DOMAIN}"


def _event(shift: FeedShift, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", shift_uid(shift.id))
    event.add("dtstamp", stamp)
    event.add("sequence", shift.sequence)
    event.add("dtstart", shift.starts_at.astimezone(HK))
    event.add("dtend", shift.ends_at.astimezone(HK))
    # Role and store are data, in no particular language: the calendar app cannot say which
    # language its reader wants, so the summary holds no words of ours.
    event.add("summary", " · ".join(part for part in (shift.position, shift.store_name) if part))
    event.add("location", ", ".join(part for part in (shift.store_name, shift.store_address) if part))
    event.add("status", "CANCELLED" if shift.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if shift.cancelled else "OPAQUE")
    return event


def render(shifts: list[FeedShift], now: datetime) -> bytes:
    """The calendar of ``shifts``, served at ``now`` (UTC)."""
    since, until = window(now)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Shopfloor")
    cal.add("x-wr-timezone", "Asia/Hong_Kong")
    # How often subscribing apps should fetch again (RFC 7986 and the Outlook/Apple variant).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(Timezone.from_tzinfo(HK, tzid="Asia/Hong_Kong", first_date=since.date(),
                                           last_date=until.date()))
    stamp = now.astimezone(UTC)
    for shift in shifts:
        cal.add_component(_event(shift, stamp))
    return cal.to_ical()
