"""Issue 11, bcattach, on real synced phones (real API): the sender adds a photo and a PDF on
Broadcast (a file of another kind is refused there with its reason and nothing changes); a reader
sees them in the broadcast's detail, shows the photo and downloads the PDF; a file the server
does not hold yet shows as arriving, and offline the detail says the server cannot be reached."""

import asyncio
import hashlib
from types import SimpleNamespace

import flet as ft

from app.store import queries
from app.sync import SyncEngine
from app.ui import broadcast_files
from app.ui.capture import CaptureError
from app.ui.screens import broadcast, broadcasts
from app.ui.screen_state import screen_state
from tests.test_accessible_names import nameless, walk
from tests.test_api_broadcast_attachments import PDF, png
from tests.test_broadcast_screens import _fields, _on_broadcast, _type
from tests.test_clock_message_colour import TaskPage
from tests.test_me_calendar_feed import OFFLINE, button, offline_api
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)


class FilePicker:
    """Stands in for the phone's file picker (no Flutter here): hands out ``files``, keeps what is saved."""

    def __init__(self, *files: tuple[str, bytes]) -> None:
        self.files, self.saved = list(files), []

    async def pick_files(self, **_kw):
        return [SimpleNamespace(name=name, bytes=data) for name, data in self.files]

    async def save_file(self, file_name=None, src_bytes=None, **_kw):
        self.saved.append((file_name, src_bytes))
        return file_name


def _run_tasks(ctx) -> None:
    """Run what the buttons started, as Flet's loop would."""
    while ctx.page.tasks:
        handler, args, kwargs = ctx.page.tasks.pop(0)
        asyncio.run(handler(*args, **kwargs))


def _pick(ctx, label: str, *files: tuple[str, bytes]) -> None:
    ctx.page.data["file_picker"] = FilePicker(*files)
    button(ctx.page.views[-1], label).on_click(None)
    _run_tasks(ctx)


def _detail(ctx, broadcast_id: str):
    return broadcasts.detail_view(ctx, f"{broadcasts.ROUTE}/{broadcast_id}", broadcast_id)


def _reader(device, staff_no: str, pin: str):
    ctx = device(staff_no, pin)
    ctx.page = TaskPage()
    ctx.rerender = lambda: None
    return ctx


def test_the_manager_attaches_a_photo_and_a_pdf_and_chan_opens_both(device):
    """On Broadcast the CWB manager adds a photo, then a text file (refused: "This file type is
    not supported.", still one file), then a PDF; both are listed by name and sent. Chan's detail
    lists "Attachments": Show photo shows the photo, Download PDF saves the manager's exact bytes."""
    manager, _shell = _on_broadcast(device, "M2001", "7100")
    _type(_fields(manager.page.views[-1])[0], "Window display")
    photo = png((20, 120, 40))
    _pick(manager, "Add photo", ("display.png", photo))
    _pick(manager, "Add PDF", ("notes.txt", b"hello"))
    assert manager.page.shown[-1].content.value == "This file type is not supported."
    assert [name for name, _ in screen_state(manager, broadcast.ROUTE, broadcast.BroadcastState).draft.files] == [
        "display.png"]
    _pick(manager, "Add PDF", ("plan.pdf", PDF))
    assert {"display.png · 1 KB", "plan.pdf · 1 KB"} <= set(_texts(manager.page.views[-1]))
    button(manager.page.views[-1], "Send").on_click(None)
    SyncEngine(manager.store, manager.api).sync_once()
    chan = _reader(device, "S3001", "1111")
    with chan.store.reading() as db:
        sent = next(b for b in queries.broadcasts(db, chan.user["id"]) if b.title == "Window display")
    detail = _detail(chan, sent.id)
    assert "Attachments" in _texts(detail) and nameless(detail) == []
    button(detail, "Show photo").on_click(None)
    _run_tasks(chan)
    shown = [c for c in walk(_detail(chan, sent.id)) if isinstance(c, ft.Image)]
    assert [(c.semantics_label, c.src) for c in shown] == [("display.png", photo)]
    chan.page.data["file_picker"] = picker = FilePicker()
    button(_detail(chan, sent.id), "Download PDF").on_click(None)
    _run_tasks(chan)
    assert picker.saved == [("plan.pdf", PDF)]


def test_a_file_not_on_the_server_yet_shows_as_arriving_and_offline_says_so(device):
    """The manager's broadcast reaches the server before its PDF: Siti's Download PDF says the file
    is arriving (nothing saved). With no connection, Show photo says the server cannot be reached.
    Once the PDF is uploaded, Download PDF saves it."""
    manager = device("M2001", "7100")
    pdf, photo = PDF.replace(b"1.4", b"1.6"), png((1, 2, 3))
    sent = manager.actions.create_broadcast(["st-cwb"], "Rota rules", "", attachments=[("rules.pdf", pdf),
                                                                                         ("rota.png", photo)])
    SyncEngine(manager.store, manager.api).push()  # the action only: its files have not gone yet
    siti = _reader(device, "S3002", "2222")
    siti.page.data["file_picker"] = picker = FilePicker()
    button(_detail(siti, sent), siti._("Download PDF")).on_click(None)
    _run_tasks(siti)
    assert siti._("Arriving: the sender's phone has not sent it yet.") in _texts(_detail(siti, sent))
    assert picker.saved == []
    online = siti.api
    siti.api = offline_api(siti)
    button(_detail(siti, sent), siti._("Show photo")).on_click(None)
    _run_tasks(siti)
    assert OFFLINE in _texts(_detail(siti, sent))
    siti.api = online
    manager.api.upload_photo(hashlib.sha256(pdf).hexdigest(), pdf)
    button(_detail(siti, sent), siti._("Download PDF")).on_click(None)
    _run_tasks(siti)
    assert picker.saved == [("rules.pdf", pdf)]


def test_take_photo_adds_the_cameras_picture_and_a_cancelled_camera_adds_nothing(device, monkeypatch):
    """Take photo on Broadcast adds the camera's picture to the broadcast (listed, then sent with
    it); when no photo was taken the manager is told so and the files stay as they were."""
    manager, _shell = _on_broadcast(device, "M2001", "7100")
    shot = png((90, 90, 200))

    async def camera(_ctx):  # stands in for the phone's camera (no camera here)
        return shot

    monkeypatch.setattr(broadcast_files, "camera_photo", camera)
    button(manager.page.views[-1], "Take photo").on_click(None)
    _run_tasks(manager)
    draft = screen_state(manager, broadcast.ROUTE, broadcast.BroadcastState).draft
    assert [data for _, data in draft.files] == [shot]

    async def cancelled(_ctx):
        raise CaptureError("No photo was taken.")

    monkeypatch.setattr(broadcast_files, "camera_photo", cancelled)
    button(manager.page.views[-1], "Take photo").on_click(None)
    _run_tasks(manager)
    assert manager.page.shown[-1].content.value == "No photo was taken."
    assert [data for _, data in draft.files] == [shot]
