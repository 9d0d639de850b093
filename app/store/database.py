"""Opening a device database: one SQLite file per device, WAL, migrated on open."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from app.platform import in_browser
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
    if in_browser():
        # In the browser the file lives in memory and is saved whole to IndexedDB after each
        # commit (app.platform.browser_storage): a rollback journal keeps it one file that
        # is always complete when saved; WAL needs shared memory Pyodide does not have.
        db.execute("PRAGMA journal_mode=DELETE")
    else:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


class Locked:
    """A database plus the lock that serialises its users (UI handlers, sync thread).

    ``after_commit`` runs after each outermost transaction commits (the browser saves the
    file to IndexedDB there, so no committed action waits in memory only).
    """

    def __init__(self, db: Database, after_commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self.lock = threading.RLock()
        self._after_commit = after_commit
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic unit of work: all of it is written, or none."""
        with self.lock:
            self._depth += 1
            try:
                with self.db.atomic():
                    yield self.db
            finally:
                self._depth -= 1
            if self._depth == 0 and self._after_commit is not None:
                self._after_commit()

    @contextmanager
    def reading(self) -> Iterator[Database]:
        """Exclusive use for reads (a consistent view while the sync thread writes)."""
        with self.lock:
            yield self.db
