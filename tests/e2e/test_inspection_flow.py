"""Issue 12, store inspections in a real browser: HK Island's area manager (A1002) runs a template
at Causeway Bay whose one critical item fails: he answers through the screen, takes the photo the
failed item needs with the (fake) camera, sees "Fail" although the score is 90% (above the 80% pass
mark), finishes at the store and, after sync, sees the server's verdict, the finding's photo and
the corrective task it made. In a second browser context Causeway Bay's manager (M2001) finds the
corrective task on the store's task board and the inspection with its photo (fetched from the
server); the inspection's PDF report is served to him (its contents: test_api_inspection_report.py).
Real API, Flet web client, Chromium, in Traditional Chinese."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import time

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from . import harness
from .conftest import (ARTIFACTS, DEFAULT_LOCALE, Device, expect_home, heading, log_in, open_tab, shown, tap_until, tr,
                       wait_shown)

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "2"}
SLOW_S = 30  # camera start + picture + preparation, or a sync round, on a loaded CI machine
TEMPLATE = "消防巡查"
STOCKED, EXIT = "貨架已補貨", "走火通道暢通"
#: The template (written through the API): a 9-weight item that passes and a critical one, worth 1,
#: that fails: 90% (above the pass mark) and still Fail. A failed exit needs a photo.
WALK = {"name": TEMPLATE, "area": "hk-island", "pass_mark": 80, "sections": [
    {"id": "floor", "title": "店面", "items": [
        {"id": "stock", "label": STOCKED, "kind": "yes_no", "weight": 9},
        {"id": "exit", "label": EXIT, "kind": "yes_no", "critical": True, "photo_required_when_failed": True},
    ]}]}
#: Causeway Bay's seeded entrance (backend_stub/seed.py): the inspection is finished at the store.
AT_CAUSEWAY_BAY = {"latitude": 22.27834, "longitude": 114.18222, "accuracy": 10}
CLIP_SIZE, CLIP_FPS, CLIP_FRAMES = (320, 240), 10, 60


@pytest.fixture(scope="module")
def camera_browser(tmp_path_factory):
    """Chromium whose fake camera films a blocked fire exit (a colour per frame)."""
    def frame(i: int) -> Image.Image:
        still = Image.new("RGB", CLIP_SIZE, (200, (i * 4) % 256, 40))
        ImageDraw.Draw(still).rectangle((100, 40, 220, 200), outline="white", width=6)
        return still

    clip = harness.write_y4m((frame(i) for i in range(CLIP_FRAMES)), tmp_path_factory.mktemp("exit") / "exit.y4m",
                             size=CLIP_SIZE, fps=CLIP_FPS)
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw, fake_camera_y4m=clip)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _evidence(request, camera_browser):
    """On failure, every tab's screenshot and semantics tree under test-artifacts/failures/ (the
    conftest's evidence covers the ``chromium`` fixture only)."""
    yield
    if not getattr(request.node, "e2e_failed", False):
        return
    out = ARTIFACTS / "failures" / re.sub(r"[^\w.-]+", "_", request.node.name)
    out.mkdir(parents=True, exist_ok=True)
    for c, context in enumerate(camera_browser.contexts):
        for p, page in enumerate(context.pages):
            with contextlib.suppress(Exception):
                page.screenshot(path=out / f"context{c}-tab{p}.png")
                (out / f"context{c}-tab{p}.html").write_text(harness.semantics_dump(page), "utf-8")


def _api(api_server, staff_no: str, pin: str) -> dict:
    """Authorization headers of a person signed in through the API (as a phone does)."""
    login = httpx.post(f"{api_server.url}/v1/auth/login", timeout=30,
                       json={"staff_no": staff_no, "pin": pin, "device_id": f"dev-e2e-insp-{staff_no}"})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _server_rows(api_server, sql: str) -> list:
    with contextlib.closing(sqlite3.connect(api_server.data_dir / "shopfloor.db")) as db:
        return db.execute(sql).fetchall()


def _wait_for_rows(api_server, sql: str, timeout_s: float = SLOW_S) -> list:
    deadline = time.monotonic() + timeout_s
    while not (rows := _server_rows(api_server, sql)):
        assert time.monotonic() < deadline, f"the server holds nothing for {sql}"
        time.sleep(0.5)
    return rows


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def _entry(page, title: str, *then: str):
    """A list entry whose name holds ``title`` and then the words ``then`` (its subtitle), in order
    (Flutter merges a section's title into its first entry's name)."""
    return page.get_by_role("button", name=re.compile(
        re.escape(title) + "".join(r"[\s\S]*" + re.escape(w) for w in then)))


def _to_inspections(page, t) -> None:
    open_tab(page, t, "Home", "Home")
    tap_until(_button(page, t.gettext("Inspections")), heading(page, t, "Inspections"))


def _answer(page, t, answer: str, nth: int, then: str) -> None:
    """Tap ``answer`` (Yes/No) of the ``nth`` item until ``then`` (its saved state) shows."""
    target = _button(page, t.gettext(answer)).nth(nth)
    for _attempt in range(3):
        target.click()
        deadline = time.monotonic() + 10
        while not shown(page, then) and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        if shown(page, then):
            return
    raise AssertionError(f"{answer} of item {nth} was not saved: {then!r} not shown")


def _score_line(t, percent: float, passed: bool) -> str:
    return t.join(t.gettext("Score {score}%").format(score=t.format_decimal(percent)),
                  t.gettext("Pass" if passed else "Fail"))


