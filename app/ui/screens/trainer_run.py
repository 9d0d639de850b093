"""Issue 13, traintrainer: a session's code screen on the trainer's phone: the 6-digit code large,
its QR code, a countdown to the next code, the live attendance list and Add by hand.

The code comes from the secret the phone keeps (``app.store.training_secrets``) and the rules of
``app.domain.training.trainer.shown_now`` (its clock corrected by the sync engine's offset), so it
shows offline too. While the screen shows, a ticker updates the code, the QR code and the countdown
in place every second and asks for the roll every few seconds (``trainer_roll``)."""

import asyncio
import time

import flet as ft

from app.domain.training import codes, trainer
from app.media import qr
from app.store import training_secrets
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.screens import trainer_roll
from app.ui.screens.trainer_sessions import ROUTE as LIST_ROUTE, when
from app.ui.screens.training_scan import spaced

#: Side of the QR code on screen, in logical pixels (before the large-text scale).
QR_SIDE = 260


class RunState(trainer_roll.RollState):
    """The roll (``RollState``) plus what the ticker updates in place."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.ticking = False
        self.step: int | None = None
        self.controls: dict[str, ft.Control] = {}


def state_of(ctx: AppContext, session_id: str) -> RunState:
    """This session's screen state for the signed-in person (kept while the app runs)."""
    key = f"trainer_run:{ctx.user['id']}:{session_id}"
    return ctx.page.data.setdefault(key, RunState(session_id))


def route_of(session_id: str) -> str:
    return f"{LIST_ROUTE}/{session_id}"


def view(ctx: AppContext, route: str, session_id: str) -> ft.View:
    t = ctx.typo
    kept = training_secrets.kept_one(ctx.store, ctx.user["id"], session_id, ctx.store.clock.now())
    if kept is None:
        return frame(ctx, route, ctx._("Session code"), [t.text(ctx._(
            "This phone has no code for this session: it is over, or not yours to run. Open Sessions I train "
            "while online to get the codes of your sessions."), 15)], back=True)
    state = state_of(ctx, session_id)
    shown = trainer.shown_now(session_id, kept.secret, ctx.store.clock.now(), ctx.store.clock.offset_ms)
    state.step = shown.step
    code = ft.Text(spaced(shown.code), size=56 * ctx.display.scale, weight=ft.FontWeight.BOLD,
                   text_align=ft.TextAlign.CENTER, semantics_label=_spoken(ctx, shown.code))
    picture = ft.Image(src=qr.png(shown.qr_text), width=QR_SIDE * ctx.display.scale,
                       height=QR_SIDE * ctx.display.scale, fit=ft.BoxFit.CONTAIN,
                       semantics_label=ctx._("QR code of the session code"))
    countdown = t.text(_left_text(ctx, shown.seconds_left), 15)
    bar = ft.ProgressBar(value=shown.seconds_left / codes.STEP_S, semantics_label=ctx._("Time left for this code"))
    state.controls = {"code": code, "qr": picture, "countdown": countdown, "bar": bar}
    state.column = ft.Column(trainer_roll.rows(ctx, state), spacing=4)
    if not state.ticking:
        state.ticking = True
        ctx.page.run_task(tick, ctx, state, route)
    return frame(ctx, route, kept.shown["course_title"], [
        t.text(when(ctx, kept), 15),
        ft.Column([code, picture, countdown, bar], horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=8),
        section(ctx, ctx._("Attendance"), [state.column]),
        trainer_roll.add_section(ctx, state, kept.shown["store_id"]),
    ], back=True)


def _spoken(ctx: AppContext, code: str) -> str:
    # Digit by digit: "123 456" would be read out as two numbers.
    return ctx._("Code {code}", code=" ".join(code))


def _left_text(ctx: AppContext, seconds: int) -> str:
    return ctx.tr.ngettext("New code in {count} second", "New code in {count} seconds", seconds)


def state_user(ctx: AppContext) -> str:
    return ctx.user["id"] if ctx.user else ""


def still_shown(ctx: AppContext, state: RunState, route: str) -> bool:
    """Whether the screen is still up for the person it was drawn for."""
    return ctx.user is not None and (ctx.page.route or "").split("?", 1)[0] == route and \
        state_of(ctx, state.session_id) is state


def show_code(ctx: AppContext, state: RunState) -> bool:
    """Put the code of this moment on screen, in place; False when the phone no longer keeps the
    session's secret (over, or deleted)."""
    kept = training_secrets.kept_one(ctx.store, ctx.user["id"], state.session_id, ctx.store.clock.now())
    if kept is None:
        return False
    shown = trainer.shown_now(state.session_id, kept.secret, ctx.store.clock.now(), ctx.store.clock.offset_ms)
    c = state.controls
    changed = [c["countdown"], c["bar"]]
    c["countdown"].value, c["bar"].value = _left_text(ctx, shown.seconds_left), shown.seconds_left / codes.STEP_S
    if shown.step != state.step:
        state.step = shown.step
        c["code"].value, c["code"].semantics_label = spaced(shown.code), _spoken(ctx, shown.code)
        c["qr"].src = qr.png(shown.qr_text)
        changed += [c["code"], c["qr"]]
    for control in changed:
        try:
            control.update()
        except (AssertionError, RuntimeError):  # the screen was redrawn meanwhile: the next tick
            pass
    return True


async def tick(ctx: AppContext, state: RunState, route: str) -> None:
    """Every second while the screen shows: the code and countdown; every few seconds: the roll."""
    asked = float("-inf")
    try:
        while still_shown(ctx, state, route):
            if not show_code(ctx, state):
                training_secrets.forget_stale(ctx.store, state_user(ctx), ctx.store.clock.now())  # the session is over
                ctx.rerender()  # says the phone has no code for it any more
                return
            if time.monotonic() - asked >= trainer_roll.ROLL_EVERY_S:
                asked = time.monotonic()
                await trainer_roll.fetch(ctx, state)
            await asyncio.sleep(max(0.2, 1 - ctx.store.clock.now().timestamp() % 1))  # on the second
    finally:
        state.ticking = False
