"""Sync: the API client and the engine that drains the outbox and pulls changes."""

from app.sync.api import ApiClient
from app.sync.backoff import full_jitter
from app.sync.engine import SyncEngine, SyncReport
from app.sync.errors import (
    AuthRequired,
    NetworkError,
    RequestRejected,
    ServerError,
    SyncError,
    TransientError,
)

__all__ = [
    "ApiClient",
    "AuthRequired",
    "NetworkError",
    "RequestRejected",
    "ServerError",
    "SyncEngine",
    "SyncError",
    "SyncReport",
    "TransientError",
    "full_jitter",
]
