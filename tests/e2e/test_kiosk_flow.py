"""The kiosk on a store tablet, end to end: real API, Flet web client, Chromium with a fake camera.

The Causeway Bay manager opens the kiosk (in Traditional Chinese, the app's default); staff
walk up: one is identified by face, one uses staff number + PIN, each clocks in and then out;
a Mong Kok staff member's right PIN is turned away as "does not work at this store"; someone
whose shift ended 42 minutes ago is told so and clocks in unscheduled instead. The
punches reach the server as kiosk punches. Then the staff member's own phone (in Thai) shows
them clocked in on Home, and the manager's PIN leaves kiosk mode.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from app.sync import ApiClient
from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.face_fixtures import selfie_640x480

from . import harness
from .clock_helpers import add_shift_starting_soon, face_camera_clip, server_punches, wait_until
from .conftest import open_tab, Device, expect_home, heading, log_in, switch_language, tr

pytestmark = pytest.mark.e2e

MANAGER_NO, MANAGER_PIN = "M2001", "7100"  # store manager of Causeway Bay (backend_stub/seed.py)
FACE_USER, FACE_NO, FACE_PIN, FACE_NAME = "u-s01", "S3001", "1111", "Chan Tai Man 陳大文"
PIN_USER, PIN_NO, PIN_PIN, PIN_NAME = "u-s02", "S3002", "2222", "Siti Rahayu"
ELSEWHERE_NO, ELSEWHERE_PIN = "S3003", "3333"  # works at Mong Kok only
ENDED_USER, ENDED_NO, ENDED_PIN, ENDED_NAME = "u-s08", "S3008", "8888", "Fatima Al-Sayed"  # shift ended 42 min ago
STORE_ID = "st-cwb"
SLOW = 40_000  # camera + 1:N face search on a loaded machine


@pytest.fixture(scope="module")
def world(api_server):
    """Shifts starting soon for both staff; S3001 consented and enrolled (through the API, as
    their phone would), so the kiosk can recognise them."""
    for user in (FACE_USER, PIN_USER):
        add_shift_starting_soon(api_server.data_dir, user_id=user, store_id=STORE_ID, shift_id=f"sh-kiosk-{user}")
    add_shift_starting_soon(api_server.data_dir, user_id=ENDED_USER, store_id=STORE_ID, shift_id="sh-kiosk-ended",
                            minutes=-(8 * 60 + 42), hours=8)
    client = ApiClient(api_server.url, "dev-kiosk-enrol-01")
    try:
        client.login(FACE_NO, FACE_PIN)
        client.face_consent(True, CONSENT_TEXT_VERSION, "zh_Hant_HK")
        client.face_enrol([selfie_640x480(n) for n in ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")])
    finally:
        client.close()
    return api_server


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def tablet(playwright, web_client, world, tmp_path_factory):
    """The store's tablet: its camera shows S3001 (obama) turning their head."""
    clip = face_camera_clip(["obama_1.jpg", "obama_2.jpg", "obama_3.jpg"],
                            tmp_path_factory.mktemp("camera") / "obama.y4m")
    browser = harness.launch_browser(playwright, fake_camera_y4m=clip)
    d = Device(browser, web_client, permissions=["camera"])
    yield d
    d.close()
    browser.close()


def _confirm(page, t, name: str, action: str) -> None:
    """The "Are you <name>?" dialog: press the punch it offers; the kiosk says it is done."""
    _answer(page, t, name, action)
    expect(page.get_by_text(t.gettext("{action} for {name}.", action=t.gettext(action), name=name)).first) \
        .to_be_visible(timeout=20_000)


def _answer(page, t, name: str, action: str) -> None:
    """The "Are you <name>?" dialog: press the punch it offers, until the dialog closes."""
    question = page.get_by_text(t.gettext("Are you {name}?", name=name))
    expect(question).to_be_visible(timeout=SLOW)
    for _ in range(3):  # a tap during the dialog's opening animation is lost: tap until it closes
        page.get_by_role("button", name=t.gettext(action), exact=True).click()
        try:
            expect(question).to_have_count(0, timeout=3_000)
            break
        except AssertionError:
            continue


def _with_pin(page, t, staff_no: str, pin: str) -> None:
    harness.type_into(page, page.get_by_label(t.gettext("Staff number"), exact=True), staff_no)
    harness.type_into(page, page.get_by_label(t.gettext("PIN"), exact=True), pin)
    page.get_by_role("button", name=t.gettext("Continue"), exact=True).click()


def _kinds_on_server(api_server, user_id: str, n: int) -> list[tuple[str, str]]:
    rows = wait_until(lambda: (lambda r: r if len(r) >= n else None)(server_punches(api_server.data_dir, user_id)),
                      timeout=40, what=f"{n} punches of {user_id} on the server")
    return [(r["kind"], r["method"]) for r in rows]


