"""Issue 13, trainmanage: Training sessions, for managers of a store (reached from Team). Online
only: the list comes from the server (upcoming and running sessions, how many have signed in),
with New session, Edit and Cancel. Offline the screen says so and changes nothing. The rules
(what may still change, seats, times) are the server's (``app.domain.training.session_edits``);
its refusal is shown in the reader's language."""

from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from app.store import queries
from app.sync import training_api
from app.ui.chrome import big_button, frame, menu, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server

ROUTE = "/training-sessions"
NEW = "new"  # ROUTE + "/new": a new session; ROUTE + "/<id>": edit one


@ft.observable
@dataclass
class SessionsState:
    """The manager's chosen store and the server's answer for it (None: not asked yet)."""

    store_id: str = ""
    sessions: list[dict] | None = None
    problem: str | None = None
    loading: bool = False
    courses: list[dict] = field(default_factory=list)


def state_of(ctx: AppContext) -> SessionsState:
    return screen_state(ctx, ROUTE, SessionsState)


def offline_note(ctx: AppContext) -> ft.Control:
    """What an online-only training screen shows offline (and it offers nothing to change)."""
    return ft.Row([ft.Icon(ft.Icons.CLOUD_OFF, semantics_label=ctx._("Offline")), ctx.typo.text(
        ctx._("You are offline. This screen needs a connection: nothing can be changed here until you are "
              "back online."), 15, expand=True)])


async def load_with_courses(ctx: AppContext, state, fetch, take) -> None:
    """Ask the server for ``fetch(store_id)`` and the course catalogue; ``take(answer, courses)``
    keeps them, unless another store was picked meanwhile (it is asked for then)."""
    state.loading, store = True, state.store_id
    answer, problem = await ask_server(ctx, lambda: (fetch(store), training_api.courses(ctx.api)))
    state.loading = False  # redraws
    if store != state.store_id:
        return
    if answer is None:
        state.problem = problem
    else:
        state.problem = None
        take(*answer)  # redraws


async def load(ctx: AppContext, state: SessionsState) -> None:
    """Ask the server for the store's sessions and the course catalogue."""
    def take(sessions: list[dict], courses: list[dict]) -> None:
        state.courses, state.sessions = courses, sessions

    await load_with_courses(ctx, state, lambda store: training_api.sessions(ctx.api, store), take)


def when_text(ctx: AppContext, s: dict) -> str:
    start, end = datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"])
    return ctx.tr.join(ctx.tr.format_date(start, "medium"),
                       f"{ctx.tr.format_time(start, 'short')}–{ctx.tr.format_time(end, 'short')}")


def _seats_text(ctx: AppContext, s: dict) -> str:
    # Translators: a training session in the managers' list: how many people signed in (of its seats).
    if s["capacity"] is None:
        return ctx._("Signed in: {count}", count=ctx.tr.format_number(s["signed_in"]))
    return ctx._("Signed in: {count} of {seats}", count=ctx.tr.format_number(s["signed_in"]),
                 seats=ctx.tr.format_number(s["capacity"]))


def _cancel(ctx: AppContext, state: SessionsState, s: dict) -> None:
    async def go() -> None:
        answer, problem = await ask_server(ctx, lambda: training_api.cancel_session(ctx.api, s["id"], s["version"]))
        if answer is None:
            ctx.notify(problem, error=True)
        else:
            ctx.notify(ctx._("Session cancelled. The people invited and those signed in are told."))
        state.sessions = None  # asks again (and redraws)

    confirm(ctx, ctx._("Cancel this session?"), ctx._("The people invited and those who signed in are told."),
            ctx._("Cancel session"), go)


def _session_card(ctx: AppContext, state: SessionsState, s: dict, place: str) -> ft.Control:
    t = ctx.typo
    lines = [t.text(when_text(ctx, s), 14), t.text(s["room"] or place, 14), t.text(_seats_text(ctx, s), 14)]
    if s["status"] == "cancelled":
        lines.append(ft.Row([ft.Icon(ft.Icons.EVENT_BUSY, semantics_label=ctx._("Cancelled")),
                             t.text(ctx._("Cancelled"), 14, weight=ft.FontWeight.BOLD)]))
        return section(ctx, s["course_title"] or s["course_id"], lines)
    lines.append(ft.Row([
        big_button(ctx, ctx._("Edit"), lambda e: ctx.page.navigate(f"{ROUTE}/{s['id']}"), icon=ft.Icons.EDIT,
                   filled=False),
        big_button(ctx, ctx._("Cancel session"), lambda e: _cancel(ctx, state, s), icon=ft.Icons.EVENT_BUSY,
                   filled=False)], wrap=True))
    return section(ctx, s["course_title"] or s["course_id"], lines)


def store_picker(ctx: AppContext, current: str, stores: list[str], names: dict, on_pick) -> list[ft.Control]:
    """A store menu for those who manage several (``on_pick(store_id)``); nothing for one store."""
    if len(stores) < 2:
        return []
    return [menu(ctx._("Store"), value=current, on_select=lambda e: on_pick(e.control.value or current),
                 options=[ft.DropdownOption(key=s, text=names.get(s, s)) for s in stores])]


def _pick(state: SessionsState, store_id: str) -> None:
    state.store_id, state.sessions = store_id, None


def per_store_head(ctx: AppContext, route: str, title: str, state, loaded: bool, pick, load_fn
                   ) -> tuple[list[ft.Control], dict, ft.View | None]:
    """The start of a per-store online screen: the store menu (``pick(state, store_id)``) and the
    store names; offline or until ``load_fn(ctx, state)`` has ``loaded``, the whole view too (the
    note, "Loading…" or the problem with Try again)."""
    stores = sorted(ctx.user["store_ids"])
    if state.store_id not in stores:
        state.store_id = stores[0] if stores else ""
    with ctx.store.reading() as db:
        names = queries.store_names(db)
    body = store_picker(ctx, state.store_id, stores, names, lambda sid: pick(state, sid))
    if not ctx.status.online:
        return body, names, frame(ctx, route, title, [*body, offline_note(ctx)], back=True)
    if not loaded and not state.loading and state.problem is None:
        state.loading = True
        ctx.page.run_task(load_fn, ctx, state)
    if loaded:
        return body, names, None
    body.append(ctx.typo.text(state.problem or ctx._("Loading…"), 15))
    if state.problem:
        body.append(big_button(ctx, ctx._("Try again"), lambda e: setattr(state, "problem", None),
                               icon=ft.Icons.REFRESH, filled=False))
    return body, names, frame(ctx, route, title, body, back=True)


def view(ctx: AppContext) -> ft.View:
    t, state = ctx.typo, state_of(ctx)
    title = ctx._("Training sessions")
    body, names, early = per_store_head(ctx, ROUTE, title, state, state.sessions is not None, _pick, load)
    if early is not None:
        return early
    body.append(ft.Row([
        big_button(ctx, ctx._("New session"), lambda e: ctx.page.navigate(f"{ROUTE}/{NEW}"), icon=ft.Icons.ADD),
        big_button(ctx, ctx._("Refresh"), lambda e: setattr(state, "sessions", None), icon=ft.Icons.REFRESH,
                   filled=False)], wrap=True))
    if not state.sessions:
        body.append(t.text(ctx._("No training sessions coming up at this store."), 15))
    place = names.get(state.store_id, state.store_id)
    body += [_session_card(ctx, state, s, place) for s in state.sessions]
    return frame(ctx, ROUTE, title, body, back=True)
