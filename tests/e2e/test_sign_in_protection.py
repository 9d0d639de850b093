"""PIN guessing seen by a person at the login screen: the app says how long to wait, in their
language (real API, real Flet web client, real Chromium)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from . import harness
from .conftest import DEFAULT_LOCALE, heading, log_in, tr

pytestmark = pytest.mark.e2e

STAFF_NO = "S3002"  # Siti Rahayu (backend_stub/seed.py)
THROTTLED = "Too many wrong PINs. Try again in {time}."
LOCKED = "Too many wrong PINs: this account is locked. Ask your manager to unlock it, or try again in {time}."


def as_pattern(text_with_time: str) -> re.Pattern:
    """The translated text with any duration where ``{time}`` was."""
    marker = "TIME0MARKER"
    return re.compile(re.escape(text_with_time.replace("{time}", marker)).replace(marker, ".+"))


def failures(api_server) -> int:
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
        row = db.execute("SELECT failures FROM login_attempts WHERE scope = 'account' AND key = ?",
                         [STAFF_NO]).fetchone()
    return row[0] if row else 0


def wait_for_failures(api_server, count: int, timeout_s: float = 15) -> None:
    """The server has counted ``count`` wrong PINs (so the request of the last one arrived)."""
    deadline = time.monotonic() + timeout_s
    while failures(api_server) < count:
        assert time.monotonic() < deadline, f"the server counted {failures(api_server)} of {count} tries"
        time.sleep(0.1)


def try_pin(page, t, pin: str) -> None:
    """Type another PIN (the app keeps the staff number and clears the PIN after a refusal).
    Typed with the field checked (``clear=True``): on a busy machine keys typed before Flutter
    has the field were lost, and a PIN sent short counted as one more wrong try."""
    harness.type_into(page, page.get_by_label(t.gettext("PIN"), exact=True), pin)
    page.get_by_role("button", name=t.gettext("Log in"), exact=True).click()


def test_login_screen_says_how_long_to_wait_then_that_the_account_is_locked(device, api_server):
    """After four wrong PINs the screen says "try again in N seconds"; once locked, "ask your
    manager, or try again in 1 day", in the person's language; Home never opens."""
    page, t = device.open(), tr(DEFAULT_LOCALE)
    button = page.get_by_role("button", name=t.gettext("Log in"), exact=True)
    log_in(page, t, STAFF_NO, "7000")
    for n in range(4):
        if n:
            try_pin(page, t, f"{7000 + n}")
        wait_for_failures(api_server, n + 1)
        expect(button).to_be_enabled(timeout=15_000)  # the answer is on screen
        expect(page.get_by_text(t.gettext("Wrong staff number or PIN"), exact=True)).to_be_visible()
    try_pin(page, t, "2222")  # the right PIN, too early
    throttled = t.gettext(THROTTLED, time="{time}")
    expect(page.get_by_text(as_pattern(throttled))).to_be_visible(timeout=15_000)
    shown = page.get_by_text(as_pattern(throttled)).inner_text()
    assert re.search(r"\d", shown), f"no number of seconds in {shown!r}"

    # The tenth wrong PIN in a row locked the account (written as the server would).
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db, db:
        db.execute("UPDATE login_attempts SET failures = 10, last_failure_at = ? WHERE scope = 'account' "
                   "AND key = ?", [datetime.now(UTC).isoformat(sep=" "), STAFF_NO])
    try_pin(page, t, "2222")
    locked = t.gettext(LOCKED, time=t.format_timedelta(timedelta(days=1)))
    expect(page.get_by_text(locked, exact=True)).to_be_visible(timeout=15_000)
    expect(heading(page, t, "Home")).to_have_count(0)
