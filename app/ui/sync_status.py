"""Background sync for one session, and the status the screens show."""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.platform import offload
from app.store import DeviceStore
from app.store import outbox
from app.sync import AuthRequired, NetworkError, ServerError, SyncEngine, SyncError, TransientError

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
    """The strip's one-word state: offline, syncing, a problem (retrying) or online.

    Offline wins over syncing: a retry in the background while the API cannot be reached must
    not make the strip look connected (it flashed "Syncing…" every few seconds).
    """
    if not status.online:
        return gettext("Offline")
    if status.syncing:
        return gettext("Syncing…")
    if status.problem:
        # Translators: status strip: the last sync failed for an unexpected reason; it retries by itself.
        return gettext("Sync problem, retrying")
    return gettext("Online")


def healthy(status: SyncStatus) -> bool:
    """The API answered the last contact and the last round went well."""
    return status.online and not status.problem


def last_sync_text(status: SyncStatus, tr) -> str:
    """"Last synced 14:05" today; with the date when it was another day (a strip showing only a
    time would hide that the device has not synced since yesterday)."""
    if status.last_sync is None:
        return tr.gettext("Never synced")
    same_day = tr.to_local(status.last_sync).date() == tr.now().date()
    when = tr.format_time(status.last_sync, "short") if same_day else tr.format_datetime(status.last_sync, "short")
    return tr.gettext("Last synced {time}", time=when)


class SyncRunner:
    """Runs sync rounds off the UI thread: on an interval, on demand, after each action."""

    def __init__(self, store: DeviceStore, engine: SyncEngine, status: SyncStatus, *,
                 interval_s: float, on_auth_required: Callable[[], None],
                 on_synced: Callable[[object], None], probe_s: float = 10.0) -> None:
        self.store, self.engine, self.status = store, engine, status
        self.interval_s = interval_s
        #: Between rounds, how often to check the API still answers (so "Online" never outlives it).
        self.probe_s = probe_s
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
        except AuthRequired:  # the server answered, it only refused our session
            self.status.online, self.status.error = True, "auth"
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
            await self._until_next_round()
            self._wake.clear()

    async def _until_next_round(self) -> None:
        """Wait until the next round is due or asked for. Offline or failing: retry sooner, but
        never hammer (the engine backs off inside a round). Online: check every ``probe_s`` that
        the API still answers; when it does not, say "Offline" and start a round at once."""
        delay = self.interval_s if healthy(self.status) else min(self.interval_s, 5.0)
        due = time.monotonic() + delay
        while (left := due - time.monotonic()) > 0 and not self._stopped:
            step = min(left, self.probe_s) if self.status.online else left
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=step)
                return
            except TimeoutError:
                pass
            if self.status.online and due - time.monotonic() > 0 and not await self._api_answers():
                return

    async def _api_answers(self) -> bool:
        """Ask the API's health endpoint; an unreachable API turns the strip to "Offline" now."""
        try:
            await offload(self.engine.api.ping)
        except NetworkError as exc:
            self.status.online, self.status.error = False, str(exc)
            self.status.changed()
            return False
        except Exception:  # anything else is for the next round to judge and show
            log.debug("API probe failed", exc_info=True)
        return True
