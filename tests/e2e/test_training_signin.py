"""Issue 13, trainstaff: a training sign-in in the installable web app, offline, in real Chromium.

The store manager (M2001) schedules a session at Causeway Bay through the API (a course without a
quiz); staff S3001's phone (a browser context positioned at the store) signs in online once,
opens Me -> Training -> the session, goes offline, types the code the trainer's phone shows now
(read by the test as the manager through ``GET .../code``) and sees "Signed in, confirming";
back online, one sync confirms it on the screen and the manager's attendance lists them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.web_dist import serving_a_copy

from . import harness
from .clock_helpers import store
from .conftest import expect_home, heading, log_in, open_tab, tap_until, tr

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSION, COURSE, TITLE = "ts-e2e-signin", "e2e-tills", "Till basics (e2e)"
_NAME, STORE_LAT, STORE_LON, _RADIUS = store("st-cwb")
AT_STORE = {"latitude": STORE_LAT, "longitude": STORE_LON, "accuracy": 15}
PYTHON_START_MS = 120_000  # Pyodide boot + wheels + the app's start, on a loaded machine
SLOW = 45_000
T = tr("zh_Hant_HK")  # the app's default language
STAFF_PORT = harness.free_port()
API_ENV = {"SHOPFLOOR_WEB_ORIGINS": f"http://127.0.0.1:{STAFF_PORT}"}


def _headers(api_server, staff_no: str, pin: str) -> dict:
    resp = httpx.post(f"{api_server.url}/v1/auth/login", timeout=30,
                      json={"staff_no": staff_no, "pin": pin, "device_id": f"dev-e2e-training-{staff_no}"})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.fixture(scope="module")
def manager(api_server) -> dict:
    """HQ writes a course without a quiz; the Causeway Bay manager schedules a session of it
    starting in 5 minutes, run by Siti. Returns the manager's headers."""
    hq = _headers(api_server, "A0001", "9000")
    course = {"id": COURSE, "title": TITLE, "skill": "till", "validity_months": 12}
    assert httpx.post(f"{api_server.url}/v1/training/courses", json=course, headers=hq, timeout=30).status_code == 200
    headers = _headers(api_server, "M2001", "7100")
    starts = datetime.now(UTC) + timedelta(minutes=5)
    body = {"id": SESSION, "course_id": COURSE, "trainer_id": "u-s02", "store_id": "st-cwb",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}
    resp = httpx.post(f"{api_server.url}/v1/training/sessions", json=body, headers=headers, timeout=30)
    assert resp.status_code == 201, resp.text
    return headers


@pytest.fixture(scope="module")
def staff_app(api_server, tmp_path_factory):
    """The web app built for this module's API, served on its own loopback origin."""
    with serving_a_copy(api_server.url, tmp_path_factory.mktemp("staff") / "web", STAFF_PORT) as url:
        yield url


@pytest.fixture(scope="module")
def phone(staff_app):
    """S3001's phone: a browser context at Causeway Bay with location allowed."""
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        context = browser.new_context(viewport=harness.PHONE_VIEWPORT, locale="zh-HK", service_workers="allow",
                                      geolocation=AT_STORE, permissions=["geolocation"])
        yield context
        browser.close()


@pytest.fixture(autouse=True)
def evidence_on_failure(request, phone):
    """A failed test leaves each tab's screenshot and accessibility tree in test-artifacts."""
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        from .conftest import ARTIFACTS

        out = ARTIFACTS / "training-signin"
        out.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(phone.pages):
            page.screenshot(path=out / f"tab{i}.png")
            (out / f"tab{i}.aria.txt").write_text(page.locator("flt-semantics-host").aria_snapshot(), "utf-8")


def test_offline_sign_in_with_the_code_is_confirmed_online(phone, staff_app, manager, api_server):
    """Offline: the typed code shows "Signed in, confirming"; online, a sync shows "Signed in at
    ..." and the manager's attendance lists S3001 on time."""
    page = phone.new_page()
    page.goto(staff_app)
    harness.wait_for_flutter(page, timeout=PYTHON_START_MS)
    harness.enable_semantics(page)
    log_in(page, T)
    expect_home(page, T, timeout=SLOW)
    expect(page.get_by_text(T.gettext("All changes synced"))).to_be_visible(timeout=SLOW)

    open_tab(page, T, "Me")
    training = page.get_by_role("button", name=re.compile("^" + re.escape(T.gettext("Training")) + r"\s+"
                                                  + re.escape(T.gettext("Sign in to a session, take its quiz"))))
    tap_until(training, heading(page, T, "Training"))
    tap_until(page.get_by_role("button", name=re.compile(re.escape(TITLE))), page.get_by_role(
        "heading", name=TITLE, exact=True))

    phone.set_offline(True)
    phone.set_geolocation(AT_STORE)  # stamped now: the server judges the fix's age
    resp = httpx.get(f"{api_server.url}/v1/training/sessions/{SESSION}/code", headers=manager, timeout=30)
    assert resp.status_code == 200, resp.text
    harness.type_into(page, page.get_by_label(T.gettext("Session code")).first, resp.json()["code"])
    page.get_by_role("button", name=T.gettext("Sign in"), exact=True).click()
    expect(page.get_by_text(T.gettext("Signed in, confirming"), exact=True).first).to_be_visible(timeout=SLOW)

    phone.set_offline(False)
    signed_in = re.escape(T.gettext("Signed in at {time}")).replace(re.escape("{time}"), ".+")
    page.get_by_label(T.gettext("Sync now"), exact=True).click()
    # Flutter merges a card's texts into one node: the line is found inside it.
    expect(page.get_by_text(re.compile(signed_in)).first).to_be_visible(timeout=SLOW)
    roll = httpx.get(f"{api_server.url}/v1/training/sessions/{SESSION}/attendance", headers=manager, timeout=30)
    assert [(r["user_id"], r["outcome"]) for r in roll.json()] == [("u-s01", "on_time")]
