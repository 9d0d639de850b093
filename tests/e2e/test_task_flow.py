"""Issue 12, tasks with photo proof, in a real browser: the CWB manager writes a task needing 2
photos for Chan Tai Man; Chan opens it from the Tasks tab, takes both with the (fake) camera and
sends it for review; the manager sees it waiting for review with both photos and sends the second
back with a comment; Chan sees the comment and retakes just that one; the manager approves and
sees it done (real API, Flet web client, Chromium with a fake camera, in Traditional Chinese)."""

from __future__ import annotations

import re
import time

import pytest
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import expect, sync_playwright

from . import harness
from .conftest import (DEFAULT_LOCALE, Device, back, expect_home, heading, log_in, open_tab, shown, tap_until, tr,
                       wait_shown)
from .test_leave_flow import _server_rows, _wait_for

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"SHOPFLOOR_SYNC_INTERVAL_S": "2"}
TITLE = "影相：中秋推廣貨架"
CHAN = "Chan Tai Man 陳大文"
COMMENT = "價錢牌未影到"
SLOW_S = 30  # camera start + picture + preparation, on a loaded CI machine
#: The fake camera's clip: every frame its own picture, 30 s before it repeats.
CLIP_SIZE, CLIP_FPS, CLIP_FRAMES = (320, 240), 10, 300


@pytest.fixture(scope="module")
def camera_browser(tmp_path_factory):
    """Chromium whose fake camera films a shelf that changes with every frame (its number drawn
    large on a colour of its own), as a real camera's pictures differ from one moment to the next."""
    font = ImageFont.load_default(size=72)

    def frame(i: int) -> Image.Image:
        still = Image.new("RGB", CLIP_SIZE, ((i * 37) % 256, (i * 91) % 256, (i * 53) % 256))
        ImageDraw.Draw(still).text((40, 70), f"{i:03d}", fill="white", font=font, stroke_width=3, stroke_fill="black")
        return still

    clip = harness.write_y4m((frame(i) for i in range(CLIP_FRAMES)), tmp_path_factory.mktemp("shelf") / "shelf.y4m",
                             size=CLIP_SIZE, fps=CLIP_FPS)
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw, fake_camera_y4m=clip)
        yield browser
        browser.close()


def _to_tasks(page, t, manager: bool) -> None:
    """Staff: the Tasks tab; a manager: Home, then its Tasks button (managers' bar runs the store)."""
    if not manager:
        open_tab(page, t, "Tasks", "Tasks")
        return
    open_tab(page, t, "Home", "Home")  # (off a tab, the bar shows Home chosen already)
    tap_until(page.get_by_role("button", name=t.gettext("Tasks"), exact=True), heading(page, t, "Tasks"))


def _entry(page, status: str):
    """The task's entry on a list, showing ``status`` (its name: the title, then the status)."""
    return page.get_by_role("button", name=re.compile(re.escape(TITLE) + r"[\s\S]*" + re.escape(status)))


def _open_task(page, t, status: str, manager: bool = False) -> None:
    """Tasks, where the task's entry shows ``status`` once a sync has brought it; open it."""
    _to_tasks(page, t, manager)
    entry = _entry(page, t.gettext(status)).first
    expect(entry).to_be_visible(timeout=SLOW_S * 1000)
    tap_until(entry, page.get_by_role("heading", name=TITLE, exact=True))
    wait_shown(page, t.gettext(status))


def _photos(t, taken: int, wanted: int) -> str:
    return t.gettext("Photos: {taken} of {wanted}").format(taken=taken, wanted=wanted)


def _take_photo(page, t, taken: int, wanted: int) -> None:
    """Take photo: the camera opens, takes the picture and the count goes up. A picture equal to
    one taken before is refused by the app ("the same picture"), which must not happen here."""
    same = t.gettext("This is the same picture as one already taken. Take another.")
    wait_shown(page, _photos(t, taken - 1, wanted))
    page.get_by_role("button", name=t.gettext("Take photo"), exact=True).click()
    deadline = time.monotonic() + SLOW_S
    while not shown(page, _photos(t, taken, wanted)):
        assert not shown(page, same), "the camera gave the same picture twice"
        assert time.monotonic() < deadline, "the camera took no picture"
        page.wait_for_timeout(200)
    wait_shown(page, t.gettext("Photo {n}").format(n=taken))


def _ask_photos(page, t, wanted: int) -> None:
    """Tap "One photo more" until the form asks for ``wanted`` photos, looking after each tap, as
    a person does: a tap that lands while the form is drawn again (the ticked name) is lost."""
    def asked(n: int) -> str:
        return t.gettext("Photos to prove it: {count}").format(count=n)

    more = page.get_by_role("button", name=t.gettext("One photo more"), exact=True)
    for _tap in range(wanted + 3):
        now = next((n for n in range(wanted + 2) if shown(page, asked(n))), None)
        assert now is not None and now <= wanted, f"the form asks for {now} photos"
        if now == wanted:
            return
        more.click()
        deadline = time.monotonic() + 5
        while shown(page, asked(now)) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
    raise AssertionError(f"the form never asked for {wanted} photos")


