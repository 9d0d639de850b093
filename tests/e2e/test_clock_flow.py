"""Clock-in with face check and geofence, end to end: real API, Flet web client, Chromium with
a fake camera (a clip made from the face fixtures) and emulated geolocation.

One device serves the module; the tests run in file order on it: enrol the face, clock in at
the store, be refused outside the fence, be refused as another person (a second browser with
another face on its camera but the same device), then punch while the API is down.

Each camera clip needs its own browser (Chromium takes the clip at launch); the second
browser reuses the first context's storage state, hence the same device id, hence the same
device database with the enrolment in it.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect, sync_playwright

from app.domain.geofence import Fence, Fix, distance_m

from . import harness
from .clock_helpers import (
    add_shift_starting_soon,
    device_outbox,
    device_punches,
    face_camera_clip,
    read_only,
    server_punch_mutations,
    server_punches,
    store,
    wait_until,
)
from .conftest import open_tab, ARTIFACTS, Device, back, log_in, tab

pytestmark = pytest.mark.e2e

USER_ID, STORE_ID = "u-s01", "st-cwb"  # S3001 / 1111 in backend_stub/seed.py
STORE_NAME, STORE_LAT, STORE_LON, RADIUS = store(STORE_ID)
AT_STORE = {"latitude": STORE_LAT, "longitude": STORE_LON, "accuracy": 15}
AWAY = {"latitude": STORE_LAT + 0.02, "longitude": STORE_LON, "accuracy": 15}  # ~2.2 km north
PERMISSIONS = ["geolocation", "camera"]
SLOW = 30_000  # camera start + 3 pictures + face check, on a loaded CI machine


def pattern(template: str, **groups: str) -> re.Pattern:
    """A regex for a translated message whose ``{placeholders}`` may be anything."""
    out = re.escape(template)
    for name in re.findall(r"\{(\w+)\}", template):
        out = out.replace(re.escape("{" + name + "}"), groups.get(name, ".+?"), 1)
    return re.compile(out)


@pytest.fixture(scope="module")
def shift(api_server):
    """S3001's only shift around now: at Causeway Bay, starting in 10 minutes (written before
    any device syncs), so a clock-in now is on time (neither too early nor late)."""
    return add_shift_starting_soon(api_server.data_dir, user_id=USER_ID, store_id=STORE_ID,
                                   shift_id="sh-e2e-clock", minutes=10)


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Fake-camera clips: the enrolled person turning their head, and someone else."""
    d = tmp_path_factory.mktemp("camera")
    return {"obama": face_camera_clip(["obama_1.jpg", "obama_2.jpg", "obama_3.jpg"], d / "obama.y4m"),
            "biden": face_camera_clip(["biden_1.jpg", "biden_2.jpg", "biden_1.jpg"], d / "biden.y4m")}


@pytest.fixture(scope="module")
def console():
    """Browser console lines of every device in the module (printed when a test fails)."""
    return []


def new_device(browser, web_client, console: list, **options) -> Device:
    d = Device(browser, web_client, geolocation=AT_STORE, permissions=PERMISSIONS, **options)
    d.context.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    return d


@pytest.fixture(scope="module")
def phone(playwright, clips, web_client, shift, console):
    """The module's device: S3001's phone at the store, its camera showing S3001 (obama)."""
    browser = harness.launch_browser(playwright, fake_camera_y4m=clips["obama"])
    d = new_device(browser, web_client, console)
    yield d
    d.close()
    browser.close()


