"""Background sync for one session, and the status the screens show."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.store import DeviceStore
from app.store import outbox
from app.sync import AuthRequired, SyncEngine, SyncError, TransientError


@dataclass
class SyncStatus:
    """What the status strip shows: online, waiting count, last sync, rejected count."""

    online: bool = True
    syncing: bool = False
    waiting: int = 0
    rejected: int = 0
    last_sync: datetime | None = None
    error: str | None = None
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def changed(self) -> None:
        for listener in list(self.listeners):
            listener()


class SyncRunner:
    """Runs sync rounds off the UI thread: on an interval, on demand, after each action."""

    def __init__(self, store: DeviceStore, engine: SyncEngine, status: SyncStatus, *,
                 interval_s: float, on_auth_required: Callable[[], None],
                 on_synced: Callable[[object], None]) -> None:
        self.store, self.engine, self.status = store, engine, status
        self.interval_s = interval_s
        self._on_auth_required, self._on_synced = on_auth_required, on_synced
        self._wake = asyncio.Event()
        self._stopped = False

    def refresh_counts(self) -> None:
        with self.store.reading() as db:
            self.status.waiting = outbox.waiting_count(db)
            self.status.rejected = len(outbox.rejected(db))
        last = self.store.get_meta("last_sync_at")
        self.status.last_sync = datetime.fromisoformat(last) if last else None

    def request(self) -> None:
        """Ask for a sync round as soon as possible (after an action, 'Sync now', reconnect)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    async def run_once(self) -> None:
        self.status.syncing = True
        self.status.changed()
        report = None
        try:
            report = await asyncio.to_thread(self.engine.sync_once)
            self.status.online, self.status.error = True, None
        except TransientError as exc:
            self.status.online, self.status.error = False, str(exc)
        except AuthRequired:
            self.status.error = "auth"
            self._on_auth_required()
        except SyncError as exc:
            self.status.error = str(exc)
        finally:
            self.status.syncing = False
            self.refresh_counts()
            self.status.changed()
        self._on_synced(report)

    async def loop(self) -> None:
        """Sync now, then every ``interval_s`` or whenever ``request`` is called."""
        while not self._stopped:
            await self.run_once()
            # Offline: retry sooner, but never hammer (the engine already backs off inside a round).
            delay = self.interval_s if self.status.online else min(self.interval_s, 5.0)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            self._wake.clear()
