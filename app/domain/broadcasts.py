"""Issue 11, broadcasts: who a broadcast reaches, who may address whom, and who may follow its
receipts. Pure rules: the server resolves audiences with them (and counts them before sending);
the phone checks the sender's scope with the same functions before queueing.

An audience is places (stores, or every store of an area), optionally narrowed to one role, plus
named people. Each person is reached once, counted under the first of their stores the
broadcast reaches (or their first store, for someone named).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role

NORMAL = "normal"
URGENT = "urgent"  # must be acknowledged
SHIFT_CHANGE = "shift_change"  # written by publishing a roster (issue 10, shiftnews)
KINDS = (NORMAL, URGENT)  # what a sender may choose
MAX_NAMED = 500


@dataclass(frozen=True)
class Audience:
    """What the sender chose: stores, an area, a role among them, named people."""

    store_ids: tuple[str, ...] = ()
    area: str | None = None
    role: Role | None = None
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """Someone who may receive a broadcast: their role and the stores they work at."""

    id: str
    role: Role
    store_ids: tuple[str, ...] = field(default_factory=tuple)


def places(audience: Audience, area_stores: Mapping[str, Iterable[str]]) -> set[str]:
    """The stores an audience names, directly or through its area."""
    found = set(audience.store_ids)
    if audience.area is not None:
        found |= set(area_stores.get(audience.area, ()))
    return found


def check_may_address(actor: Actor, audience: Audience, area_stores: Mapping[str, Iterable[str]],
                      named: Iterable[Person]) -> None:
    """A manager addresses only their own stores, an area all of whose stores they manage, and
    people who work at one of their stores; HQ (covering every store) may address anyone."""
    if not actor.role.is_manager:
        raise AccessDenied("forbidden_role", "Only managers can send broadcasts.")
    if not (audience.store_ids or audience.area or audience.user_ids or audience.role):
        raise AccessDenied("broadcast_audience_empty", "Choose who should get this broadcast.")
    if audience.area is not None and not set(area_stores.get(audience.area, ())):
        raise AccessDenied("broadcast_audience_empty", "This area has no stores.")
    outside = sorted(places(audience, area_stores) - actor.store_ids)
    if outside:
        raise AccessDenied("forbidden_role", f"You do not manage store(s): {', '.join(outside)}.")
    known = {p.id: p for p in named}
    for user_id in audience.user_ids:
        person = known.get(user_id)
        if person is None or not actor.store_ids & set(person.store_ids):
            raise AccessDenied("forbidden_role", f"{user_id} does not work at one of your stores.")


def resolve(actor: Actor, audience: Audience, area_stores: Mapping[str, Iterable[str]],
            people: Iterable[Person]) -> dict[str, str | None]:
    """Each person reached -> the store they are counted under; never the sender. A role alone
    (no places) means that role in the sender's own stores."""
    where = places(audience, area_stores) or (set(actor.store_ids) if audience.role else set())
    named = set(audience.user_ids)
    reached: dict[str, str | None] = {}
    for person in people:
        if person.id == actor.user_id:
            continue
        at = sorted(s for s in person.store_ids if s in where)
        if at and (audience.role is None or person.role is audience.role):
            reached[person.id] = at[0]
        elif person.id in named:
            reached[person.id] = min(person.store_ids, default=None)
    return reached


def may_follow_receipts(actor: Actor, author_id: str, author_role: Role, author_store_ids: Iterable[str]) -> bool:
    """Receipts are the sender's, and their managers': someone above them covering one of their
    stores (HQ covers all)."""
    if actor.user_id == author_id:
        return True
    if not actor.role.is_manager or not actor.role.outranks(author_role):
        return False
    return actor.role is Role.HQ_ADMIN or bool(actor.store_ids & set(author_store_ids))


# -- Issue 11, bcwrite: translations the sender adds ------------------------------------------------

MAX_TITLE = 200
MAX_BODY = 5000


@dataclass(frozen=True)
class Version:
    """The text a reader is shown: its title and body, and the language it is written in
    (None: the original, as the sender wrote it)."""

    title: str
    body: str
    locale: str | None = None


def in_language(title: str, body: str, translations: Mapping[str, Mapping[str, str]] | None,
                locale: str) -> Version:
    """The reader's language version of a broadcast, falling back to the original when the
    sender added none for that language."""
    chosen = (translations or {}).get(locale)
    if not chosen or not (chosen.get("title") or "").strip():
        return Version(title, body)
    return Version(chosen["title"], chosen.get("body") or "", locale)


def addressable_areas(store_ids: Iterable[str], area_stores: Mapping[str, Iterable[str]]) -> list[str]:
    """Issue 11, bcwrite: the areas a manager may send to: those all of whose stores they manage
    (as ``check_may_address`` allows), for the area picker."""
    mine = set(store_ids)
    return sorted(a for a, stores in area_stores.items() if a and set(stores) and set(stores) <= mine)


def matches(query: str, *texts: str) -> bool:
    """Issue 11, bcwrite, feed search: every word of ``query`` appears (any case) in one of
    ``texts`` (the title and text, as written and in the reader's language)."""
    words = query.casefold().split()
    haystack = "\n".join(texts).casefold()
    return all(w in haystack for w in words)


