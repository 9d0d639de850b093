"""Issue 10, requests, in a real browser: Chan Tai Man asks for five days of annual leave (over the
three days that need the area manager too), sees the whole route and his balance before sending,
the Causeway Bay store manager approves from the Approvals queue, then the area manager does,
and Chan Tai Man sees the request approved, in Chinese and again in Vietnamese (real API, Flet
web client, Chromium)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from . import harness
from .conftest import (DEFAULT_LOCALE, Device, back, expect_home, heading, log_in, open_tab, switch_language,
                       tr, wait_shown)

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
PERSON = "Chan Tai Man 陳大文"
STORE_MANAGER, AREA_MANAGER = "Chan Siu Ming 陳小明", "Cheung Wai Man 張慧敏"
FIRST, LAST = "2027-01-11", "2027-01-15"  # Monday to Friday, no general holiday: 5 days


def _server_rows(api_server, sql: str) -> list:
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
        return db.execute(sql).fetchall()


def _wait_for(api_server, sql: str, expected, timeout_s: float = 40) -> None:
    deadline = time.monotonic() + timeout_s
    while (rows := _server_rows(api_server, sql)) != expected:
        assert time.monotonic() < deadline, f"server holds {rows}, expected {expected}"
        time.sleep(0.5)






def _tile(page, title: str):
    """A list entry whose accessible name starts with ``title`` (its subtitle follows)."""
    return page.get_by_role("button", name=re.compile("^" + re.escape(title)))


def _review_until_route_known(page, t) -> None:
    """Review; until the first pull has brought the chains and managers, the route is not known
    yet, so review again (each review reads the phone's database afresh)."""
    step_two = t.gettext("Step {number}: {role}: {names}", number=2, role=t.gettext("Area manager"),
                         names=AREA_MANAGER)
    deadline = time.monotonic() + 40
    while True:
        page.get_by_role("button", name=t.gettext("Review"), exact=True).click()
        with contextlib.suppress(AssertionError):
            wait_shown(page, step_two, timeout_s=3)
            return
        assert time.monotonic() < deadline, "the route never showed the area manager"


def _staff_sends_five_days(page, t) -> None:
    open_tab(page, t, "Me")
    _tile(page, t.gettext("Requests")).click()
    expect(heading(page, t, "Requests")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name=t.gettext("New request"), exact=True).click()
    expect(heading(page, t, "New request")).to_be_visible(timeout=15_000)
    harness.type_into(page, page.get_by_label(t.gettext("First day (YYYY-MM-DD)"), exact=True), FIRST, delay=40)
    harness.type_into(page, page.get_by_label(t.gettext("Last day (YYYY-MM-DD)"), exact=True), LAST, delay=40)
    harness.type_into(page, page.get_by_label(t.gettext("Reason"), exact=True), "Family trip", delay=40)
    _review_until_route_known(page, t)
    # The whole route, up front: the store manager first, then the area manager (over 3 days).
    wait_shown(page, t.gettext("Step {number}: {role}: {names}", number=1, role=t.gettext("Store manager"),
                                names=STORE_MANAGER))
    wait_shown(page, t.ngettext("{count} day", "{count} days", 5))
    wait_shown(page, t.gettext("Leave left: {available} of {entitled} days ({used} taken, {held} waiting)",
                                available="12", entitled="12", used="0", held="0"))
    page.get_by_role("button", name=t.gettext("Send request"), exact=True).click()
    expect(heading(page, t, "Requests")).to_be_visible(timeout=15_000)
    wait_shown(page, t.gettext("Waiting for {role}: {names}", role=t.gettext("Store manager"), names=STORE_MANAGER))


def _manager_approves(chromium, web_client, api_server, staff_no: str, pin: str, decided: list) -> None:
    """A manager opens Approvals -> Leave and other requests and approves Chan Tai Man's leave."""
    t = tr(DEFAULT_LOCALE)
    manager = Device(chromium, web_client)
    page = manager.open()
    log_in(page, t, staff_no, pin)
    expect_home(page, t)
    deadline = time.monotonic() + 40
    while True:  # the queue reads the phone: come back until the pull has brought the request
        open_tab(page, t, "Approvals")
        _tile(page, t.gettext("Leave and other requests")).click()
        expect(heading(page, t, "Leave and other requests")).to_be_visible(timeout=15_000)
        with contextlib.suppress(AssertionError):
            wait_shown(page, PERSON, timeout_s=3)
            break
        assert time.monotonic() < deadline, "the request never reached the manager's queue"
        back(page, t).click()
    # The context to decide: the balance with these 5 days held, and no shift in the dates.
    wait_shown(page, t.gettext("Leave left: {available} of {entitled} days ({used} taken, {held} waiting)",
                                available="7", entitled="12", used="0", held="5"))
    wait_shown(page, t.gettext("No shifts in these dates."))
    page.get_by_role("button", name=t.gettext("Approve"), exact=True).click()
    _wait_for(api_server, "SELECT action, user_id FROM request_decisions WHERE action='approve' ORDER BY id", decided)
    manager.close()


def test_annual_leave_walks_two_levels_and_the_staff_member_sees_it_approved(chromium, web_client, api_server):
    """Five days of annual leave: route and balance before sending, store manager then area
    manager approve, and the requester sees "approved" with every step, in two languages."""
    t = tr(DEFAULT_LOCALE)
    staff = Device(chromium, web_client)
    page = staff.open()
    log_in(page, t, "S3001", "1111")
    expect_home(page, t)
    _staff_sends_five_days(page, t)
    _wait_for(api_server, "SELECT type, first_day, last_day, days, status, note FROM requests",
              [("annual_leave", FIRST, LAST, 5, "pending", "Family trip")])

    _manager_approves(chromium, web_client, api_server, "M2001", "7100", [("approve", "u-sm-cwb")])
    _wait_for(api_server, "SELECT status, step FROM requests", [("pending", 1)])
    _manager_approves(chromium, web_client, api_server, "A1002", "8200",
                      [("approve", "u-sm-cwb"), ("approve", "u-am-hk")])
    _wait_for(api_server, "SELECT status FROM requests", [("approved",)])

    # Back on the staff phone: the list redraws when the sync brings the decision.
    wait_shown(page, t.gettext("Approved"), timeout_s=40)
    back(page, t).click()
    expect(heading(page, t, "Me")).to_be_visible(timeout=15_000)
    vi = switch_language(staff, "vi")
    page = staff.page
    open_tab(page, vi, "Me")
    _tile(page, vi.gettext("Requests")).click()
    _tile(page, vi.gettext("Annual leave")).click()
    expect(heading(page, vi, "Request")).to_be_visible(timeout=15_000)
    wait_shown(page, vi.gettext("Approved"))
    for who in (STORE_MANAGER, AREA_MANAGER):
        wait_shown(page, vi.join(vi.gettext("Approved"), who))
    wait_shown(page, vi.gettext("Step {number}: {role}: {names}", number=2, role=vi.gettext("Area manager"),
                                 names=AREA_MANAGER))
    staff.close()
