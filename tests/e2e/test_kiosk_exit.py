"""Kiosk mode on a store tablet: only the manager's PIN, checked by the server, leaves it.

A manager opens the kiosk; from then on the tablet shows nothing else: no Back arrow, no
tabs, the browser's Back and a reload stay in the kiosk. "Leave kiosk mode" asks for the
manager's PIN: offline it refuses (even the right PIN), a wrong PIN stays, the right PIN
returns to the manager's home.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import harness
from .conftest import open_tab, DEFAULT_LOCALE, back, expect_home, heading, log_in, tab, tr

pytestmark = pytest.mark.e2e

MANAGER_NO, MANAGER_PIN = "M2001", "7100"  # seeded store manager of Causeway Bay


def _expect_kiosk_only(page, t) -> None:
    """The kiosk and nothing else: no Back arrow, no tabs to the manager's screens."""
    expect(heading(page, t, "Kiosk")).to_be_visible(timeout=20_000)
    expect(back(page, t)).to_have_count(0)
    expect(tab(page, t, "Approvals")).to_have_count(0)
    expect(tab(page, t, "Me")).to_have_count(0)


def _try_pin(page, t, pin: str) -> None:
    page.get_by_role("button", name=t.gettext("Leave kiosk mode"), exact=True).click()
    expect(page.get_by_text(t.gettext("Enter the manager's PIN to leave kiosk mode."))).to_be_visible()
    field = page.get_by_label(t.gettext("PIN"), exact=True).last  # the dialog's, above the kiosk's own
    harness.type_into(page, field, pin)  # typed again if a key lands before the focus
    page.get_by_role("button", name=t.gettext("Continue"), exact=True).last.click()


def test_leaving_kiosk_mode_needs_the_managers_pin(device, api_server):
    """Back, reload and a new tab stay in the kiosk; offline or a wrong PIN stays; the right PIN leaves."""
    t = tr(DEFAULT_LOCALE)
    page = device.open()
    log_in(page, t, MANAGER_NO, MANAGER_PIN)
    expect(heading(page, t, "Home")).to_be_visible(timeout=20_000)
    open_tab(page, t, "Team")
    page.get_by_role("button", name=t.gettext("Open kiosk mode"), exact=True).click()
    _expect_kiosk_only(page, t)

    page.go_back()  # the browser's Back (a route pop)
    page.wait_for_timeout(1000)
    _expect_kiosk_only(page, t)
    page.close()
    page = device.open()  # a reload, in a new tab of the same tablet
    _expect_kiosk_only(page, t)

    api_server.stop()  # offline: even the right PIN cannot be checked, so the kiosk stays
    try:
        _try_pin(page, t, MANAGER_PIN)
        expect(page.get_by_text(t.gettext("The PIN can only be checked online. Kiosk mode stays on."))) \
            .to_be_visible(timeout=30_000)
    finally:
        api_server.start()
    page.get_by_role("button", name=t.gettext("Cancel"), exact=True).click()
    _expect_kiosk_only(page, t)

    _try_pin(page, t, "0000")
    expect(page.get_by_text(t.gettext("Wrong PIN. Kiosk mode stays on."))).to_be_visible(timeout=20_000)
    page.get_by_role("button", name=t.gettext("Cancel"), exact=True).click()
    _expect_kiosk_only(page, t)

    _try_pin(page, t, MANAGER_PIN)
    expect(heading(page, t, "Home")).to_be_visible(timeout=20_000)
    expect(tab(page, t, "Approvals")).to_be_visible()
    assert device.meta("kiosk_locked_by") is None
