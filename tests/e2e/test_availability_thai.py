"""Issue 10, availability, in a real browser on a 412 px phone in Thai (real API, Flet web client,
Chromium): Somchai sets two time windows on Monday in My availability; the layout holds (every
weekday label one size, each window's from and to fields on one line inside the screen), the
server gets both windows, and both are shown again after a reload."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from . import harness
from .conftest import open_tab, ARTIFACTS, expect_home, heading, log_in, thai_device

pytestmark = pytest.mark.e2e

STAFF_NO, PIN, USER_ID = "S3005", "5555", "u-s05"  # Somchai Phongsri, Tsim Sha Tsui (seed.py)
WINDOWS = [("09:00", "13:00"), ("17:00", "21:00")]


@pytest.fixture(scope="module")
def thai_phone(chromium, web_client):
    d = thai_device(chromium, web_client)
    yield d
    d.close()


def _server_windows(api_server) -> list:
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
        return db.execute("SELECT starts, ends FROM availability_windows WHERE user_id = ? AND weekday = 0"
                          " ORDER BY starts", [USER_ID]).fetchall()


def _open_my_availability(page, t) -> None:
    open_tab(page, t, "Me")
    page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("My availability")))).click()
    expect(heading(page, t, "My availability")).to_be_visible(timeout=15_000)


def _value(page, field, expected: str) -> str:
    """What a field shows: Flutter fills the accessibility copy of a field only once it has the
    focus, so focus it and read the focused editing element (``expected`` only bounds the wait)."""
    field.click()
    return harness.wait_to_hold(page, field, expected)


def _boxes(locator) -> list[dict]:
    return [locator.nth(i).bounding_box() for i in range(locator.count())]


def _check_layout(page, t, days: list[str]) -> None:
    """Every weekday label is one height (one line, one size); each window's from and to fields
    sit on one line, side by side, inside the 412 px screen."""
    labels = [page.get_by_role("heading", name=day, exact=True) for day in days]
    for label in labels:
        label.scroll_into_view_if_needed()
        expect(label).to_be_visible()
    heights = {round(label.bounding_box()["height"]) for label in labels}
    assert len(heights) == 1, f"weekday labels of different heights: {heights}"
    starts = _boxes(page.get_by_label(t.gettext("From"), exact=True))
    ends = _boxes(page.get_by_label(t.gettext("To"), exact=True))
    assert len(starts) == len(ends) == len(WINDOWS)
    width = harness.PHONE_VIEWPORT["width"]
    for start, end in zip(starts, ends):
        assert abs(start["y"] - end["y"]) < 2, f"'to' field not on the 'from' field's line: {start} {end}"
        assert start["x"] + start["width"] <= end["x"] and end["x"] + end["width"] <= width, (start, end)


def test_two_windows_on_monday_in_thai_hold_on_a_412px_phone_and_after_a_reload(thai_phone, api_server):
    """Somchai adds two windows on Monday (09:00-13:00, 17:00-21:00) and saves: the layout holds
    at 412 px in Thai, the server gets both windows, and a reload shows both again."""
    page, t = thai_phone.page, thai_phone.tr
    log_in(page, t, STAFF_NO, PIN)
    expect_home(page, t)
    _open_my_availability(page, t)
    days = [t.babel_locale.days["format"]["wide"][d] for d in range(7)]
    add_monday = page.get_by_role("button", name=t.gettext("Add hours on {day}", day=days[0]), exact=True)
    add_monday.click()
    expect(page.get_by_label(t.gettext("From"), exact=True)).to_have_count(1)
    add_monday.click()
    expect(page.get_by_label(t.gettext("From"), exact=True)).to_have_count(2)
    for i, (start, end) in enumerate(WINDOWS):
        harness.type_into(page, page.get_by_label(t.gettext("From"), exact=True).nth(i), start, delay=40)
        harness.type_into(page, page.get_by_label(t.gettext("To"), exact=True).nth(i), end, delay=40)
    _check_layout(page, t, days)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "availability-thai-412px.png", full_page=True)
    page.get_by_role("button", name=t.gettext("Save availability"), exact=True).click()
    expect(page.get_by_text(t.gettext("Availability saved."), exact=True).first).to_be_visible(timeout=15_000)
    deadline = time.monotonic() + 40
    while _server_windows(api_server) != WINDOWS:
        assert time.monotonic() < deadline, f"server holds {_server_windows(api_server)}"
        time.sleep(0.5)

    page.close()
    page = thai_phone.open()  # the same phone, the app loaded again
    expect_home(page, t)
    _open_my_availability(page, t)
    expect(page.get_by_label(t.gettext("From"), exact=True)).to_have_count(len(WINDOWS), timeout=15_000)
    shown = [(_value(page, page.get_by_label(t.gettext("From"), exact=True).nth(i), start),
              _value(page, page.get_by_label(t.gettext("To"), exact=True).nth(i), end))
             for i, (start, end) in enumerate(WINDOWS)]
    assert shown == WINDOWS
    _check_layout(page, t, days)
