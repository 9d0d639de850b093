"""Issue 11, broadcasts, in a real browser: the Causeway Bay manager's receipts show Chan Tai Man
(who acknowledged an urgent broadcast) as acknowledged and Siti Rahayu as not; "Remind them"
reaches Siti only, and her phone marks it "Reminder: please read this" (real API, Flet web
client, Chromium)."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import (open_tab, DEFAULT_LOCALE, VIEWPORT_CENTRE_X, Device, expect_every_button_named, expect_home, heading,
                       log_in, tr, wait_shown)

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
TITLE = "八號風球：落閘程序"
CHAN, SITI = "Chan Tai Man 陳大文", "Siti Rahayu"


def _push(api_server, staff_no: str, pin: str, kind: str, payload: dict) -> None:
    """A phone (signed in as ``staff_no``) pushes one mutation, as the app does."""
    device = f"dev-e2e-remind-{staff_no}"
    login = httpx.post(f"{api_server.url}/v1/auth/login", json={"staff_no": staff_no, "pin": pin,
                                                                "device_id": device}, timeout=30)
    assert login.status_code == 200, login.text
    clock = {"device_time": datetime.now(UTC).isoformat(), "monotonic_ms": 1_000, "boot_id": "boot-e2e"}
    body = {"device_id": device, "sent": clock, "mutations": [
        {"seq": 1, "idempotency_key": str(uuid4()), "type": kind, "payload": payload, "clock": clock}]}
    resp = httpx.post(f"{api_server.url}/v1/sync/push", json=body, timeout=30,
                      headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "applied", resp.text


def _reminders(api_server) -> list:
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
        return [(people, json.loads(ids)) for people, ids in
                db.execute("SELECT people, recipient_ids FROM broadcast_reminders").fetchall()]






def test_remind_them_reaches_only_the_one_who_has_not_acknowledged(chromium, web_client, api_server):
    """Urgent broadcast to Chan and Siti; Chan acknowledges. The manager's receipts: Chan
    acknowledged, Siti not on her phone yet; "Remind them" asks first, then reaches Siti alone
    (server record: 1 person, Siti) and the screen says "Reminded 1 person". Siti signs in, puts
    the urgent cover off with Later, and her Home says "Reminder: please read this" (Indonesian)."""
    t = tr(DEFAULT_LOCALE)
    sent = f"bc-e2e-{uuid4().hex[:12]}"
    _push(api_server, "M2001", "7100", "broadcast.create", {
        "broadcast_id": sent, "title": TITLE, "body": "Close the shutters and leave within 2 hours.",
        "kind": "urgent", "user_ids": ["u-s01", "u-s02"]})
    _push(api_server, "S3001", "1111", "broadcast.acknowledge", {
        "broadcast_id": sent, "user_id": "u-s01", "acknowledged_at": datetime.now(UTC).isoformat()})

    manager = Device(chromium, web_client)
    page = manager.open()
    log_in(page, t, "M2001", "7100")
    expect_home(page, t)
    open_tab(page, t, "Broadcast")
    expect(heading(page, t, "Broadcast")).to_be_visible(timeout=15_000)
    # The compose form in the reader's language: menus named, Flutter's own counters in Chinese.
    expect_every_button_named(page)
    expect(page.get_by_text(re.compile("characters remaining"))).to_have_count(0)
    sent_tile = page.get_by_role("button", name=TITLE)
    deadline = time.monotonic() + 40
    while not sent_tile.count():  # the manager's phone pulls its own broadcast, below the new one's form
        assert time.monotonic() < deadline, "the sent broadcast never showed under Recent broadcasts"
        page.mouse.move(VIEWPORT_CENTRE_X, 400)
        page.mouse.wheel(0, 800)  # Flutter puts only what is on screen in the accessibility tree
        time.sleep(0.5)
    sent_tile.first.click()
    expect(heading(page, t, "Receipts")).to_be_visible(timeout=15_000)
    wait_shown(page, CHAN)
    wait_shown(page, t.gettext("Acknowledged at {time}").split("{time}")[0].strip())
    wait_shown(page, t.gettext("Not on their phone yet"))
    page.get_by_role("button", name=t.gettext("Remind them"), exact=True).click()
    page.get_by_role("button", name=t.gettext("Send reminder"), exact=True).click()

    deadline = time.monotonic() + 40
    while not _reminders(api_server):
        assert time.monotonic() < deadline, "the reminder never reached the server"
        time.sleep(0.5)
    assert _reminders(api_server) == [(1, ["u-s02"])]
    wait_shown(page, t.ngettext("Reminded {count} person", "Reminded {count} people", 1).format(count=1))
    manager.close()

    siti = Device(chromium, web_client)
    page = siti.open()
    log_in(page, t, "S3002", "2222")
    t_id = tr("id")
    later = page.get_by_role("button", name=t_id.gettext("Later"), exact=True)
    expect(later).to_be_visible(timeout=40_000)
    later.click()
    expect_home(page, t_id)
    wait_shown(page, t_id.gettext("Reminder: please read this"))
    siti.close()
