"""The sync engine: upload queued photos, drain the outbox in order, pull changes.

Exactly-once delivery is a joint effort: the device numbers its mutations and keeps them
until the server answers; the server records each number and key with its effects in
one transaction. So any retry (lost request, lost response, duplicate, crash on either
side) is safe, and the engine simply resends whatever is still pending.
"""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.platform import make_lock, pause
from app.protocol import ItemStatus, PushRequest, Reason
from app.protocol.mutations import VOID
from app.store import DeviceStore, apply_page, get_cursor
from app.store.pull_apply import forget_pulled
from app.store import outbox
from app.sync.api import ApiClient
from app.sync.backoff import full_jitter
from app.sync.errors import RequestRejected, TransientError

log = logging.getLogger(__name__)

#: Statuses that refuse one photo for good (bad bytes, too large, wrong type, undecodable).
#: Anything else (network, 5xx, 429, an upload-offset race) is retried in a later round.
PERMANENT_PHOTO_REFUSALS = frozenset({400, 413, 415, 422})
#: Statuses of a refused push that some mutation in it will always get (too large, invalid).
PERMANENT_ITEM_REFUSALS = frozenset({413, 422})


def _blames_mutations(exc: RequestRejected) -> bool:
    """Whether a refused push is about its mutations (not the device id or the send stamp)."""
    if exc.status == 413:
        return True
    fields = [f.get("field", "") for f in exc.details or [] if isinstance(f, dict)]
    return bool(fields) and all(f.startswith("mutations") for f in fields)


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
                 sleep: Callable[[float], None] = pause, rng: random.Random | None = None) -> None:
        self.store, self.api = store, api
        self.batch_size, self.max_attempts = batch_size, max_attempts
        self.base_delay, self.max_delay = base_delay, max_delay
        self._sleep, self._rng = sleep, rng or random.Random()
        self._round = make_lock()  # one round at a time (a browser has no threads to block)

    def _retrying(self, call: Callable):
        """Call, retrying network errors, 5xx and 429 (too many requests) with backoff."""
        for attempt in range(self.max_attempts):
            try:
                return call()
            except (TransientError, RequestRejected) as exc:
                if isinstance(exc, RequestRejected) and exc.status != 429:
                    raise
                if attempt == self.max_attempts - 1:
                    raise
                self._sleep(full_jitter(attempt, base=self.base_delay, cap=self.max_delay, rng=self._rng))
        raise AssertionError("unreachable")

    def upload_photos(self, report: SyncReport | None = None) -> int:
        """Upload the photos waiting actions cite, first: a mutation never reaches the server
        before its photo. A photo the server refuses for good (wrong type, too large,
        undecodable) refuses the actions citing it, and the others go on."""
        with self.store.transaction() as db:
            unused = outbox.drop_unused_photos(db)
            queued = list(db.query("SELECT sha256, path FROM photo_uploads WHERE status='pending'"))
        for path in unused:
            Path(path).unlink(missing_ok=True)
        uploaded = 0
        for row in queued:
            refusal = self._upload_one(row["sha256"], row["path"])
            with self.store.transaction() as db:
                if refusal is None:
                    db.execute("UPDATE photo_uploads SET status='done' WHERE sha256=?", [row["sha256"]])
                    uploaded += 1
                    continue
                refused = outbox.refuse(db, outbox.citing(db, row["sha256"]), *refusal)
                db.execute("UPDATE photo_uploads SET status='rejected', reason=?, message=? WHERE sha256=?",
                           [*refusal, row["sha256"]])
            Path(row["path"]).unlink(missing_ok=True)  # never sent: no reason to keep a face on the phone
            log.warning("photo %s refused (%s): %d action(s) refused", row["sha256"][:12], refusal[0], refused)
            if report is not None:
                report.rejected += refused
        return uploaded

    def _upload_one(self, sha256: str, path: str) -> tuple[str, str] | None:
        """Upload one photo; ``(reason, message)`` when it can never be uploaded."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            return Reason.PHOTO_MISSING.value, f"{type(exc).__name__}"
        try:
            self._retrying(lambda: self.api.upload_photo(sha256, data))
        except RequestRejected as exc:
            if exc.status not in PERMANENT_PHOTO_REFUSALS:
                raise
            return exc.code, exc.message
        return None

    def push(self, report: SyncReport | None = None, resend_from: int | None = None) -> SyncReport:
        """Push every pending mutation, oldest first, in batches (and from ``resend_from``
        on also the answered ones: the server lost them)."""
        report = report or SyncReport()
        size = self.batch_size
        while True:
            with self.store.reading() as db:
                batch = outbox.pending(db, size, from_seq=resend_from)
            if not batch:
                return report
            request = PushRequest(device_id=self.store.device_id, sent=self.store.clock.stamp(),
                                  mutations=batch)
            try:
                response = self._retrying(lambda: self.api.push(request))
            except RequestRejected as exc:
                expected = (exc.details or {}).get("expected_seq") if exc.code == Reason.SEQUENCE_GAP else None
                if expected is not None and (resend_from is None or expected > resend_from):
                    # The server is missing earlier mutations (e.g. restored from a backup):
                    # resend from where it stands, including ones it once acknowledged.
                    resend_from = expected
                    continue
                if exc.status not in PERMANENT_ITEM_REFUSALS or not _blames_mutations(exc):
                    raise
                size = self._narrow(batch, exc, report)
                continue
            resend_from = None
            with self.store.transaction() as db:
                outbox.record_results(db, response.results)
            self._count(batch, response.results, report)

    def _narrow(self, batch: list, exc: RequestRejected, report: SyncReport) -> int:
        """The server refused a whole batch (too large, invalid): halve it until the one
        mutation it cannot take is alone, then refuse that one here so the rest go on."""
        if len(batch) > 1:
            return max(1, len(batch) // 2)
        if batch[0].type == VOID:
            raise exc  # even the no-effect stand-in is refused: nothing more the device can do
        with self.store.transaction() as db:
            report.rejected += outbox.refuse(db, [batch[0].seq], exc.code, exc.message)
        log.warning("action %d refused by the server as a request (%s)", batch[0].seq, exc.code)
        return self.batch_size

    @staticmethod
    def _count(batch: list, results, report: SyncReport) -> None:
        voids = {m.seq for m in batch if m.type == VOID}
        for res in results:
            if res.seq in voids:
                continue  # bookkeeping for an action already refused or discarded here
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
                if exc.code != Reason.INVALID_CURSOR or not cursor:
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
            report.photos = self.upload_photos(report)
            self.push(report)
            self.pull(report)
            self._resend_forgotten(report)
            with self.store.reading() as db:
                report.waiting = outbox.waiting_count(db)
            report.finished_at = datetime.now(UTC)
            self.store.set_meta("last_sync_at", report.finished_at.isoformat())
            return report
