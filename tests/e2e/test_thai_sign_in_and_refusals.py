"""A Thai-speaking staff member on a phone (real API, real Flet web client, real Chromium): the
device-bound refusal and the wrong-PIN wait read in Thai, and a clock-in the server refuses is
undone on the screen, with no leftover "it will sync" note, and explained in Thai."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time

import httpx
import pytest
from playwright.sync_api import expect

from app.i18n.reasons import REASON_MESSAGES

from . import harness
from .clock_helpers import add_shift_starting_soon, store
from .conftest import open_tab, Device, back, expect_home, heading, log_in, tr
from .test_sign_in_protection import THROTTLED, as_pattern, try_pin

pytestmark = pytest.mark.e2e

LOCALE = "th"
STAFF_NO, PIN, USER_ID = "S3005", "5555", "u-s05"  # Somchai Phongsri, Tsim Sha Tsui (seed.py)
OTHER_NO, OTHER_PIN = "S3009", "9999"  # a colleague at the same store
MANAGER_NO, MANAGER_PIN = "M2003", "7300"  # Tsim Sha Tsui's store manager
CLOCK_IN = "Clock in"


@pytest.fixture(scope="module")
def thai_phone(chromium, web_client):
    """A phone at Tsim Sha Tsui whose browser speaks Thai, opened on the Thai login screen."""
    _name, lat, lon, _radius = store("st-tst")
    d = Device(chromium, web_client, locale="th-TH", permissions=["geolocation"],
               geolocation={"latitude": lat, "longitude": lon, "accuracy": 10})
    d.tr = tr(LOCALE)
    d.open(route="?hl=th")
    yield d
    d.close()


def _login(api_server, staff_no: str, pin: str, device_id: str) -> dict:
    resp = httpx.post(f"{api_server.url}/v1/auth/login",
                      json={"staff_no": staff_no, "pin": pin, "device_id": device_id})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _wait_for_tries(api_server, count: int, timeout_s: float = 15) -> None:
    """The server has counted ``count`` wrong PINs of the staff number (the last try arrived)."""
    def counted() -> int:
        with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
            row = db.execute("SELECT failures FROM login_attempts WHERE scope = 'account' AND key = ?",
                             [STAFF_NO]).fetchone()
        return row[0] if row else 0
    deadline = time.monotonic() + timeout_s
    while counted() < count:
        assert time.monotonic() < deadline, f"the server counted {counted()} of {count} tries"
        time.sleep(0.1)


_SCREEN_TEXT = """() => [...document.querySelectorAll('flt-semantics')]
    .map(e => (e.getAttribute('aria-label') || '') + '\\n' + e.textContent).join('\\n')"""


def _wait_for_screen(page, holds, what: str, timeout_s: float = 15) -> None:
    """Wait until ``holds(every text and label on screen)``."""
    deadline = time.monotonic() + timeout_s
    while not holds(text := page.evaluate(_SCREEN_TEXT)):
        assert time.monotonic() < deadline, f"never on screen: {what}; screen: {text[-600:]!r}"
        time.sleep(0.2)


def test_sign_in_refusals_read_in_thai(thai_phone, api_server):
    """A three-digit PIN: "wrong staff number or PIN". Another person signed in on the phone: "this phone is signed in to another person", in
    Thai; after four wrong PINs, even the right one gets "try again in N seconds", in Thai, with a number."""
    page, t = thai_phone.page, thai_phone.tr
    log_in(page, t, STAFF_NO, "123")  # too short to be a PIN: said so, not silence
    expect(page.get_by_text(t.gettext("Wrong staff number or PIN"), exact=True)).to_be_visible(timeout=15_000)
    other = _login(api_server, OTHER_NO, OTHER_PIN, thai_phone.device_id)
    log_in(page, t, STAFF_NO, PIN)
    bound = REASON_MESSAGES.text(t, "device_bound")  # the app's own wording for the code
    expect(page.get_by_text(bound, exact=True)).to_be_visible(timeout=15_000)
    httpx.post(f"{api_server.url}/v1/auth/logout", headers=other)

    button = page.get_by_role("button", name=t.gettext("Log in"), exact=True)
    for n in range(4):
        try_pin(page, t, f"{1000 + n}")
        _wait_for_tries(api_server, n + 1)
        expect(button).to_be_enabled(timeout=15_000)  # the answer is on screen
        expect(page.get_by_label(t.gettext("PIN"), exact=True)).to_have_value("")  # and the PIN cleared
        expect(page.get_by_text(t.gettext("Wrong staff number or PIN"), exact=True)).to_be_visible()
    try_pin(page, t, PIN)  # the right PIN, too early
    throttled = page.get_by_text(as_pattern(t.gettext(THROTTLED, time="{time}")))
    expect(throttled).to_be_visible(timeout=15_000)
    shown = throttled.inner_text()
    assert re.search(r"\d", shown) and "{" not in shown, shown
    expect(heading(page, t, "Home")).to_have_count(0)


def test_a_clock_in_the_server_refuses_is_undone_and_explained_in_thai(thai_phone, api_server):
    """The phone thinks the shift starts in 5 minutes; the server moved it 5 hours later. The
    clock-in is refused as too early: the screen goes back to "Not clocked in", the "Clock in at
    ... it will sync" note disappears, and the rejected list says why, in Thai."""
    page, t = thai_phone.page, thai_phone.tr
    manager = _login(api_server, MANAGER_NO, MANAGER_PIN, "manager-phone-tst")
    httpx.post(f"{api_server.url}/v1/staff/{USER_ID}/unlock", headers=manager).raise_for_status()
    add_shift_starting_soon(api_server.data_dir, user_id=USER_ID, store_id="st-tst",
                            shift_id="sh-thai-1", minutes=5)
    try_pin(page, t, PIN)
    expect_home(page, t)
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    open_tab(page, t, "Clock")
    _wait_for_screen(page, lambda text: t.gettext("Not clocked in") in text, "'Not clocked in'")

    # The server moves the shift without telling devices yet (no change-feed entry).
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db, db:
        db.execute("UPDATE shifts SET starts_at = datetime(starts_at, '+5 hours'), "
                   "ends_at = datetime(ends_at, '+5 hours') WHERE id = 'sh-thai-1'")
    page.get_by_role("button", name=t.gettext(CLOCK_IN), exact=True).click()

    rejected = page.get_by_text(t.ngettext("{count} rejected", "{count} rejected", 1), exact=True)
    expect(rejected).to_be_visible(timeout=30_000)
    will_sync = as_pattern(t.gettext("{action} at {time}. It will sync when online.",
                                     action=t.gettext(CLOCK_IN), time="{time}"))
    # Flutter merges the status card into one node's label: read the whole screen's text.
    _wait_for_screen(page, lambda text: t.gettext("Not clocked in") in text and not will_sync.search(text),
                     "'Not clocked in' without the 'it will sync' note")

    rejected.click()
    why = re.compile(re.escape(REASON_MESSAGES.text(t, "too_early")))
    expect(page.get_by_text(why)).to_be_visible(timeout=15_000)


