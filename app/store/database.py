"""Opening a device database: one SQLite file per device, WAL, migrated on open."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from app.store.migrations import migrate


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and migrate a device database.

    The connection is shared by the UI and the sync thread, so it is opened with
    ``check_same_thread=False`` and every use goes through ``DeviceStore``'s lock.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


class Locked:
    """A database plus the lock that serialises its users (UI handlers, sync thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic unit of work: all of it is written, or none."""
        with self.lock, self.db.atomic():
            yield self.db

    @contextmanager
    def reading(self) -> Iterator[Database]:
        """Exclusive use for reads (a consistent view while the sync thread writes)."""
        with self.lock:
            yield self.db
