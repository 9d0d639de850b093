"""Background sync for one session, and the status the screens show."""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.platform import offload
from app.store import DeviceStore
from app.store import outbox
from app.sync import AuthRequired, ServerError, SyncEngine, SyncError, TransientError

log = logging.getLogger(__name__)


@dataclass
class SyncStatus:
    """What the status strip shows: online, waiting count, last sync, rejected count."""

    online: bool = True
    syncing: bool = False
    waiting: int = 0
    rejected: int = 0
    last_sync: datetime | None = None
    error: str | None = None
    #: The last round failed for a reason other than the network (a bug, a bad answer): the
    #: loop keeps retrying and the strip says so instead of claiming all is well.
    problem: bool = False
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def changed(self) -> None:
        for listener in list(self.listeners):
            listener()


def state_text(status: SyncStatus, gettext: Callable[[str], str]) -> str:
    """The strip's one-word state: syncing, offline, a problem (retrying) or online."""
    if status.syncing:
        return gettext("Syncing…")
    if not status.online:
        return gettext("Offline")
    if status.problem:
        # Translators: status strip: the last sync failed for an unexpected reason; it retries by itself.
        return gettext("Sync problem, retrying")
    return gettext("Online")


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
        """One round; any failure is shown on the strip, and never ends the caller."""
        self.status.syncing = True
        self.status.changed()
        report = None
        try:
            report = await offload(self.engine.sync_once)
            self.status.online, self.status.error, self.status.problem = True, None, False
        except ServerError as exc:  # a server answered: the phone is online, the server is not well
            self.status.online, self.status.error, self.status.problem = True, str(exc), True
        except TransientError as exc:
            self.status.online, self.status.error = False, str(exc)
        except AuthRequired:
            self.status.error = "auth"
            self._on_auth_required()
        except SyncError as exc:
            self.status.online, self.status.error, self.status.problem = True, str(exc), True
            log.warning("sync round refused: %s", exc)
        except Exception as exc:  # a bug or an answer nobody foresaw: retry, never die
            self.status.online, self.status.error, self.status.problem = True, type(exc).__name__, True
            log.exception("sync round failed")
        finally:
            self.status.syncing = False
            self._settle_status()
        self._on_synced(report)

    def _settle_status(self) -> None:
        try:
            self.refresh_counts()
        except Exception:  # the strip may show old counts; the next round tries again
            log.exception("sync status not refreshed")
        self.status.changed()

    async def loop(self) -> None:
        """Sync now, then every ``interval_s`` or whenever ``request`` is called, until stopped.

        No exception from a round (or from the screens told about it) ends the loop.
        """
        while not self._stopped:
            try:
                await self.run_once()
            except Exception:
                log.exception("after a sync round")
            # Offline or failing: retry sooner, but never hammer (the engine backs off inside a round).
            healthy = self.status.online and not self.status.problem
            delay = self.interval_s if healthy else min(self.interval_s, 5.0)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            self._wake.clear()
