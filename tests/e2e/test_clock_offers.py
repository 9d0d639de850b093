"""What the Clock screen offers after a refusal, end to end (real API, Flet web client, Chromium).

- In a mall basement (location accuracy 150 m, worse than the 100 m limit) clocking in is
  refused as inaccurate, and the PIN path with the manager's confirmation is offered: taking
  it records a punch that waits for the manager.
- 42 minutes after a shift ended, clocking in says the shift has ended (not "too early") and
  offers an unscheduled clock-in for the manager to approve; the server stores it flagged
  ``unscheduled``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .clock_helpers import add_shift_starting_soon, server_punches, store, wait_until
from .conftest import open_tab, Device, log_in, tr

pytestmark = pytest.mark.e2e

STORE_ID = "st-cwb"
_NAME, LAT, LON, _RADIUS = store(STORE_ID)
BASEMENT = {"latitude": LAT, "longitude": LON, "accuracy": 150}
AT_STORE = {"latitude": LAT, "longitude": LON, "accuracy": 15}


def _clock_screen(device: Device, staff_no: str, pin: str, locale: str):
    page = device.open()
    log_in(page, device.tr, staff_no, pin)
    t = device.tr = tr(locale)  # the person's own language, stored on the server
    open_tab(page, t, "Clock")
    expect(page.get_by_role("heading", name=t.gettext("Clock"), exact=True)).to_be_visible(timeout=20_000)
    return page, t


def _section_says(page, text: str):
    """A section whose (merged) semantics name contains ``text``."""
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def test_location_worse_than_100_m_offers_the_pin_path(chromium, web_client, api_server):
    """Basement fix: 'not accurate enough' plus 'Use my PIN instead'; taking it clocks in, awaiting the manager."""
    add_shift_starting_soon(api_server.data_dir, user_id="u-s01", store_id=STORE_ID, shift_id="sh-basement")
    device = Device(chromium, web_client, geolocation=BASEMENT, permissions=["geolocation"])
    try:
        page, t = _clock_screen(device, "S3001", "1111", "zh_Hant_HK")
        device.context.set_geolocation(BASEMENT)  # stamped now: fresh at the punch
        page.get_by_role("button", name=t.gettext("Clock in"), exact=True).click()
        refusal = t.gettext("Your location is not accurate enough. Move near a window or outside and try again.")
        expect(_section_says(page, refusal)).to_be_visible(timeout=30_000)
        device.context.set_geolocation(BASEMENT)
        page.get_by_role("button", name=t.gettext("Use my PIN instead (your manager confirms)"), exact=True).click()
        since = re.escape(t.gettext("Clocked in since {time}")).replace(re.escape("{time}"), ".+")
        expect(page.get_by_role("group", name=re.compile(since)).first).to_be_visible(timeout=30_000)
        (punch,) = wait_until(lambda: server_punches(api_server.data_dir, "u-s01"), timeout=40,
                              what="the basement punch on the server")
        assert (punch["kind"], punch["method"], punch["status"]) == ("clock_in", "pin", "awaiting_confirmation")
        assert "inaccurate_location" in punch["flags"]
    finally:
        device.close()


def test_clock_in_after_the_shift_ended_offers_an_unscheduled_clock_in(chromium, web_client, api_server):
    """42 min after the shift: 'Your shift has ended.' (not too early); the offered clock-in is stored unscheduled."""
    add_shift_starting_soon(api_server.data_dir, user_id="u-s02", store_id=STORE_ID, shift_id="sh-ended",
                            minutes=-(8 * 60 + 42), hours=8)
    device = Device(chromium, web_client, geolocation=AT_STORE, permissions=["geolocation"])
    try:
        page, t = _clock_screen(device, "S3002", "2222", "id")
        device.context.set_geolocation(AT_STORE)
        page.get_by_role("button", name=t.gettext("Clock in"), exact=True).click()
        expect(_section_says(page, t.reason_message("shift_ended"))).to_be_visible(timeout=30_000)
        assert t.reason_message("too_early") not in page.content()
        device.context.set_geolocation(AT_STORE)
        page.get_by_role("button", name=t.gettext("Clock in without a shift (your manager approves)"),
                         exact=True).click()
        (punch,) = wait_until(lambda: server_punches(api_server.data_dir, "u-s02"), timeout=40,
                              what="the unscheduled punch on the server")
        assert (punch["kind"], punch["shift_id"]) == ("clock_in", None)
        assert "unscheduled" in punch["flags"]
    finally:
        device.close()
