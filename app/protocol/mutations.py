"""Payloads of each mutation type. The server validates every payload with these."""

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BroadcastRead(_Payload):
    """A staff member confirms they read a broadcast (read receipt)."""

    broadcast_id: Id
    user_id: Id
    read_at: AwareDatetime


class NoteAdd(_Payload):
    """A hand-over note left for a store (optionally about one shift)."""

    note_id: Id
    user_id: Id
    store_id: Id
    body: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
    shift_id: Id | None = None


class NoteDelete(_Payload):
    """The author withdraws their note."""

    note_id: Id


class TaskComplete(_Payload):
    """A task marked done, optionally with a comment and a photo (uploaded separately)."""

    task_id: Id
    user_id: Id
    completed_at: AwareDatetime
    comment: Annotated[str, StringConstraints(max_length=2000)] = ""
    photo_sha256: Sha256 | None = None


class BroadcastCreate(_Payload):
    """A manager sends a broadcast to stores."""

    broadcast_id: Id
    store_ids: list[Id] = Field(min_length=1, max_length=500)
    title: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    body: Annotated[str, StringConstraints(max_length=5000)] = ""


#: Mutation type name -> payload model. A type not listed here is rejected per item.
PAYLOADS: dict[str, type[BaseModel]] = {
    "broadcast.read": BroadcastRead,
    "note.add": NoteAdd,
    "note.delete": NoteDelete,
    "task.complete": TaskComplete,
    "broadcast.create": BroadcastCreate,
}


