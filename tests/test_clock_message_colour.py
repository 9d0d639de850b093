"""The clock screen's message line: an error is red, a success is never red (also once synced)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

import flet as ft
import pytest

from app.config import ClientConfig
from app.i18n import Translator
from app.store import DeviceStore
from app.sync import SyncEngine
from app.ui.context import AppContext
from app.ui.screens import clock
from tests.conftest import login as sign_in
from tests.test_accessible_names import Page, walk

#: Times Square, Causeway Bay (the seeded store st-cwb): inside its fence.
AT_THE_STORE = (22.27834, 114.18222)


def is_red(colour) -> bool:
    """A named Material red, or an RGB hex where red dominates (e.g. #B71C1C)."""
    name = str(getattr(colour, "value", colour) or "").lower()
    if name.startswith("red"):
        return True
    if name.startswith("#") and len(name) in (7, 9):
        r, g, b = (int(name[-6:][i:i + 2], 16) for i in (0, 2, 4))
        return r > 150 and g < 100 and b < 100
    return False


class Geolocator:
    """Stands in for the phone's GPS (none here): a fix at the store, or no fix at all."""

    def __init__(self) -> None:
        self.available = False
        #: Called while the screen waits for the fix (the progress line is showing).
        self.on_wait = lambda: None

    async def request_permission(self):
        return True

    async def get_current_position(self):
        self.on_wait()
        if not self.available:
            raise TimeoutError("no fix")
        return SimpleNamespace(latitude=AT_THE_STORE[0], longitude=AT_THE_STORE[1], accuracy=12.0,
                               timestamp=datetime.now(UTC))


class TaskPage(Page):
    """A Page that keeps the tasks a button starts, to run them here."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks = []

    def run_task(self, handler, *args, **kwargs):
        self.tasks.append((handler, args, kwargs))


@pytest.fixture
def area_manager(server, tmp_path):
    """Area manager A1002 (no shifts: a clock-in is unscheduled, allowed) on a fresh device."""
    store = DeviceStore(tmp_path / "device.db")
    api = sign_in(server.url, store, "A1002", "8200")
    SyncEngine(store, api).sync_once()
    ctx = AppContext(page=TaskPage(), config=ClientConfig(api_url=server.url), store=store, api=api,
                     tr=Translator("en"), user=store.load_session()[0])
    yield ctx, api
    store.close()


def texts(view) -> dict[str, ft.Text]:
    return {c.value: c for c in walk(view) if isinstance(c, ft.Text) and c.value}


def press_clock_in(ctx: AppContext, view) -> None:
    button = next(c for c in walk(view) if isinstance(c, ft.FilledButton) and "Clock in" in str(
        [t.value for t in walk(c) if isinstance(t, ft.Text)] + [c.content]))
    button.on_click(None)
    handler, args, kwargs = ctx.page.tasks.pop()
    asyncio.run(handler(*args, **kwargs))


def message_line(view, starts: str) -> ft.Text:
    found = [text for value, text in texts(view).items() if value.startswith(starts)]
    assert found, f"no message starting {starts!r} on screen"
    return found[0]


def test_success_message_is_never_red_after_an_error_and_once_synced(area_manager):
    """A refused try shows its reason in red; the punch that then succeeds says so, not in red,
    and stays not red when the screen is redrawn after the punch synced."""
    ctx, api = area_manager
    views = [clock.view(ctx)]
    ctx.rerender = lambda: views.append(clock.view(ctx))
    geo = ctx.page.data["geolocator"] = Geolocator()

    press_clock_in(ctx, views[-1])  # no fix: refused
    refused = message_line(views[-1], "Your location is not available")
    assert is_red(refused.color)

    geo.available = True
    progress = []
    geo.on_wait = lambda: progress.append(message_line(views[0], "Checking your location").color)
    press_clock_in(ctx, views[0])  # the same screen, tried again: recorded
    assert progress and not is_red(progress[0]), "the progress line kept the error's red"
    assert len(views) > 1, "the punch was not recorded"
    done = message_line(views[-1], "Clock in at")
    assert not is_red(done.color)

    report = SyncEngine(ctx.store, api).sync_once()
    assert (report.applied, report.rejected) == (1, 0)
    ctx.rerender()  # what the app does when a sync brings news
    synced = message_line(views[-1], "Clock in at")
    assert not is_red(synced.color)
