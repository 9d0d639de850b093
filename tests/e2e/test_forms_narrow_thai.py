"""Issue 10, pickers, in a real browser on a 412 px phone in Thai (real API, Flet web client,
Chromium): the date and time fields of the roster's shift form, the open-shift form and New
request hold their layout. Each field takes the screen's width inside the 412 px (no overflow),
its calendar or clock button sits inside it on its line (never wrapped alone onto a line of
its own), and the button still opens the picker by its Thai name. My availability's weekly
window keeps From, To (each with its clock inside) and Remove on one line."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import open_tab, ARTIFACTS, expect_home, heading, log_in, thai_device

pytestmark = pytest.mark.e2e

WIDTH = 412


@pytest.fixture()
def thai_phone(chromium, web_client):
    d = thai_device(chromium, web_client)
    yield d
    d.close()


def _settled(*locators) -> list[dict]:
    """The boxes of ``locators`` once two readings agree (Flutter may still be scrolling the
    field into view, moving everything between two readings)."""
    boxes, deadline = None, time.monotonic() + 5
    while True:
        again = [locator.bounding_box() for locator in locators]
        if again == boxes or time.monotonic() > deadline:
            return again
        boxes = again
        time.sleep(0.2)


def _check_field(page, t, label: str, picker: str, min_width: float = WIDTH / 2) -> None:
    """``label``'s field lies inside the screen, at least ``min_width`` wide (not squeezed), and
    the button named ``picker`` sits inside the field, on its line."""
    field = page.get_by_label(label, exact=True)
    field.scroll_into_view_if_needed()
    button = page.get_by_role("button", name=t.gettext(picker, field=label), exact=True)
    expect(button).to_be_visible()
    box, inner = _settled(field, button)
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{label!r} overflows the screen: {box}"
    assert box["width"] >= min_width, f"{label!r} squeezed: {box}"
    assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1, (label, box, inner)
    centre = inner["y"] + inner["height"] / 2
    assert box["y"] <= centre <= box["y"] + box["height"], f"{label!r}'s button off its line: {box} {inner}"


def _opens_picker(page, t, label: str, picker: str) -> None:
    """The button opens Flutter's picker (a dialog with the field's name) and Cancel closes it."""
    page.get_by_role("button", name=t.gettext(picker, field=label), exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(1)
    page.get_by_role("button", name=t.gettext("Cancel"), exact=True).last.click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_the_roster_shift_form_and_the_open_shift_form_hold_at_412px_in_thai(thai_phone):
    """The manager, in Thai, taps "Add shift" then "Add open shift" on the Roster: Start and End
    of both forms lie inside the screen with their clock inside the field; the clock opens."""
    page, t = thai_phone.page, thai_phone.tr
    log_in(page, t, "M2001", "7100")
    expect_home(page, t)
    page.get_by_role("button", name=t.gettext("Roster"), exact=True).click()
    expect(heading(page, t, "Roster")).to_be_visible(timeout=15_000)
    start, end = t.gettext("Start (HH:MM)"), t.gettext("End (HH:MM)")
    page.get_by_role("button", name=t.gettext("Add shift"), exact=True).first.click()
    expect(page.get_by_label(start, exact=True)).to_have_count(1, timeout=15_000)
    for label in (start, end):
        _check_field(page, t, label, "Pick on the clock: {field}")
    _opens_picker(page, t, start, "Pick on the clock: {field}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "roster-form-thai-412px.png")
    page.get_by_role("button", name=t.gettext("Cancel"), exact=True).first.click()
    expect(page.get_by_label(start, exact=True)).to_have_count(0)

    page.get_by_role("button", name=t.gettext("Add open shift"), exact=True).first.click()
    expect(page.get_by_label(start, exact=True)).to_have_count(1, timeout=15_000)
    for label in (start, end):
        _check_field(page, t, label, "Pick on the clock: {field}")
    page.screenshot(path=ARTIFACTS / "open-shift-form-thai-412px.png")


def test_new_requests_day_fields_and_an_availability_window_hold_at_412px_in_thai(thai_phone):
    """Chan, in Thai, opens New request (annual leave): First day and Last day lie inside the
    screen with their calendar inside the field; the calendar opens. In My availability, a
    Monday window's From and To (clock inside each) and Remove share one line."""
    page, t = thai_phone.page, thai_phone.tr
    log_in(page, t)
    expect_home(page, t)
    open_tab(page, t, "Me")
    page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("Requests")))).click()
    page.get_by_role("button", name=t.gettext("New request"), exact=True).click()
    expect(heading(page, t, "New request")).to_be_visible(timeout=15_000)
    first, last = t.gettext("First day (YYYY-MM-DD)"), t.gettext("Last day (YYYY-MM-DD)")
    for label in (first, last):
        _check_field(page, t, label, "Pick on the calendar: {field}")
    _opens_picker(page, t, last, "Pick on the calendar: {field}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "new-request-thai-412px.png")

    page.close()
    page = thai_phone.open()  # the app loaded again, still signed in, at Home
    expect_home(page, t)
    open_tab(page, t, "Me")
    page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("My availability")))).click()
    expect(heading(page, t, "My availability")).to_be_visible(timeout=15_000)
    monday = t.babel_locale.days["format"]["wide"][0]
    page.get_by_role("button", name=t.gettext("Add hours on {day}", day=monday), exact=True).click()
    for label in ("From", "To"):
        _check_field(page, t, t.gettext(label), "Pick on the clock: {field}", min_width=96)
    start, end, remove = _settled(page.get_by_label(t.gettext("From"), exact=True),
                                  page.get_by_label(t.gettext("To"), exact=True),
                                  page.get_by_role("button", name=t.gettext("Remove"), exact=True).first)
    assert abs(start["y"] - end["y"]) < 2 and start["x"] + start["width"] <= end["x"], (start, end)
    assert end["x"] + end["width"] <= remove["x"] and remove["x"] + remove["width"] <= WIDTH, (end, remove)
    assert start["y"] <= remove["y"] + remove["height"] / 2 <= start["y"] + start["height"], (start, remove)
    _opens_picker(page, t, t.gettext("To"), "Pick on the clock: {field}")
