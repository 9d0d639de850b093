"""Dialogs whose follow-up (an action, a snack bar, a new screen) runs only once they have gone.

Why: in Flet 1.0 a dialog closed in the same moment as the screen is redrawn or a snack bar
is shown can stay on screen with nothing behind it, its buttons dead (seen under load on the
roster's Publish). So the follow-up waits for the dialog's dismiss event, which Flutter
sends once the dialog is off the screen. ``pop_dialog`` is not used either: it closes the
topmost open dialog, which may be a snack bar shown meanwhile.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Callable

import flet as ft

from app.ui.context import AppContext

FollowUp = Callable[[], None | Awaitable[None]]


class ShownDialog:
    """``dialog`` on the page; ``close(then)`` takes it away and runs ``then`` after."""

    def __init__(self, ctx: AppContext, dialog: ft.AlertDialog) -> None:
        self.dialog = dialog
        self._then: FollowUp | None = None
        self._gone = asyncio.Event()
        dialog.on_dismiss = self._dismissed
        ctx.page.show_dialog(dialog)

    def close(self, then: FollowUp | None = None) -> None:
        if not self.dialog.open:
            return  # a second tap while it closes: the follow-up runs once
        self._then = then
        self.dialog.open = False
        self.dialog.update()

    async def close_and_wait(self, timeout_s: float = 3.0) -> None:
        """Close it and return once it has gone (or after ``timeout_s``: never hang on it)."""
        self.close()
        try:
            await asyncio.wait_for(self._gone.wait(), timeout_s)
        except TimeoutError:
            pass

    async def _dismissed(self, _e) -> None:
        self._gone.set()
        then, self._then = self._then, None
        if then is not None:
            result = then()
            if inspect.isawaitable(result):
                await result


def confirm(ctx: AppContext, title: str, question: str, action_label: str, then: FollowUp) -> ShownDialog:
    """Ask ``question``; ``then`` runs after the dialog has closed, only if ``action_label`` was
    chosen (Cancel, a tap outside or Back do nothing)."""
    t = ctx.typo
    dialog = ft.AlertDialog(title=t.text(title, 18), content=t.text(question, 15), actions=[
        ft.TextButton(ctx._("Cancel"), on_click=lambda e: shown.close()),
        ft.TextButton(action_label, on_click=lambda e: shown.close(then))])
    shown = ShownDialog(ctx, dialog)
    return shown
