"""Fixtures and helpers for the Shopfloor end-to-end tests (real API + Flet web client + Chromium).

Every test module gets its own fresh world, shared by the module's tests:

- ``api_server``: the real API (uvicorn subprocess, seeded demo chain) on a free loopback
  port with its own data directory (``api_server.data_dir / "shopfloor.db"``);
- ``web_client``: ``python -m app.main --web`` on a free loopback port with a fresh client
  data directory; restartable on the same port (same browser origin, so the browser keeps
  its device id) and the same data directory;
- ``chromium``: one headless Chromium (module scope, so it never overlaps another module's
  Playwright instance).

A :class:`Device` is one browser context (= one device: its id is in localStorage, its
database is ``<client data>/devices/<id>.db``). Tabs of a context are cheap (the wasm client
comes from the context's HTTP cache); a new context costs 3-6 s, so modules share one.

Expected texts always come from the app's own catalogues through :func:`tr`, so the tests
follow wording and translation changes.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from functools import lru_cache
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from app.i18n import SUPPORTED_LOCALES, Translator
from tests.servers import ApiServer

from . import harness

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DEVICE_ID_KEY = "flutter.shopfloor.device_id"  # SharedPreferences key in localStorage

#: The staff member the flows use (backend_stub/seed.py): Causeway Bay, no preferred language.
STAFF_NO, PIN, STAFF_NAME = "S3001", "1111", "Chan Tai Man 陳大文"
DEFAULT_LOCALE = "zh_Hant_HK"

#: Flutter's own (Material) name of the Back arrow in each language: the app sets Flutter's
#: locale (app.ui.theme.flutter_locales), so Flutter's texts are in the app's language too.
FLUTTER_BACK = {"zh_Hant_HK": "返回", "zh_Hans": "返回", "en": "Back", "ar": "رجوع", "id": "Kembali",
                "ms": "Kembali", "th": "กลับ", "vi": "Quay lại"}
VIEWPORT_CENTRE_X = harness.PHONE_VIEWPORT["width"] / 2


@lru_cache(maxsize=None)
def tr(locale: str) -> Translator:
    """The app's translator for ``locale`` (expected texts, never hard-coded)."""
    return Translator(locale)


# ---- servers ------------------------------------------------------------------------------


