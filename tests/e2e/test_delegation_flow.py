"""Issue 10, delegation, in a real browser: the Mong Kok store manager opens Me -> Delegate my
approvals, hands her approvals to the Tsim Sha Tsui manager for the coming week, sees it in effect,
then ends it after confirming; the server holds each step (real API, Flet web client, Chromium,
in Traditional Chinese)."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import open_tab, DEFAULT_LOCALE, Device, back, expect_home, heading, log_in, shown, tr, wait_shown
from .test_leave_flow import _wait_for

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
DELEGATE = "Ho Ka Lok 何家樂"


def _open_delegation(page, t) -> None:
    """Me -> Delegate my approvals, coming back until the first pull has brought the other managers."""
    deadline = time.monotonic() + 40
    while True:
        open_tab(page, t, "Me")
        page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("Delegate my approvals")))).click()
        expect(heading(page, t, "Delegate my approvals")).to_be_visible(timeout=15_000)
        with contextlib.suppress(AssertionError):
            expect(page.get_by_role("radio", name=re.compile("^" + re.escape(DELEGATE)))).to_be_visible(timeout=3_000)
            return
        assert time.monotonic() < deadline, "the other managers never reached the phone"
        back(page, t).click()


def test_a_manager_hands_over_her_approvals_for_a_week_then_ends_it(chromium, web_client, api_server):
    """Pick the delegate (the week from today is filled in), hand over, see it in effect; end it
    after confirming; the server holds it, then no longer."""
    t = tr(DEFAULT_LOCALE)
    manager = Device(chromium, web_client)
    page = manager.open()
    log_in(page, t, "M2002", "7200")
    expect_home(page, t)
    _open_delegation(page, t)
    page.get_by_role("radio", name=re.compile("^" + re.escape(DELEGATE))).click()
    page.get_by_role("button", name=t.gettext("Hand over my approvals"), exact=True).click()
    wait_shown(page, t.gettext("In effect now"))
    _wait_for(api_server, "SELECT delegator_id, delegate_id FROM approval_delegations", [("u-sm-mk", "u-sm-tst")])

    end = t.gettext("End delegation")
    page.get_by_role("button", name=end, exact=True).click()
    wait_shown(page, t.gettext("End this delegation?"))
    page.get_by_role("button", name=end, exact=True).last.click()
    _wait_for(api_server, "SELECT delegator_id FROM approval_delegations", [])
    deadline = time.monotonic() + 15
    while shown(page, t.gettext("In effect now")):
        assert time.monotonic() < deadline, "the ended delegation is still listed"
        time.sleep(0.3)
    manager.close()
