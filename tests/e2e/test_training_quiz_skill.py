"""Issue 13 with the swap rules of issue 8/10, in a real browser (server-driven Flet web client,
Chromium, real API): a forklift shift of Chan's four weeks ahead; in his colleague picker Siti is
shown "Cannot take it" for the missing skill, so he asks for cover. Siti (reading Indonesian, her
own language), at Causeway Bay, signs in to the forklift course's session by typing the code the
trainer shows (read as the manager through ``GET .../code``), passes its quiz ("Waiting for the
result", then passed after sync), finds the course in My training, and then takes the cover: the
skill her training grants makes her eligible, and the shift is hers on the server."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from app.i18n.reasons import shift_rule_message
from tests.servers import server_engine
from tests.trade_world import add_shift, full_week, future_monday
from tests.training_world import QUIZ

from . import harness
from .clock_helpers import store
from .conftest import (DEFAULT_LOCALE, VIEWPORT_CENTRE_X, Device, back, choose, expect_home, heading, log_in,
                       open_tab, tap_until, tr, wait_shown)
from .test_roster_flow import _wait_for
from .test_trade_flow import _my_week

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "3"}
SKILL, COURSE, TITLE = "forklift", "forklift", "Forklift safety"
SESSION = "ts-e2e-forklift"
_NAME, STORE_LAT, STORE_LON, _RADIUS = store("st-cwb")
AT_STORE = {"latitude": STORE_LAT, "longitude": STORE_LON, "accuracy": 15}
#: A rerun (scripts/test.sh reruns a failed browser test) keeps the module's server: each try asks
#: cover for a shift of its own, one week further on.
_TRIES = itertools.count()


def _headers(api_server, staff_no: str, pin: str) -> dict:
    resp = httpx.post(f"{api_server.url}/v1/auth/login", timeout=30,
                      json={"staff_no": staff_no, "pin": pin, "device_id": f"dev-e2e-skill-{staff_no}"})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.fixture(scope="module")
def manager(api_server) -> dict:
    """HQ writes the quiz and the forklift course granting the skill; Causeway Bay's manager runs a
    session of it starting now. Returns the manager's headers."""
    hq = _headers(api_server, "A0001", "9000")
    for path, body in (("quizzes", QUIZ), ("courses", {"id": COURSE, "title": TITLE, "skill": SKILL,
                                                        "validity_months": 12, "quiz_id": QUIZ["id"]})):
        resp = httpx.post(f"{api_server.url}/v1/training/{path}", json=body, headers=hq, timeout=30)
        assert resp.status_code < 300, resp.text
    headers = _headers(api_server, "M2001", "7100")
    starts = datetime.now(UTC)
    body = {"id": SESSION, "course_id": COURSE, "trainer_id": "u-sm-cwb", "store_id": "st-cwb",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}
    resp = httpx.post(f"{api_server.url}/v1/training/sessions", json=body, headers=headers, timeout=30)
    assert resp.status_code == 201, resp.text
    return headers


@pytest.fixture
def forklift_shift(api_server) -> dict:
    """Chan's forklift shift on a Monday four weeks ahead (a rerun: a week more per try), with
    three more days that week (giving one away warns of nothing)."""
    weeks = 4 + next(_TRIES)
    monday = future_monday(weeks)
    engine = server_engine(api_server)
    try:
        shift_id = add_shift(engine, "u-s01", monday, 9, 17, role=SKILL)
        full_week(engine, "u-s01", monday)
    finally:
        engine.dispose()
    return {"id": shift_id, "monday": monday, "weeks": weeks}


def _signed_in(chromium, web_client, staff_no: str, pin: str, locale: str, **context) -> Device:
    device = Device(chromium, web_client, **context)
    page = device.open()
    expect(page.get_by_role("button", name=tr(DEFAULT_LOCALE).gettext("Log in"), exact=True)).to_be_visible(
        timeout=20_000)
    log_in(page, tr(DEFAULT_LOCALE), staff_no, pin)
    device.tr = tr(locale)
    expect_home(page, device.tr)
    return device


def _back_to(page, t, *screens) -> None:
    """The Back arrow, once per screen, each time until that screen shows."""
    for shown in screens:
        tap_until(back(page, t), shown)
        page.mouse.move(VIEWPORT_CENTRE_X, 600)  # off the arrow: its tooltip hides the next arrow's name


