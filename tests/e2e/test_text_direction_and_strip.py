"""Real browser: Arabic isolates a store name with brackets; the sync strip is one line with large text."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.i18n.translator import FSI, PDI

from .conftest import open_tab, PIN, STAFF_NO, Device, back, expect_home, heading, log_in, switch_language, tr

STORE = "Sha Tin (New Town Plaza)"  # backend_stub/seed.py, where S3008 works


def signed_in_device(chromium, web_client, code: str, staff_no: str, pin: str):
    """A new device whose browser asks for ``code``, signed in on Home (in that language)."""
    device = Device(chromium, web_client, locale=code.replace("_", "-"))
    page, t = device.open(), tr(code)
    device.tr = t
    expect(page.get_by_label(t.gettext("Staff number"), exact=True)).to_be_visible(timeout=20_000)
    log_in(page, t, staff_no, pin)
    expect_home(page, t)
    return device, page, t


def test_arabic_shift_shows_the_store_name_isolated(chromium, web_client):
    """In Arabic, Shifts names the Sha Tin store inside bidi isolates, brackets intact."""
    device, page, t = signed_in_device(chromium, web_client, "ar", "S3008", "8888")
    try:
        open_tab(page, t, "Shifts")
        expect(heading(page, t, "My shifts")).to_be_visible()
        shift = page.get_by_text(re.compile(re.escape(f"{FSI}{STORE}{PDI}"))).first
        expect(shift).to_be_visible(timeout=20_000)
        spoken = shift.inner_text()
        assert STORE in spoken.replace(FSI, "").replace(PDI, "")
    finally:
        device.close()


def strip_lines(page, t) -> list[float]:
    """Vertical centres of the strip's state, waiting and last-sync texts."""
    parts = [page.get_by_text(t.gettext("Online"), exact=True),
             page.get_by_text(t.gettext("All changes synced")),
             page.get_by_text(re.compile("^· " + re.escape(t.gettext("Last synced {time}").split("{")[0].strip())))]
    centres = []
    for part in parts:
        expect(part.first).to_be_visible(timeout=20_000)
        box = part.first.bounding_box()
        centres.append(box["y"] + box["height"] / 2)
    return centres


def test_sync_strip_is_one_line_in_long_languages_with_large_text(chromium, web_client):
    """Large text in id, ms, th and vi: state, waiting count and last sync share one line."""
    device, page, t = signed_in_device(chromium, web_client, "id", STAFF_NO, PIN)
    try:
        open_tab(page, t, "Me")
        page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("Display")))).click()
        page.get_by_role("switch", name=t.gettext("Large text")).click()
        back(page, t).click()
        expect(heading(page, t, "Me")).to_be_visible()
        open_tab(page, t, "Home")
        expect_home(page, t)
        for code in ("id", "ms", "th", "vi"):
            if code != "id":
                t = switch_language(device, code)
            centres = strip_lines(page, t)
            assert max(centres) - min(centres) < 6, (code, centres)  # one line, not two or three
            assert not page.get_by_text(re.compile(r"^·")).filter(has_text=t.gettext("Online")).count()
    finally:
        device.close()