def test_the_next_person_on_the_phone_does_not_see_the_last_ones_refused_actions(thai_phone):
    """Somchai logs out; his manager signs in on the same phone: the strip shows no "1 rejected"
    and the rejected list does not show Somchai's refused clock-in."""
    page, t = thai_phone.page, thai_phone.tr
    rejected = page.get_by_text(t.ngettext("{count} rejected", "{count} rejected", 1), exact=True)
    expect(rejected).to_be_visible(timeout=15_000)  # still his, while he is signed in
    back(page, t).click()  # from the rejected list
    open_tab(page, t, "Me")
    page.get_by_role("button", name=re.compile(re.escape(t.gettext("Log out")))).first.click()
    log_in(page, t, MANAGER_NO, MANAGER_PIN)
    expect_home(page, t)
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    expect(rejected).to_have_count(0)


def test_leaving_the_kiosk_after_wrong_pins_says_how_long_to_wait_in_thai(thai_phone):
    """The manager opens the kiosk and types wrong PINs to leave it (a too-short one is "wrong PIN"
    too, not silence): after the fourth, even the
    right PIN gets "too many wrong PINs, try again in N seconds", in Thai, and the kiosk stays."""
    page, t = thai_phone.page, thai_phone.tr
    open_tab(page, t, "Team")
    page.get_by_role("button", name=t.gettext("Open kiosk mode"), exact=True).click()
    expect(heading(page, t, "Kiosk")).to_be_visible(timeout=20_000)
    wrong = page.get_by_text(t.gettext("Wrong PIN. Kiosk mode stays on."), exact=True)
    throttled = page.get_by_text(as_pattern(t.gettext(THROTTLED, time="{time}")))
    for pin in ("12", "2000", "2001", "2002", "2003", MANAGER_PIN):  # "12" is no PIN: never sent
        page.get_by_role("button", name=t.gettext("Leave kiosk mode"), exact=True).click()
        field = page.get_by_label(t.gettext("PIN"), exact=True).last  # the dialog's
        harness.type_into(page, field, pin)  # typed again if a key lands before the focus
        page.get_by_role("button", name=t.gettext("Continue"), exact=True).last.click()
        expect(wrong.or_(throttled)).to_be_visible(timeout=15_000)
        if pin == MANAGER_PIN:
            break
        page.get_by_role("button", name=t.gettext("Cancel"), exact=True).last.click()
        expect(wrong).to_have_count(0)
    expect(throttled).to_be_visible()
    assert re.search(r"\d", throttled.inner_text()), throttled.inner_text()
