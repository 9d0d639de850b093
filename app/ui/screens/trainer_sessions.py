"""Issue 13, traintrainer: Me -> Sessions I train: the sessions whose code this person shows.

Online, opening it asks the server for the list and takes each session's secret to the phone
(``app.sync.trainer_sessions.refresh``); offline it lists what the phone kept, and says so. A tap
opens the session's code screen (``trainer_run``)."""

from dataclasses import dataclass, field

import flet as ft

from app.platform import offload
from app.store import training_secrets
from app.sync import AuthRequired, RequestRejected, TransientError
from app.sync.trainer_sessions import refresh
from app.ui.chrome import big_button, frame
from app.ui.context import AppContext
from app.ui.screens import training_scan
from app.ui.training_scan import can_scan

ROUTE = "/me/trainer"
_KEY = "trainer_sessions"


@dataclass
class TrainerList:
    """What the list shows, per person, kept in the session's page data."""

    user_id: str
    sessions: list = field(default_factory=list)
    loaded: bool = False
    loading: bool = False
    offline: bool = False
    problem: str | None = None


def list_of(ctx: AppContext) -> TrainerList:
    found = ctx.page.data.get(_KEY)
    if found is None or found.user_id != ctx.user["id"]:
        found = ctx.page.data[_KEY] = TrainerList(ctx.user["id"])
    return found


async def load(ctx: AppContext, state: TrainerList) -> None:
    """Ask the server (online) or read what the phone kept (offline), then redraw."""
    state.loading, user_id = True, state.user_id
    try:
        state.sessions = await offload(refresh, ctx.store, ctx.api, user_id, ctx.store.clock.now())
        state.offline, state.problem = False, None
    except TransientError:
        state.offline, state.problem = True, None
        training_secrets.forget_stale(ctx.store, user_id, ctx.store.clock.now())  # over: deleted offline too
        state.sessions = training_secrets.kept(ctx.store, user_id, ctx.store.clock.now())
    except AuthRequired:
        state.problem = ctx._("Please log in again.")
    except RequestRejected as exc:
        state.problem = ctx.reason_text(exc.code)
    finally:
        state.loading, state.loaded = False, True
    ctx.rerender()


def when(ctx: AppContext, kept: training_secrets.KeptSession) -> str:
    """``Tue, 2 Dec · 10:00 – 11:00 · Room 2`` in the reader's language and the store's time zone."""
    parts = [ctx.tr.format_skeleton("MMMEd", kept.starts_at), ctx.tr.format_interval(kept.starts_at, kept.ends_at)]
    return ctx.tr.join(*parts, *([kept.shown["room"]] if kept.shown.get("room") else []))


def view(ctx: AppContext) -> ft.View:
    t, state = ctx.typo, list_of(ctx)
    if not state.loaded and not state.loading:
        state.loading = True
        ctx.page.run_task(load, ctx, state)
    body: list[ft.Control] = []
    if state.offline:
        body.append(t.text(ctx._("You are offline. These are the sessions this phone keeps: their codes still "
                                 "show."), 15, color=ft.Colors.ORANGE_900))
    if state.problem:
        body.append(t.text(state.problem, 15, color=ft.Colors.RED_900))
    for kept in state.sessions:
        body.append(ft.ListTile(leading=ft.Icon(ft.Icons.QR_CODE_2), title=t.text(kept.shown["course_title"], 16),
                                subtitle=t.text(when(ctx, kept), 14),
                                on_click=lambda e, sid=kept.session_id: ctx.page.navigate(f"{ROUTE}/{sid}")))
    if state.loaded and not state.sessions and not state.problem:
        body.append(t.text(ctx._("You train no session that is coming up."), 15))
    if state.loading:
        body.append(t.text(ctx._("Loading…"), 15))
    body.append(big_button(ctx, ctx._("Refresh"), lambda e: ctx.page.run_task(load, ctx, state),
                           icon=ft.Icons.REFRESH, filled=False, disabled=state.loading))
    return frame(ctx, ROUTE, ctx._("Sessions I train"), body, back=True)


def me_tiles(ctx: AppContext) -> list[ft.Control]:
    """Me's entries: Sessions I train, and (where the device reads QR codes) Scan a training QR code."""
    t = ctx.typo
    tiles = [ft.ListTile(leading=ft.Icon(ft.Icons.CO_PRESENT), title=t.text(ctx._("Sessions I train"), 16),
                         on_click=lambda e: ctx.page.navigate(ROUTE))]
    if can_scan():
        tiles.append(ft.ListTile(leading=ft.Icon(ft.Icons.QR_CODE_SCANNER),
                                 title=t.text(ctx._("Scan a training QR code"), 16),
                                 on_click=lambda e: ctx.page.navigate(training_scan.ROUTE)))
    return tiles
