"""Team and Approvals for a manager, in a real browser, in Vietnamese: a clock-in off the
roster shows in Team (flag in words, tap-through to the punch with its location and selfie)
and waits in Approvals, where named buttons confirm it. Another store's manager sees none of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect

from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.test_api_punches import _photo, _punch
from tests.test_api_push import BOOT, SENT_MONO, mutation

from .clock_helpers import server_punches, wait_until
from .conftest import (open_tab, STAFF_NAME, Device, back, expect_every_button_named, expect_home, heading, log_in,
                       switch_language, tap_until)

pytestmark = pytest.mark.e2e

CWB_MANAGER = ("M2001", "7100")  # Causeway Bay's store manager
MK_MANAGER = ("M2002", "7200")  # Mong Kok's: Chan Tai Man is not theirs
HK_AREA_MANAGER = ("A1002", "8200")  # Causeway Bay and Sha Tin
STAFF_USER, STAFF_DEVICE = "u-s01", "phone-chan-e2e"


def _api(api_server, method: str, path: str, headers: dict, **kw) -> httpx.Response:
    resp = httpx.request(method, f"{api_server.url}/v1{path}", headers=headers, timeout=120, **kw)
    assert resp.status_code < 300, resp.text
    return resp


@pytest.fixture(scope="module")
def unscheduled_punch(api_server) -> str:
    """Chan Tai Man (enrolled, no shift at all) clocks in at Causeway Bay from his phone."""
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db, db:
        db.execute("DELETE FROM shifts WHERE user_id = ?", [STAFF_USER])
    login = httpx.post(f"{api_server.url}/v1/auth/login",
                       json={"staff_no": "S3001", "pin": "1111", "device_id": STAFF_DEVICE})
    h = {"Authorization": f"Bearer {login.json()['access_token']}"}
    _api(api_server, "POST", "/face/consent", h, json={"granted": True, "text_version": CONSENT_TEXT_VERSION})
    names = ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")
    _api(api_server, "POST", "/face/enrol", h, files=[("photos", (n, _photo(n), "image/jpeg")) for n in names])
    selfie = _photo("obama_480p.jpg")
    sha = hashlib.sha256(selfie).hexdigest()
    _api(api_server, "PUT", f"/photos/{sha}", h, content=selfie)
    punch_id = f"pu-e2e-{uuid.uuid4().hex[:8]}"
    body = {"device_id": STAFF_DEVICE, "sent": {"device_time": datetime.now(UTC).isoformat(),
                                                "monotonic_ms": SENT_MONO, "boot_id": BOOT},
            "mutations": [mutation(1, "punch.record", _punch(selfie=sha, punch_id=punch_id), age_s=1)]}
    result = _api(api_server, "POST", "/sync/push", h, json=body).json()["results"][0]
    assert result["status"] == "applied", result
    return punch_id


def test_manager_sees_the_clock_in_off_the_roster_and_approves_it(device, api_server, unscheduled_punch):
    """In Vietnamese, Team lists Chan Tai Man as "not on the roster"; tapping him opens the punch
    with its location in words and its selfie; Approvals shows it with its context and a button
    named "Confirm the punch of Chan Tai Man", which confirms it on the server."""
    page = device.open()
    log_in(page, device.tr, *CWB_MANAGER)
    expect_home(page, device.tr)
    t = switch_language(device, "vi")

    open_tab(page, t, "Team")
    person = page.get_by_role("button", name=re.compile(
        re.escape(STAFF_NAME) + r"[\s\S]*" + re.escape(t.gettext("not on the roster"))))
    expect(person).to_be_visible(timeout=20_000)
    expect_every_button_named(page)
    tap_until(person, heading(page, t, STAFF_NAME))
    expect(page.get_by_text(re.compile(re.escape(t.gettext("inside the store"))))).to_be_visible()
    expect(page.get_by_role("img", name=t.gettext("Selfie"), exact=True)).to_be_visible(timeout=20_000)
    expect_every_button_named(page)
    back(page, t).click()
    expect(heading(page, t, "Team")).to_be_visible()

    open_tab(page, t, "Approvals")
    expect(heading(page, t, "Approvals")).to_be_visible()
    context = re.compile(re.escape(t.gettext("inside the store")) + r"[\s\S]*" + re.escape(t.gettext("not on the roster")))
    expect(page.get_by_role("group", name=context)).to_be_visible()  # the card reads its texts as one label
    expect(page.get_by_role("img", name=t.gettext("Selfie"), exact=True)).to_be_visible(timeout=20_000)
    refuse = page.get_by_role("button", name=t.gettext("Refuse the punch of {name}", name=STAFF_NAME), exact=True)
    expect(refuse).to_be_visible()
    expect_every_button_named(page)
    page.get_by_role("button", name=t.gettext("Confirm the punch of {name}", name=STAFF_NAME), exact=True).click()
    wait_until(lambda: {p["id"]: p["status"] for p in server_punches(api_server.data_dir, STAFF_USER)}
               .get(unscheduled_punch) == "accepted", what="the punch confirmed on the server")
    expect(refuse).to_have_count(0)


@contextlib.contextmanager
def another_manager(chromium, web_client, login: tuple[str, str]):
    """A second device (browser context) signed in as ``login``, on its Team screen."""
    other = Device(chromium, web_client)
    try:
        page = other.open()
        log_in(page, other.tr, *login)
        expect_home(page, other.tr)
        synced = other.tr.gettext("Last synced {time}").split("{time}")[0]  # the first pull is in
        expect(page.get_by_text(re.compile(re.escape(synced)))).to_be_visible(timeout=20_000)
        open_tab(page, other.tr, "Team")
        expect(heading(page, other.tr, "Team")).to_be_visible()
        yield other
    finally:
        other.close()


def test_another_stores_manager_sees_neither_the_person_nor_the_punch(chromium, web_client, unscheduled_punch):
    """Mong Kok's manager: Team and Approvals do not list Chan Tai Man, and their device never
    received his punch (nothing to tap through to)."""
    with another_manager(chromium, web_client, MK_MANAGER) as other:
        page, t = other.page, other.tr
        expect(page.get_by_role("button", name=re.compile(re.escape(STAFF_NAME)))).to_have_count(0)
        open_tab(page, t, "Approvals")
        expect(heading(page, t, "Approvals")).to_be_visible()
        expect(page.get_by_role("button", name=t.gettext("Confirm the punch of {name}", name=STAFF_NAME),
                                exact=True)).to_have_count(0)
        path = other.web.device_db(other.device_id)
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            assert db.execute("SELECT count(*) FROM punches WHERE id = ?", [unscheduled_punch]).fetchone()[0] == 0


def test_an_area_manager_sees_people_grouped_by_store(chromium, web_client, unscheduled_punch):
    """An area manager's Team has one card per store, titled with the store's name: Chan Tai
    Man shows under Causeway Bay (where he clocked in), not under Sha Tin."""
    with another_manager(chromium, web_client, HK_AREA_MANAGER) as other:
        page = other.page
        cwb = page.get_by_role("group", name=re.compile(r"^Causeway Bay \(Times Square\)"))
        expect(cwb.get_by_role("button", name=re.compile(re.escape(STAFF_NAME)))).to_be_visible(timeout=20_000)
        sha_tin = page.get_by_role("group", name=re.compile(r"^Sha Tin \(New Town Plaza\)"))
        expect(sha_tin.get_by_role("button", name=re.compile(re.escape(STAFF_NAME)))).to_have_count(0)
        expect_every_button_named(page)


def test_offline_the_punch_opens_and_says_its_photo_is_not_available(device, api_server):
    """With the API unreachable, tapping the person still opens the punch (from the phone's own
    data) and says the photo is not available offline instead of failing."""
    page, t = device.page, device.tr
    api_server.stop()
    try:
        open_tab(page, t, "Team")
        tap_until(page.get_by_role("button", name=re.compile(re.escape(STAFF_NAME))), heading(page, t, STAFF_NAME))
        offline = re.compile(re.escape(t.gettext("inside the store")) + r"[\s\S]*"
                             + re.escape(t.gettext("The photo is not available offline.")))
        expect(page.get_by_text(offline)).to_be_visible(timeout=30_000)  # the cards read as one text
        expect(page.get_by_role("img", name=t.gettext("Selfie"), exact=True)).to_have_count(0)
    finally:
        api_server.start()  # same port, same data directory
