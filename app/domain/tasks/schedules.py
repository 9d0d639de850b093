"""Issue 12, taskrecur: recurring tasks, created by a per-store schedule.

A schedule says what task to put on a store's board (title, instructions, kind, checklist,
photos, assignees, as a one-off task has) and when: every day, or weekly on chosen weekdays,
due at a local time of day in the store's zone (Hong Kong by default), appearing on the board a
lead time before it is due. The server's housekeeping pass creates each occurrence once: its task
id is derived from the schedule and the occurrence's local date.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from app.domain.access import AccessDenied
from app.domain.roster import HONG_KONG
from app.domain.tasks.model import Assignees, Task, TaskKind
from app.domain.tasks.transitions import check_new

REASON_BAD_SCHEDULE = "task_bad_schedule"
#: The longest a task may sit on the board before it is due.
MAX_LEAD = timedelta(days=6)
#: How far back a pass still creates an occurrence it missed (the server was down).
CATCH_UP = timedelta(days=1)


class Recurrence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class Schedule:
    """A store's recurring task. ``weekdays``: 0 = Monday .. 6 = Sunday (weekly only);
    ``due_time``: local time of day in ``tz``; ``lead``: how long before due it appears."""

    id: str
    store_id: str
    title: str
    assignees: Assignees
    recurrence: Recurrence
    due_time: time
    lead: timedelta = timedelta(hours=2)
    weekdays: frozenset[int] = frozenset()
    instructions: str = ""
    kind: TaskKind = TaskKind.OTHER
    checklist: tuple[str, ...] = ()
    photos_required: int = 0
    paused: bool = False


@dataclass(frozen=True)
class Occurrence:
    """One task a schedule puts on the board: its local date, due time and appearing time."""

    day: date
    due_at: datetime
    appears_at: datetime


def check_schedule(s: Schedule) -> None:
    """What a schedule's task needs (as a one-off task) and a sensible recurrence; refused with
    ``task_bad_task`` (the task part) or ``task_bad_schedule`` (the when)."""
    check_new(as_task(s, "check", None))
    problem = None
    if s.recurrence is Recurrence.WEEKLY and (not s.weekdays or not s.weekdays <= set(range(7))):
        problem = "A weekly schedule needs at least one weekday (0 = Monday .. 6 = Sunday)."
    elif s.recurrence is Recurrence.DAILY and s.weekdays:
        problem = "A daily schedule has no weekdays."
    elif not timedelta(0) <= s.lead <= MAX_LEAD:
        problem = "A task appears at most 6 days before it is due."
    if problem:
        raise AccessDenied(REASON_BAD_SCHEDULE, problem)


def _on(s: Schedule, day: date) -> bool:
    return s.recurrence is Recurrence.DAILY or day.weekday() in s.weekdays


def occurrences(s: Schedule, start: datetime, end: datetime, tz: tzinfo = HONG_KONG) -> Iterator[Occurrence]:
    """The schedule's occurrences due after ``start`` and at or before ``end``, in order
    (a paused schedule has none)."""
    if s.paused or end <= start:
        return
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        due = datetime.combine(day, s.due_time, tz)
        if _on(s, day) and start < due <= end:
            yield Occurrence(day, due, due - s.lead)
        day += timedelta(days=1)


def due_to_create(s: Schedule, created_at: datetime, now: datetime, tz: tzinfo = HONG_KONG) -> list[Occurrence]:
    """The occurrences a pass at ``now`` puts on the board: those already appearing, due after
    the schedule was made (and not more than ``CATCH_UP`` ago)."""
    return list(occurrences(s, max(created_at, now - CATCH_UP), now + s.lead, tz))


def task_id(schedule_id: str, day: date) -> str:
    """The task of one occurrence: the same for every pass and worker."""
    return "rt-" + hashlib.sha256(f"{schedule_id}:{day.isoformat()}".encode()).hexdigest()[:32]


def as_task(s: Schedule, task_id_: str, due_at: datetime | None) -> Task:
    """The task an occurrence puts on the board."""
    return Task(task_id_, s.store_id, s.title, s.assignees, s.instructions, None, due_at, s.kind, s.checklist,
                s.photos_required)
