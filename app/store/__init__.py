"""The device database: migrations, the outbox, user actions and pulled data."""

from app.store.actions import Actions, PunchActions, local_photo
from app.store.clock import DeviceClock
from app.store.database import Locked, open_database
from app.store.device import DeviceStore, device_db_path
from app.store.migrations import MIGRATIONS, migrate
from app.store.pull_apply import apply_page, get_cursor
from app.store import face_profile, queries

__all__ = [
    "MIGRATIONS",
    "Actions",
    "PunchActions",
    "local_photo",
    "face_profile",
    "DeviceClock",
    "DeviceStore",
    "Locked",
    "apply_page",
    "device_db_path",
    "get_cursor",
    "migrate",
    "open_database",
    "queries",
]
