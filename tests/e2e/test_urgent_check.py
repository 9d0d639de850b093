"""Issue 11, bccheck, in a real browser: an urgent broadcast asking a check question covers Chan
Tai Man's screen with the question and its choices; a wrong choice and Acknowledge says it is not
the right answer and the cover stays; the right one acknowledges and the manager's receipts show
it (real API, Flet web client, Chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import DEFAULT_LOCALE, Device, choose, expect_home, log_in, tr
from .test_urgent_broadcast import TITLE, _manager_token, _send_urgent, _wait_acknowledged

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
CHECK = {"question": "落黑雨時要點做？", "choices": ["Go home at once", "Stay inside the shop"], "right": 1}


def _shown(page, text: str):
    """``text`` on screen: alone, or inside the message's part (Flutter merges a section's texts
    into one node)."""
    return page.get_by_text(text).or_(page.get_by_role("textbox", name=re.compile(re.escape(text)))).first


def test_the_urgent_cover_asks_the_check_question_until_the_right_answer(chromium, web_client, api_server):
    """Chan logs in: the cover shows the question and both choices. "Go home at once" +
    Acknowledge: "not the right answer", the cover stays and the server has no acknowledgement.
    "Stay inside the shop" + Acknowledge: the cover goes, Home is back, and within a sync the
    manager's receipts show Chan acknowledged."""
    t = tr(DEFAULT_LOCALE)
    token = _manager_token(api_server)
    sent = _send_urgent(api_server, token, check=CHECK)
    staff = Device(chromium, web_client)  # closed on success: a failure keeps its tab as evidence
    page = staff.open()
    log_in(page, t, "S3001", "1111")
    urgent = page.get_by_text(f"{t.gettext('Urgent')} · {TITLE}")
    expect(urgent).to_be_visible(timeout=40_000)
    expect(_shown(page, CHECK["question"])).to_be_visible()
    expect(page.get_by_role("radio", name="Stay inside the shop", exact=True)).to_be_visible()
    acknowledge = page.get_by_role("button", name=t.gettext("Acknowledge"), exact=True)
    choose(page, "Go home at once")
    acknowledge.click()
    wrong = t.reason_message("broadcast_wrong_answer")
    expect(_shown(page, wrong)).to_be_visible(timeout=15_000)
    expect(urgent).to_be_visible()
    choose(page, "Stay inside the shop")
    page.get_by_role("button", name=t.gettext("Acknowledge"), exact=True).click()
    expect(urgent).to_have_count(0, timeout=15_000)
    expect_home(page, t)
    _wait_acknowledged(api_server, token, sent)
    staff.close()