# -- Issue 11, bcwrite: editing a sent broadcast ----------------------------------------------------

REASON_EDITED_MEANWHILE = "broadcast_edited_meanwhile"


def may_edit(actor: Actor, author_id: str, author_role: Role, author_store_ids: Iterable[str], kind: str) -> bool:
    """Issue 11, bcsaved: who may edit a broadcast (the phone shows Edit to them only): its sender
    and their managers, as for receipts; never a shift change."""
    return kind != SHIFT_CHANGE and may_follow_receipts(actor, author_id, author_role, author_store_ids)


def check_may_edit(actor: Actor, author_id: str, author_role: Role, author_store_ids: Iterable[str],
                   kind: str, current_version: int, base_version: int) -> None:
    """The sender and their managers (as for receipts) edit a broadcast they write (not a shift
    change: publishing a roster writes those), and only the version they saw: an edit made on an
    older version would silently undo someone else's."""
    if not may_edit(actor, author_id, author_role, author_store_ids, kind):
        raise AccessDenied("forbidden_role", "Only its sender and their managers can edit this broadcast.")
    if base_version != current_version:
        raise AccessDenied(REASON_EDITED_MEANWHILE, "This broadcast was edited meanwhile. Open it again.")


# -- Issue 11, bcwrite: send later, expire -----------------------------------------------------------

REASON_BAD_SCHEDULE = "broadcast_bad_schedule"
HELD, SENT, EXPIRED = "held", "sent", "expired"  # where a broadcast is in its life on the server


def check_schedule(now: datetime, send_at: datetime | None, expires_at: datetime | None) -> None:
    """A broadcast expires after it is sent (and after now): one that is never shown is a mistake."""
    if expires_at is not None and expires_at <= max(now, send_at or now):
        raise AccessDenied(REASON_BAD_SCHEDULE, "A broadcast must expire after it is sent.")


def stage(now: datetime, send_at: datetime | None, expires_at: datetime | None) -> str:
    """Held until its time to send, sent, or expired (no longer shown to its readers)."""
    if expires_at is not None and expires_at <= now:
        return EXPIRED
    if send_at is not None and send_at > now:
        return HELD
    return SENT


# -- Issue 11, probe11: what readers may do with a broadcast held for later or taken back ----------

REASON_NOT_SHOWN = "broadcast_not_shown"


def readers_had(stage_now: str) -> bool:
    """Whether its readers have had the broadcast, so a read or an acknowledgement of it counts:
    not while it is held for later (nobody had it); an expired one was had (a read made offline
    before it expired still counts)."""
    return stage_now != HELD


def may_remind(stage_now: str) -> bool:
    """"Remind them" only while the broadcast shows to its readers: a reminder of one held for
    later or taken back after it expired would ask people to read what they cannot open."""
    return stage_now == SENT


def check_may_remind(stage_now: str) -> None:
    """Refuses a reminder ``may_remind`` does not allow."""
    if not may_remind(stage_now):
        raise AccessDenied(REASON_NOT_SHOWN, "This broadcast is held for later or expired: nobody can be reminded.")


#: Issue 11, bcfollow: the least time between two reminders of one broadcast, so a manager tapping
#: "Remind them" again and again does not buzz the same people every minute.
REMIND_GAP = timedelta(minutes=30)
REASON_REMINDED_RECENTLY = "broadcast_reminded_recently"


def next_reminder_at(last_sent: datetime | None) -> datetime | None:
    """When "Remind them" may be used again after the latest reminder (None: now)."""
    return None if last_sent is None else last_sent + REMIND_GAP


def check_reminder_gap(last_sent: datetime | None, now: datetime) -> None:
    """Refuses a reminder less than ``REMIND_GAP`` after the previous one of the same broadcast."""
    again = next_reminder_at(last_sent)
    if again is not None and now < again:
        raise AccessDenied(REASON_REMINDED_RECENTLY,
                           f"Reminded less than {REMIND_GAP.seconds // 60} minutes ago; try again later.")


def receipt_time(claimed: datetime, device_time: datetime | None, estimated: datetime, received_at: datetime,
                 clock_wrong: bool, shown_from: datetime | None = None) -> datetime:
    """When a read or acknowledgement happened, as receipts show it: the time the phone stamped,
    moved by how far its clock was off when the server judged it wrong (``clock_wrong``: the push
    was flagged clock_drift; ``estimated`` is the server's estimate of the moment the phone's
    clock called ``device_time``), never after it reached the server (a receipt "read in two
    days" would mislead whoever chases the people who have not read it), and never before the
    broadcast showed (``shown_from``: sent, or its sending time): nobody reads it before then."""
    if clock_wrong and device_time is not None:
        claimed = claimed + (estimated - device_time)
    claimed = min(claimed, received_at)
    return claimed if shown_from is None else max(claimed, shown_from)


def sent_at(created_at: datetime, send_at: datetime | None) -> datetime:
    """When a broadcast was sent (first showed to its readers): its send-later time, else when
    it was written."""
    return max(created_at, send_at) if send_at is not None else created_at
