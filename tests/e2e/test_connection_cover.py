"""The "Connection lost, reconnecting…" cover on its own page in real Chromium: its language,
direction and text size, and that it also appears when the server stops answering.

A small loopback server serves the cover's script (as web_assets puts it in index.html) with one
button that counts taps, so each behaviour is checked without a Flet session around it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.ui.web_assets import CONNECTION_LOST, LOOK_KEY, connection_overlay_script

from . import harness
from .conftest import tr

pytestmark = pytest.mark.e2e


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class PageServer:
    """A static loopback server that can stop and start again on the same port."""

    def __init__(self, root: Path) -> None:
        self.root, self.port, self._httpd = root, harness.free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), partial(QuietHandler, directory=str(self.root)))
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("cover")
    (root / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>" + connection_overlay_script()
        + "</head><body><button id='tap' style='width:300px;height:80px' "
          "onclick='window.taps=(window.taps||0)+1'>tap</button></body></html>", "utf-8")
    (root / "manifest.json").write_text("{}", "utf-8")
    server = PageServer(root)
    server.start()
    yield server
    with contextlib.suppress(Exception):
        server.stop()


@contextlib.contextmanager
def browser_page(chromium, page_server, *, locale: str, look: dict | None = None):
    """A fresh context in ``locale`` whose app stored ``look`` (as SharedPreferences does)."""
    context = chromium.new_context(viewport=harness.PHONE_VIEWPORT, locale=locale)
    if look is not None:
        stored = json.dumps(json.dumps(look))  # SharedPreferences keeps JSON-encoded values
        context.add_init_script(f"localStorage.setItem('flutter.{LOOK_KEY}', {json.dumps(stored)})")
    page = context.new_page()
    page.goto(page_server.url)
    try:
        yield context, page
    finally:
        context.close()


def cover(page):
    return page.locator("#sf-connection-lost")


def taps(page) -> int:
    return page.evaluate("window.taps || 0")


def tap(page) -> None:
    box = page.locator("#tap").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_cover_follows_the_browser_language_and_blocks_taps(chromium, page_server):
    """No language stored yet, a Thai browser: offline, the cover is in Thai and a tap does
    nothing; online again, the cover goes and taps work."""
    with browser_page(chromium, page_server, locale="th-TH") as (context, page):
        tap(page)
        assert taps(page) == 1
        context.set_offline(True)
        expect(cover(page)).to_be_visible(timeout=5_000)
        expect(cover(page)).to_contain_text(tr("th").gettext(CONNECTION_LOST))
        assert cover(page).get_attribute("dir") == "ltr"
        tap(page)
        page.locator("#tap").dispatch_event("click")
        assert taps(page) == 1
        context.set_offline(False)
        expect(cover(page)).to_have_count(0, timeout=10_000)
        tap(page)
        assert taps(page) == 2


def test_cover_uses_the_stored_language_right_to_left_and_large_text(chromium, page_server):
    """The app stored Arabic with large text: the cover is Arabic, right to left, in bigger type
    than with normal text (a Chinese browser does not change that)."""
    sizes = {}
    for large in (False, True):
        with browser_page(chromium, page_server, locale="zh-HK",
                          look={"locale": "ar", "large_text": large}) as (context, page):
            context.set_offline(True)
            expect(cover(page)).to_be_visible(timeout=5_000)
            expect(cover(page)).to_contain_text(tr("ar").gettext(CONNECTION_LOST))
            assert cover(page).get_attribute("dir") == "rtl"
            sizes[large] = page.evaluate(
                "parseFloat(getComputedStyle(document.getElementById('sf-connection-lost-body')).fontSize)")
            context.set_offline(False)
    assert sizes[True] >= 24 > sizes[False] >= 18, sizes


def test_cover_shows_when_the_server_stops_answering(chromium, page_server):
    """The browser stays online but the server goes away: the cover comes within seconds and
    goes by itself when the server is back."""
    with browser_page(chromium, page_server, locale="en-GB") as (context, page):
        expect(cover(page)).to_have_count(0)
        page_server.stop()
        try:
            expect(cover(page)).to_be_visible(timeout=8_000)
            expect(cover(page)).to_contain_text(CONNECTION_LOST)
        finally:
            page_server.start()
        expect(cover(page)).to_have_count(0, timeout=8_000)
