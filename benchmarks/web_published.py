"""The published (installable, Python-in-the-browser) mode of bench_web_start.py.

One build per label (the working tree, and with ``--compare REF`` the app as of that git
commit, built the same way), each served on its own loopback origin that the API allows.
Runs are interleaved (A, B, A, B, ...) so both builds see the same load of the machine.

Per build, per run:
- first load: a new context (empty HTTP cache, no service worker, empty IndexedDB): first
  frame, login screen up, interactive = a tap on "Log in" (empty fields) answered;
- warm reload: a context that loaded the app and signed in (S3001), online, service worker
  in control: reload, first frame, Home up (its title and "Today's shift"), interactive =
  a tap on the Tasks tab answered (Tasks title up);
- offline reload: the same context after ``set_offline(True)``.
Each start also yields the page's and the Python worker's ``[startup]`` marks (webapp/startup.py,
app.platform.startup_mark), in seconds since the navigation started.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

from app.i18n import Translator
from tests.e2e import harness

REPO = Path(__file__).resolve().parents[1]
MARK = re.compile(r"^\[startup\] (.+) @([\d.]+)$")
STAFF_NO, PIN = "S3001", "1111"
LOGIN_TIMEOUT = 120_000


def build_at(ref: str | None, out: Path, api_url: str) -> Path:
    """Build the web app of the working tree (``ref`` None) or of git ``ref`` into ``out``."""
    tree = REPO
    if ref is not None:
        tree = out.with_name(out.name + "-src")
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        for mo in REPO.glob("locales/*/LC_MESSAGES/messages.mo"):  # compiled, not in git
            shutil.copy2(mo, tree / mo.relative_to(REPO))
    env = {**os.environ, "PYTHONPATH": str(tree), "SHOPFLOOR_WEB_CACHE": str(REPO / ".cache" / "web")}
    subprocess.run([sys.executable, "-m", "webapp", "--dist", str(out), "--api-url", api_url],
                   cwd=tree, env=env, check=True, capture_output=True)
    return out


class Start:
    """One navigation of a page: console marks collected, times since the navigation."""

    def __init__(self, page) -> None:
        self.page, self.marks = page, {}
        page.on("console", self._console)

    def _console(self, message) -> None:
        found = MARK.match(message.text)
        if found and found.group(1) not in self.marks:
            self.marks[found.group(1)] = float(found.group(2))

    def run(self, navigate, t: Translator, screen, tap, answer) -> dict:
        """``navigate()``, then first frame, ``screen`` visible, ``tap`` -> ``answer`` visible."""
        self.marks.clear()
        t0 = time.perf_counter()
        navigate()
        harness.wait_for_flutter(self.page, timeout=LOGIN_TIMEOUT)
        first_frame = time.perf_counter() - t0
        harness.enable_semantics(self.page)
        for locator in screen:
            expect(locator).to_be_visible(timeout=LOGIN_TIMEOUT)
        shown = time.perf_counter() - t0
        tap.click()
        expect(answer).to_be_visible(timeout=30_000)
        interactive = time.perf_counter() - t0
        origin = self.page.evaluate("performance.timeOrigin")
        marks = {name: (ms - origin) / 1000 for name, ms in self.marks.items()}
        return {"first_frame": first_frame, "home": shown, "interactive": interactive,
                "tap": interactive - shown, "marks": marks}


def home_screen(page, t: Translator):
    return [page.get_by_role("heading", name=t.gettext("Home"), exact=True),
            page.get_by_text(t.gettext("Today's shift"))]


def first_load(browser, url: str, t: Translator) -> dict:
    """A new phone opens the app: the login screen, and a tap on "Log in" answered."""
    context = browser.new_context(viewport=harness.PHONE_VIEWPORT, locale="zh-HK", service_workers="allow")
    try:
        page = context.new_page()
        start = Start(page)
        log_in = page.get_by_role("button", name=t.gettext("Log in"), exact=True)
        return start.run(lambda: page.goto(url), t, [log_in], log_in,
                         page.get_by_text(t.gettext("Enter your staff number and PIN.")))
    finally:
        context.close()


class Phone:
    """A context that has loaded the app once and signed in; reloads are measured on it."""

    def __init__(self, browser, url: str, t: Translator) -> None:
        self.t = t
        self.context = browser.new_context(viewport=harness.PHONE_VIEWPORT, locale="zh-HK",
                                           service_workers="allow")
        self.page = self.context.new_page()
        self.start = Start(self.page)
        self.page.goto(url)
        harness.wait_for_flutter(self.page, timeout=LOGIN_TIMEOUT)
        harness.enable_semantics(self.page)
        harness.type_into(self.page, self.page.get_by_label(t.gettext("Staff number"), exact=True), STAFF_NO)
        harness.type_into(self.page, self.page.get_by_label(t.gettext("PIN"), exact=True), PIN)
        self.page.get_by_role("button", name=t.gettext("Log in"), exact=True).click()
        for locator in home_screen(self.page, t):
            expect(locator).to_be_visible(timeout=LOGIN_TIMEOUT)
        expect(self.page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=LOGIN_TIMEOUT)
        self.page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=LOGIN_TIMEOUT)

    def reload(self) -> dict:
        """Reload on Home; first frame, Home, a tap on Tasks answered; back to Home (untimed)."""
        page, t = self.page, self.t
        tab = page.get_by_role("tab", name=t.gettext("Tasks"), exact=True)
        result = self.start.run(page.reload, t, home_screen(page, t), tab,
                                page.get_by_role("heading", name=t.gettext("Tasks"), exact=True))
        page.get_by_role("tab", name=t.gettext("Home"), exact=True).click()
        expect(home_screen(page, t)[0]).to_be_visible(timeout=30_000)
        return result

    def go_offline(self) -> None:
        self.context.set_offline(True)

    def close(self) -> None:
        self.context.close()
