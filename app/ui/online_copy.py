"""Issue 12, insptrend: a screen that reads from the server (online only) and, offline, shows the
last copy this phone fetched, marked with when it was fetched; with no copy it says clearly that
it needs a connection. A refusal is shown in the person's language (and its copy is forgotten by
``app.sync.inspection_trends.fetch_and_keep``). Nothing is changed here.
"""

from collections.abc import Callable
from dataclasses import dataclass

import flet as ft
from pydantic import BaseModel

from app.platform import offload
from app.store.kept_copies import Kept, kept
from app.sync import AuthRequired, RequestRejected, TransientError
from app.sync.inspection_trends import fetch_and_keep
from app.ui.chrome import big_button
from app.ui.context import AppContext
from app.ui.screen_state import screen_state


@ft.observable
@dataclass
class OnlineCopy:
    """What the screen shows: the copy (fresh from the server, or kept), and why there is no fresh one."""

    copy: Kept | None = None
    fresh: bool = False  # fetched from the server during this session
    problem: str | None = None  # translated: offline, or the server's refusal
    unreachable: bool = False  # the last try found no server (not a refusal)
    loading: bool = False
    asked: bool = False  # asked once already (Try again / Refresh ask again)


async def _load(ctx: AppContext, state: OnlineCopy, subject: str, call: Callable[[], BaseModel]) -> None:
    user_id = ctx.user["id"]
    state.unreachable = False
    try:
        state.copy, state.fresh, state.problem = await offload(
            lambda: fetch_and_keep(ctx.store, user_id, subject, call)), True, None
    except TransientError:  # offline or the server down: the kept copy stays
        state.unreachable, state.fresh = True, False
        state.copy, state.problem = kept(ctx.store, user_id, subject), ctx._(
            "Cannot reach the server. Check your connection and try again.")
    except RequestRejected as exc:  # not the caller's to see: the copy was forgotten
        state.copy, state.fresh, state.problem = None, False, ctx.reason_text(exc.code)
    except AuthRequired:
        state.problem = ctx._("Please log in again.")
    state.loading = False  # redraws


def online_copy(ctx: AppContext, route: str, subject: str, call: Callable[[], BaseModel]) -> OnlineCopy:
    """The screen's state; the first drawing shows the kept copy at once and asks the server."""
    state = screen_state(ctx, route, OnlineCopy)
    if not state.asked:
        state.asked, state.loading = True, True
        state.copy = kept(ctx.store, ctx.user["id"], subject)
        ctx.page.run_task(_load, ctx, state, subject, call)
    return state


def _ask_again(ctx: AppContext, state: OnlineCopy, subject: str, call: Callable[[], BaseModel]) -> None:
    state.loading, state.problem = True, None
    ctx.page.run_task(_load, ctx, state, subject, call)


def status_rows(ctx: AppContext, state: OnlineCopy, subject: str, call: Callable[[], BaseModel]) -> list[ft.Control]:
    """Loading, fetched when, offline (with or without a copy) or refused, and Refresh / Try again."""
    t, rows = ctx.typo, []
    if state.copy is not None:
        fetched = ctx.tr.format_datetime(state.copy.fetched_at, "short")
        rows.append(t.text(ctx._("Fetched {time}", time=fetched) if state.fresh
                           else ctx._("Saved copy from {time}: it may have changed since.", time=fetched), 14,
                           color=None if state.fresh else ft.Colors.ORANGE_900))
    if state.loading:
        rows.append(t.text(ctx._("Loading…"), 15))
    elif state.problem:
        rows.append(t.text(state.problem, 15, color=ft.Colors.RED_900))
        if state.unreachable and state.copy is None:
            rows.append(t.text(ctx._("This needs a connection: nothing was fetched on this phone yet."), 15))
    if not state.loading:
        label = ctx._("Try again") if state.problem else ctx._("Refresh")
        rows.append(big_button(ctx, label, lambda e: _ask_again(ctx, state, subject, call), icon=ft.Icons.REFRESH,
                               filled=False))
    return rows


__all__ = ["OnlineCopy", "online_copy", "status_rows"]
