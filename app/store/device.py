"""A device's local store: its database, identity, session and sync bookkeeping."""

import json
import uuid
from collections.abc import Callable
from pathlib import Path

from app.store.clock import DeviceClock
from app.store.database import Locked, open_database


def device_db_path(storage_dir: Path, device_id: str) -> Path:
    """Each device (each browser, in web mode) gets its own database file."""
    safe = "".join(c for c in device_id if c.isalnum() or c in "-_")
    if not safe:
        raise ValueError("device id must contain letters or digits")
    return storage_dir / "devices" / f"{safe}.db"


class DeviceStore(Locked):
    """The local database of one device, plus its clock."""

    def __init__(self, path: Path | str, device_id: str | None = None, *,
                 after_commit: Callable[[], None] | None = None) -> None:
        super().__init__(open_database(path), after_commit)
        self.path = path
        self.clock = DeviceClock()
        stored = self.get_meta("device_id")
        if stored is None:
            stored = device_id or f"dev-{uuid.uuid4().hex}"
            self.set_meta("device_id", stored)
        self.device_id = stored
        offset = self.get_meta("clock_offset_ms")
        self.clock.offset_ms = int(offset) if offset is not None else None

    def get_meta(self, key: str) -> str | None:
        with self.reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self.transaction() as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key=?", [key])
            else:
                db["meta"].upsert({"key": key, "value": value}, pk="key")

    def set_clock_offset(self, offset_ms: int) -> None:
        """Remember the latest server-offset estimate (stamped on later events)."""
        self.clock.offset_ms = offset_ms
        self.set_meta("clock_offset_ms", str(offset_ms))

    # The session: user + refresh token. Secure storage is preferred where the platform has
    # it (the UI decides); this is the fallback and the record of who is signed in.
    def save_session(self, user: dict, refresh_token: str | None) -> None:
        self.set_meta("session_user", json.dumps(user, ensure_ascii=False))
        self.set_meta("refresh_token", refresh_token)

    def load_session(self) -> tuple[dict | None, str | None]:
        raw = self.get_meta("session_user")
        return (json.loads(raw) if raw else None), self.get_meta("refresh_token")

    def clear_session(self) -> None:
        """Logout: forget the user and tokens (queued actions stay for the next sign-in)."""
        for key in ("session_user", "refresh_token"):
            self.set_meta(key, None)

    def close(self) -> None:
        with self.lock:
            self.db.close()
