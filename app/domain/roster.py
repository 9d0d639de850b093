"""Rosters: shift statuses, the checks a shift must pass, roster weeks, copy and publish.

Pure rules, run by the manager's device (instant answer, offline too) and again by the
server (authoritative). A shift belongs to the day it starts, in the store's time zone: a
22:00-06:00 night shift is on the roster, in My shifts and in the timesheet of its first day.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from app.domain.access import AccessDenied
from app.domain.attendance import HONG_KONG

#: A draft is seen by managers only; publishing shows it to staff; deleting a published
#: shift cancels it (calendars show it cancelled); deleting a draft removes it.
DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
STATUSES = (DRAFT, PUBLISHED, CANCELLED)

# Reason codes (app.protocol.Reason takes its members' values from here).
REASON_ENDS_BEFORE_START = "shift_ends_before_start"
REASON_TOO_LONG = "shift_too_long"
REASON_OVERLAP = "shift_overlap"
REASON_PERSON_NOT_AT_STORE = "person_not_at_store"
REASON_CANCELLED = "shift_cancelled"


class RosterRefused(AccessDenied):
    """A shift that breaks a roster rule; refused per item like an access denial.

    ``details`` carries the numbers that broke the rule (for the message in the user's language).
    """

    def __init__(self, reason: str, message: str, **details) -> None:
        super().__init__(reason, message)
        self.details = details


@dataclass(frozen=True)
class RosterRules:
    """Limits of one shift (a chain setting later; these are the defaults)."""

    max_length: timedelta = timedelta(hours=16)


@dataclass(frozen=True)
class ShiftSpan:
    """The facts of one shift the roster rules need."""

    id: str
    user_id: str
    store_id: str
    starts_at: datetime
    ends_at: datetime
    status: str = PUBLISHED
    role: str = ""
    version: int = 1
    published_version: int = 1
    #: Issue 10, shiftnews: who staff last saw working it, when a manager has moved it to someone
    #: else since (None: not moved). Publishing tells that person too.
    told_user_id: str | None = None


def work_day(starts_at: datetime, tz: tzinfo = HONG_KONG) -> date:
    """The day a shift belongs to: the local date it starts on (overnight shifts included)."""
    return starts_at.astimezone(tz).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s roster week."""
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz: tzinfo = HONG_KONG) -> tuple[datetime, datetime]:
    """[start, end) of a roster week: shifts that start inside it are that week's."""
    start = datetime.combine(monday, time(), tz)
    return start, datetime.combine(monday + timedelta(days=7), time(), tz)


def overlapping(shift: ShiftSpan, others: Iterable[ShiftSpan]) -> ShiftSpan | None:
    """The first of the person's other live shifts that shares time with ``shift``.

    Aware times make a night shift (22:00-06:00) overlap the next morning's shift too.
    """
    for other in sorted(others, key=lambda s: s.starts_at):
        if other.id == shift.id or other.user_id != shift.user_id or other.status == CANCELLED:
            continue
        if other.starts_at < shift.ends_at and shift.starts_at < other.ends_at:
            return other
    return None


def check_times(starts_at: datetime, ends_at: datetime, rules: RosterRules = RosterRules()) -> None:
    """Raise ``RosterRefused`` unless the span ends after it starts and is not too long (a
    rostered shift and an open shift alike)."""
    length = ends_at - starts_at
    if length <= timedelta(0):
        raise RosterRefused(REASON_ENDS_BEFORE_START, "A shift must end after it starts.")
    if length > rules.max_length:
        hours = rules.max_length.total_seconds() / 3600
        raise RosterRefused(REASON_TOO_LONG, f"A shift may last at most {hours:g} hours.",
                            hours=length.total_seconds() / 3600, limit=hours)


def check_shift(shift: ShiftSpan, person_store_ids: Iterable[str], others: Iterable[ShiftSpan],
                rules: RosterRules = RosterRules()) -> None:
    """Raise ``RosterRefused`` unless ``shift`` may stand: it ends after it starts, is not too
    long, the person works at its store, and it overlaps none of their other shifts."""
    check_times(shift.starts_at, shift.ends_at, rules)
    if shift.store_id not in set(person_store_ids):
        raise RosterRefused(REASON_PERSON_NOT_AT_STORE, "This person does not work at this store.")
    clash = overlapping(shift, others)
    if clash is not None:
        raise RosterRefused(REASON_OVERLAP, "This person already has a shift at that time.",
                            other_shift_id=clash.id)


def require_editable(shift: ShiftSpan) -> None:
    """A cancelled shift stays cancelled: make a new one instead."""
    if shift.status == CANCELLED:
        raise RosterRefused(REASON_CANCELLED, "This shift was cancelled; create a new one instead.")


def after_delete(shift: ShiftSpan) -> str | None:
    """What deleting leaves: nothing for a draft, a cancelled shift for a published one."""
    return None if shift.status == DRAFT else CANCELLED


def copy_id(copy_key: str, source_id: str) -> str:
    """The id of the draft copied from ``source_id``: the same on the device and the server."""
    digest = hashlib.sha256(f"{copy_key}|{source_id}".encode()).hexdigest()[:24]
    return f"sh-{copy_key[:24]}-{digest}"


