"""Issue 12, insprun: the inspection screens, built from real synced devices (real API). HK
Island's area manager sees the stores he covers with the templates usable there; the inspection
screen asks item by item, saves each answer at once and shows the live score, the sections and
the critical-failure verdict; Finish queues it (waiting to sync), and after sync the result shows
the server's score and pass/fail and fetches the PDF report for the share sheet (in a browser:
opens a report link that works without the app's token). The store's
manager reads the result, with the findings' photos and corrective tasks. A refused inspection is back in progress with the reason. Every
pressable control has a spoken name."""

import asyncio
from types import SimpleNamespace

import flet as ft
import httpx
from sqlalchemy import text

from app.store import local_photo
from app.sync import SyncEngine
from app.ui.punch_view import load_photo
from app.ui.screens import inspection_result, inspection_run, inspections, task_detail
from tests.inspection_world import CWB_MANAGER, HK_AM, KLN_AM, at_store, photo, write_template
from tests.servers import server_engine
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)


class _Poster:
    """``post`` of inspection_world.Phone for a screen context (the template is written online)."""

    def __init__(self, server, ctx) -> None:
        self.server, self.api = server, ctx.api

    def post(self, path: str, body: dict) -> dict:
        resp = httpx.post(f"{self.server.url}{path}", json=body,
                          headers={"Authorization": f"Bearer {self.api.access_token}"})
        assert resp.status_code < 300, resp.text
        return resp.json()


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _tile(view, title: str) -> ft.ListTile:
    return next(c for c in walk(view) if isinstance(c, ft.ListTile) and title in _texts(c.title))


def _item_button(view, label: str, answer: str):
    """The ``answer`` button of the item whose bold label is ``label`` (the next one after it)."""
    seen = False
    for c in walk(view):
        if isinstance(c, ft.Text) and isinstance(c.value, str) and c.value.startswith(label):
            seen = True
        if seen and isinstance(c, (ft.FilledButton, ft.OutlinedButton)) and answer in _texts(c.content):
            return c
    raise AssertionError(f"no {answer} button after {label}")


def _fields(view, label: str) -> list[ft.TextField]:
    return [c for c in walk(view) if isinstance(c, ft.TextField) and c.label == label]


def _type(box: ft.TextField, value: str) -> None:
    box.value = value
    box.on_change(SimpleNamespace(control=box))
    box.on_blur(SimpleNamespace(control=box))


def _choose(view, label: str, key: str) -> None:
    menu = next(c for c in walk(view) if isinstance(c, ft.Dropdown) and c.label == label)
    menu.value = key
    menu.on_select(SimpleNamespace(control=menu))


def _start(ctx, template_name: str) -> str:
    view = inspections.view(ctx)
    assert nameless(view) == []
    _tile(view, template_name).on_click(None)
    return ctx.page.route.rsplit("/", 1)[1]


