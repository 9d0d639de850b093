"""Issue 11, bcwrite, in a real browser: a broadcast the Causeway Bay manager wrote in Chinese with
an Indonesian version shows in Indonesian for Siti Rahayu (S3002, who reads the app in
Indonesian), and "Show original" shows the Chinese as written (real API, Flet web client,
Chromium)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import DEFAULT_LOCALE, Device, expect_home, heading, log_in, tr

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
TITLE, BODY = "冷氣維修：後倉暫停使用", "請將貨物放在前舖。"
TITLE_ID, BODY_ID = "AC diperbaiki: gudang belakang ditutup", "Taruh barang di toko depan."


def _send_translated(api_server) -> None:
    """The manager's phone pushes the broadcast with its Indonesian version (as the app does)."""
    login = {"staff_no": "M2001", "pin": "7100", "device_id": "dev-e2e-translated-manager"}
    resp = httpx.post(f"{api_server.url}/v1/auth/login", json=login, timeout=30)
    assert resp.status_code == 200, resp.text
    now = datetime.now(UTC).isoformat()
    clock = {"device_time": now, "monotonic_ms": 1_000, "boot_id": "boot-e2e"}
    payload = {"broadcast_id": f"bc-e2e-{uuid4().hex[:12]}", "title": TITLE, "body": BODY,
               "store_ids": ["st-cwb"], "role": "staff", "translations": {"id": {"title": TITLE_ID, "body": BODY_ID}}}
    body = {"device_id": login["device_id"], "sent": clock, "mutations": [
        {"seq": 1, "idempotency_key": str(uuid4()), "type": "broadcast.create", "payload": payload, "clock": clock}]}
    resp = httpx.post(f"{api_server.url}/v1/sync/push", json=body, timeout=30,
                      headers={"Authorization": f"Bearer {resp.json()['access_token']}"})
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "applied", resp.text


def _shown(page, text: str):
    """The innermost element showing ``text``: a text node, or a semantics node naming it (Flutter
    merges a group's texts into its label)."""
    return page.get_by_text(text).or_(page.get_by_label(text)).last


def test_a_translated_broadcast_shows_in_indonesian_for_siti_and_show_original_shows_the_chinese(
        chromium, web_client, api_server):
    """Siti logs in (her app turns Indonesian): Home shows the broadcast's Indonesian title; on
    Broadcasts its detail shows the Indonesian text, not the Chinese; "Tampilkan versi asli"
    (Show original) shows the Chinese title and text."""
    _send_translated(api_server)
    staff = Device(chromium, web_client)  # closed on success: a failure keeps its tab as evidence
    page = staff.open()
    log_in(page, tr(DEFAULT_LOCALE), "S3002", "2222")
    t = tr("id")
    expect_home(page, t, timeout=40_000)
    expect(_shown(page, TITLE_ID)).to_be_visible(timeout=40_000)
    expect(_shown(page, TITLE)).to_have_count(0)
    page.get_by_role("button", name=t.gettext("All broadcasts"), exact=True).click()
    expect(heading(page, t, "Broadcasts")).to_be_visible(timeout=15_000)
    _shown(page, TITLE_ID).click()
    expect(_shown(page, BODY_ID)).to_be_visible(timeout=15_000)
    expect(_shown(page, BODY)).to_have_count(0)
    page.get_by_role("button", name=t.gettext("Show original"), exact=True).click()
    expect(_shown(page, BODY)).to_be_visible(timeout=15_000)
    expect(_shown(page, TITLE)).to_be_visible()
    expect(_shown(page, BODY_ID)).to_have_count(0)
    staff.close()
