"""Issue 12, taskboard: payloads of the task board's mutations (rules: ``app.domain.tasks``)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.domain.tasks.model import MAX_CHECKLIST, MAX_LABEL, MAX_PHOTOS, MAX_TITLE, TaskKind, TaskStatus
from app.domain.tasks.transitions import MIN_REASON
from app.protocol.fields import NO_CONTROL_CHARACTERS, StrictBool, StrictInt, WireTime
from app.protocol.mutations import Id, Sha256, _Payload

Note = Annotated[str, StringConstraints(max_length=2000), NO_CONTROL_CHARACTERS]
Label = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LABEL, strip_whitespace=True), NO_CONTROL_CHARACTERS]


class TaskAssignees(_Payload):
    """Named people, everyone of a role at the store, or whoever is on shift there (one of them)."""

    user_ids: Annotated[list[Id], Field(max_length=50)] = []
    role: Annotated[str, StringConstraints(max_length=32)] | None = None
    on_shift: StrictBool = False


class TaskCreate(_Payload):
    """A manager of the store (store, area or HQ) puts a task on its board."""

    task_id: Id
    store_id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE, strip_whitespace=True), NO_CONTROL_CHARACTERS]
    instructions: Note = ""
    example_photo_sha256: Sha256 | None = None
    due_at: WireTime | None = None
    kind: TaskKind = TaskKind.OTHER
    assignees: TaskAssignees
    checklist: Annotated[list[Label], Field(max_length=MAX_CHECKLIST)] = []
    photos_required: StrictInt = Field(0, ge=0, le=MAX_PHOTOS)


class TaskComplete(_Payload):
    """An assignee sends a task for review: its photos (uploaded separately), a note and the
    checklist items ticked (indexes). ``photo_sha256``: one photo, as apps before issue 12 send it."""

    task_id: Id
    user_id: Id
    completed_at: WireTime
    comment: Note = ""
    photo_sha256: Sha256 | None = None
    photo_sha256s: Annotated[list[Sha256], Field(max_length=MAX_PHOTOS)] = []
    checklist_ticks: Annotated[list[Annotated[StrictInt, Field(ge=0, lt=MAX_CHECKLIST)]],
                               Field(max_length=MAX_CHECKLIST)] = []

    def photos(self) -> list[str]:
        """Every photo sent (the old single field first)."""
        return ([self.photo_sha256] if self.photo_sha256 else []) + [s for s in self.photo_sha256s
                                                                     if s != self.photo_sha256]


class TaskCantDo(_Payload):
    """An assignee cannot do the task, and says why."""

    task_id: Id
    user_id: Id
    reason: Annotated[str, StringConstraints(min_length=MIN_REASON, max_length=1000, strip_whitespace=True), NO_CONTROL_CHARACTERS]
    at: WireTime


class TaskUndo(_Payload):
    """Whoever completed the task takes the completion back before review."""

    task_id: Id
    user_id: Id


class TaskReview(_Payload):
    """A manager of the store approves the task, or sends it back: ``rejected`` maps each photo
    sent back to what is wrong with it; ``comment``: for the whole task (a task without photos)."""

    task_id: Id
    approve: StrictBool
    rejected: Annotated[dict[Sha256, Annotated[str, StringConstraints(max_length=500)]],
                        Field(max_length=MAX_PHOTOS)] = {}
    comment: Annotated[str, StringConstraints(max_length=1000), NO_CONTROL_CHARACTERS] = ""


TASK_PAYLOADS = {
    "task.create": TaskCreate,
    "task.complete": TaskComplete,
    "task.cant_do": TaskCantDo,
    "task.undo": TaskUndo,
    "task.review": TaskReview,
}


class TaskPhotoPublic(BaseModel):
    """A photo sent with a completion, the reviewer's verdict and comment, and its flags."""

    sha256: str
    round: int
    verdict: Literal["pending", "accepted", "rejected"]
    comment: str
    flags: list[str]


class TaskPublic(BaseModel):
    """A task on a store's board. ``status`` is stored; ``shown_status`` adds ``overdue`` (a task
    to do or in progress after its due time)."""

    id: str
    store_id: str
    title: str
    description: str = Field(description="The instructions")
    kind: TaskKind
    example_photo_sha256: str | None
    due_at: datetime | None
    status: TaskStatus
    shown_status: Literal["to_do", "in_progress", "waiting_review", "done", "cant_do", "overdue"]
    assignees: dict
    checklist: list[str]
    checklist_ticks: list[int]
    photos_required: int
    after_photo_required: bool
    completed_by: str | None
    completed_at: datetime | None
    comment: str
    cant_do_reason: str | None
    review_comment: str | None
    reviewed_by: str | None
    inspection_id: str | None
    finding_item_id: str | None
    schedule_id: str | None = Field(None, description="Issue 12, taskrecur: the schedule it came from")
    department_id: str | None = Field(None, description="Issue 12, taskrecur: the department a repair was sent to")
    department_name: str | None = Field(None, description="Its name in the chain's departments (the board: \"Sent to ...\")")
    photos: list[TaskPhotoPublic]
    photo_flags: list[str]