def test_an_area_manager_inspects_on_screen_and_reads_the_result(server, device):
    """Stores with their templates (Sha Tin, another area, has none); Yes/No, a number, a choice
    and a note saved as given with the live score; a failed critical item shows the verdict;
    Finish: waiting to sync; after sync the server's score, Fail, the findings and the report."""
    am = device(*HK_AM)
    write_template(_Poster(server, am), "Screen walk")
    _sync(am)
    listing = inspections.view(am)
    assert "Causeway Bay (Times Square)" in _texts(listing) and am._("No template for this store yet.") in _texts(listing)
    draft_id = _start(am, "Screen walk")
    route = f"{inspections.ROUTE}/{draft_id}"

    view = inspections.detail_view(am, route, draft_id)
    assert nameless(view) == [] and am._("{answered} of {total} answered", answered="0", total="4") in _texts(view)
    _item_button(view, "Floor is clean", am._("Yes")).on_click(None)
    view = inspections.detail_view(am, route, draft_id)
    _item_button(view, "Fire exit clear", am._("No")).on_click(None)
    view = inspections.detail_view(am, route, draft_id)
    _type(_fields(view, am._("Number"))[0], "4")
    view = inspections.detail_view(am, route, draft_id)
    _choose(view, am._("Choose"), "all")
    view = inspections.detail_view(am, route, draft_id)
    texts = _texts(view)
    assert am._("{answered} of {total} answered", answered="4", total="4") in texts
    assert am._("Fails: a critical item failed: {items}", items="Fire exit clear") in texts
    assert any(am._("Score {score}%", score="85.71") in line and am._("Fail") in line for line in texts)
    notes = _fields(view, am._("Note"))
    _type(notes[1], "Boxes in front of the exit")
    view = inspections.detail_view(am, route, draft_id)
    assert "Boxes in front of the exit" in [f.value for f in _fields(view, am._("Note"))]

    assert inspection_run.finish(am, draft_id, at_store())
    done = inspections.detail_view(am, route, draft_id)
    assert am._("waiting to sync") in _texts(done) and am._("Done at the store.") in _texts(done)
    _sync(am)
    done = inspections.detail_view(am, route, draft_id)
    texts = _texts(done)
    assert nameless(done) == [] and am._("Scored by the server.") in texts
    assert am.tr.join(am._("Score {score}%", score="85.71"), am._("Fail")) in texts
    assert "Boxes in front of the exit" in texts and _button(done, am._("Share report (PDF)"))

    saved = {}

    class Picker:
        async def save_file(self, file_name, src_bytes):
            saved[file_name] = src_bytes

    am.page.data["file_picker"] = Picker()
    state = inspection_result.ReportState()
    asyncio.run(inspection_result.share_report(am, state, draft_id))
    assert state.problem is None and saved[f"inspection-{draft_id}.pdf"].startswith(b"%PDF")

    opened = []

    class Launcher:
        async def launch_url(self, url, web_only_window_name=None):
            opened.append(url)

    am.page.web, am.page.data["url_launcher"] = True, Launcher()  # the same screen in a browser
    web = inspection_result.ReportState()
    asyncio.run(inspection_result.share_report(am, web, draft_id))
    assert opened == [web.link] and httpx.get(web.link).content.startswith(b"%PDF")  # no token needed

    manager = device("M2001", "7100")
    listing = inspections.view(manager)
    tile = _tile(listing, "Screen walk")
    assert am.tr.join(am._("Score {score}%", score="85.71"), am._("Fail")) in _texts(tile.subtitle)[0]


def test_a_refused_inspection_is_back_in_progress_with_the_reason_on_screen(server, device):
    """The server refuses it (the store was taken off the area manager meanwhile): the list
    shows it in progress again with the reason in the reader's language, and so does its screen."""
    am = device(*KLN_AM)
    write_template(_Poster(server, am), "Refused walk", area="kowloon")
    _sync(am)
    draft_id = _start(am, "Refused walk")
    for item_id, value in (("clean", True), ("exit", True), ("temp", 2), ("label", "all")):
        am.actions.answer_item(draft_id, item_id, value)
    assert inspection_run.finish(am, draft_id, None)
    engine = server_engine(server)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM user_stores WHERE user_id='u-am-kln' AND store_id='st-mk'"))
        _sync(am)
    finally:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO user_stores (user_id, store_id) VALUES ('u-am-kln', 'st-mk')"))
        engine.dispose()
    refused = am._("Refused: {reason}", reason=am.reason_text("forbidden_role"))
    tile = _tile(inspections.view(am), "Refused walk")
    assert refused in _texts(tile.subtitle)[0]
    again = inspections.detail_view(am, f"{inspections.ROUTE}/{draft_id}", draft_id)
    assert refused in _texts(again) and _button(again, am._("Finish"))


def _thumbs(view) -> list[ft.Semantics]:
    return [c for c in walk(view) if isinstance(c, ft.Semantics) and c.button and c.label]