@dataclass(frozen=True)
class CopyPlan:
    """What "copy last week" makes: new drafts, and the shifts left out (with why)."""

    drafts: list[ShiftSpan] = field(default_factory=list)
    skipped: list[tuple[ShiftSpan, str]] = field(default_factory=list)


def plan_copy_week(copy_key: str, last_week: Iterable[ShiftSpan], existing: Iterable[ShiftSpan],
                   person_stores: dict[str, set[str]], rules: RosterRules = RosterRules()) -> CopyPlan:
    """Last week's live shifts, a week later, as drafts. A copy that would break a rule
    (the person left the store, an overlap with a shift already there) is skipped."""
    plan = CopyPlan()
    taken = [s for s in existing if s.status != CANCELLED]
    for source in sorted(last_week, key=lambda s: (s.starts_at, s.id)):
        if source.status == CANCELLED:
            continue
        draft = ShiftSpan(copy_id(copy_key, source.id), source.user_id, source.store_id,
                          source.starts_at + timedelta(days=7), source.ends_at + timedelta(days=7),
                          DRAFT, source.role, 1, 0)
        if any(s.id == draft.id for s in taken):
            continue  # copied already (the same copy sent twice)
        try:
            check_shift(draft, person_stores.get(source.user_id, set()), taken, rules)
        except RosterRefused as refused:
            plan.skipped.append((source, refused.reason))
            continue
        plan.drafts.append(draft)
        taken.append(draft)
    return plan


# -- publishing --------------------------------------------------------------------------
ADDED, CHANGED, REMOVED = "added", "changed", "cancelled"


@dataclass(frozen=True)
class ShiftChange:
    """One line of what publishing tells a person: a shift added, changed or cancelled."""

    kind: str
    shift: ShiftSpan


def publish_changes(week_shifts: Iterable[ShiftSpan]) -> dict[str, list[ShiftChange]]:
    """Per person, what publishing the week changes for them (the hook of issue 11's
    "shift change" broadcast): drafts become ``added``; published shifts edited since the last
    publish are ``changed``; shifts cancelled since then are ``cancelled``; a published shift moved
    to someone else is ``added`` for them and ``cancelled`` for its ``told_user_id``. A shift whose
    ``version`` equals its ``published_version`` was already told and is left out."""
    out: dict[str, list[ShiftChange]] = {}
    for s in sorted(week_shifts, key=lambda s: (s.starts_at, s.id)):
        if s.version == s.published_version:
            continue
        moved = s.told_user_id not in (None, s.user_id) and s.status != DRAFT
        if moved:  # the person who lost it is told it is gone; the new one, that it is theirs
            out.setdefault(s.told_user_id, []).append(ShiftChange(REMOVED, s))
            if s.status == CANCELLED:
                continue  # the new one never had it
        if s.status == DRAFT or moved:
            kind = ADDED
        elif s.status == CANCELLED:
            kind = REMOVED
        else:
            kind = CHANGED
        out.setdefault(s.user_id, []).append(ShiftChange(kind, s))
    return out


def handover_changes(moves: Iterable[tuple[ShiftSpan, str | None]]) -> dict[str, list[ShiftChange]]:
    """Issue 10, openshiftedit: per person, what a trade or an open-shift claim changed for them.
    ``moves`` are (the shift as it is now, who held it before or None for a new shift): the new
    holder is told it is ``added``, the previous one that it is ``cancelled`` for them."""
    out: dict[str, list[ShiftChange]] = {}
    for shift, before in moves:
        if before is not None and before != shift.user_id:
            out.setdefault(before, []).append(ShiftChange(REMOVED, shift))
        out.setdefault(shift.user_id, []).append(ShiftChange(ADDED, shift))
    return out


def count_drafts(week_shifts: Iterable[ShiftSpan]) -> int:
    """How many drafts publishing would show to staff (the confirmation's number)."""
    return sum(1 for s in week_shifts if s.status == DRAFT)


# -- what screens show -------------------------------------------------------------------
def shift_times(day: date, start: time, end: time, tz: tzinfo = HONG_KONG) -> tuple[datetime, datetime]:
    """A shift entered as a day and two clock times: an end at or before the start is the
    next morning (22:00-06:00 is one overnight shift of ``day``)."""
    starts_at = datetime.combine(day, start, tz)
    ends_at = datetime.combine(day, end, tz)
    if ends_at <= starts_at:
        ends_at += timedelta(days=1)
    return starts_at, ends_at


def scheduled_hours(shifts: Iterable[ShiftSpan], first_day: date, last_day: date,
                    tz: tzinfo = HONG_KONG) -> float:
    """Hours of live shifts that start on a day in [first_day, last_day] (overnight shifts
    count whole on their start day)."""
    total = sum(((s.ends_at - s.starts_at) for s in shifts
                 if s.status != CANCELLED and first_day <= work_day(s.starts_at, tz) <= last_day), timedelta())
    return total.total_seconds() / 3600
