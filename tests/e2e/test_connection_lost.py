"""Server-driven web mode tells the truth when a connection breaks (real API, Flet server, Chromium).

The browser losing its network gets a "Connection lost, reconnecting..." cover in the person's
language that swallows taps (none is recorded later); the API going away while the browser
stays online turns the status strip to "Offline", and back to synced when it returns.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from app.ui.web_assets import CONNECTION_LOST, CONNECTION_LOST_BODY

from .conftest import sign_in, switch_language
from .test_app_flows import _server_db, _server_rows

pytestmark = pytest.mark.e2e

#: Long enough for a tap held back by the browser to reach the server if it were going to.
REPLAY_WAIT_S = 3


def cover(page):
    return page.locator("#sf-connection-lost")


def tap_everywhere_on(page, button) -> None:
    """What a person (and a screen reader) would do to a button: tap it, press Enter on it."""
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    button.dispatch_event("click")
    page.keyboard.press("Enter")


def outbox_reads(device) -> int:
    """broadcast.read actions the device database holds (waiting or sent)."""
    path = device.web.device_db(device.device_id)
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute("SELECT COUNT(*) FROM outbox WHERE type = 'broadcast.read'").fetchone()[0]


def test_tap_while_the_browser_is_offline_is_blocked_and_never_recorded(device, api_server):
    """Browser offline: a cover says "Connection lost, reconnecting…" in the person's language and
    blocks the page; "Mark as read" tapped under it is never recorded, not even after the network
    returns; the cover then goes by itself and the same tap works, reaching the server once."""
    sign_in(device)
    page, t = device.page, device.tr
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    mark = page.get_by_role("button", name=t.gettext("Mark as read"), exact=True)
    unread = mark.count()
    assert unread >= 1, "the seeded chain has unread broadcasts for Causeway Bay staff"
    user_id = json.loads(device.meta("session_user"))["id"]
    expect(cover(page)).to_have_count(0)

    device.context.set_offline(True)
    expect(cover(page)).to_be_visible(timeout=5_000)
    expect(cover(page)).to_contain_text(t.gettext(CONNECTION_LOST))
    expect(cover(page)).to_contain_text(t.gettext(CONNECTION_LOST_BODY))
    tap_everywhere_on(page, mark.first)
    time.sleep(REPLAY_WAIT_S)
    device.context.set_offline(False)
    expect(cover(page)).to_have_count(0, timeout=10_000)

    time.sleep(REPLAY_WAIT_S)  # a held-back tap would arrive now
    expect(mark).to_have_count(unread)
    assert outbox_reads(device) == 0
    with _server_db(api_server) as db:
        assert _server_rows(db, device.device_id, user_id) == ([], 0)

    mark.first.click()  # the app works again
    expect(mark).to_have_count(unread - 1)
    page.get_by_label(t.gettext("Sync now"), exact=True).click()
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    with _server_db(api_server) as db:
        assert _server_rows(db, device.device_id, user_id) == (["applied"], 1)
    assert device.external == [], f"requests left the machine: {device.external}"


def test_cover_speaks_the_chosen_language_right_to_left_in_arabic(device):
    """After the person picks Arabic, the cover says "Connection lost…" in Arabic, right to left."""
    sign_in(device)
    t = switch_language(device, "ar")
    page = device.page
    try:
        device.context.set_offline(True)
        expect(cover(page)).to_be_visible(timeout=5_000)
        expect(cover(page)).to_contain_text(t.gettext(CONNECTION_LOST))
        assert t.gettext(CONNECTION_LOST) != CONNECTION_LOST
        assert cover(page).get_attribute("dir") == "rtl"
    finally:
        device.context.set_offline(False)
    expect(cover(page)).to_have_count(0, timeout=10_000)


def test_strip_says_offline_while_the_api_is_down_and_synced_when_back(device, api_server):
    """The browser stays online but the API stops: the strip turns to "Offline" by itself (never
    "Online"); when the API is back it returns to "Online" and synced without a tap."""
    sign_in(device)
    page, t = device.page, device.tr
    online = page.get_by_text(t.gettext("Online"), exact=True)
    offline = page.get_by_text(t.gettext("Offline"), exact=True)
    expect(online).to_be_visible(timeout=20_000)
    api_server.stop()
    try:
        expect(offline).to_be_visible(timeout=20_000)
        for _ in range(3):  # retries in the background must not flash "Online" or "Syncing"
            time.sleep(2)
            expect(online).to_have_count(0)
            expect(page.get_by_text(t.gettext("Syncing…"), exact=True)).to_have_count(0)
        expect(cover(page)).to_have_count(0)  # the browser still reaches the Flet server
    finally:
        api_server.start()
    expect(online).to_be_visible(timeout=20_000)
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible()


def test_cover_while_the_app_server_restarts(device, web_client):
    """The Flet server goes away (a kiosk's server restarts): the cover comes at once, a tap under
    it is not queued for later (Flet's client sends what was tapped while disconnected once it
    reconnects), and the cover goes when the browser is connected again, with the app usable."""
    sign_in(device)
    page, t = device.page, device.tr
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    mark = page.get_by_role("button", name=t.gettext("Mark as read"), exact=True)
    expect(mark.first).to_be_visible(timeout=20_000)
    unread, reads = mark.count(), outbox_reads(device)
    assert unread >= 1
    web_client.stop()
    try:
        expect(cover(page)).to_be_visible(timeout=8_000)
        tap_everywhere_on(page, mark.first)
    finally:
        web_client.start()
    expect(cover(page)).to_have_count(0, timeout=30_000)
    sign_in(device)
    time.sleep(REPLAY_WAIT_S)
    assert outbox_reads(device) == reads
    expect(mark).to_have_count(unread)
