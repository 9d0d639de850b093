"""The sync engine: upload queued photos, drain the outbox in order, pull changes.

Exactly-once delivery is a joint effort: the device numbers its mutations and keeps them
until the server answers; the server records each number and key with its effects in
one transaction. So any retry (lost request, lost response, duplicate, crash on either
side) is safe, and the engine simply resends whatever is still pending.
"""

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.protocol import ItemStatus, PushRequest, Reason
from app.store import DeviceStore, apply_page, get_cursor
from app.store.pull_apply import forget_pulled
from app.store import outbox
from app.sync.api import ApiClient
from app.sync.backoff import full_jitter
from app.sync.errors import RequestRejected, TransientError


@dataclass
class SyncReport:
    """What one sync round did."""

    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0
    photos: int = 0
    waiting: int = 0
    server_last_seq: int | None = None  # the server's count of this device's mutations
    finished_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class SyncEngine:
    """Moves one device's data to and from the server.

    Args:
        store: the device store.
        api: a signed-in API client for the same device.
        batch_size: mutations per push (the server takes at most 500).
        max_attempts: tries per request on network errors and 5xx before giving up
            until the next round.
        sleep / rng: injectable for tests (backoff is exponential with full jitter).
    """

    def __init__(self, store: DeviceStore, api: ApiClient, *, batch_size: int = 200,
                 max_attempts: int = 4, base_delay: float = 0.5, max_delay: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        self.store, self.api = store, api
        self.batch_size, self.max_attempts = batch_size, max_attempts
        self.base_delay, self.max_delay = base_delay, max_delay
        self._sleep, self._rng = sleep, rng or random.Random()
        self._round = threading.Lock()

    def _retrying(self, call: Callable):
        for attempt in range(self.max_attempts):
            try:
                return call()
            except TransientError:
                if attempt == self.max_attempts - 1:
                    raise
                self._sleep(full_jitter(attempt, base=self.base_delay, cap=self.max_delay, rng=self._rng))
        raise AssertionError("unreachable")

    def upload_photos(self) -> int:
        """Upload queued photos first: a mutation never reaches the server before its photo."""
        with self.store.reading() as db:
            queued = list(db.query("SELECT sha256, path FROM photo_uploads WHERE status='pending'"))
        for row in queued:
            data = Path(row["path"]).read_bytes()
            self._retrying(lambda: self.api.upload_photo(row["sha256"], data))
            with self.store.transaction() as db:
                db.execute("UPDATE photo_uploads SET status='done' WHERE sha256=?", [row["sha256"]])
        return len(queued)

    def push(self, report: SyncReport | None = None, resend_from: int | None = None) -> SyncReport:
        """Push every pending mutation, oldest first, in batches (and from ``resend_from``
        on also the answered ones: the server lost them)."""
        report = report or SyncReport()
        while True:
            with self.store.reading() as db:
                batch = outbox.pending(db, self.batch_size, from_seq=resend_from)
            if not batch:
                return report
            request = PushRequest(device_id=self.store.device_id, sent=self.store.clock.stamp(),
                                  mutations=batch)
            try:
                response = self._retrying(lambda: self.api.push(request))
            except RequestRejected as exc:
                expected = (exc.details or {}).get("expected_seq") if exc.code == Reason.SEQUENCE_GAP else None
                if expected is None or (resend_from is not None and expected <= resend_from):
                    raise
                # The server is missing earlier mutations (e.g. restored from a backup):
                # resend from where it stands, including ones it once acknowledged.
                resend_from = expected
                continue
            resend_from = None
            with self.store.transaction() as db:
                outbox.record_results(db, response.results)
            for res in response.results:
                outcome = res.original_status if res.status is ItemStatus.DUPLICATE else res.status
                if res.status is ItemStatus.DUPLICATE:
                    report.duplicates += 1
                if outcome is ItemStatus.REJECTED:
                    report.rejected += 1
                elif res.status is ItemStatus.APPLIED:
                    report.applied += 1

    def pull(self, report: SyncReport | None = None, page_size: int = 500) -> SyncReport:
        """Pull pages until caught up; each page and its cursor commit together."""
        report = report or SyncReport()
        while True:
            with self.store.reading() as db:
                cursor = get_cursor(db)
            try:
                page = self._retrying(lambda: self.api.pull(cursor, page_size))
            except RequestRejected as exc:
                if exc.code != "invalid_cursor" or not cursor:
                    raise
                # The server no longer knows our position (e.g. restored from a backup):
                # pull everything again, dropping what it no longer holds.
                with self.store.transaction() as db:
                    forget_pulled(db)
                continue
            with self.store.transaction() as db:
                report.pulled += apply_page(db, page.changes, page.cursor)
            report.server_last_seq = page.last_applied_seq
            if not page.has_more:
                return report

    def _resend_forgotten(self, report: SyncReport) -> None:
        """The server answered mutations it no longer has (restored from a backup): send them
        again. A device with nothing pending never meets the ``sequence_gap`` that would
        tell it, so the pull reports the server's count."""
        known = report.server_last_seq
        with self.store.reading() as db:
            answered = outbox.last_answered_seq(db)
        if known is not None and known < answered:
            self.push(report, resend_from=known + 1)
            self.pull(report)

    def sync_once(self) -> SyncReport:
        """One full round: photos, push, pull. Raises on failure (nothing is lost)."""
        with self._round:
            report = SyncReport()
            report.photos = self.upload_photos()
            self.push(report)
            self.pull(report)
            self._resend_forgotten(report)
            with self.store.reading() as db:
                report.waiting = outbox.waiting_count(db)
            report.finished_at = datetime.now(UTC)
            self.store.set_meta("last_sync_at", report.finished_at.isoformat())
            return report
