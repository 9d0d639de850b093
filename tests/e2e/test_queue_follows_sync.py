"""Issue 10, pickers, in a real browser: the store manager is typing a comment on Chan Tai Man's
leave in Approvals -> Leave and other requests when the background sync brings Siti's request.
The queue shows both, and the comment field still has the text and the focus: typing goes on
where it was (real API, Flet web client, Chromium)."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from playwright.sync_api import expect

from app.domain.requests.kinds import RequestType
from app.domain.roles import Actor, Role
from app.store import DeviceStore
from app.store.requests import RequestActions
from app.sync import SyncEngine
from tests.conftest import login as api_login

from . import harness
from .conftest import open_tab, DEFAULT_LOCALE, Device, expect_home, heading, log_in, tr

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
_FOCUSED = "() => { const e = document.activeElement; return e ? [e.getAttribute('aria-label'), e.value] : null; }"


def _leave_from_a_phone(api_server, folder, staff_no: str, pin: str, day: date) -> None:
    """A staff member's phone (a device database and the real API) sends a day of annual leave."""
    store = DeviceStore(folder / f"{staff_no}.db")
    api = api_login(api_server.url, store, staff_no, pin)
    SyncEngine(store, api).sync_once()
    user = store.load_session()[0]
    actor = Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))
    RequestActions(store, store.clock, actor).submit(RequestType.ANNUAL_LEAVE, "st-cwb", first_day=day, last_day=day)
    SyncEngine(store, api).sync_once()
    store.close()


def _focused(page, expected: list) -> None:
    deadline = time.monotonic() + 10
    while (now := page.evaluate(_FOCUSED)) != expected:
        assert time.monotonic() < deadline, f"focused field holds {now}, expected {expected}"
        time.sleep(0.2)


def test_a_sync_brings_a_request_while_a_comment_is_typed(chromium, web_client, api_server, tmp_path):
    """The new request appears below; the half-typed comment keeps its text and the focus."""
    t = tr(DEFAULT_LOCALE)
    _leave_from_a_phone(api_server, tmp_path, "S3001", "1111", date(2027, 5, 3))
    manager = Device(chromium, web_client)
    page = manager.open()
    log_in(page, t, "M2001", "7100")
    expect_home(page, t)
    open_tab(page, t, "Approvals")
    page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("Leave and other requests")))).click()
    expect(heading(page, t, "Leave and other requests")).to_be_visible(timeout=15_000)
    comments = page.get_by_label(t.gettext("Comment"), exact=True)  # its own name, not the whole card's
    expect(comments).to_have_count(1, timeout=20_000)
    harness.type_into(page, comments, "Half typed")

    _leave_from_a_phone(api_server, tmp_path, "S3002", "2222", date(2027, 5, 10))
    expect(comments).to_have_count(2, timeout=30_000)
    assert "Siti Rahayu" in harness.semantics_dump(page)
    _focused(page, [t.gettext("Comment"), "Half typed"])
    page.keyboard.type(" and more")
    _focused(page, [t.gettext("Comment"), "Half typed and more"])
    manager.close()
