"""A confirmed action runs once, only after its dialog has gone; Cancel, a tap outside or a
second tap on the action run nothing more (app.ui.dialogs)."""

from __future__ import annotations

import asyncio

import flet as ft

from app.i18n import Translator
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog, confirm
from tests.test_me_calendar_feed import DialogPage, button


def _ctx() -> AppContext:
    return AppContext(page=DialogPage(), config=None, store=None, api=None, tr=Translator("zh_Hant_HK"))


def _gone(dialog: ft.AlertDialog) -> None:
    """Flutter reports the dialog dismissed (closed by a button, a tap outside or Back)."""
    asyncio.run(dialog.on_dismiss(None))


def test_the_action_runs_after_the_dialog_has_gone_and_only_once():
    """Tapping Publish closes the dialog at once; the action waits for the dismissal and a
    second tap while it closes does not run it twice."""
    ctx, done = _ctx(), []
    shown = confirm(ctx, "Publish", "Publish 2 draft shifts?", "Publish", lambda: done.append("published"))
    button(shown.dialog, "Publish").on_click(None)
    assert not shown.dialog.open and done == []
    button(shown.dialog, "Publish").on_click(None)
    _gone(shown.dialog)
    _gone(shown.dialog)
    assert done == ["published"]


def test_cancel_or_a_tap_outside_runs_nothing():
    """Cancel closes without acting; a dialog dismissed by a tap outside acts neither."""
    ctx, done = _ctx(), []
    shown = confirm(ctx, "Publish", "Publish 2 draft shifts?", "Publish", lambda: done.append("published"))
    button(shown.dialog, ctx._("Cancel")).on_click(None)
    _gone(shown.dialog)
    outside = confirm(ctx, "Publish", "Publish 2 draft shifts?", "Publish", lambda: done.append("published"))
    _gone(outside.dialog)
    assert done == [] and not shown.dialog.open


def test_an_async_follow_up_is_awaited_and_close_and_wait_never_hangs():
    """A coroutine follow-up runs to its end; waiting for a dialog Flutter never reports gone
    gives up after the timeout instead of trapping the screen."""
    ctx, done = _ctx(), []

    async def follow_up() -> None:
        await asyncio.sleep(0)
        done.append("renewed")

    shown = ShownDialog(ctx, ft.AlertDialog(actions=[]))
    shown.close(follow_up)
    _gone(shown.dialog)
    assert done == ["renewed"]
    stuck = ShownDialog(ctx, ft.AlertDialog(actions=[]))
    asyncio.run(stuck.close_and_wait(timeout_s=0.05))
    assert not stuck.dialog.open
