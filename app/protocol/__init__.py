"""The wire format shared by the client's sync engine and the server's routes."""

from app.protocol.auth import LoginRequest, PinReset, RefreshRequest, SetPinRequest, TokenPair, UserPublic
from app.protocol.calendar import CalendarFeedPublic
from app.protocol.errors import ErrorBody
from app.protocol.mutations import PAYLOADS
from app.protocol.reasons import Flag, Reason
from app.protocol.sync import (
    MAX_BATCH,
    MAX_PULL_PAGE,
    Change,
    EventClock,
    ItemResult,
    ItemStatus,
    Mutation,
    PullResponse,
    PushRequest,
    PushResponse,
)

__all__ = [
    "CalendarFeedPublic",
    "MAX_BATCH",
    "MAX_PULL_PAGE",
    "PAYLOADS",
    "Change",
    "ErrorBody",
    "EventClock",
    "Flag",
    "ItemResult",
    "ItemStatus",
    "LoginRequest",
    "PinReset",
    "SetPinRequest",
    "Mutation",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "Reason",
    "RefreshRequest",
    "TokenPair",
    "UserPublic",
]
