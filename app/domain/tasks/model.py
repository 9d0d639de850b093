"""Issue 12, taskboard: a store task, its photos and its statuses.

Stored statuses are ``TaskStatus``; "overdue" is derived from ``due_at`` and now (never stored):
a task still to do or in progress after its due time is shown as overdue.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

MAX_PHOTOS = 10
MAX_CHECKLIST = 30
MAX_TITLE = 200
MAX_LABEL = 200
#: The chain setting (key of ``chain_settings``) saying when a corrective task is due.
TASK_SETTINGS = "tasks"
MAX_DUE_HOURS = 14 * 24
OVERDUE = "overdue"


class TaskKind(StrEnum):
    PROMOTION_SETUP = "promotion_setup"
    DISPLAY = "display"
    CLEANING_CHECK = "cleaning_check"
    EQUIPMENT_REPAIR = "equipment_repair"
    OTHER = "other"


class TaskStatus(StrEnum):
    """Stored statuses. ``in_progress``: sent back for a redo (accepted photos kept)."""

    TO_DO = "to_do"
    IN_PROGRESS = "in_progress"
    WAITING_REVIEW = "waiting_review"
    DONE = "done"
    CANT_DO = "cant_do"

    @classmethod
    def read(cls, stored: str | None) -> "TaskStatus":
        """A stored status; rows written before issue 12 say ``open`` (to do) or ``done``."""
        return cls.TO_DO if stored in (None, "", "open") else cls(stored)


OPEN = (TaskStatus.TO_DO, TaskStatus.IN_PROGRESS)


class Verdict(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Assignees:
    """Who does the task: named people, everyone of a role, or whoever is on shift (one of them)."""

    user_ids: tuple[str, ...] = ()
    role: str | None = None
    on_shift: bool = False

    def as_dict(self) -> dict:
        return {"user_ids": list(self.user_ids), "role": self.role, "on_shift": self.on_shift}

    @classmethod
    def from_dict(cls, data: Mapping | None) -> "Assignees":
        data = data or {}
        return cls(tuple(data.get("user_ids") or ()), data.get("role"), bool(data.get("on_shift")))

    def forms(self) -> int:
        """How many of the three forms are given (a valid task has exactly one)."""
        return int(bool(self.user_ids)) + int(self.role is not None) + int(self.on_shift)

    def includes(self, user_id: str, role: str, on_shift_now: bool) -> bool:
        """Whether this person is an assignee (``on_shift_now``: they have a shift at the store now)."""
        if not self.forms():
            return True  # a task from before issue 12: anyone at its store
        if self.user_ids:
            return user_id in self.user_ids
        if self.role is not None:
            return role == self.role
        return self.on_shift and on_shift_now


@dataclass(frozen=True)
class TaskPhoto:
    """A photo sent with a completion (``round``: which completion), and the reviewer's verdict."""

    sha256: str
    round: int
    verdict: Verdict = Verdict.PENDING
    comment: str = ""

    def as_dict(self) -> dict:
        return {"sha256": self.sha256, "round": self.round, "verdict": self.verdict.value, "comment": self.comment}

    @classmethod
    def from_dict(cls, data: Mapping) -> "TaskPhoto":
        return cls(str(data["sha256"]), int(data.get("round") or 1), Verdict(data.get("verdict") or "pending"),
                   str(data.get("comment") or ""))


@dataclass(frozen=True)
class Task:
    """A task on a store's board, as the rules see it."""

    id: str
    store_id: str
    title: str
    assignees: Assignees
    instructions: str = ""
    example_photo: str | None = None
    due_at: datetime | None = None
    kind: TaskKind = TaskKind.OTHER
    checklist: tuple[str, ...] = ()
    photos_required: int = 0
    after_photo_required: bool = False
    status: TaskStatus = TaskStatus.TO_DO
    completed_by: str | None = None
    photos: tuple[TaskPhoto, ...] = field(default_factory=tuple)
    round: int = 0  # completions sent so far

    def with_(self, **changes: Any) -> "Task":
        return replace(self, **changes)


def photos_to_send(task: Task) -> int:
    """How many photos the next completion sends: after a send-back just the rejected ones of the
    last round (the accepted ones are kept); else the required number (at least one "after"
    photo on a corrective task; a first completion may add more, up to ``MAX_PHOTOS``)."""
    if task.status is TaskStatus.IN_PROGRESS and task.round > 0:
        return len(sent_back_photos(task))
    return max(task.photos_required, 1 if task.after_photo_required else 0)


def is_overdue(task: Task, now: datetime) -> bool:
    """Still to do (or sent back) after its due time."""
    return task.due_at is not None and task.status in OPEN and now > task.due_at


def shown_status(task: Task, now: datetime) -> str:
    """The status a board shows: the stored one, or ``overdue``."""
    return OVERDUE if is_overdue(task, now) else task.status.value


def on_shift_at(shift_spans: Iterable[tuple[datetime, datetime]], now: datetime) -> bool:
    """"Whoever is on shift": one of the person's published shifts at the task's store runs at
    ``now`` (its start and end included)."""
    return any(starts <= now <= ends for starts, ends in shift_spans)


def sent_back_photos(task: Task) -> tuple[TaskPhoto, ...]:
    """The photos of the last round the reviewer sent back (what the redo replaces)."""
    return tuple(p for p in task.photos if p.round == task.round and p.verdict is Verdict.REJECTED)


def pending_photos(task: Task) -> tuple[TaskPhoto, ...]:
    return tuple(p for p in task.photos if p.verdict is Verdict.PENDING)


@dataclass(frozen=True)
class TaskSettings:
    """The chain's task settings: how many hours a corrective task (from an inspection) has."""

    corrective_due_hours: int = 24

    def __post_init__(self) -> None:
        hours = self.corrective_due_hours
        if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_DUE_HOURS:
            raise ValueError(f"corrective_due_hours must be a whole number from 1 to {MAX_DUE_HOURS}")

    def due(self, since: datetime) -> datetime:
        return since + timedelta(hours=self.corrective_due_hours)

    def to_dict(self) -> dict:
        return {"corrective_due_hours": self.corrective_due_hours}

    @classmethod
    def from_dict(cls, data: Any) -> "TaskSettings":
        if not isinstance(data, dict) or set(data) - {"corrective_due_hours"}:
            raise ValueError("settings must be an object with corrective_due_hours only")
        return cls(**data)


def kind_for_finding(section: str, label: str) -> TaskKind:
    """A corrective task's kind: a cleaning check when the failed item is about cleaning."""
    text = f"{section} {label}".casefold()
    return TaskKind.CLEANING_CHECK if any(w in text for w in ("clean", "hygien", "tidy")) else TaskKind.OTHER


def photos_from(rows: Iterable[Mapping]) -> tuple[TaskPhoto, ...]:
    return tuple(TaskPhoto.from_dict(r) for r in rows)
