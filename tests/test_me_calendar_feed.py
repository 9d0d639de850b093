"""Me -> Calendar feed against a real API: the link is shown and copied, New link asks first
and replaces it (the old one stops), and offline the screen says so in the person's language."""

from __future__ import annotations

import asyncio

import flet as ft
import httpx
import pytest

from app.config import ClientConfig
from app.i18n import Translator
from app.store import DeviceStore
from app.sync import ApiClient
from app.ui.context import AppContext
from app.ui.screens import calendar_feed, me
from tests.conftest import login as sign_in
from tests.servers import free_port
from tests.test_accessible_names import walk
from tests.test_clock_message_colour import TaskPage

OFFLINE = "Cannot reach the server. Check your connection and try again."


class Clipboard:
    """Stands in for the phone's clipboard (no Flutter here)."""

    value: str | None = None

    async def set(self, value: str) -> None:
        self.value = value


class DialogPage(TaskPage):
    """Keeps the dialogs and snack bars shown."""

    def __init__(self) -> None:
        super().__init__()
        self.shown = []

    def show_dialog(self, dialog):
        dialog.open = True  # as Page.show_dialog does
        dialog.update = lambda *controls: None  # no Flutter here to redraw it
        self.shown.append(dialog)


@pytest.fixture
def session(server, tmp_path):
    """Siti (S3002, Indonesian) signed in on a fresh device, the screen redrawn on each change."""
    store = DeviceStore(tmp_path / "device.db")
    api = sign_in(server.url, store, "S3002", "2222")
    ctx = AppContext(page=DialogPage(), config=ClientConfig(api_url=server.url), store=store, api=api,
                     tr=Translator("id"), user=store.load_session()[0])
    ctx.page.data["clipboard"] = Clipboard()
    views = []
    ctx.rerender = lambda: views.append(calendar_feed.view(ctx))
    yield ctx, views
    store.close()


def run_tasks(ctx: AppContext) -> None:
    while ctx.page.tasks:
        handler, args, kwargs = ctx.page.tasks.pop(0)
        asyncio.run(handler(*args, **kwargs))


def texts(control) -> list[str]:
    return [c.value for c in walk(control) if isinstance(c, ft.Text) and c.value]


def button(control, label: str):
    found = [c for c in walk(control) if isinstance(c, (ft.FilledButton, ft.OutlinedButton, ft.TextButton))
             and label in texts(c) + [c.content if isinstance(c.content, str) else ""]]
    assert found, f"no button {label!r}"
    return found[0]


def choose(dialog: ft.AlertDialog, label: str) -> None:
    """Tap ``label`` in ``dialog``, then report it gone, as Flutter does once it has closed."""
    button(dialog, label).on_click(None)
    assert not dialog.open
    asyncio.run(dialog.on_dismiss(None))


def offline_api(ctx: AppContext) -> ApiClient:
    """The same signed-in person, with the server out of reach (nothing listens on the port)."""
    dead = ApiClient(f"http://127.0.0.1:{free_port()}", ctx.store.device_id, timeout=2)
    dead.access_token = ctx.api.access_token
    return dead


def test_me_has_a_calendar_feed_row(session):
    """Me lists "Calendar feed" (in the person's language), which opens the link screen."""
    ctx, _ = session
    row = next(c for c in walk(me.view(ctx, None)) if isinstance(c, ft.ListTile)
               and ctx._("Calendar feed") in texts(c))
    row.on_click(None)
    assert ctx.page.route == calendar_feed.ROUTE


def test_link_is_shown_copied_and_replaced_after_a_warning(session, server):
    """The screen fetches and shows the person's link; Copy puts it on the clipboard; New link
    first warns that subscribed calendars stop updating, then shows a new link, and the old
    one no longer works."""
    ctx, views = session
    _ = ctx._
    views.append(calendar_feed.view(ctx))
    assert _("Getting your link…") in texts(views[-1])
    run_tasks(ctx)
    url = ctx.api.calendar_feed().url
    assert url in texts(views[-1])
    assert httpx.get(url).status_code == 200

    button(views[-1], _("Copy link")).on_click(None)
    run_tasks(ctx)
    assert ctx.page.data["clipboard"].value == url
    assert _("Link copied. Paste it into your calendar app.") in texts(ctx.page.shown[-1])

    button(views[-1], _("New link")).on_click(None)
    warning = ctx.page.shown[-1]
    assert isinstance(warning, ft.AlertDialog)
    assert _("The current link stops working: calendars subscribed to it stop updating. Subscribe "
             "again with the new link.") in texts(warning)
    choose(warning, _("New link"))
    new = next(t for t in texts(views[-1]) if t.startswith("http"))
    assert new != url
    assert httpx.get(url).status_code == 404
    assert httpx.get(new).status_code == 200
    assert _("New link made. The old link no longer works.") in texts(ctx.page.shown[-1])


def test_offline_the_screen_says_so_in_the_persons_language(session):
    """With no connection the screen says the server cannot be reached, in Indonesian, offers
    Try again (and does not retry by itself); a new link tried offline keeps the working link."""
    ctx, views = session
    online = ctx.api
    ctx.api = offline_api(ctx)
    views.append(calendar_feed.view(ctx))
    run_tasks(ctx)
    said = ctx._(OFFLINE)
    assert said != OFFLINE, "the message is translated"
    assert said in texts(views[-1])
    assert not ctx.page.tasks, "a failure must not start another fetch by itself"
    ctx.api = online
    button(views[-1], ctx._("Try again")).on_click(None)
    run_tasks(ctx)
    url = next(t for t in texts(views[-1]) if t.startswith("http"))

    ctx.api = offline_api(ctx)
    button(views[-1], ctx._("New link")).on_click(None)
    choose(ctx.page.shown[-1], ctx._("New link"))
    assert url in texts(views[-1]) and said in texts(views[-1])
    assert said in texts(ctx.page.shown[-1])
    assert httpx.get(url).status_code == 200
