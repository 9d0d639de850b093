"""The Shopfloor web client end to end: real API, real Flet web server, real Chromium.

One API, one web client and one device (browser context) serve the module; the tests run
in file order on that device: a wrong PIN first (nobody signed in yet), then sign-in,
languages and a restart, then an action taken while the API is down.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3

import pytest
from playwright.sync_api import expect

from .conftest import (
    DEFAULT_LOCALE,
    PIN,
    STAFF_NO,
    Device,
    expect_home,
    heading,
    log_in,
    sign_in,
    switch_language,
    tab,
    tr,
)

pytestmark = pytest.mark.e2e

VIEWPORT_WIDTH = 412
#: Short-lived access tokens (the server's minimum), so the flows also run through refreshes.
ACCESS_TTL_S = 10
API_ENV = {"SHOPFLOOR_ACCESS_TTL_S": str(ACCESS_TTL_S)}


@pytest.fixture
def signed_out_device(device, chromium, web_client):
    """A device on the login screen with no session: the module's device when nobody has
    signed in on it yet (the normal file order), else a brand-new device."""
    page = device.page or device.open()
    login_field = page.get_by_label(device.tr.gettext("Staff number"), exact=True)
    home = heading(page, device.tr, "Home")
    expect(login_field.or_(home)).to_be_visible(timeout=20_000)
    if login_field.is_visible():
        yield device
        return
    fresh = Device(chromium, web_client)
    fresh.open()
    yield fresh
    fresh.close()


def test_wrong_pin_shows_error_and_creates_no_session(signed_out_device):
    """A wrong PIN shows "Wrong staff number or PIN" on the login screen and stores no session."""
    d = signed_out_device
    page, t = d.page, tr(DEFAULT_LOCALE)
    log_in(page, t, STAFF_NO, "9999" if PIN != "9999" else "1234")

    expect(page.get_by_text(t.gettext("Wrong staff number or PIN"), exact=True)).to_be_visible(timeout=15_000)
    # Still the login screen: the form is there, Home is not, the PIN was cleared.
    expect(page.get_by_label(t.gettext("Staff number"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=t.gettext("Log in"), exact=True)).to_be_enabled()
    expect(heading(page, t, "Home")).to_have_count(0)
    # ... and the device database holds no session.
    assert d.meta("session_user") is None
    assert d.meta("refresh_token") is None
    assert d.external == [], f"requests left the machine: {d.external}"


def test_login_languages_rtl_survive_restart(device, web_client):
    """Sign-in shows Home in Traditional Chinese; Me > Language switches to English and to
    Arabic (the layout mirrors), and after a server restart the device is still signed in
    and still in Arabic."""
    sign_in(device)
    page, zh = device.page, tr(DEFAULT_LOCALE)
    expect_home(page, zh)
    expect(tab(page, zh, "Home")).to_have_attribute("aria-selected", "true")

    en = switch_language(device, "en")
    expect_home(page, en)
    expect(page.get_by_text(zh.gettext("Today's shift"))).to_have_count(0)
    ltr_title = heading(page, en, "Home").bounding_box()
    ltr_home_tab = tab(page, en, "Home").bounding_box()
    assert ltr_title["x"] < VIEWPORT_WIDTH / 4, ltr_title  # start-aligned = left in LTR
    assert ltr_home_tab["x"] < VIEWPORT_WIDTH / 4, ltr_home_tab  # first destination = left

    ar = switch_language(device, "ar")
    expect_home(page, ar)
    _assert_mirrored(page, ar)
    assert device.meta("locale") == "ar"

    device_id = device.device_id
    page.close()
    web_client.restart()  # same port (origin) and data directory; same browser context
    page = device.open()
    expect_home(page, ar)  # no login screen: the saved session opens Home, in Arabic
    expect(page.get_by_label(ar.gettext("Staff number"), exact=True)).to_have_count(0)
    _assert_mirrored(page, ar)
    assert device.device_id == device_id
    assert device.external == [], f"requests left the machine: {device.external}"


def _assert_mirrored(page, t) -> None:
    """Right-to-left: the title and the first navigation destination sit on the right."""
    title = heading(page, t, "Home")
    page.wait_for_function(
        "([name, half]) => [...document.querySelectorAll('h2')]"
        ".some(h => h.textContent === name && h.getBoundingClientRect().x > half)",
        arg=[t.gettext("Home"), VIEWPORT_WIDTH / 2])
    box = title.bounding_box()
    assert box["x"] > VIEWPORT_WIDTH / 2 and box["x"] + box["width"] > VIEWPORT_WIDTH - 40, box
    home_tab = tab(page, t, "Home").bounding_box()
    assert home_tab["x"] > VIEWPORT_WIDTH * 3 / 4, home_tab


def test_action_while_api_down_syncs_once_when_back(device, api_server):
    """With the API down, "Mark as read" is kept on the device ("1 action waiting", Offline);
    when the API is back, Sync now delivers it ("All changes synced") and the server has it
    exactly once."""
    sign_in(device)
    page, t = device.page, device.tr
    status_waiting = page.get_by_text(t.gettext("All changes synced"))
    expect(status_waiting).to_be_visible(timeout=20_000)  # initial sync done
    mark = page.get_by_role("button", name=t.gettext("Mark as read"), exact=True)
    unread = mark.count()
    assert unread >= 1, "the seeded chain has unread broadcasts for Causeway Bay staff"
    device_id = device.device_id

    user_id = json.loads(device.meta("session_user"))["id"]
    with _server_db(api_server) as db:
        assert _server_rows(db, device_id, user_id) == ([], 0)

    api_server.stop()
    mark.first.click()

    one_waiting = t.ngettext("{count} action waiting", "{count} actions waiting", 1)
    expect(page.get_by_text(one_waiting)).to_be_visible(timeout=15_000)
    expect(page.get_by_text(t.gettext("Offline"), exact=True)).to_be_visible(timeout=20_000)
    expect(mark).to_have_count(unread - 1)  # read at once on the device

    api_server.start()  # same port, same data directory
    page.get_by_label(t.gettext("Sync now"), exact=True).click()
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    expect(page.get_by_text(t.gettext("Online"), exact=True)).to_be_visible()
    expect(page.get_by_text(one_waiting)).to_have_count(0)
    expect(mark).to_have_count(unread - 1)

    # Another round must not deliver it again.
    page.get_by_label(t.gettext("Sync now"), exact=True).click()
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    with _server_db(api_server) as db:
        assert _server_rows(db, device_id, user_id) == (["applied"], 1)
    assert device.external == [], f"requests left the machine: {device.external}"


def test_two_tabs_of_one_browser_both_stay_signed_in(device):
    """Two tabs of one browser are one device sharing one rotating refresh token: after their
    access tokens expire both refresh and both stay signed in (neither presents a token the
    other already rotated, which the server takes for a stolen one and ends the device's
    sessions)."""
    sign_in(device)
    first = device.page
    second = device.another_tab()
    second.open()  # a new session: it starts without an access token and refreshes at once
    expect_home(second.page, second.tr)
    first.wait_for_timeout((ACCESS_TTL_S + 2) * 1000)  # both access tokens have expired now

    for page, t in ((first, device.tr), (second.page, second.tr)):
        page.bring_to_front()
        page.get_by_label(t.gettext("Sync now"), exact=True).click()
    first.wait_for_timeout(4000)  # both rounds (each with a token refresh) are over
    for page, t in ((first, device.tr), (second.page, second.tr)):
        page.bring_to_front()
        expect(page.get_by_text(t.gettext("Online"), exact=True)).to_be_visible(timeout=20_000)
        expect_home(page, t)
        expect(page.get_by_label(t.gettext("Staff number"), exact=True)).to_have_count(0)
    assert device.meta("session_user") is not None
    second.page.close()
    assert device.external == [], f"requests left the machine: {device.external}"


@contextlib.contextmanager
def _server_db(api_server):
    path = api_server.data_dir / "shopfloor.db"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def _server_rows(db, device_id: str, user_id: str) -> tuple[list[str], int]:
    """(statuses of this device's broadcast.read mutations, the user's read receipts)."""
    statuses = [s for (s,) in db.execute(
        "SELECT status FROM mutations WHERE device_id = ? AND type = 'broadcast.read'", [device_id])]
    (reads,) = db.execute("SELECT COUNT(*) FROM broadcast_reads WHERE user_id = ?", [user_id]).fetchone()
    return statuses, reads
