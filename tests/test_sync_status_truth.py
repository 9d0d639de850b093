"""The sync status strip tells the truth: offline when the API cannot be reached, synced only
after a good round, and the day of a last sync that was not today."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time

import pytest

from app.i18n import Translator
from app.store import DeviceStore
from app.sync import ApiClient, SyncEngine
from app.ui.chrome import status_strip
from app.ui.context import AppContext
from app.ui.sync_status import SyncRunner, SyncStatus, last_sync_text, state_text
from app.ui.theme import Display
from tests.conftest import login
from tests.test_sync_resilience import _wait_for

EN = Translator("en")


def strip_words(status: SyncStatus) -> list[str]:
    """The texts of the strip the person sees, in order."""
    ctx = AppContext(page=None, config=None, store=None, api=None, tr=EN, display=Display(), status=status)
    row = status_strip(ctx).content
    return [c.value for c in row.controls if getattr(c, "value", None)]


def test_a_retry_while_offline_still_says_offline():
    """While the API cannot be reached, a background retry in flight shows "Offline", never
    "Syncing…" (which flashed every few seconds and looked connected)."""
    status = SyncStatus(online=False, syncing=True)
    assert state_text(status, EN.gettext) == "Offline"
    assert strip_words(status)[0] == "Offline"


def test_syncing_is_shown_while_the_api_answers():
    """A round in flight with the API reachable says "Syncing…"."""
    assert state_text(SyncStatus(online=True, syncing=True), EN.gettext) == "Syncing…"


@pytest.mark.parametrize("status, state, waiting", [
    (SyncStatus(online=False, waiting=2), "Offline", "· 2 actions waiting"),
    (SyncStatus(online=True, waiting=1), "Online", "· 1 action waiting"),
    (SyncStatus(online=True, problem=True), "Sync problem, retrying", "· All changes synced"),
    (SyncStatus(online=True), "Online", "· All changes synced"),
], ids=["offline-waiting", "online-waiting", "problem", "synced"])
def test_strip_state_and_waiting_count(status, state, waiting):
    """The strip's first two parts: the state and "N actions waiting" / "All changes synced"."""
    words = strip_words(status)
    assert words[:2] == [state, waiting]


def test_last_sync_long_ago_shows_the_day():
    """A last sync yesterday or earlier shows its date, not only a time that reads like today."""
    long_ago = EN.now() - dt.timedelta(days=3)
    text = last_sync_text(SyncStatus(last_sync=long_ago), EN)
    assert text == f"Last synced {EN.format_datetime(long_ago, 'short')}"
    assert EN.format_date(long_ago, "short") in text


def test_last_sync_today_shows_the_time():
    """A last sync today shows only its time; none yet says "Never synced"."""
    now = EN.now()
    assert last_sync_text(SyncStatus(last_sync=now), EN) == f"Last synced {EN.format_time(now, 'short')}"
    assert last_sync_text(SyncStatus(), EN) == "Never synced"


def test_strip_turns_offline_soon_after_the_api_stops_between_rounds(server, tmp_path):
    """Rounds every 60 s: the API stops after a good round and the strip says "Offline" within
    the 0.3 s probe (not at the next round); when the API is back, a round runs at once and the
    strip says synced with a new last-sync time."""
    store = DeviceStore(tmp_path / "d.db")
    api = login(server.url, store, "S3001", "1111")
    status = SyncStatus()
    runner = SyncRunner(store, SyncEngine(store, api, max_attempts=1), status, interval_s=60,
                        probe_s=0.3, on_auth_required=lambda: None, on_synced=lambda report: None)

    async def scenario() -> None:
        task = asyncio.create_task(runner.loop())
        try:
            assert await _wait_for(lambda: status.last_sync is not None and not status.syncing, 20)
            first_sync = status.last_sync
            assert state_text(status, EN.gettext) == "Online"
            await asyncio.to_thread(server.stop)
            assert await _wait_for(lambda: not status.online, 5), "still 'Online' with the API gone"
            assert state_text(status, EN.gettext) == "Offline"
            await asyncio.to_thread(server.start)
            assert await _wait_for(lambda: status.online and status.last_sync != first_sync, 30)
            assert state_text(status, EN.gettext) == "Online" and status.waiting == 0
        finally:
            runner.stop()
            await asyncio.wait_for(task, 20)

    try:
        asyncio.run(scenario())
    finally:
        store.close()


def test_a_refused_session_is_not_offline(server, tmp_path):
    """The server answers "sign in again": the strip no longer says "Offline" from an earlier outage."""
    store = DeviceStore(tmp_path / "d.db")
    api = login(server.url, store, "S3001", "1111")
    revoked = api.refresh_token
    api.logout()  # the session ends on the server
    api.refresh_token = revoked
    status = SyncStatus(online=False)
    asked: list[bool] = []
    runner = SyncRunner(store, SyncEngine(store, api, max_attempts=1), status, interval_s=60,
                        on_auth_required=lambda: asked.append(True), on_synced=lambda report: None)
    try:
        asyncio.run(runner.run_once())
        assert asked == [True]
        assert status.online and state_text(status, EN.gettext) != "Offline"
    finally:
        store.close()


@pytest.fixture
def silent_api():
    """A real socket that accepts connections and never answers (a Wi-Fi with no way out)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def unreachable_url(kind: str, silent_api: str) -> str:
    if kind == "refused":
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            return f"http://127.0.0.1:{s.getsockname()[1]}"
    if kind == "dns":
        return "http://shopfloor-api.invalid"  # .invalid never resolves (RFC 6761)
    return silent_api


@pytest.mark.parametrize("kind", ["refused", "dns", "silent"])
def test_unreachable_api_is_offline_never_online(kind, silent_api, tmp_path):
    """Connection refused, a name that does not resolve, a server that never answers: the round
    ends with "Offline" and the strip shows neither "Online" nor a problem."""
    store = DeviceStore(tmp_path / "d.db")
    api = ApiClient(unreachable_url(kind, silent_api), store.device_id, timeout=1.0)
    api.access_token = "a" * 40
    status = SyncStatus(last_sync=EN.now())
    runner = SyncRunner(store, SyncEngine(store, api, max_attempts=1), status, interval_s=60,
                        on_auth_required=lambda: None, on_synced=lambda report: None)
    try:
        asyncio.run(runner.run_once())
        assert strip_words(status)[0] == "Offline" and not status.problem
    finally:
        store.close()


def test_a_silent_api_turns_the_strip_offline_within_seconds(silent_api, tmp_path):
    """Between rounds, an API that stopped answering (no error, just silence) shows "Offline"
    after the probe's 5 s, not after a sync request's 15 s time-out."""
    store = DeviceStore(tmp_path / "d.db")
    api = ApiClient(silent_api, store.device_id)
    status = SyncStatus()
    runner = SyncRunner(store, SyncEngine(store, api), status, interval_s=60,
                        on_auth_required=lambda: None, on_synced=lambda report: None)
    started = time.monotonic()
    try:
        assert asyncio.run(runner._api_answers()) is False
        assert time.monotonic() - started < 8
        assert state_text(status, EN.gettext) == "Offline"
    finally:
        store.close()
