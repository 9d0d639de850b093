"""Proves tests/e2e/harness.py against tests/e2e/spike_app.py in real Chromium.

One app process and one browser serve the whole module; each test opens its own
tab (= its own Flet session); tests about storage open their own contexts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from . import harness

pytestmark = pytest.mark.e2e

SPIKE = Path(__file__).with_name("spike_app.py")
FACES = Path("/work/shared/faces")
HK = {"latitude": 22.28, "longitude": 114.16, "accuracy": 10}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    assets = tmp_path_factory.mktemp("spike-assets")
    with harness.serve_flet_app(script=SPIKE, env={"SPIKE_ASSETS_DIR": str(assets)}) as running:
        yield running


@pytest.fixture(scope="module")
def pw():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(pw):
    b = harness.launch_browser(pw)
    yield b
    b.close()


@pytest.fixture(scope="module")
def device(browser):
    """One browser context (= one device) shared by tests that need no fresh storage.

    Each new tab in it still gets its own Flet session, and loads faster than a new
    context because the engine files come from the context's HTTP cache.
    """
    context = browser.new_context(viewport=harness.PHONE_VIEWPORT, service_workers="block")
    yield context
    context.close()


@pytest.fixture
def page(device, app):
    p = device.new_page()
    harness.open_app(p, app.url)
    yield p
    p.close()


def text_starting(page, prefix: str):
    return page.get_by_text(re.compile("^" + re.escape(prefix)))


def test_login_form_password_is_typed(page):
    """Key events typed into labelled TextFields (incl. a password field) reach Python."""
    # Not fill(): it only sometimes reaches Flutter (measured 2 of 4 tries).
    harness.type_into(page, page.get_by_label("Username"), "bob")
    harness.type_into(page, page.get_by_label("Password"), "s3cret!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome bob (7 chars)")).to_be_visible()
    assert page.get_by_label("Password").get_attribute("type") == "password"


def test_button_click_changes_text(page):
    """A FilledButton click runs the Python handler and the new Text shows up."""
    button = page.get_by_role("button", name="Increment")
    button.click()
    button.click()
    expect(page.get_by_text("Count: 2")).to_be_visible()


def test_navigation_browser_back_and_appbar_back(page, app):
    """page.navigate pushes a URL; browser back and the AppBar back arrow both return home."""
    page.get_by_label("Settings").click()  # IconButton tooltip labels a wrapper node
    expect(page.get_by_text("Settings page")).to_be_visible()
    assert page.url == app.url + "settings"
    expect(page.get_by_role("tab", name="Tasks")).to_be_visible()  # NavigationBar

    page.go_back()  # arrives in Python as on_route_change("/"), not on_view_pop
    expect(page.get_by_text("Settings page")).to_have_count(0)
    assert page.url == app.url
    expect(text_starting(page, "Events:")).to_contain_text("route:/settings,route:/")

    page.get_by_label("Settings").click()
    expect(page.get_by_text("Settings page")).to_be_visible()
    page.get_by_role("button", name="Back").click()  # AppBar arrow -> on_view_pop
    expect(page.get_by_text("Settings page")).to_have_count(0)
    expect(text_starting(page, "Events:")).to_contain_text("pop")
    assert page.url == app.url


def test_rtl_toggle_mirrors_layout(page):
    """Setting page.rtl from a Switch moves start-aligned text to the right edge."""
    label = page.get_by_text("Start-aligned")
    ltr_x = label.bounding_box()["x"]
    switch = page.get_by_role("switch", name="Right to left")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.get_by_text("rtl=True")).to_be_visible()
    page.wait_for_function(
        "x => { const b = [...document.querySelectorAll('flt-semantics span')]"
        ".find(s => s.textContent === 'Start-aligned'); "
        "return b && b.getBoundingClientRect().x > x + 200; }",
        arg=ltr_x,
    )
    assert label.bounding_box()["x"] > ltr_x + 200


def test_nothing_loads_from_a_cdn(browser, app):
    """With no_cdn=True plus the index.html Rive rewrite, every request goes to 127.0.0.1."""
    p = harness.new_phone_page(browser)
    try:
        external = harness.record_external_requests(p)
        local = []
        p.on("request", lambda r: local.append(r.url))
        harness.open_app(p, app.url)
        expect(text_starting(p, "Ticks: ")).not_to_have_text("Ticks: 0")  # app is live
        assert external == []
        assert any("/canvaskit/" in u for u in local)  # engine came from our server
        assert any(u.endswith("/fonts/NotoSans.ttf") for u in local)  # page.fonts bundle
    finally:
        p.context.close()


def test_client_storage_persists_across_reload_but_not_devices(browser, app):
    """SharedPreferences (localStorage) keeps the device id across reload and new sessions."""
    page = harness.new_phone_page(browser)
    harness.open_app(page, app.url)
    device = text_starting(page, "Device: ").inner_text()
    first_session = text_starting(page, "Session #").inner_text().split()[1]

    # A plain reload re-attaches to the same Flet session (sessionStorage holds its
    # id), so main() would not run again. Drop it to force a brand-new session.
    page.evaluate("sessionStorage.clear()")
    page.reload()
    harness.wait_for_flutter(page)
    harness.enable_semantics(page)
    expect(text_starting(page, "Device: ")).to_have_text(device)
    assert text_starting(page, "Session #").inner_text().split()[1] != first_session
    stored = page.evaluate("localStorage.getItem('flutter.shopfloor.spike.device_id')")
    assert stored == '"%s"' % device.removeprefix("Device: ")

    other = harness.new_phone_page(browser)  # another browser = another device
    try:
        harness.open_app(other, app.url)
        other_device = text_starting(other, "Device: ").inner_text()
        assert other_device != device
    finally:
        other.context.close()
        page.context.close()


def test_geolocation_and_fake_camera(pw, app, tmp_path):
    """flet_geolocator reads Playwright's geolocation; flet_camera returns JPEG bytes from a y4m."""
    y4m = harness.make_y4m([FACES / "obama_1.jpg", FACES / "biden_1.jpg"], tmp_path / "cam.y4m",
                           frames=10, size=(320, 240))
    b = harness.launch_browser(pw, fake_camera_y4m=y4m)
    try:
        p = harness.new_phone_page(b, geolocation=HK, permissions=["geolocation", "camera"])
        harness.open_app(p, app.url)
        p.get_by_role("button", name="Locate").click()
        expect(p.get_by_text("Position 22.28,114.16 acc=10.0 perm=whileInUse")).to_be_visible()

        p.get_by_role("button", name="Camera").click()
        p.get_by_role("button", name="Init camera").click()
        expect(p.get_by_text("camera ready (1)")).to_be_visible(timeout=15_000)
        p.get_by_role("button", name="Take picture").click()
        expect(p.get_by_text(re.compile(r"^picture \d+ bytes head=ffd8ff"))).to_be_visible(
            timeout=15_000
        )
    finally:
        b.close()