@pytest.fixture(autouse=True)
def evidence_on_failure(request, console):
    """When a test fails: a screenshot of every open tab and the browser console."""
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed == failed_before:
        return
    shots = ARTIFACTS / "clock-flow"
    shots.mkdir(parents=True, exist_ok=True)
    for d in request.node.funcargs.values():
        if isinstance(d, Device):
            for i, page in enumerate(d.context.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(path=shots / f"{request.node.name}-{i}.png")
    lines = [line for line in console if "fonts/" not in line and "Failed to load resource" not in line]
    print("\n--- browser console (last 60 lines, font misses left out) ---\n" + "\n".join(lines[-60:]))


def open_clock(d: Device):
    """The device's page on the Clock tab, signed in (from login, Home or a sub-screen)."""
    page = d.page or d.open()
    t = d.tr
    login_field = page.get_by_label(t.gettext("Staff number"), exact=True)
    clock_tab, arrow = tab(page, t, "Clock"), back(page, t)
    expect(login_field.or_(clock_tab).or_(arrow)).to_be_visible(timeout=20_000)
    if login_field.is_visible():
        log_in(page, t)
    elif arrow.is_visible():
        arrow.click()
    clock_tab.click()
    expect(page.get_by_role("heading", name=t.gettext("Clock"), exact=True)).to_be_visible()
    return page, t


def status(page, t, text: str | re.Pattern):
    """The Clock screen's Status section when its status line is ``text`` (the section is one
    semantics group named by its title, the status line and the last message, if any)."""
    rx = text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
    head = re.escape(t.gettext("Status"))
    return page.get_by_role("group", name=re.compile(rf"^{head}\s+(?:{rx.pattern})(?:\s|$)"))


def be_at(d: Device, where: dict) -> None:
    """Put the device at ``where`` now. Chromium stamps an emulated position with the time
    it was set, not the time it is read, and the server refuses fixes older than 30 s at
    the punch as stale: so set it again right before every punch."""
    d.context.set_geolocation(where)


def waiting(t, n: int) -> str:
    return t.ngettext("{count} action waiting", "{count} actions waiting", n)


def test_face_setup_enrols_from_three_camera_photos(phone, api_server):
    """Me > Face check shows the consent text; "I agree, set up face check" takes 3 photos
    through the camera and turns face check on (device and server hold the enrolment)."""
    page, t = open_clock(phone)
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    open_tab(page, t, "Me")
    page.get_by_role("button", name=t.gettext("Face check"), exact=True).click()
    expect(page.get_by_role("heading", name=t.gettext("Face check"), exact=True)).to_be_visible()
    # The consent (one group of paragraphs) explains why, what is kept, and that no costs nothing.
    consent = page.get_by_role("group").filter(has_text=t.gettext("Before you decide"))
    for sentence in (
            "Why: to confirm that it is really you who clocks in, so nobody can clock in for you.",
            "Clock-in selfies are kept for 30 days in case of a dispute, then deleted automatically.",
            ("It is your choice: without face check you clock in with your PIN and your manager "
             "confirms. Saying no costs you nothing, and you can change your mind at any time here.")):
        expect(consent).to_contain_text(t.gettext(sentence))
    expect(page.get_by_role("button", name=t.gettext("No thanks, use my PIN"), exact=True)).to_be_visible()

    page.get_by_role("button", name=t.gettext("I agree, set up face check"), exact=True).click()

    expect(page.get_by_text(t.gettext("Face check is on."), exact=True).first).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("button", name=t.gettext("Turn off and delete my face data"),
                            exact=True)).to_be_visible()
    db_path = phone.web.device_db(phone.device_id)
    with read_only(db_path) as db:
        consented, blob = db.execute("SELECT consented, embeddings FROM face_profile WHERE user_id=?",
                                     [USER_ID]).fetchone()
    assert consented == 1 and len(json.loads(blob)) == 3  # three encrypted templates, no photos
    with read_only(api_server.data_dir / "shopfloor.db") as db:
        assert db.execute("SELECT COUNT(*) FROM face_embeddings WHERE user_id=?", [USER_ID]).fetchone()[0] == 1


def test_clock_in_at_the_store_with_enrolled_face(phone, api_server, shift):
    """Inside the fence with the enrolled face, Clock in shows "Clocked in since <time>" and the
    server records the punch with face "matched" and geofence "inside", with no flags."""
    page, t = open_clock(phone)
    db_path = phone.web.device_db(phone.device_id)
    assert server_punches(api_server.data_dir, USER_ID) == []
    expect(status(page, t, t.gettext("Not clocked in"))).to_be_visible()

    be_at(phone, AT_STORE)
    page.get_by_role("button", name=t.gettext("Clock in"), exact=True).click()

    expect(status(page, t, pattern(t.gettext("Clocked in since {time}")))).to_be_visible(timeout=SLOW)
    (local,) = device_punches(db_path)
    assert (local["kind"], local["face"], local["geofence"]) == ("clock_in", "matched", "inside")
    expect(status(page, t, t.gettext("Clocked in since {time}", time=t.format_time(
        datetime.fromisoformat(local["at"]), "short")))).to_be_visible()
    expect(page.get_by_role("button", name=t.gettext("Start break"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=t.gettext("Clock out"), exact=True)).to_be_visible()

    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=SLOW)
    (punch,) = wait_until(lambda: server_punches(api_server.data_dir, USER_ID), what="the punch on the server")
    assert punch["id"] == local["id"]
    assert (punch["kind"], punch["method"], punch["status"]) == ("clock_in", "face", "accepted")
    assert (punch["face"], punch["geofence"], punch["shift_id"]) == ("matched", "inside", shift["id"])
    assert punch["distance_m"] < 20
    assert punch["flags"] == []  # on time, live, and the server agrees with the device
    assert phone.external == [], f"requests left the machine: {phone.external}"


