"""Issue 11, broadcasts, in a real browser: an urgent broadcast from the Causeway Bay manager to
his staff covers Chan Tai Man's screen as soon as he opens the app, stays until he taps
Acknowledge, and then the manager's receipts show Chan acknowledged and Siti not
(real API, Flet web client, Chromium)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import DEFAULT_LOCALE, Device, expect_home, heading, log_in, tab, tap_until, tr

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
TITLE = "黑雨警告：留在店內"


def _manager_token(api_server) -> str:
    body = {"staff_no": "M2001", "pin": "7100", "device_id": "dev-e2e-urgent-manager"}
    resp = httpx.post(f"{api_server.url}/v1/auth/login", json=body, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def _send_urgent(api_server, token: str, **extra) -> str:
    """The manager's phone pushes an urgent broadcast to CWB's staff (as the app does; ``extra``:
    more of its fields, such as issue 11 bccheck's check question)."""
    now = datetime.now(UTC).isoformat()
    clock = {"device_time": now, "monotonic_ms": 1_000, "boot_id": "boot-e2e"}
    payload = {"broadcast_id": f"bc-e2e-{uuid4().hex[:12]}", "title": TITLE, "body": "Black rainstorm: stay inside.",
               "kind": "urgent", "store_ids": ["st-cwb"], "role": "staff", **extra}
    body = {"device_id": "dev-e2e-urgent-manager", "sent": clock, "mutations": [
        {"seq": 1, "idempotency_key": str(uuid4()), "type": "broadcast.create", "payload": payload, "clock": clock}]}
    resp = httpx.post(f"{api_server.url}/v1/sync/push", json=body, headers={"Authorization": f"Bearer {token}"},
                      timeout=30)
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "applied", resp.text
    return payload["broadcast_id"]


def _receipts(api_server, token: str, broadcast_id: str) -> dict[str, dict]:
    resp = httpx.get(f"{api_server.url}/v1/broadcasts/{broadcast_id}/receipts",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert resp.status_code == 200, resp.text
    return {p["user_id"]: p for p in resp.json()["people"]}


def _wait_acknowledged(api_server, token: str, broadcast_id: str) -> None:
    """Until the manager's receipts show Chan (u-s01) acknowledged (his phone syncs every 3 s)."""
    deadline = time.monotonic() + 40
    while not _receipts(api_server, token, broadcast_id)["u-s01"]["acknowledged_at"]:
        assert time.monotonic() < deadline, "Chan's acknowledgement never reached the server"
        time.sleep(0.5)


def test_urgent_broadcast_blocks_staff_until_acknowledged_and_the_manager_sees_who(chromium, web_client,
                                                                                   api_server):
    """Chan logs in: the urgent broadcast covers Home with only Acknowledge (the tabs are gone);
    after the tap it is gone and Home is back, and within a sync the manager's receipts show Chan
    acknowledged, Siti not yet."""
    t = tr(DEFAULT_LOCALE)
    token = _manager_token(api_server)
    sent = _send_urgent(api_server, token)
    staff = Device(chromium, web_client)  # closed on success: a failure keeps its tab as evidence
    page = staff.open()
    log_in(page, t, "S3001", "1111")
    urgent = page.get_by_text(f"{t.gettext('Urgent')} · {TITLE}")
    expect(urgent).to_be_visible(timeout=40_000)
    acknowledge = page.get_by_role("button", name=t.gettext("Acknowledge"), exact=True)
    expect(acknowledge).to_be_visible()
    expect(tab(page, t, "Home")).to_have_count(0)
    tap_until(acknowledge, heading(page, t, "Home"))
    expect(urgent).to_have_count(0, timeout=15_000)
    expect_home(page, t)
    _wait_acknowledged(api_server, token, sent)
    people = _receipts(api_server, token, sent)
    assert people["u-s01"]["read_at"] and people["u-s02"]["acknowledged_at"] is None
    staff.close()
