"""Bad clock data and odd responses from the network never crash login or the sync loop."""

import asyncio
import logging
import time

import httpx
import pytest

from app.i18n import SUPPORTED_LOCALES, Translator
from app.store import DeviceStore
from app.sync import ApiClient, SyncEngine
from app.ui.sync_status import SyncRunner, SyncStatus, state_text
from tests.conftest import login
from tests.header_proxy import HeaderProxy


@pytest.fixture(scope="module")
def proxy(server):
    """A real HTTP proxy in front of the real API (it rewrites Date headers as told)."""
    p = HeaderProxy(server.url).start()
    yield p
    p.stop()


@pytest.fixture(autouse=True)
def _plain_proxy(proxy):
    proxy.date_mode, proxy.portal_paths, proxy.broken_paths = "pass", (), ()


@pytest.mark.parametrize("mode", ["double", "minus0000", "garbage", "absent"])
def test_login_and_sync_survive_odd_date_headers(proxy, tmp_path, mode):
    """Two Date headers, a ``-0000`` zone, a garbage or no Date: login and a sync round work."""
    proxy.date_mode = mode
    store = DeviceStore(tmp_path / "d.db")
    api = login(proxy.url, store, "S3001", "1111")
    report = SyncEngine(store, api).sync_once()
    assert report.pulled > 0
    if mode == "minus0000":  # -0000 is UTC: the estimate is used, and it is about zero here
        assert store.clock.offset_ms is not None and abs(store.clock.offset_ms) < 5000
    else:  # nothing trustworthy arrived: no estimate rather than a wrong one
        assert store.clock.offset_ms is None
    store.close()


@pytest.mark.parametrize("dates", [
    ["Mon, 30 Nov 2026 15:00:00 GMT", "Mon, 30 Nov 2026 15:00:07 GMT"],
    ["Mon, 30 Nov 2026 15:00:00 -0000"],
    ["Mon, 30 Nov 2026 15:00:00"],
    ["Mon, 01 Jan 0001 00:00:00 GMT"],
    ["Fri, 31 Dec 9999 23:59:59 +1400"],
    ["Sun, 99 Foo 2026 99:99:99 GMT"],
    [""],
])
def test_clock_offset_code_ignores_bad_date_shapes(dates):
    """Whatever the Date headers look like, a request answers normally (no TypeError)."""
    offsets: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=[("date", d) for d in dates],
                              json={"changes": [], "cursor": "c", "has_more": False})

    api = ApiClient("http://api.test", "dev-12345678", transport=httpx.MockTransport(handler),
                    on_offset=offsets.append)
    api.access_token = "t"
    assert api.pull("").cursor == "c"
    assert len(offsets) <= 1


def test_identical_repeated_date_headers_still_give_an_offset():
    """A Date repeated with the same value (a proxy copying it) is still a usable clock reading."""
    from email.utils import format_datetime
    from datetime import UTC, datetime

    stamp = format_datetime(datetime.now(UTC), usegmt=True)
    offsets: list[int] = []
    api = ApiClient("http://api.test", "dev-12345678", on_offset=offsets.append,
                    transport=httpx.MockTransport(lambda r: httpx.Response(
                        200, headers=[("date", stamp), ("date", stamp)],
                        json={"changes": [], "cursor": "c", "has_more": False})))
    api.access_token = "t"
    api.pull("")
    assert len(offsets) == 1 and abs(offsets[0]) < 2000


async def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return False


def _loop_through_a_bad_stretch(proxy, tmp_path, bad_paths: str, during) -> DeviceStore:
    """Run the real sync loop while ``proxy.<bad_paths>`` spoils pulls: ``during(status)`` is
    checked once a round has failed; then the proxy is healed and the loop must sync again."""
    store = DeviceStore(tmp_path / "d.db")
    api = login(proxy.url, store, "S3001", "1111")
    setattr(proxy, bad_paths, ("/v1/sync/pull",))
    status = SyncStatus()
    runner = SyncRunner(store, SyncEngine(store, api, max_attempts=1), status, interval_s=0.05,
                        on_auth_required=lambda: None, on_synced=lambda report: None)

    async def scenario() -> None:
        task = asyncio.create_task(runner.loop())
        try:
            assert await _wait_for(lambda: status.error is not None or task.done()), "no round ran"
            assert not task.done(), "the sync loop died"
            during(status)
            setattr(proxy, bad_paths, ())
            assert await _wait_for(lambda: status.last_sync is not None and not status.problem or task.done())
            assert not task.done() and not status.problem and status.online
        finally:
            runner.stop()
            await asyncio.wait_for(task, 10)

    asyncio.run(scenario())
    return store


def _says_sync_problem(status: SyncStatus) -> None:
    assert state_text(status, Translator("en").gettext) == "Sync problem, retrying"
    assert status.online


def test_background_sync_loop_survives_a_failing_round(proxy, tmp_path, caplog):
    """A round that fails oddly (a Wi-Fi portal answers HTML) is logged, shown, and the loop goes on."""
    with caplog.at_level(logging.ERROR, logger="app.ui.sync_status"):
        store = _loop_through_a_bad_stretch(proxy, tmp_path, "portal_paths", _says_sync_problem)
    assert any("sync round failed" in r.getMessage() and r.exc_info for r in caplog.records)
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM stores").fetchone()[0] > 0  # it did sync afterwards
    store.close()


def test_a_server_answering_5xx_is_a_sync_problem_not_offline(proxy, tmp_path):
    """The phone reaches a server that answers 502: the strip says "Sync problem, retrying",
    not "Offline" (which would send the person to check their Wi-Fi), and the loop goes on."""
    _loop_through_a_bad_stretch(proxy, tmp_path, "broken_paths", _says_sync_problem).close()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_sync_problem_is_said_in_every_language(locale):
    """The status strip says "Sync problem, retrying" in the person's language."""
    text = state_text(SyncStatus(problem=True), Translator(locale).gettext)
    assert text and "{" not in text
    if locale != "en":
        assert text != "Sync problem, retrying"