def test_outside_the_fence_is_refused_with_the_distance(phone, api_server):
    """About 2 km from the store a punch is refused with "You are 2.2 km from <store>..."
    and nothing is recorded on the device or the server."""
    page, t = open_clock(phone)
    db_path = phone.web.device_db(phone.device_id)
    before_local, before_outbox = device_punches(db_path), device_outbox(db_path)
    before_server = server_punches(api_server.data_dir, USER_ID)
    be_at(phone, AWAY)
    try:
        page.get_by_role("button", name=t.gettext("Start break"), exact=True).click()
        km = round(distance_m(Fix(AWAY["latitude"], AWAY["longitude"], 15, datetime.now(UTC)),
                              Fence(STORE_ID, STORE_LAT, STORE_LON, RADIUS)) / 1000, 1)
        assert km == 2.2
        expected = t.gettext("You are {distance} from {store}. Clock in at the store.",
                             distance=t.gettext("{km} km", km=t.format_decimal(km)), store=STORE_NAME)
        expect(page.get_by_text(expected, exact=True).first).to_be_visible(timeout=SLOW)
    finally:
        be_at(phone, AT_STORE)
    expect(status(page, t, pattern(t.gettext("Clocked in since {time}")))).to_be_visible()
    assert device_punches(db_path) == before_local
    assert device_outbox(db_path) == before_outbox
    assert server_punches(api_server.data_dir, USER_ID) == before_server


def test_another_persons_face_is_refused(playwright, clips, phone, web_client, api_server, console):
    """Someone else in front of the same device's camera is refused with the face-mismatch
    message and nothing is recorded."""
    device_id = phone.device_id
    db_path = phone.web.device_db(device_id)
    state = phone.context.storage_state()  # same localStorage = same device id
    phone.page.close()
    phone.page = None
    before_local, before_outbox = device_punches(db_path), device_outbox(db_path)
    before_server = server_punches(api_server.data_dir, USER_ID)

    browser = harness.launch_browser(playwright, fake_camera_y4m=clips["biden"])
    other = new_device(browser, web_client, console, storage_state=state)
    try:
        page, t = open_clock(other)
        assert other.device_id == device_id
        expect(status(page, t, pattern(t.gettext("Clocked in since {time}")))).to_be_visible()
        be_at(other, AT_STORE)
        page.get_by_role("button", name=t.gettext("Start break"), exact=True).click()
        mismatch = t.gettext("This face does not match your enrolment. Try again, or ask your manager.")
        expect(page.get_by_text(mismatch, exact=True).first).to_be_visible(timeout=SLOW)
        expect(status(page, t, pattern(t.gettext("Clocked in since {time}")))).to_be_visible()
        assert device_punches(db_path) == before_local
        assert device_outbox(db_path) == before_outbox
        assert server_punches(api_server.data_dir, USER_ID) == before_server
        assert other.external == [], f"requests left the machine: {other.external}"
    finally:
        other.close()
        browser.close()


def test_punch_while_api_down_is_kept_and_synced_once(phone, api_server):
    """With the API down, Start break is recorded on the device ("1 action waiting", Offline,
    status On break); when the API is back, Sync now delivers it and the server holds it
    exactly once, accepted."""
    page, t = open_clock(phone)
    db_path = phone.web.device_db(phone.device_id)
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=20_000)
    before_server = server_punches(api_server.data_dir, USER_ID)
    assert [p["kind"] for p in before_server] == ["clock_in"]

    api_server.stop()
    try:
        be_at(phone, AT_STORE)
        page.get_by_role("button", name=t.gettext("Start break"), exact=True).click()
        expect(status(page, t, t.gettext("On break"))).to_be_visible(timeout=SLOW)
        expect(page.get_by_text(waiting(t, 1))).to_be_visible(timeout=15_000)
        expect(page.get_by_text(t.gettext("Offline"), exact=True)).to_be_visible(timeout=20_000)
        assert [p["kind"] for p in device_punches(db_path)] == ["clock_in", "break_start"]
        assert device_outbox(db_path)[-1] == ("punch.record", "pending")
        assert server_punches(api_server.data_dir, USER_ID) == before_server
    finally:
        api_server.start()  # same port, same data directory

    page.get_by_label(t.gettext("Sync now"), exact=True).click()
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(t.gettext("Online"), exact=True)).to_be_visible()
    expect(page.get_by_text(waiting(t, 1))).to_have_count(0)
    # Another round must not deliver it again.
    last_sync = phone.meta("last_sync_at")
    page.get_by_label(t.gettext("Sync now"), exact=True).click()
    wait_until(lambda: phone.meta("last_sync_at") != last_sync, timeout=30, what="another sync round")
    expect(page.get_by_text(t.gettext("All changes synced"))).to_be_visible(timeout=SLOW)

    punches = server_punches(api_server.data_dir, USER_ID)
    assert [p["kind"] for p in punches] == ["clock_in", "break_start"]
    brk = punches[-1]
    assert brk["id"] == device_punches(db_path)[-1]["id"]
    assert (brk["status"], brk["face"], brk["geofence"]) == ("accepted", "matched", "inside")
    # The fake camera loops the same three photos, so this selfie may repeat the clock-in
    # one: the server then rightly adds a "replay" flag. Nothing else may be flagged.
    assert set(brk["flags"]) <= {"replay"}, brk["flags"]
    assert server_punch_mutations(api_server.data_dir, phone.device_id) == ["applied", "applied"]
    assert device_outbox(db_path)[-1] == ("punch.record", "done")
    expect(status(page, t, t.gettext("On break"))).to_be_visible()
    assert phone.external == [], f"requests left the machine: {phone.external}"
