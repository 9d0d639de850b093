"""Issue 10, roster, in a real browser: the Causeway Bay manager builds a week on the phone (two
shifts, one overnight), sees them marked as drafts, publishes (the confirmation names the count),
and Chan Tai Man is told on Home ("Your shifts changed"), then finds both in My shifts, in Chinese and again in Arabic (right to left)
(real API, Flet web client, Chromium)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.domain.attendance import HONG_KONG

from . import harness
from .conftest import open_tab, DEFAULT_LOCALE, Device, expect_home, heading, log_in, switch_language, tr, wait_shown

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
PERSON = "Chan Tai Man 陳大文"


def _wait_for(api_server, sql: str, expected, timeout_s: float = 40) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
            rows = db.execute(sql).fetchall()
        if rows == expected:
            return
        assert time.monotonic() < deadline, f"server holds {rows}, expected {expected}"
        time.sleep(0.5)


def _mentioning(page, text: str):
    """Buttons and texts whose accessible name contains ``text`` (a shift line)."""
    pattern = re.compile(re.escape(text))
    return page.get_by_role("button", name=pattern).or_(page.get_by_text(pattern))




def _two_weeks_ahead(page, t) -> None:
    """A week with no demo shifts (the demo chain rosters this week and next); each step waits
    for the screen to show the new week."""
    today = datetime.now(HONG_KONG).date()
    for step in (1, 2):
        page.get_by_role("button", name=t.gettext("Next week"), exact=True).click()
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        label = t.gettext("Week of {date}", date=t.format_date(monday, "medium"))
        wait_shown(page, label)


def _add_shift(page, t, day_index: int, start: str | None, end: str | None, role: str) -> None:
    page.get_by_role("button", name=t.gettext("Add shift"), exact=True).nth(day_index).click()
    page.get_by_role("radio", name=PERSON, exact=True).click()
    if start:
        harness.type_into(page, page.get_by_label(t.gettext("Start (HH:MM)"), exact=True), start, delay=40)
    if end:
        harness.type_into(page, page.get_by_label(t.gettext("End (HH:MM)"), exact=True), end, delay=40)
    harness.type_into(page, page.get_by_label(t.gettext("Role"), exact=True), role, delay=40)
    page.get_by_role("button", name=t.gettext("Save shift"), exact=True).click()
    expect(page.get_by_text(t.gettext("Shift saved."), exact=True).last).to_be_visible(timeout=15_000)


def test_manager_publishes_a_week_and_staff_see_it_in_two_languages(chromium, web_client, api_server):
    """Two drafts (Monday 09:00-18:00, Wednesday 22:00-06:00) reach Chan Tai Man only after publish."""
    t = tr(DEFAULT_LOCALE)
    manager = Device(chromium, web_client)  # closed on success: a failure keeps its tab as evidence
    page = manager.open()
    log_in(page, t, "M2001", "7100")
    expect_home(page, t)
    page.get_by_role("button", name=t.gettext("Roster"), exact=True).click()
    expect(heading(page, t, "Roster")).to_be_visible(timeout=15_000)
    _two_weeks_ahead(page, t)
    _add_shift(page, t, 0, None, None, "Cashier")
    _add_shift(page, t, 2, "22:00", "06:00", "Night stock")
    try:
        expect(_mentioning(page, t.gettext("Draft"))).to_have_count(2, timeout=15_000)
    except AssertionError:
        page.screenshot(path="/tmp/diag3.png")
        raise
    _wait_for(api_server, "SELECT role, status FROM shifts WHERE user_id='u-s01' AND role != 'Sales'"
              " ORDER BY starts_at", [("Cashier", "draft"), ("Night stock", "draft")])

    page.get_by_role("button", name=t.gettext("Publish"), exact=True).click()
    question = t.ngettext("Publish {count} draft shift? Staff will see it.",
                          "Publish {count} draft shifts? Staff will see them.", 2)
    expect(page.get_by_text(question, exact=True)).to_be_visible()
    page.get_by_role("button", name=t.gettext("Publish"), exact=True).last.click()
    # The dialog goes away (under load it once stayed on screen, its buttons dead).
    expect(page.get_by_text(question, exact=True)).to_have_count(0, timeout=15_000)
    _wait_for(api_server, "SELECT role, status FROM shifts WHERE user_id='u-s01' AND role != 'Sales'"
              " ORDER BY starts_at", [("Cashier", "published"), ("Night stock", "published")])
    expect(_mentioning(page, t.gettext("Draft"))).to_have_count(0, timeout=15_000)
    manager.close()

    staff = Device(chromium, web_client)
    page = staff.open()
    log_in(page, t, "S3001", "1111")
    expect_home(page, t)
    # Publishing told him: Home shows the shift-change broadcast, in his language.
    told = re.compile(re.escape(t.gettext("Your shifts changed")))
    expect(page.get_by_role("group", name=told).or_(page.get_by_text(told)).first).to_be_visible(timeout=30_000)
    _open_my_shifts(page, t)
    _two_weeks_ahead(page, t)
    _expect_roles(page)
    open_tab(page, t, "Home")
    ar = switch_language(staff, "ar")
    _open_my_shifts(staff.page, ar)  # right to left now, still on that week
    _expect_roles(staff.page)
    staff.close()


def _open_my_shifts(page, t) -> None:
    open_tab(page, t, "Shifts")
    expect(heading(page, t, "My shifts")).to_be_visible(timeout=15_000)


def _expect_roles(page) -> None:
    for role in ("Cashier", "Night stock"):
        expect(_mentioning(page, role).first).to_be_visible(timeout=30_000)