def _run_inspection(page, t) -> None:
    """Start the template at Causeway Bay (his HK Island store), answer both items, take the
    exit's photo; the live score says Fail at 90%; Finish."""
    _to_inspections(page, t)
    start = _entry(page, TEMPLATE, t.gettext("Version {version}").format(version="1")).first
    expect(start).to_be_visible(timeout=SLOW_S * 1000)  # the template came with the first pull
    tap_until(start, page.get_by_role("heading", name=TEMPLATE, exact=True))
    wait_shown(page, t.gettext("{answered} of {total} answered").format(answered="0", total="2"))
    _answer(page, t, "Yes", 0, t.gettext("{answered} of {total} answered").format(answered="1", total="2"))
    needs_photo = t.gettext("Add a photo: the item failed.")
    _answer(page, t, "No", 1, needs_photo)
    wait_shown(page, t.gettext("Fails: a critical item failed: {items}").format(items=EXIT))
    wait_shown(page, _score_line(t, 90, False))  # 90% and the pass mark 80%: Fail all the same

    _button(page, t.gettext("Take photo")).nth(1).click()  # the exit's (the second item's)
    deadline = time.monotonic() + SLOW_S
    while shown(page, needs_photo):
        assert time.monotonic() < deadline, "the camera took no photo"
        page.wait_for_timeout(200)
    wait_shown(page, t.gettext("Photo {n}").format(n="1"))
    # the result: waiting to sync, or already scored (the status strip says "waiting to sync" too)
    tap_until(_button(page, t.gettext("Finish")), page.get_by_text(t.gettext("waiting to sync"), exact=True).or_(
        page.get_by_text(t.gettext("Scored by the server."), exact=True)).first)


def _photo(t) -> str:
    return t.gettext("Photo {n}: {item}").format(n="1", item=EXIT)


def test_a_failed_critical_item_fails_the_inspection_and_puts_a_task_on_the_store_board(
        camera_browser, web_client, api_server):
    """Template through the API -> answered on screen with the fake camera's photo, Fail at 90%
    (area manager) -> after sync the server's Fail, the photo and the corrective task on his result
    -> the task "To do" on Causeway Bay's board and the inspection with its photo (store manager)
    -> the report PDF served to the store manager."""
    t = tr(DEFAULT_LOCALE)
    am_headers = _api(api_server, "A1002", "8200")
    made = httpx.post(f"{api_server.url}/v1/inspection-templates", json=WALK, headers=am_headers, timeout=30)
    assert made.status_code == 201, made.text

    am = Device(camera_browser, web_client, permissions=["camera", "geolocation"], geolocation=AT_CAUSEWAY_BAY)
    page = am.open()
    log_in(page, t, "A1002", "8200")
    expect_home(page, t)
    _run_inspection(page, t)
    [(inspection_id, store_id, passed, score)] = _wait_for_rows(
        api_server, "SELECT id, store_id, passed, score FROM inspections")
    assert (store_id, passed, score) == ("st-cwb", 0, 90.0)
    assert _wait_for_rows(api_server, f"SELECT title FROM tasks WHERE inspection_id='{inspection_id}'") == [(EXIT,)]

    wait_shown(page, t.gettext("Scored by the server."), SLOW_S)
    wait_shown(page, _score_line(t, 90, False))
    wait_shown(page, t.gettext("Fails: a critical item failed: {items}").format(items=EXIT))
    expect(page.get_by_role("img", name=_photo(t))).to_be_visible(timeout=15_000)
    thumb = page.get_by_role("button", name=re.compile(re.escape(
        t.gettext("Open {photo} larger").format(photo=_photo(t)))))
    larger = page.get_by_role("alertdialog").get_by_role("img", name=_photo(t))
    tap_until(thumb, larger)  # the larger copy, in its dialog
    _button(page, t.gettext("Close")).click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    corrective = _entry(page, EXIT, t.gettext("Corrective task: {status}").format(status=t.gettext("To do")))
    expect(corrective).to_be_visible(timeout=SLOW_S * 1000)
    tap_until(corrective, page.get_by_role("heading", name=EXIT, exact=True))

    manager = Device(camera_browser, web_client)
    mpage = manager.open()
    log_in(mpage, t, "M2001", "7100")
    expect_home(mpage, t)
    open_tab(mpage, t, "Home", "Home")
    tap_until(_button(mpage, t.gettext("Tasks")), heading(mpage, t, "Tasks"))
    expect(_entry(mpage, EXIT, t.gettext("To do")).first).to_be_visible(timeout=SLOW_S * 1000)

    _to_inspections(mpage, t)
    done = _entry(mpage, TEMPLATE, _score_line(t, 90, False)).first
    expect(done).to_be_visible(timeout=SLOW_S * 1000)
    tap_until(done, mpage.get_by_role("heading", name=TEMPLATE, exact=True))
    expect(mpage.get_by_role("img", name=_photo(t))).to_be_visible(timeout=15_000)  # from the server
    expect(_entry(mpage, EXIT, t.gettext("Corrective task: {status}").format(status=t.gettext("To do")))
           ).to_be_visible()

    report = httpx.get(f"{api_server.url}/v1/inspections/{inspection_id}/report.pdf", timeout=60,
                       headers=_api(api_server, "M2001", "7100"))
    assert report.status_code == 200 and report.headers["content-type"] == "application/pdf", report.text[:200]
    assert len(PdfReader(io.BytesIO(report.content)).pages) >= 1
    am.close()
    manager.close()