def test_kiosk_pin_path_clocks_in_and_out(tablet, api_server):
    """Staff number + PIN at the kiosk: clock in, then clock out (which used to crash the app)."""
    t = tr("zh_Hant_HK")
    page = tablet.open()
    log_in(page, t, MANAGER_NO, MANAGER_PIN)
    expect(heading(page, t, "Home")).to_be_visible(timeout=20_000)
    open_tab(page, t, "Team")
    page.get_by_role("button", name=t.gettext("Open kiosk mode"), exact=True).click()
    expect(heading(page, t, "Kiosk")).to_be_visible(timeout=20_000)

    _with_pin(page, t, PIN_NO, PIN_PIN)
    _confirm(page, t, PIN_NAME, "Clock in")
    assert _kinds_on_server(api_server, PIN_USER, 1) == [("clock_in", "kiosk")]
    _with_pin(page, t, PIN_NO, PIN_PIN)
    _confirm(page, t, PIN_NAME, "Clock out")
    assert _kinds_on_server(api_server, PIN_USER, 2) == [("clock_in", "kiosk"), ("clock_out", "kiosk")]
    expect(heading(page, t, "Kiosk")).to_be_visible()


def test_kiosk_pin_of_another_stores_staff_says_they_do_not_work_here(tablet):
    """A Mong Kok staff member's right PIN at Causeway Bay: a clear message, not 'cannot reach the server'."""
    t, page = tr("zh_Hant_HK"), tablet.page
    _with_pin(page, t, ELSEWHERE_NO, ELSEWHERE_PIN)
    # The kiosk's status line, read as part of its section's name (one semantics group).
    expect(page.get_by_role("group", name=re.compile(re.escape(t.reason_message("not_at_this_store"))))) \
        .to_be_visible(timeout=20_000)
    assert t.gettext("Cannot reach the server. Check your connection and try again.") not in page.content()


def test_kiosk_face_identifies_and_clocks_in_and_out(tablet, api_server):
    """Start: the camera finds S3001, who confirms and clocks in; the next time, clocks out."""
    t, page = tr("zh_Hant_HK"), tablet.page
    page.get_by_role("button", name=t.gettext("Start"), exact=True).click()
    _confirm(page, t, FACE_NAME, "Clock in")
    assert _kinds_on_server(api_server, FACE_USER, 1) == [("clock_in", "kiosk")]
    page.get_by_role("button", name=t.gettext("Start"), exact=True).click()
    _confirm(page, t, FACE_NAME, "Clock out")
    (first, second) = wait_until(lambda: (lambda r: r if len(r) >= 2 else None)(
        server_punches(api_server.data_dir, FACE_USER)), timeout=40, what="the clock-out on the server")
    assert [(p["kind"], p["method"], p["face"]) for p in (first, second)] == [
        ("clock_in", "kiosk", "matched"), ("clock_out", "kiosk", "matched")]


def test_kiosk_offers_the_unscheduled_clock_in_after_the_shift_ended(tablet, api_server):
    """42 minutes after her shift: "your shift has ended" and the unscheduled clock-in offered, as on
    the Clock screen; taken (her name confirmed again), it reaches the server flagged unscheduled."""
    t, page = tr("zh_Hant_HK"), tablet.page
    _with_pin(page, t, ENDED_NO, ENDED_PIN)
    _answer(page, t, ENDED_NAME, "Clock in")
    expect(page.get_by_role("group", name=re.compile(re.escape(t.reason_message("shift_ended"))))) \
        .to_be_visible(timeout=20_000)
    page.get_by_role("button", name=t.gettext("Clock in without a shift (your manager approves)"),
                     exact=True).click()
    _confirm(page, t, ENDED_NAME, "Clock in")
    (punch,) = wait_until(lambda: server_punches(api_server.data_dir, ENDED_USER) or None, timeout=40,
                          what="the unscheduled clock-in on the server")
    assert (punch["kind"], punch["method"], "unscheduled" in punch["flags"]) == ("clock_in", "kiosk", True)


def test_home_shows_clocked_in_after_a_kiosk_clock_in(playwright, tablet, web_client, api_server):
    """Clocked in at the kiosk, the person's own phone (in Thai) says so on Home, not 'Not clocked in'."""
    t, page = tr("zh_Hant_HK"), tablet.page
    _with_pin(page, t, PIN_NO, PIN_PIN)
    _confirm(page, t, PIN_NAME, "Clock in")
    assert len(_kinds_on_server(api_server, PIN_USER, 3)) == 3
    browser = harness.launch_browser(playwright)
    phone = Device(browser, web_client)
    try:
        phone_page = phone.open()
        log_in(phone_page, phone.tr, PIN_NO, PIN_PIN)
        phone.tr = tr("id")  # Siti Rahayu's own language (seeded), then switched to Thai
        expect_home(phone_page, phone.tr)
        th = switch_language(phone, "th")
        since = re.escape(th.gettext("Clocked in since {time}")).replace(re.escape("{time}"), ".+")
        expect(phone_page.get_by_text(re.compile(since))).to_be_visible(timeout=30_000)
        expect(phone_page.get_by_text(th.gettext("Not clocked in"), exact=True)).to_have_count(0)
    finally:
        phone.close()
        browser.close()


def test_leaving_the_kiosk_with_the_managers_pin(tablet):
    """The manager's PIN leaves kiosk mode for the manager's Home."""
    t, page = tr("zh_Hant_HK"), tablet.page
    page.get_by_role("button", name=t.gettext("Leave kiosk mode"), exact=True).click()
    field = page.get_by_label(t.gettext("PIN"), exact=True).last
    harness.type_into(page, field, MANAGER_PIN)  # typed again if a key lands before the focus
    page.get_by_role("button", name=t.gettext("Continue"), exact=True).last.click()
    expect(heading(page, t, "Home")).to_be_visible(timeout=20_000)
    assert tablet.meta("kiosk_locked_by") is None
