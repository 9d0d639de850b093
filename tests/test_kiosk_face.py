"""Kiosk face check: a photo the face gates cannot judge is "try again" with its reason, never a punch."""

from __future__ import annotations

import asyncio

import pytest

from app.config import ClientConfig
from app.i18n import Translator
from app.protocol.consent import CONSENT_TEXT_VERSION
from app.store import DeviceStore
from app.sync import ApiClient, SyncEngine
from app.ui.context import AppContext
from app.ui.screens import kiosk
from tests import face_conditions as fc
from tests.conftest import login as sign_in
from tests.face_fixtures import photo
from tests.test_accessible_names import pressable, spoken, walk
from tests.servers import ApiServer
from tests.test_clock_message_colour import TaskPage


class DialogPage(TaskPage):
    """Also keeps the dialogs shown (the kiosk's "Are you …?")."""

    def __init__(self) -> None:
        super().__init__()
        self.dialogs = []

    def show_dialog(self, dialog):
        dialog.open = True  # as Page.show_dialog does
        dialog.update = lambda *controls: None  # no Flutter here to redraw it
        self.dialogs.append(dialog)


@pytest.fixture(scope="module")
def kiosk_ctx(server, tmp_path_factory):
    """The CWB manager's tablet in kiosk mode; S3001 consented and enrolled with Obama's photos."""
    staff_store = DeviceStore(tmp_path_factory.mktemp("staff") / "device.db")
    staff = sign_in(server.url, staff_store, "S3001", "1111")
    staff.face_consent(True, CONSENT_TEXT_VERSION, "en")
    staff.face_enrol([photo(n) for n in ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")])
    staff_store.close()
    store = DeviceStore(tmp_path_factory.mktemp("kiosk") / "device.db")
    api = sign_in(server.url, store, "M2001", "7100")
    SyncEngine(store, api).sync_once()
    ctx = AppContext(page=DialogPage(), config=ClientConfig(api_url=server.url), store=store, api=api,
                     tr=Translator("en"), user=store.load_session()[0])
    yield ctx
    store.close()


def walk_up(ctx: AppContext, monkeypatch, frames: list[bytes]) -> str:
    """Someone presses Start and the camera takes ``frames``; returns the kiosk's status line."""
    async def camera(_ctx, *args, **kwargs):  # no camera here: the frames it would take
        return frames

    monkeypatch.setattr(kiosk, "camera_frames", camera)
    ctx.page.data.pop(kiosk.NOTE_KEY, None)
    ctx.page.dialogs.clear()
    view = kiosk.view(ctx)
    start = next(c for c in walk(view) if pressable(c) and spoken(c) == "Start")
    asyncio.run(start.on_click(None))  # an async handler: Flet awaits it
    return ctx.page.data.get(kiosk.NOTE_KEY) or ""


def punch_count(ctx: AppContext) -> int:
    with ctx.store.reading() as db:
        return len(list(db.query("SELECT id FROM punches")))


@pytest.mark.parametrize("frames, said", [
    (lambda: [fc.selfie("obama_480p.jpg", 40)] * 3, "Your face is too small. Hold the phone closer."),
    (lambda: [fc.masked("obama_480p.jpg")] * 3, "Please lower your mask for a moment."),
], ids=["too_small", "mask"])
def test_a_photo_the_gates_cannot_judge_is_try_again_with_its_reason(kiosk_ctx, monkeypatch, frames, said):
    """A too-small or masked face at the kiosk says why and asks again: no "Are you …?", no punch."""
    before = punch_count(kiosk_ctx)
    status = walk_up(kiosk_ctx, monkeypatch, frames())
    assert status == said
    assert kiosk_ctx.page.dialogs == []
    assert punch_count(kiosk_ctx) == before


def test_a_clear_face_is_recognised_and_asked_to_confirm(kiosk_ctx, monkeypatch):
    """The enrolled person's clear selfie: "Are you Chan Tai Man?" with the punch to make."""
    walk_up(kiosk_ctx, monkeypatch, [fc.selfie("obama_480p.jpg", 160)] * 3)
    (dialog,) = kiosk_ctx.page.dialogs
    assert "Chan Tai Man" in dialog.title.value


def test_a_server_without_face_engine_says_so_not_no_network(tmp_path, monkeypatch):
    """Online, but the server's face engine cannot load: "face check is not available, use your PIN",
    not "face check needs the network" (a real server restarted where dlib cannot be imported)."""
    srv = ApiServer(tmp_path / "api").start()
    store = DeviceStore(tmp_path / "device.db")
    try:
        staff = ApiClient(srv.url, "dev-kiosk-nodlib-s")
        staff.login("S3001", "1111")
        staff.face_consent(True, CONSENT_TEXT_VERSION, "en")
        staff.face_enrol([photo(n) for n in ("obama_1.jpg", "obama_2.jpg", "obama_3.jpg")])
        staff.close()
        srv.restart_without_face_engine(tmp_path / "no_dlib")
        api = sign_in(srv.url, store, "M2001", "7100")
        ctx = AppContext(page=DialogPage(), config=ClientConfig(api_url=srv.url), store=store, api=api,
                         tr=Translator("en"), user=store.load_session()[0])
        status = walk_up(ctx, monkeypatch, [fc.selfie("obama_480p.jpg", 160)] * 3)
        assert status == "Face check is not available right now. Use your PIN."
        assert ctx.page.dialogs == []
    finally:
        store.close()
        srv.stop()
