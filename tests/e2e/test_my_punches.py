"""My record and a forgotten PIN, as staff and their store manager meet them in a real browser:
Me shows the person's stores; My punches and hours shows days with breaks, flags in words and
"still at work"; "this looks wrong" reaches the manager's Approvals; the manager resets a PIN
from the phone and the person chooses a new one at login (real API, Flet web client, Chromium)."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from app.domain.pay_period import PayPeriodKind, last_pay_period

from . import harness
from .conftest import open_tab, DEFAULT_LOCALE, Device, expect_home, heading, log_in, sign_in, tr

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
MESSAGE = "I left at 18:00"
NEW_PIN = "5678"


def _server_rows(api_server, sql: str, params=()) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
        return db.execute(sql, params).fetchall()


def _wait_for_rows(api_server, sql: str, params=(), timeout_s: float = 30) -> list[tuple]:
    deadline = time.monotonic() + timeout_s
    while not (rows := _server_rows(api_server, sql, params)):
        assert time.monotonic() < deadline, f"nothing on the server for {sql}"
        time.sleep(0.3)
    return rows


def _punches_on_device(device: Device) -> None:
    """09:00-18:00 flagged outside the store on the last day of the last pay period (Causeway Bay
    pays monthly; that day is on the screen whatever today is), and clocked in an hour ago (still
    at work)."""
    now = datetime.now(UTC)
    hk = ZoneInfo("Asia/Hong_Kong")
    _first, last_day = last_pay_period(now.astimezone(hk).date(), PayPeriodKind.MONTHLY)
    worked_9 = datetime.combine(last_day, time_of_day(9), hk).astimezone(UTC)
    rows = [("e2e-in-1", "clock_in", worked_9, ["outside"]),
            ("e2e-out-1", "clock_out", worked_9 + timedelta(hours=9), []),
            ("e2e-in-2", "clock_in", now - timedelta(hours=1), [])]
    path = device.web.device_db(device.device_id)
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for pid, kind, at, flags in rows:
            db.execute("INSERT INTO punches (id, user_id, store_id, kind, method, at, face, status, flags,"
                       " sync_state) VALUES (?, 'u-s01', 'st-cwb', ?, 'face', ?, 'matched', 'accepted', ?,"
                       " 'synced')", [pid, kind, at.isoformat(), json.dumps(flags)])


def _open_me_item(page, t, msgid: str) -> None:
    open_tab(page, t, "Me")
    expect(heading(page, t, "Me")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name=t.gettext(msgid), exact=True).click()
    expect(heading(page, t, msgid)).to_be_visible(timeout=15_000)


def test_staff_sees_stores_and_own_hours_and_asks_the_manager(device, api_server):
    """Me names Causeway Bay; My punches shows worked hours, "outside the store" in words and
    "still at work"; "This looks wrong" sends a request the server keeps."""
    sign_in(device)
    page, t = device.page, device.tr
    open_tab(page, t, "Me")
    stores = t.gettext("Your stores: {stores}", stores="Causeway Bay (Times Square)")
    expect(page.get_by_text(stores)).to_be_visible(timeout=15_000)

    _punches_on_device(device)
    page.get_by_role("button", name=t.gettext("My punches and hours"), exact=True).click()
    expect(heading(page, t, "My punches and hours")).to_be_visible(timeout=15_000)
    # Each section is one group on the accessibility tree, named by everything it says.
    this_week = page.get_by_role("group", name=re.compile("^" + re.escape(t.gettext("This week"))))
    still = t.gettext("{start} – still at work", start="MARK").split("MARK")[1]
    expect(this_week).to_have_attribute("aria-label", re.compile(re.escape(still)))
    last_period = page.get_by_role("group", name=re.compile(re.escape(t.gettext("Last pay period ({dates})",
                                                                                dates="MARK").split("MARK")[0])))
    worked = t.gettext("Worked {hours} h, breaks {breaks} h", hours=t.format_decimal(9), breaks=t.format_decimal(0))
    expect(last_period).to_have_attribute("aria-label", re.compile(re.escape(worked)))
    expect(last_period).to_have_attribute("aria-label", re.compile(re.escape(t.gettext("outside the store"))))
    expect(page.get_by_role("group", name=re.compile(re.escape(t.gettext("missing clock-out"))))).to_have_count(0)

    page.get_by_role("button", name=t.gettext("This looks wrong"), exact=True).first.click()
    harness.type_into(page, page.get_by_role("textbox", name=t.gettext("What looks wrong?")), MESSAGE)
    page.get_by_role("button", name=t.gettext("Send"), exact=True).click()
    expect(page.get_by_text(t.gettext("Sent to your manager."), exact=True).last).to_be_visible(timeout=15_000)
    rows = _wait_for_rows(api_server, "SELECT user_id, store_id, message FROM timesheet_queries")
    assert rows == [("u-s01", "st-cwb", MESSAGE)]


def test_manager_sees_the_request_and_resets_a_forgotten_pin(chromium, web_client, api_server):
    """The Causeway Bay manager sees the request in Approvals, resets Chan Tai Man's PIN from Me
    and reads out the temporary PIN; with it the person must choose a new PIN, then Home opens.
    The reset and the new PIN are audited."""
    t = tr(DEFAULT_LOCALE)
    manager = Device(chromium, web_client)
    try:
        page = manager.open()
        log_in(page, t, "M2001", "7100")
        expect_home(page, t)
        open_tab(page, t, "Approvals")
        expect(page.get_by_text(re.compile(re.escape(MESSAGE)))).to_be_visible(timeout=30_000)

        _open_me_item(page, t, "Reset a forgotten PIN")
        page.get_by_role("button", name=t.gettext("Reset PIN"), exact=True).first.click()
        expect(page.get_by_text(t.gettext("Reset the PIN of {name}?", name="Chan Tai Man 陳大文"))).to_be_visible()
        page.get_by_role("button", name=t.gettext("Reset PIN"), exact=True).last.click()
        shown = page.get_by_text(re.compile(r"^\d{6}$"))
        expect(shown).to_be_visible(timeout=15_000)
        temporary = shown.inner_text()
    finally:
        manager.close()

    person = Device(chromium, web_client)
    try:
        page = person.open()
        log_in(page, t, "S3001", temporary)
        expect(page.get_by_text(t.reason_message("pin_change_required"), exact=True)).to_be_visible(timeout=15_000)
        harness.type_into(page, page.get_by_label(t.gettext("New PIN"), exact=True), NEW_PIN)
        harness.type_into(page, page.get_by_label(t.gettext("New PIN again"), exact=True), NEW_PIN)
        page.get_by_role("button", name=t.gettext("Log in"), exact=True).click()
        expect_home(page, t)
    finally:
        person.close()
    audit = _server_rows(api_server, "SELECT user_id, action, by_user FROM sign_in_audit ORDER BY id")
    assert audit == [("u-s01", "pin_reset", "u-sm-cwb"), ("u-s01", "pin_set", "u-s01")]
