"""Issue 10, pickers, in a real browser: on New request, in Thai, the calendar button beside
"First day" opens Flutter's date picker in Thai; the day tapped lands in the field as
YYYY-MM-DD; a date typed another way is marked under its field, in Thai (real API, Flet web
client, Chromium in Hong Kong's time zone)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from . import harness
from .conftest import open_tab, DEFAULT_LOCALE, Device, expect_home, heading, log_in, switch_language, tr

pytestmark = pytest.mark.e2e


def test_a_day_picked_on_the_calendar_lands_in_the_field(chromium, web_client):
    """Thai: the calendar names this month in Thai; the 15th tapped there and confirmed fills
    "First day" with this month's 15th as YYYY-MM-DD; "15/01/2027" typed in "Last day" is
    marked with how to write it."""
    device = Device(chromium, web_client, timezone_id="Asia/Hong_Kong")
    page = device.open()
    log_in(page, tr(DEFAULT_LOCALE))
    expect_home(page, tr(DEFAULT_LOCALE))
    th = switch_language(device, "th")
    open_tab(page, th, "Me")
    page.get_by_role("button", name=re.compile("^" + re.escape(th.gettext("Requests")))).click()
    page.get_by_role("button", name=th.gettext("New request"), exact=True).click()
    expect(heading(page, th, "New request")).to_be_visible(timeout=15_000)

    first = th.gettext("First day (YYYY-MM-DD)")
    page.get_by_role("button", name=th.gettext("Pick on the calendar: {field}", field=first), exact=True).click()
    today = datetime.now(ZoneInfo("Asia/Hong_Kong")).date()
    # The 15th, named in Thai ("15, วันอังคารที่ 15 ธันวาคม 2026"): Flutter's Thai month names are Babel's.
    month = th.format_skeleton("yMMMM", today)
    page.get_by_role("button", name=re.compile(r"^15, .* 15 " + re.escape(month))).click()
    page.get_by_role("button", name=th.gettext("OK"), exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    field = page.get_by_label(first, exact=True)
    field.click()  # Flutter puts a field's text in the page only while it has the focus
    assert harness.wait_to_hold(page, field, today.replace(day=15).isoformat()) == today.replace(day=15).isoformat()

    harness.type_into(page, page.get_by_label(th.gettext("Last day (YYYY-MM-DD)"), exact=True), "15/01/2027")
    page.get_by_label(th.gettext("Reason"), exact=True).click()  # leaving the field checks it
    expect(page.get_by_text(th.gettext(
        "Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.",
        example="2027-01-31"))).to_be_visible()
    device.close()
