"""The installable web app (dist/web) in real Chromium, as a new user meets it: it opens in the
browser's language (Thai, Arabic right to left), keeps the language picked in the app, and
draws every script with the bundled fonts without asking the server for fonts it lacks.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.i18n import SUPPORTED_LOCALES
from app.i18n.common_strings import LOG_IN
from app.ui.fonts import REGULAR_FONT_FILES
from app.ui.screens.me import STORAGE_NOTICE
from tests.web_dist import serving_a_copy

from . import harness
from .conftest import open_tab, choose_login_language, expect_home, heading, log_in, tr
from .test_languages import real_glyphs, text_crops

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PYTHON_START_MS = 120_000
STAFF_PORT = harness.free_port()
API_ENV = {"SHOPFLOOR_WEB_ORIGINS": f"http://127.0.0.1:{STAFF_PORT}"}


@pytest.fixture(scope="module")
def staff_url(api_server, tmp_path_factory):
    """URL of the web app built for this module's API, served on a free loopback port."""
    with serving_a_copy(api_server.url, tmp_path_factory.mktemp("staff") / "web", STAFF_PORT) as url:
        yield url


class Visit:
    """One phone (browser context) with every response of its visit recorded."""

    def __init__(self, chromium, locale: str) -> None:
        self.context = chromium.new_context(locale=locale, service_workers="allow",
                                            viewport=harness.PHONE_VIEWPORT)
        self.responses: list[tuple[int, str]] = []
        self.context.on("response", lambda r: self.responses.append((r.status, r.url)))
        self.page = self.context.new_page()

    def open(self, url: str | None = None) -> None:
        """Load (or reload) the app and turn on its accessibility tree."""
        if url:
            self.page.goto(url)
        else:
            self.page.reload()
        harness.wait_for_flutter(self.page, timeout=PYTHON_START_MS)
        harness.enable_semantics(self.page)

    def expect_login(self, code: str) -> None:
        """The login screen is on screen in ``code``'s language."""
        button = self.page.get_by_role("button", name=tr(code).gettext(LOG_IN), exact=True)
        expect(button).to_be_visible(timeout=PYTHON_START_MS)

    def choose_language(self, shown: str, code: str) -> None:
        choose_login_language(self.page, shown, code)

    def language_button_box(self, shown: str) -> dict:
        picker = self.page.get_by_role("button", name=re.compile("^" + re.escape(tr(shown).gettext("Language"))))
        return picker.bounding_box()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_first_start_follows_the_browser_and_the_choice_in_the_app_sticks(chromium, staff_url, api_server):
    """A Thai phone opens the app in Thai; switching to Arabic (right to left) and Simplified
    Chinese in the app works, and after a reload the app keeps Simplified Chinese. Every
    language name in the menu is drawn with real glyphs of the bundled fonts (no tofu), and
    every response of the visit is a success from the app's origin or the API's: no font 404s."""
    visit = Visit(chromium, "th-TH")
    try:
        visit.open(staff_url)
        visit.expect_login("th")
        visit.choose_language("th", "ar")
        box = visit.language_button_box("ar")
        assert box["x"] + box["width"] / 2 < harness.PHONE_VIEWPORT["width"] / 2, "Arabic runs right to left"
        visit.choose_language("ar", "zh_Hans")
        visit.page.wait_for_timeout(3000)  # let the fonts of the last screen load
        visit.open()
        visit.expect_login("zh_Hans")
        # Every language's name, in its own script, in the Simplified-Chinese-themed menu.
        visit.page.get_by_role("button", name=re.compile("^" + re.escape(tr("zh_Hans").gettext("Language")))).click()
        names = {code: visit.page.get_by_role("button", name=name, exact=True)
                 for code, name in SUPPORTED_LOCALES.items()}
        crops = text_crops(visit.page, names, real_glyphs)
        assert real_glyphs(crops), {code: crop[1:] for code, crop in crops.items()}
        visit.page.keyboard.press("Escape")
        visit.page.wait_for_timeout(2000)
    finally:
        visit.context.close()
    failed = [(status, url) for status, url in visit.responses if status >= 400]
    assert not failed, f"{len(failed)} failed responses, first: {failed[:5]}"
    origins = {_origin(url) for _status, url in visit.responses if not url.startswith(("data:", "blob:"))}
    assert origins <= {_origin(staff_url), api_server.url}, sorted(origins)
    fonts = {urlsplit(url).path for _status, url in visit.responses if "/fonts/" in url.lower()
             and not urlsplit(url).path.startswith("/assets/")}
    assert {"/" + path for path in REGULAR_FONT_FILES.values()} <= fonts, "the bundled fonts drew the text"


def test_an_arabic_browser_opens_the_app_in_arabic_right_to_left(chromium, staff_url):
    """A phone set to Arabic ("ar") gets the login screen in Arabic, laid out right to left."""
    visit = Visit(chromium, "ar")
    try:
        visit.open(staff_url)
        visit.expect_login("ar")
        box = visit.language_button_box("ar")
        assert box["x"] + box["width"] / 2 < harness.PHONE_VIEWPORT["width"] / 2
    finally:
        visit.context.close()


def test_me_says_when_the_browser_may_clear_the_offline_data(chromium, staff_url):
    """The browser's real answer to navigator.storage.persist() decides: Me carries the notice
    that offline data may be cleared exactly when the browser did not grant persistence."""
    visit = Visit(chromium, "en-GB")
    t = tr("en")
    try:
        visit.open(staff_url)
        visit.expect_login("en")
        log_in(visit.page, t)
        expect_home(visit.page, t, timeout=PYTHON_START_MS)
        granted = visit.page.evaluate("navigator.storage.persisted()")
        open_tab(visit.page, t, "Me")
        expect(heading(visit.page, t, "Me")).to_be_visible()
        notice = visit.page.get_by_text(t.gettext(STORAGE_NOTICE), exact=True)
        expect(notice).to_have_count(0 if granted else 1)
    finally:
        visit.context.close()