def test_findings_show_their_photos_and_corrective_tasks_to_the_inspector_and_the_store_manager(server, device):
    """Issue 12, inspe2e: a failed item's photo is shown on the result (named for a screen reader,
    a tap opens it larger) from the inspector's own copy before and after sync; the store's
    manager, who never had it, gets it from the server. After sync each finding shows the
    corrective task it made (title, "To do") and a tap opens /tasks/<id>. A finished inspection's
    screen is one a sync redraws (it has no field); one in progress is not."""
    am = device(*HK_AM)
    write_template(_Poster(server, am), "Photo walk")
    _sync(am)
    draft_id = _start(am, "Photo walk")
    for item_id, value in (("clean", False), ("exit", False), ("temp", 3), ("label", "all")):
        am.actions.answer_item(draft_id, item_id, value)
    sha = am.actions.add_item_photo(draft_id, "clean", photo(7))
    route = f"{inspections.ROUTE}/{draft_id}"
    assert not inspections.finished_route(am, route)  # in progress: fields, so a sync never redraws it
    assert inspection_run.finish(am, draft_id, at_store())
    assert inspections.finished_route(am, route)  # finished: a sync redraws it with the server's score
    label = inspection_result.photo_label(am, 1, "Floor is clean")
    waiting = inspections.detail_view(am, route, draft_id)
    assert [t.label for t in _thumbs(waiting)] == [am._("Open {photo} larger", photo=label)]
    data, problem = asyncio.run(load_photo(am, sha))
    assert problem is None and data == local_photo(am.store, sha)  # this phone's copy (not uploaded yet)

    _sync(am)
    done = inspections.detail_view(am, route, draft_id)
    assert nameless(done) == []
    tiles = {_texts(c.title)[0]: c for c in walk(done) if isinstance(c, ft.ListTile)}
    corrective = am._("Corrective task: {status}", status=am._("To do"))
    assert {k: _texts(v.subtitle)[0] for k, v in tiles.items()} == {"Floor is clean": corrective,
                                                                    "Fire exit clear": corrective}
    dialogs = []
    am.page.show_dialog = dialogs.append
    _thumbs(done)[0].content.on_click(None)  # opens it larger
    dialog = dialogs[-1]
    assert isinstance(dialog, ft.AlertDialog) and _texts(dialog.title) == [label]
    assert dialog.content.width == inspection_result.LARGE_SIZE
    tiles["Floor is clean"].on_click(None)
    task_id = am.page.route.rsplit("/", 1)[1]
    assert am.page.route == f"/tasks/{task_id}" and task_detail.view(am, am.page.route, task_id).controls

    staff = device("S3001", "1111")
    assert not inspections.finished_route(staff, route)  # (the shell shows staff no inspection)
    manager = device(*CWB_MANAGER)
    seen = inspections.detail_view(manager, route, draft_id)
    assert len(_thumbs(seen)) == 1 and "Fire exit clear" in _texts(seen)
    # no template on his phone: the critical failure is named by its finding, not its item id
    assert manager._("Fails: a critical item failed: {items}", items="Fire exit clear") in _texts(seen)
    assert local_photo(manager.store, sha) is None
    data, problem = asyncio.run(load_photo(manager, sha))
    assert problem is None and data == local_photo(am.store, sha)  # fetched from the server


def test_the_run_screen_says_why_finish_is_refused_and_which_items_to_fix(server, device):
    """Issue 12, inspe2e: a failed item that needs a photo has none: above Finish the screen says
    Finish is not possible yet with the reason, and names the item to photograph (in the reader's
    language: Traditional Chinese here); Finish is refused and nothing is queued. With the photo
    taken the lines are gone and Finish queues it."""
    am = device(*HK_AM, locale="zh_Hant_HK")
    write_template(_Poster(server, am), "Refusal walk")
    _sync(am)
    draft_id = _start(am, "Refusal walk")
    for item_id, value in (("clean", False), ("exit", True), ("temp", 3), ("label", "all")):
        am.actions.answer_item(draft_id, item_id, value)
    route = f"{inspections.ROUTE}/{draft_id}"
    why = am._("Finish is not possible yet: {reason}", reason=am.reason_text("inspection_photo_required"))
    which = am._("Take a photo of: {items}", items="Floor is clean")
    texts = _texts(inspections.detail_view(am, route, draft_id))
    assert why in texts and which in texts and "不合格的項目需要相片。完成前請先拍照。" in why
    assert not inspection_run.finish(am, draft_id, at_store())
    with am.store.reading() as db:
        queued = db.execute("SELECT count(*) FROM outbox WHERE entity_ref=?", [f"inspection:{draft_id}"]).fetchone()
    assert queued[0] == 0

    am.actions.add_item_photo(draft_id, "clean", photo(8))
    texts = _texts(inspections.detail_view(am, route, draft_id))
    assert why not in texts and which not in texts
    assert inspection_run.finish(am, draft_id, at_store())