class WebClient:
    """The Flet web client in a subprocess that can be stopped and started again.

    It keeps its port (the browser origin, hence the browser's localStorage and device id)
    and its data directory across restarts.
    """

    def __init__(self, api_url: str, data_dir: Path, *, port: int | None = None,
                 extra_env: dict | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or harness.free_port()
        self.env = {"SHOPFLOOR_API_URL": api_url, "SHOPFLOOR_DATA_DIR": str(data_dir),
                    **(extra_env or {})}
        self._stack: contextlib.ExitStack | None = None
        self.app: harness.FletApp | None = None
        self.logs: list[str] = []  # logs of earlier runs (the harness deletes the file on stop)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> "WebClient":
        stack = contextlib.ExitStack()
        self.app = stack.enter_context(harness.serve_flet_app(
            module="app.main", args=["--web"], cwd=REPO, env=self.env, port=self.port))
        self._stack = stack
        return self

    def stop(self) -> None:
        if self._stack is not None:
            if self.app is not None:
                self.logs.append(self.app.log())
            self._stack.close()
            self._stack = self.app = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return "\n".join(self.logs + ([self.app.log()] if self.app else []))

    def device_db(self, device_id: str) -> Path:
        from app.store import device_db_path

        return device_db_path(self.data_dir, device_id)


@pytest.fixture(scope="module")
def api_server(tmp_path_factory, request):
    """A fresh seeded API for this module (ApiServer.stop()/start() keep port and data).
    A module can set ``API_ENV`` (e.g. ``{"SHOPFLOOR_ACCESS_TTL_S": "10"}``)."""
    server = ApiServer(tmp_path_factory.mktemp("api"), env=getattr(request.module, "API_ENV", None)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web_client(api_server, tmp_path_factory, request):
    """A fresh Flet web client for this module, talking to ``api_server``.
    A module can set ``CLIENT_ENV`` (e.g. ``{"SHOPFLOOR_SYNC_INTERVAL_S": "5"}``)."""
    client = WebClient(api_server.url, tmp_path_factory.mktemp("client"),
                       extra_env=getattr(request.module, "CLIENT_ENV", None)).start()
    failed_before = request.session.testsfailed
    yield client
    if request.session.testsfailed > failed_before:
        print(f"\n--- web client log ---\n{client.log()[-8000:]}")
        print(f"\n--- API log ---\n{api_server.log.read_text(errors='replace')[-4000:]}")
    client.stop()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module."""
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        yield browser
        browser.close()


# ---- devices and pages ----------------------------------------------------------------------


class Device:
    """One browser context = one device. Tracks its current tab and the language it shows."""

    def __init__(self, browser, web: WebClient, **context_options) -> None:
        opts = {"viewport": harness.PHONE_VIEWPORT, "service_workers": "block",
                "locale": "zh-HK", **context_options}
        self.context = browser.new_context(**opts)
        self.web = web
        # Every request of every tab of this device, if it leaves the machine.
        self.external = harness.record_external_requests(self.context)
        self.page = None
        self.tr = tr(DEFAULT_LOCALE)

    def another_tab(self) -> "Device":
        """The same device (context, database, requests list) with its own current tab.
        Open it with ``open()``; it starts in the language stored on the device."""
        twin = object.__new__(Device)
        twin.context, twin.web, twin.external, twin.page = self.context, self.web, self.external, None
        twin.tr = tr(self.meta("locale") or DEFAULT_LOCALE) if self.page else self.tr
        return twin

    def open(self, *, route: str = "", before=None):
        """A new tab with the app loaded and semantics on; becomes the current page.
        ``before(page)`` runs before the app is loaded (e.g. to add routes)."""
        page = self.context.new_page()
        if before is not None:
            before(page)
        harness.open_app(page, self.web.url + route)
        self.page = page
        return page

    @property
    def device_id(self) -> str:
        raw = self.page.evaluate(f"() => localStorage.getItem({DEVICE_ID_KEY!r})")
        assert raw, "the app did not store a device id in the browser"
        return json.loads(raw)

    def meta(self, key: str) -> str | None:
        """A value from the device database's ``meta`` table (None when absent)."""
        path = self.web.device_db(self.device_id)
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", [key]).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.context.close()


def thai_device(browser, web: WebClient) -> Device:
    """A 412 px phone whose browser speaks Thai, opened on the Thai login screen."""
    d = Device(browser, web, locale="th-TH")
    d.tr = tr("th")
    d.open(route="?hl=th")
    return d


@pytest.fixture(scope="module")
def device(chromium, web_client):
    """The module's device (one browser context)."""
    d = Device(chromium, web_client)
    yield d
    d.close()


# ---- UI steps --------------------------------------------------------------------------------


def heading(page, t: Translator, msgid: str):
    return page.get_by_role("heading", name=t.gettext(msgid), exact=True)


def expect_every_button_named(page) -> None:
    """Every control a person can press on the screen has an accessible name."""
    snapshot = page.locator("flt-semantics-host").aria_snapshot()
    unnamed = [line for line in snapshot.splitlines() if re.fullmatch(r"\s*- button:?", line)]
    assert not unnamed, snapshot


def shown(page, text: str) -> bool:
    """Some text or accessible name on the page contains ``text`` (bidi marks and all: a selector
    cannot carry Arabic dates; Flutter merges a section's texts into one name)."""
    script = ("t => document.body.innerText.includes(t) || [...document.querySelectorAll('[aria-label]')]"
              ".some(e => e.getAttribute('aria-label').includes(t))")
    return page.evaluate(script, text)


def wait_shown(page, text: str, timeout_s: float = 20) -> None:
    """Wait until ``text`` is shown (see ``shown``)."""
    deadline = time.monotonic() + timeout_s
    while not shown(page, text):
        assert time.monotonic() < deadline, f"not shown: {text!r}"
        time.sleep(0.2)


def back(page, t: Translator):
    """The Back arrow of the screen shown in ``t``'s language."""
    return page.get_by_role("button", name=FLUTTER_BACK[t.locale], exact=True)


#: The heading of a tab's screen, where it is not the tab's own name.
TAB_HEADINGS = {"Shifts": "My shifts"}


def open_tab(page, t: Translator, msgid: str, heading_msgid: str | None = None, tries: int = 3) -> None:
    """Tap a tab until its screen's heading shows, as a person taps again when nothing happened:
    a tap that lands while a sync redraws the screen reaches no control (a known limit of
    redrawing whole views, see app/ui/redraw.py). The tab itself is no proof: Flutter shows it
    selected at once, before the app has opened its screen."""
    tap_until(tab(page, t, msgid), heading(page, t, heading_msgid or TAB_HEADINGS.get(msgid, msgid)), tries)


def tap_until(target, shown, tries: int = 3) -> None:
    """Tap ``target`` until ``shown`` is on screen (the same known limit as ``open_tab``); once
    ``target`` is gone the tap landed, and only its answer is awaited."""
    for attempt in range(tries):
        target.click()
        try:
            expect(shown).to_be_visible(timeout=10_000)
            return
        except AssertionError:
            if attempt == tries - 1:
                raise
            if target.count() == 0:
                expect(shown).to_be_visible(timeout=20_000)
                return


def choose(page, name: str, tries: int = 3) -> None:
    """Tap the radio choice ``name`` until it shows chosen, as a person taps again when the dot
    did not move (the same known limit as ``open_tab``)."""
    radio = page.get_by_role("radio", name=name, exact=True)
    for attempt in range(tries):
        radio.click()
        try:
            expect(radio).to_be_checked(timeout=5_000)
            return
        except AssertionError:
            if attempt == tries - 1:
                raise


def tab(page, t: Translator, msgid: str):
    return page.get_by_role("tab", name=t.gettext(msgid), exact=True)


def expect_home(page, t: Translator, timeout: float = 20_000) -> None:
    """Home is on screen in ``t``'s language."""
    expect(heading(page, t, "Home")).to_be_visible(timeout=timeout)
    expect(page.get_by_text(t.gettext("Today's shift"))).to_be_visible()


def log_in(page, t: Translator, staff_no: str = STAFF_NO, pin: str = PIN) -> None:
    """Type staff number and PIN on the login screen (in ``t``'s language) and submit."""
    harness.type_into(page, page.get_by_label(t.gettext("Staff number"), exact=True), staff_no)
    harness.type_into(page, page.get_by_label(t.gettext("PIN"), exact=True), pin)
    page.get_by_role("button", name=t.gettext("Log in"), exact=True).click()


def sign_in(device: Device) -> None:
    """Make sure the device's current page shows Home (logging in if needed)."""
    page = device.page or device.open()
    login_field = page.get_by_label(device.tr.gettext("Staff number"), exact=True)
    home = heading(page, device.tr, "Home")
    expect(login_field.or_(home)).to_be_visible(timeout=20_000)
    if login_field.is_visible():
        log_in(page, device.tr)
    expect_home(page, device.tr)


def choose_login_language(page, shown: str, code: str) -> None:
    """On the login screen (in ``shown``), pick ``code`` in the language menu; the screen
    turns to that language."""
    picker = page.get_by_role("button", name=re.compile("^" + re.escape(tr(shown).gettext("Language"))))
    picker.click()
    page.get_by_role("button", name=SUPPORTED_LOCALES[code], exact=True).click()
    expect(page.get_by_role("button", name=tr(code).gettext("Log in"), exact=True)).to_be_visible()


def switch_language(device: Device, code: str) -> Translator:
    """Me > Language > <native name>, then back to Home. Returns the new translator."""
    page, old = device.page, device.tr
    open_tab(page, old, "Me")
    page.get_by_role("button", name=re.compile("^" + re.escape(old.gettext("Language")))).click()
    page.get_by_role("radio", name=SUPPORTED_LOCALES[code], exact=True).click()
    new = tr(code)
    expect(heading(page, new, "Language")).to_be_visible()
    device.tr = new
    back(page, new).click()
    expect(heading(page, new, "Me")).to_be_visible()
    open_tab(page, new, "Home")
    page.mouse.move(VIEWPORT_CENTRE_X, 28)  # off the tab, so no tooltip covers the screen
    expect_home(page, new)
    return new


# ---- evidence on failure ---------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.e2e_failed = report.failed


@pytest.fixture(autouse=True)
def _failure_evidence(request):
    """When a test that uses ``chromium`` fails, save every open tab's screenshot and
    semantics tree under test-artifacts/failures/<test>/."""
    yield
    if not getattr(request.node, "e2e_failed", False) or "chromium" not in request.fixturenames:
        return
    browser = request.getfixturevalue("chromium")
    out = ARTIFACTS / "failures" / re.sub(r"[^\w.-]+", "_", request.node.name)
    out.mkdir(parents=True, exist_ok=True)
    for c, context in enumerate(browser.contexts):
        for p, page in enumerate(context.pages):
            with contextlib.suppress(Exception):
                page.screenshot(path=out / f"context{c}-tab{p}.png")
                (out / f"context{c}-tab{p}.html").write_text(harness.semantics_dump(page), "utf-8")
                (out / f"context{c}-tab{p}.url").write_text(page.url, "utf-8")
