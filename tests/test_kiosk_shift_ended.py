"""Kiosk after a shift has ended: it says so and offers the unscheduled clock-in, as the Clock screen does."""

from __future__ import annotations

import asyncio

import json

import pytest
from sqlalchemy import select

from backend_stub import db as server_db
from backend_stub.engine import make_engine

from app.config import ClientConfig
from app.i18n import Translator
from app.store import DeviceStore
from app.sync import SyncEngine
from app.ui.context import AppContext
from app.ui.screens import kiosk
from tests.conftest import login as sign_in
from tests.e2e.clock_helpers import add_shift_starting_soon
from tests.test_accessible_names import pressable, spoken, walk
from tests.test_kiosk_face import DialogPage

OFFER = "Clock in without a shift (your manager approves)"


@pytest.fixture
def kiosk_ctx(server, tmp_path):
    """The CWB manager's tablet; Siti Rahayu (S3002)'s only shift today ended 42 minutes ago."""
    add_shift_starting_soon(server.data_dir, user_id="u-s02", store_id="st-cwb", shift_id="sh-ended-42",
                            minutes=-(8 * 60 + 42), hours=8, db_url=server.db_url)
    store = DeviceStore(tmp_path / "device.db")
    api = sign_in(server.url, store, "M2001", "7100")
    SyncEngine(store, api).sync_once()
    ctx = AppContext(page=DialogPage(), config=ClientConfig(api_url=server.url), store=store, api=api,
                     tr=Translator("en"), user=store.load_session()[0])
    views = [kiosk.view(ctx)]
    ctx.rerender = lambda: views.append(kiosk.view(ctx))
    yield ctx, api, views
    store.close()


def press(view, label: str):
    button = next(c for c in walk(view) if pressable(c) and spoken(c) == label)
    result = button.on_click(None)
    if asyncio.iscoroutine(result):
        asyncio.run(result)


def her_punches(ctx: AppContext) -> int:
    with ctx.store.reading() as device_db:
        return len(list(device_db.query("SELECT id FROM punches WHERE user_id = 'u-s02'")))


def answer_yes(ctx: AppContext, action: str = "Clock in") -> str:
    """The person taps the punch in "Are you …?"; the dialog closes (as Flutter reports it)."""
    dialog = ctx.page.dialogs.pop()
    press(dialog, action)
    asyncio.run(dialog.on_dismiss(None))
    return dialog.title.value


def test_shift_ended_at_the_kiosk_offers_the_unscheduled_clock_in(server, kiosk_ctx):
    """42 minutes after her shift: "Your shift has ended." with the unscheduled clock-in offered;
    taking it (after confirming her name again) records a clock-in the manager sees as unscheduled."""
    ctx, api, views = kiosk_ctx
    fields = {c.label: c for c in walk(views[-1]) if getattr(c, "label", None) in ("Staff number", "PIN")}
    fields["Staff number"].value, fields["PIN"].value = "S3002", "2222"
    before = her_punches(ctx)
    press(views[-1], "Continue")
    assert "Siti Rahayu" in answer_yes(ctx)
    assert ctx.page.data[kiosk.NOTE_KEY] == "Your shift has ended."
    assert [spoken(c) for c in walk(views[-1]) if pressable(c) and spoken(c) == OFFER] == [OFFER]
    assert her_punches(ctx) == before  # nothing recorded (the server would refuse it)

    press(views[-1], OFFER)
    assert "Siti Rahayu" in answer_yes(ctx)
    assert ctx.page.data[kiosk.NOTE_KEY] == "Clock in for Siti Rahayu."
    assert not [c for c in walk(views[-1]) if pressable(c) and spoken(c) == OFFER]  # not left for the next person

    report = SyncEngine(ctx.store, api).sync_once()
    assert (report.applied, report.rejected) == (1, 0)
    engine = make_engine(server.db_url)
    with engine.connect() as conn:
        (punch,) = conn.execute(select(server_db.punches.c.kind, server_db.punches.c.flags).where(
            server_db.punches.c.user_id == "u-s02", server_db.punches.c.method == "kiosk")).all()
    engine.dispose()
    flags = json.loads(punch.flags) if isinstance(punch.flags, str) else punch.flags
    assert punch.kind == "clock_in" and "unscheduled" in flags