def _write_task(page, t) -> None:
    """The manager's New task form: title, Chan, 2 photos; put on the board, where it shows "To do"."""
    _to_tasks(page, t, manager=True)
    tap_until(page.get_by_role("button", name=t.gettext("New task"), exact=True), heading(page, t, "New task"))
    harness.type_into(page, page.get_by_label(t.gettext("Title"), exact=True), TITLE)
    page.get_by_role("checkbox", name=CHAN, exact=True).click()
    expect(page.get_by_role("checkbox", name=CHAN, exact=True)).to_be_checked()
    _ask_photos(page, t, 2)
    page.get_by_role("button", name=t.gettext("Put on the board"), exact=True).click()
    expect(heading(page, t, "Tasks")).to_be_visible(timeout=15_000)
    expect(_entry(page, t.gettext("To do")).first).to_be_visible()


def _type_comment(page, t) -> None:
    """Type the comment on the photo sent back. Flutter merges the Review section's title into the
    field's accessibility node, whose box then reaches from the title over both photos (a tap on
    its centre lands on photo 2): tap the field where it is drawn, at the bottom of that box. As
    ``harness.type_into``, type again when the field does not hold just the comment."""
    field = page.get_by_label(t.gettext("What is wrong with it?"))
    for _attempt in range(3):
        expect(field).to_be_visible()  # (the tick on "Send this photo back" brings it)
        box = field.bounding_box()
        if box is None:  # drawn again meanwhile
            continue
        page.mouse.click(box["x"] + 24, box["y"] + box["height"] - 24)
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(COMMENT)
        if harness.wait_to_hold(page, field, COMMENT) == COMMENT:
            return
    raise AssertionError("the comment could not be typed")


def _send_for_review(page, t) -> None:
    page.get_by_role("button", name=t.gettext("Send for review"), exact=True).click()
    wait_shown(page, t.gettext("Sent for review. It will sync when online."))
    wait_shown(page, t.gettext("Waiting for review"))


def test_a_task_is_done_with_photos_sent_back_once_and_approved(camera_browser, web_client, api_server):
    """Write (manager) -> open from Tasks, 2 photos, send (Chan) -> see it waiting for review with
    2 photos, send photo 2 back with a comment (manager) -> the comment shown, 1 photo retaken and
    sent (Chan) -> the 1 new photo shown, approve (manager): done on the phone and the server, with
    Chan's 3 different photos (accepted, rejected, accepted)."""
    t = tr(DEFAULT_LOCALE)
    manager = Device(camera_browser, web_client)
    log_in(manager.open(), t, "M2001", "7100")
    expect_home(manager.page, t)
    _write_task(manager.page, t)
    _wait_for(api_server, f"SELECT photos_required, status FROM tasks WHERE title='{TITLE}'", [(2, "to_do")])

    chan = Device(camera_browser, web_client, permissions=["camera"])
    harness.keep_fake_camera_running(chan.context)
    page = chan.open()
    log_in(page, t, "S3001", "1111")
    expect_home(page, t)
    _open_task(page, t, "To do")
    _take_photo(page, t, 1, 2)
    _take_photo(page, t, 2, 2)
    _send_for_review(page, t)
    _wait_for(api_server, f"SELECT status FROM tasks WHERE title='{TITLE}'", [("waiting_review",)], SLOW_S)

    mpage = manager.page
    _open_task(mpage, t, "Waiting for review", manager=True)
    for n in (1, 2):  # the photos themselves, fetched from the server
        expect(mpage.get_by_role("img", name=t.gettext("Photo {n}").format(n=n))).to_be_visible(timeout=15_000)
    mpage.get_by_role("checkbox", name=t.gettext("Send this photo back"), exact=True).nth(1).click()
    for n in (1, 2):  # the tick draws the screen again: its photos load again
        expect(mpage.get_by_role("img", name=t.gettext("Photo {n}").format(n=n))).to_be_visible(timeout=15_000)
    _type_comment(mpage, t)
    mpage.get_by_role("button", name=t.gettext("Send back"), exact=True).click()
    wait_shown(mpage, t.gettext("Sent back."))
    _wait_for(api_server, f"SELECT status FROM tasks WHERE title='{TITLE}'", [("in_progress",)], SLOW_S)

    back(page, t).click()
    _open_task(page, t, "Sent back: redo")
    wait_shown(page, t.gettext("Sent back: {comment}").format(comment=COMMENT))
    _take_photo(page, t, 1, 1)
    _send_for_review(page, t)
    _wait_for(api_server, f"SELECT status FROM tasks WHERE title='{TITLE}'", [("waiting_review",)], SLOW_S)

    back(mpage, t).click()
    _open_task(mpage, t, "Waiting for review", manager=True)
    expect(mpage.get_by_role("img", name=t.gettext("Photo {n}").format(n=1))).to_be_visible(timeout=15_000)
    expect(mpage.get_by_role("checkbox", name=t.gettext("Send this photo back"), exact=True)).to_have_count(1)
    mpage.get_by_role("button", name=t.gettext("Approve"), exact=True).click()
    wait_shown(mpage, t.gettext("Approved."))
    back(mpage, t).click()
    expect(_entry(mpage, t.gettext("Done")).first).to_be_visible(timeout=15_000)
    _wait_for(api_server, f"SELECT status FROM tasks WHERE title='{TITLE}'", [("done",)], SLOW_S)
    photos = _server_rows(api_server, "SELECT p.verdict, p.photo_sha256 FROM task_photos p JOIN tasks k "
                                      f"ON k.id = p.task_id WHERE k.title='{TITLE}' ORDER BY p.round, p.position")
    assert [verdict for verdict, _sha in photos] == ["accepted", "rejected", "accepted"], photos
    assert len({sha for _verdict, sha in photos}) == 3, photos  # three different pictures
    manager.close()
    chan.close()