def test_a_passed_quiz_grants_the_skill_that_makes_siti_eligible_for_the_shift(
        chromium, web_client, api_server, manager, forklift_shift):
    """Chan's picker: Siti cannot take the forklift shift (skill missing); he asks for cover. Siti
    signs in with the code, passes the quiz, sees the course in My training, takes the cover, and
    the server hands her the shift."""
    chan = _signed_in(chromium, web_client, "S3001", "1111", DEFAULT_LOCALE)
    page, t = chan.page, chan.tr
    _my_week(chan, forklift_shift["monday"], forklift_shift["weeks"])
    tap_until(page.get_by_role("button", name=re.compile(SKILL)).first,
              page.get_by_role("button", name=t.gettext("Offer or ask for cover"), exact=True))
    tap_until(page.get_by_role("button", name=t.gettext("Offer or ask for cover"), exact=True), heading(page, t, "Shift"))
    missing = shift_rule_message(t, "shift_role_missing", {"role": SKILL})
    siti_cannot = re.compile(re.escape(t.gettext("Cannot take it")) + r"\s+Siti Rahayu\s+.*" + re.escape(missing), re.S)
    expect(page.get_by_text(siti_cannot)).to_be_visible(timeout=15_000)
    page.get_by_role("button", name=t.gettext("Ask for cover"), exact=True).click()
    expect(page.get_by_text(t.gettext("Request sent. It waits for an answer."), exact=True).last).to_be_visible(
        timeout=15_000)
    _wait_for(api_server, f"SELECT kind, state FROM shift_trades WHERE shift_id='{forklift_shift['id']}'",
              [("cover", "waiting_colleague")])
    chan.close()

    siti = _signed_in(chromium, web_client, "S3002", "2222", "id", geolocation=AT_STORE,
                      permissions=["geolocation"])  # her own language: Indonesian
    page, t = siti.page, siti.tr
    open_tab(page, t, "Me")
    tap_until(page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("Training")) + r"\s+"
                                                  + re.escape(t.gettext("Sign in to a session, take its quiz")))),
              heading(page, t, "Training"))
    tap_until(page.get_by_role("button", name=re.compile(re.escape(TITLE))),
              page.get_by_role("heading", name=TITLE, exact=True))
    resp = httpx.get(f"{api_server.url}/v1/training/sessions/{SESSION}/code", headers=manager, timeout=30)
    assert resp.status_code == 200, resp.text
    harness.type_into(page, page.get_by_label(t.gettext("Session code")).first, resp.json()["code"])
    signed_in = re.escape(t.gettext("Signed in at {time}")).replace(re.escape("{time}"), ".+")
    tap_until(page.get_by_role("button", name=t.gettext("Sign in"), exact=True),
              page.get_by_text(re.compile(signed_in)).first)

    open_quiz = page.get_by_role("button", name=t.gettext("Open the quiz"), exact=True)
    tap_until(open_quiz, page.get_by_role("heading", name=QUIZ["title"], exact=True))
    choose(page, "Below 5 C")
    choose(page, t.gettext("True"))
    page.get_by_role("button", name=t.gettext("Send answers"), exact=True).click()
    wait_shown(page, t.gettext("Waiting for the result"))  # the note of the sent answers, then the result
    wait_shown(page, t.gettext("Passed: {score}%", score=t.format_number(100)), timeout_s=30)

    _back_to(page, t, page.get_by_role("heading", name=TITLE, exact=True), heading(page, t, "Training"))
    tap_until(page.get_by_role("button", name=re.compile("^" + re.escape(t.gettext("My training")))),
              heading(page, t, "My training"))
    wait_shown(page, TITLE)
    wait_shown(page, SKILL)  # My skills
    _back_to(page, t, heading(page, t, "Me"))  # My training is Me's, where the tabs are

    open_tab(page, t, "Shifts")
    tap_until(page.get_by_role("button", name=t.gettext("Shift trades"), exact=True), heading(page, t, "Shift trades"))
    wait_shown(page, t.gettext("Waiting for the colleague"), timeout_s=30)
    tap_until(page.get_by_role("button", name=t.gettext("Accept"), exact=True),
              page.get_by_text(re.compile(re.escape(t.gettext("Approved")))).first)
    _wait_for(api_server, f"SELECT user_id FROM shifts WHERE id='{forklift_shift['id']}'", [("u-s02",)])
    siti.close()
