"""Push and pull: the wire format of the sync protocol (see docs/sync.md)."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.protocol.reasons import Flag, Reason
from app.protocol.fields import JsonInt, NonNegativeJsonInt, Seq, WireTime

#: Largest number of mutations one push may carry; more is HTTP 413.
MAX_BATCH = 500
#: Largest page of changes one pull returns.
MAX_PULL_PAGE = 1000


class EventClock(BaseModel):
    """When something happened, as the device saw it.

    ``device_time`` is the device's wall clock (untrusted), ``monotonic_ms`` a reading
    of its monotonic clock within ``boot_id`` (comparable only within the same boot),
    and ``clock_offset_ms`` the device's estimate of server minus device time, from
    response Date headers (``None`` before the first contact).
    """

    model_config = ConfigDict(extra="forbid")

    device_time: WireTime
    monotonic_ms: NonNegativeJsonInt
    boot_id: str = Field(min_length=1, max_length=64)
    clock_offset_ms: JsonInt | None = None


class Mutation(BaseModel):
    """One user action, numbered per device."""

    model_config = ConfigDict(extra="forbid")

    seq: Seq
    idempotency_key: UUID
    type: str = Field(min_length=1, max_length=64)
    payload: dict[str, Any]
    clock: EventClock


class PushRequest(BaseModel):
    """A batch of consecutive mutations from one device."""

    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(min_length=8, max_length=64)
    sent: EventClock
    mutations: list[Mutation] = Field(min_length=1)


class ItemStatus(StrEnum):
    """Outcome of one mutation. ``duplicate`` means: seen before, not applied again."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class ItemResult(BaseModel):
    """Per-mutation answer to a push."""

    seq: int
    idempotency_key: UUID
    status: ItemStatus
    #: For a duplicate: what happened the first time (applied or rejected).
    original_status: ItemStatus | None = None
    # Plain strings when parsed (forward compatible); the document lists the codes.
    reason: str | None = Field(default=None, json_schema_extra={"enum": [*(r.value for r in Reason), None]})
    message: str | None = None
    flags: list[str] = Field(default_factory=list, json_schema_extra={"items": {"enum": [f.value for f in Flag]}})


class PushResponse(BaseModel):
    """Answer to a push: one result per mutation, in order."""

    results: list[ItemResult]
    last_applied_seq: int
    server_time: datetime


class Change(BaseModel):
    """One row of the server's change feed."""

    seq: int
    entity: str
    id: str
    op: Literal["upsert", "delete"]
    data: dict[str, Any] | None = None


class PullResponse(BaseModel):
    """A page of changes since a cursor. Store ``cursor`` only after applying ``changes``."""

    changes: list[Change]
    cursor: str
    has_more: bool
    #: The server's last applied mutation number for the calling device. Lower than the
    #: last one the device got an answer for means the server forgot some (restored from a
    #: backup): the device re-sends from the next number. ``None`` from older servers.
    last_applied_seq: int | None = None
