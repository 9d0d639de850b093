"""The installable web app (dist/web) in real Chromium: it opens offline after one visit,
loads nothing from outside its own origin and the API's, and a new build is offered.

The app is built once per session (tests/web_dist.py) and served by webapp.serve from a copy,
so a test can deploy a "new build" into it without touching the session's build.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.i18n.common_strings import LOG_IN, RELOAD, UPDATE_READY
from tests.web_dist import serving_a_copy
from webapp import offline

from . import harness
from .conftest import DEFAULT_LOCALE, choose_login_language, tr

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: Python in the browser: Pyodide boot + wheels + the app's start (about 10 s here; more under load).
PYTHON_START_MS = 120_000
LOCALE = DEFAULT_LOCALE  # a Hong Kong phone (the context says zh-HK)
#: The staff app's port, known before the API starts so its CORS allows exactly this origin.
STAFF_PORT = harness.free_port()
API_ENV = {"SHOPFLOOR_WEB_ORIGINS": f"http://127.0.0.1:{STAFF_PORT}"}


@pytest.fixture(scope="module")
def staff_app(api_server, tmp_path_factory):
    """(URL, folder) of the web app built for this module's API, served on a free loopback port."""
    folder = tmp_path_factory.mktemp("staff") / "web"
    with serving_a_copy(api_server.url, folder, STAFF_PORT) as url:
        yield url, folder


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _new_device(chromium, requests: list, locale: str = "zh-HK"):
    """A phone with service workers allowed (the harness blocks them for server-driven tests)."""
    context = chromium.new_context(viewport=harness.PHONE_VIEWPORT, locale=locale, service_workers="allow")
    context.on("request", lambda request: requests.append(request.url))
    return context, context.new_page()


def _expect_login_screen(page, locale: str = LOCALE) -> None:
    """Flutter painted and Python started the app: its login button is on screen."""
    harness.wait_for_flutter(page, timeout=PYTHON_START_MS)
    harness.enable_semantics(page)
    button = page.get_by_role("button", name=tr(locale).gettext(LOG_IN), exact=True)
    expect(button).to_be_visible(timeout=PYTHON_START_MS)


def _wait_until_offline_ready(page) -> None:
    """The service worker has precached the whole app and controls the page."""
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=60_000)


def _assert_stays_home(requests: list[str], app_url: str, api_url: str) -> None:
    """No request went anywhere but the app's own origin and the API's."""
    origins = {_origin(u) for u in requests if not u.startswith(("data:", "blob:"))}
    assert origins <= {_origin(app_url), api_url}, sorted(origins)


def _worker_version(page) -> str:
    return page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.controller.postMessage({type: "VERSION"}, [channel.port2]);
    })""")


def test_app_opens_offline_after_one_visit(chromium, staff_app, api_server):
    """Loaded once online, the app starts again with the network off (Flutter + Python), and no
    request of the whole visit leaves the app's origin or the API's."""
    url, _folder = staff_app
    requests: list[str] = []
    context, page = _new_device(chromium, requests)
    try:
        page.goto(url)
        _expect_login_screen(page)
        _wait_until_offline_ready(page)
        context.set_offline(True)
        page.reload()
        _expect_login_screen(page)
    finally:
        context.close()
    _assert_stays_home(requests, url, api_server.url)
    assert any(u.endswith(".whl") for u in requests), "the wheels come from the app's origin"


def test_a_new_build_is_offered_to_an_open_tab(chromium, staff_app, api_server):
    """Deploying a new build makes the open tab say an update is ready; Reload switches every
    open tab of the app to it and the old build's cache is deleted."""
    url, folder = staff_app
    requests: list[str] = []
    context, page = _new_device(chromium, requests)
    try:
        page.goto(url)
        harness.wait_for_flutter(page, timeout=PYTHON_START_MS)
        _wait_until_offline_ready(page)
        old = _worker_version(page)
        other = context.new_page()  # a second tab of the app, on the same build
        other.goto(url)
        harness.wait_for_flutter(other, timeout=PYTHON_START_MS)
        for tab in (page, other):
            tab.evaluate("window.oldBuildStillOpen = true")
        version_file = folder / "version.json"
        version_file.write_text(json.dumps({**json.loads(version_file.read_text()), "build": "next"}))
        new = offline.write_service_worker(folder)
        assert new != old
        # The phone loses and regains its network: the page looks for a new build.
        context.set_offline(True)
        context.set_offline(False)
        prompt = page.get_by_role("alert")
        expect(prompt).to_contain_text(tr(LOCALE).gettext(UPDATE_READY), timeout=60_000)
        prompt.get_by_role("button", name=tr(LOCALE).gettext(RELOAD)).click()
        for tab in (page, other):
            tab.wait_for_function("() => !window.oldBuildStillOpen && !!navigator.serviceWorker.controller",
                                  timeout=30_000)
            assert _worker_version(tab) == new
            expect(tab.get_by_role("alert")).to_have_count(0)
        assert page.evaluate("caches.keys()") == [f"shopfloor-app-{new}"]
    finally:
        context.close()
    _assert_stays_home(requests, url, api_server.url)


def _deploy_new_build(folder) -> str:
    """A new build in the served folder (another version.json): returns its version."""
    version_file = folder / "version.json"
    version_file.write_text(json.dumps({**json.loads(version_file.read_text()), "build": uuid.uuid4().hex}))
    return offline.write_service_worker(folder)


def test_the_update_prompt_speaks_the_language_the_app_shows(chromium, staff_app, api_server):
    """A Vietnamese phone opens the app in Vietnamese; after Thai is picked in the app, a new
    build's prompt is in Thai (what the app shows), not in the browser's Vietnamese."""
    url, folder = staff_app
    requests: list[str] = []
    context, page = _new_device(chromium, requests, locale="vi-VN")
    try:
        page.goto(url)
        _expect_login_screen(page, "vi")
        _wait_until_offline_ready(page)
        choose_login_language(page, "vi", "th")
        page.wait_for_timeout(1000)  # the app stores its look through SharedPreferences
        _deploy_new_build(folder)
        context.set_offline(True)
        context.set_offline(False)
        prompt = page.get_by_role("alert")
        expect(prompt).to_contain_text(tr("th").gettext(UPDATE_READY), timeout=60_000)
        expect(prompt).to_have_attribute("lang", "th")
        expect(prompt.get_by_role("button", name=tr("th").gettext(RELOAD))).to_be_visible()
    finally:
        context.close()
