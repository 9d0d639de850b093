"""Issue 12, webphoto: a task photo taken in the installable web app (Python on Pyodide, no
Pillow) is prepared by the browser before it goes up.

The CWB manager puts a task needing one photo on the board through the API for Chan Tai Man
(S3001); Chan opens it in the web app (the real build, its own origin), takes the photo with a
big fake camera (2400x1800) and sends it for review. The photo the server stored is a JPEG whose
long side is at most 1600 px, with no GPS position (real API, real Chromium).
"""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect, sync_playwright

from app.domain.photo_checks import MAX_SIDE
from tests.web_dist import serving_a_copy

from . import harness
from .clock_helpers import read_only
from .conftest import expect_home, log_in, open_tab, tap_until, tr, wait_shown

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TASK_ID, TITLE = "tk-e2e-webphoto", "影相：收銀台"
#: Python in the browser: Pyodide boot + wheels + the app's start (about 10 s; more under load).
PYTHON_START_MS = 120_000
SLOW_S = 60  # camera start, a 1080p picture prepared by the browser, a sync round, on 2 loaded cores
T = tr("zh_Hant_HK")
STAFF_PORT = harness.free_port()
API_ENV = {"SHOPFLOOR_WEB_ORIGINS": f"http://127.0.0.1:{STAFF_PORT}"}
CLIP_SIZE = (2400, 1800)


@pytest.fixture(scope="module")
def staff_app(api_server, tmp_path_factory):
    """The web app built for this module's API (once per session), served on its own origin."""
    with serving_a_copy(api_server.url, tmp_path_factory.mktemp("staff") / "web", STAFF_PORT) as url:
        yield url


@pytest.fixture(scope="module")
def manager(api_server) -> dict[str, str]:
    """The CWB manager's (M2001) authorisation headers."""
    body = {"staff_no": "M2001", "pin": "7100", "device_id": "dev-e2e-webphoto-manager"}
    resp = httpx.post(f"{api_server.url}/v1/auth/login", json=body, timeout=30)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _put_task_on_the_board(api_server, headers: dict[str, str]) -> None:
    """The manager's phone pushes a task needing one photo for Chan (u-s01), as the app does."""
    now = datetime.now(UTC)
    clock = {"device_time": now.isoformat(), "monotonic_ms": 1_000, "boot_id": "boot-e2e"}
    payload = {"task_id": TASK_ID, "store_id": "st-cwb", "title": TITLE, "kind": "other",
               "assignees": {"user_ids": ["u-s01"]}, "photos_required": 1,
               "due_at": (now + timedelta(hours=3)).isoformat()}
    body = {"device_id": "dev-e2e-webphoto-manager", "sent": clock, "mutations": [
        {"seq": 1, "idempotency_key": str(uuid4()), "type": "task.create", "payload": payload, "clock": clock}]}
    resp = httpx.post(f"{api_server.url}/v1/sync/push", json=body, headers=headers, timeout=30)
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "applied", resp.text


def _big_camera(out) -> str:
    """A 2400x1800 clip of a shelf (stripes and a grid, so the picture has detail)."""
    def frame(i: int) -> Image.Image:
        still = Image.new("RGB", CLIP_SIZE, (30 + 60 * i, 120, 200 - 40 * i))
        draw = ImageDraw.Draw(still)
        for x in range(0, CLIP_SIZE[0], 150):
            draw.rectangle((x, 0, x + 40, CLIP_SIZE[1]), fill=(240, 230 - 50 * i, 40))
        for y in range(0, CLIP_SIZE[1], 200):
            draw.line((0, y, CLIP_SIZE[0], y), fill="black", width=12)
        return still

    return harness.write_y4m((frame(i) for i in range(3)), out, size=CLIP_SIZE, fps=3)


def _sent_photo(api_server) -> str | None:
    """The sha256 of the task's photo once the server holds it waiting for review."""
    with read_only(api_server.data_dir / "shopfloor.db") as db:
        row = db.execute("SELECT status, photo_sha256 FROM tasks WHERE id = ?", [TASK_ID]).fetchone()
    return row["photo_sha256"] if row and row["status"] == "waiting_review" else None


def _complete_with_the_camera(page) -> None:
    """Chan: Tasks, the task, Take photo (the count goes to 1 of 1), Send for review."""
    log_in(page, T)
    expect_home(page, T, timeout=SLOW_S * 1000)
    open_tab(page, T, "Tasks")
    entry = page.get_by_role("button", name=re.compile(re.escape(TITLE))).first
    expect(entry).to_be_visible(timeout=SLOW_S * 1000)
    tap_until(entry, page.get_by_role("heading", name=TITLE, exact=True))
    page.get_by_role("button", name=T.gettext("Take photo"), exact=True).click()
    wait_shown(page, T.gettext("Photos: {taken} of {wanted}").format(taken=1, wanted=1), timeout_s=SLOW_S)
    page.get_by_role("button", name=T.gettext("Send for review"), exact=True).click()
    wait_shown(page, T.gettext("Waiting for review"), timeout_s=SLOW_S)


def test_a_task_photo_taken_in_the_web_app_goes_up_prepared(api_server, staff_app, manager, tmp_path):
    """Camera 2400x1800 -> the web app (no Pillow) -> the server: a JPEG with long side <= 1600
    (shrunk by the browser) and no GPS."""
    _put_task_on_the_board(api_server, manager)
    console: list[str] = []
    page = None
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw, fake_camera_y4m=_big_camera(tmp_path / "shelf.y4m"))
        try:
            context = browser.new_context(viewport=harness.PHONE_VIEWPORT, locale="zh-HK",
                                          service_workers="allow", permissions=["camera"])
            harness.keep_fake_camera_running(context)
            page = context.new_page()
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.goto(staff_app)
            harness.wait_for_flutter(page, timeout=PYTHON_START_MS)
            harness.enable_semantics(page)
            _complete_with_the_camera(page)
            deadline = time.monotonic() + SLOW_S
            while (sha := _sent_photo(api_server)) is None:
                assert time.monotonic() < deadline, "the completion with its photo never reached the server"
                time.sleep(0.5)
        except Exception:
            if page is not None:
                page.screenshot(path=tmp_path / "phone.png")
            print("\n--- browser console ---\n" + "\n".join(c for c in console[-80:] if "GL Driver" not in c))
            raise
        finally:
            browser.close()

    resp = httpx.get(f"{api_server.url}/v1/photos/{sha}", headers=manager, timeout=30)
    assert resp.status_code == 200, resp.text
    stored = Image.open(io.BytesIO(resp.content))
    print(f"stored photo: {stored.format} {stored.size}")
    assert stored.format == "JPEG"
    assert max(stored.size) == MAX_SIDE, "the camera's 1080p picture was shrunk to 1600 px"
    assert not stored.getexif().get_ifd(0x8825), "no GPS position left the phone"
