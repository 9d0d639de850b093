"""Issue 13, traintrainer, in a real browser (server-driven mode: Python on the server, so zxing-cpp
reads the picture): the store manager runs a training session as its trainer and opens its code
screen (Me -> Sessions I train); Chan Tai Man, on his own phone, opens Me -> Scan a training QR code
and scans the trainer's QR code through Chromium's fake camera, whose clip is made from the trainer's
screen right before the scan; his phone shows the code read, which is the trainer's code of that
moment and which the server's rule accepts (real API, Flet web client, Traditional Chinese)."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from app.domain.training import codes
from app.media import qr
from app.store import DeviceStore
from tests.conftest import login as api_login

from . import harness
from .conftest import (DEFAULT_LOCALE, Device, expect_home, heading, log_in, open_tab, shown, tap_until, tr,
                       wait_shown)
from .test_leave_flow import _server_rows

pytestmark = pytest.mark.e2e

SESSION, COURSE_TITLE = "ts-e2e-qr", "食物衞生"
CLIP_SIZE, CLIP_FPS = (640, 480), 10
#: The code's accessible name on both screens ("Code 1 2 3 4 5 6": read out digit by digit).
CODE_NAME = re.compile(r"(\d \d \d \d \d \d)")


@pytest.fixture(scope="module")
def session(api_server, tmp_path_factory):
    """HQ writes a course; Causeway Bay's manager schedules a session starting in 5 minutes, run by
    themselves (the trainer keeps the secret)."""
    path = tmp_path_factory.mktemp("setup")
    for staff_no, pin, name in (("A0001", "9000", "hq"), ("M2001", "7100", "sm")):
        store = DeviceStore(path / f"{name}.db")
        try:
            api = api_login(api_server.url, store, staff_no, pin)
            if name == "hq":
                api._authed("POST", "/training/courses", json={"id": "hygiene", "title": COURSE_TITLE,
                                                               "skill": "food_safety"})
            else:
                starts = datetime.now(UTC) + timedelta(minutes=5)
                api._authed("POST", "/training/sessions", json={
                    "id": SESSION, "course_id": "hygiene", "trainer_id": "u-sm-cwb", "store_id": "st-cwb",
                    "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()})
        finally:
            store.close()
    [(secret,)] = _server_rows(api_server, f"SELECT secret FROM training_sessions WHERE id='{SESSION}'")
    return codes.decode_secret(secret)


def _blank(width: int, height: int) -> Image.Image:
    return Image.new("RGB", (width, height), (200, 200, 200))


def _clip(path: Path, picture: Image.Image | None) -> None:
    """The fake camera's clip: ``picture`` (letterboxed) in every frame, or a grey wall. Written
    aside and moved into place: the camera opens the file again each time it starts."""
    frame = _blank(*CLIP_SIZE)
    if picture is not None:
        picture = picture.convert("RGB")
        picture.thumbnail((CLIP_SIZE[1] - 40, CLIP_SIZE[1] - 40))
        frame.paste(picture, ((CLIP_SIZE[0] - picture.width) // 2, (CLIP_SIZE[1] - picture.height) // 2))
    aside = path.with_suffix(".new")
    harness.write_y4m((frame for _ in range(CLIP_FPS)), aside, size=CLIP_SIZE, fps=CLIP_FPS)
    os.replace(aside, path)


def _code_shown(page) -> str | None:
    """The 6 digits the screen names as its code, or None."""
    labels = page.evaluate("() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))"
                           ".concat([document.body.innerText])")
    for label in labels:
        found = CODE_NAME.search(label or "")
        if found:
            return found.group(1).replace(" ", "")
    return None


def _trainers_qr(page, t) -> tuple[str, Image.Image]:
    """The trainer's code and a picture of their QR code taken at the same moment (again when the
    code changed meanwhile), at least 20 s before the next code: the scan follows within them."""
    qr_image = page.get_by_role("img", name=t.gettext("QR code of the session code"), exact=True)
    expect(qr_image).to_be_visible(timeout=20_000)
    while codes.seconds_left(datetime.now(UTC)) < 20:
        time.sleep(0.5)
    for _ in range(5):
        before = _code_shown(page)
        shot = Image.open(io.BytesIO(qr_image.screenshot()))
        if before and before == _code_shown(page):
            return before, shot
        time.sleep(1)
    raise AssertionError("the trainer's code did not hold still")


def test_staff_scan_the_trainers_qr_code_through_the_camera(api_server, web_client, session, tmp_path):
    """Trainer: Me -> Sessions I train -> the session shows its code and QR code. Chan: Me -> Scan a
    training QR code -> Scan QR code films the trainer's QR code (the clip made from the trainer's
    screen just now): the code read is shown, equal to the trainer's, and accepted by the server's rule."""
    t = tr(DEFAULT_LOCALE)
    clip = tmp_path / "qr.y4m"
    _clip(clip, None)
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw, fake_camera_y4m=clip)
        trainer = Device(browser, web_client)
        log_in(trainer.open(), t, "M2001", "7100")
        expect_home(trainer.page, t)
        open_tab(trainer.page, t, "Me")
        tap_until(trainer.page.get_by_role("button", name=t.gettext("Sessions I train"), exact=True),
                  heading(trainer.page, t, "Sessions I train"))
        entry = trainer.page.get_by_role("button", name=re.compile("^" + re.escape(COURSE_TITLE)))
        expect(entry).to_be_visible(timeout=20_000)
        tap_until(entry, trainer.page.get_by_role("heading", name=COURSE_TITLE, exact=True))

        chan = Device(browser, web_client, permissions=["camera"])
        page = chan.open()
        log_in(page, t, "S3001", "1111")
        expect_home(page, t)
        open_tab(page, t, "Me")
        tap_until(page.get_by_role("button", name=t.gettext("Scan a training QR code"), exact=True),
                  heading(page, t, "Scan a training QR code"))

        code, picture = _trainers_qr(trainer.page, t)
        assert codes.verify_code(session, code, datetime.now(UTC)).accepted  # the trainer shows the server's code
        held = io.BytesIO()
        picture.save(held, "PNG")
        assert qr.read_training_code(held.getvalue()) == codes.QrPayload(SESSION, code)  # the QR says the same
        _clip(clip, picture)
        page.get_by_role("button", name=t.gettext("Scan QR code"), exact=True).click()
        wait_shown(page, t.gettext("Code {code}").format(code=" ".join(code)), timeout_s=40)
        assert shown(page, t.gettext("Session {session}").format(session=SESSION))
        assert codes.verify_code(session, code, datetime.now(UTC)).accepted  # within the 1-step grace
        chan.close()
        trainer.close()
        browser.close()
