"""Issue 12, taskrecur: a store's recurring task schedule on the wire (rules:
``app.domain.tasks.schedules``)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.domain.tasks.model import MAX_CHECKLIST, MAX_PHOTOS, MAX_TITLE, TaskKind
from app.domain.tasks.schedules import Recurrence
from app.protocol.fields import NO_CONTROL_CHARACTERS, StrictBool, StrictInt
from app.protocol.tasks import Label, Note, TaskAssignees

LocalTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class TaskScheduleIn(BaseModel):
    """What a manager sets: the task (as a one-off task has it) and when it comes back: ``daily``,
    or ``weekly`` on ``weekdays`` (0 = Monday .. 6 = Sunday), due at ``due_time`` ("HH:MM", the
    store's local time), appearing ``lead_minutes`` before; ``paused`` creates nothing."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE, strip_whitespace=True), NO_CONTROL_CHARACTERS]
    instructions: Note = ""
    kind: TaskKind = TaskKind.OTHER
    assignees: TaskAssignees
    checklist: Annotated[list[Label], Field(max_length=MAX_CHECKLIST)] = []
    photos_required: StrictInt = Field(0, ge=0, le=MAX_PHOTOS)
    recurrence: Recurrence
    weekdays: Annotated[list[Annotated[StrictInt, Field(ge=0, le=6)]], Field(max_length=7)] = []
    due_time: LocalTime
    lead_minutes: StrictInt = Field(120, ge=0, le=6 * 24 * 60)
    paused: StrictBool = False


class TaskSchedulePublic(TaskScheduleIn):
    """A stored schedule."""

    model_config = ConfigDict(extra="ignore")

    id: str
    store_id: str
    created_by: str
    created_at: datetime
    updated_at: datetime
