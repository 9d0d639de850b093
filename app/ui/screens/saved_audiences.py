"""Issue 11, bcsaved: the "Saved audience" part of Broadcast. A manager saves the audience being
written under a name, and later chooses a saved one: it fills the draft's stores, area, role and
people. The list lives on the server (online only; offline the part says so): each manager sees
their own only, and one that now reaches outside their stores comes with the server's refusal
(app.domain.saved_audiences), shown when it is chosen instead of filling the draft.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from app.domain.saved_audiences import MAX_NAME
from app.ui.chrome import big_button
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server

STATE_KEY = "broadcast-saved-audiences"
PEOPLE = "people"  # as app.ui.screens.broadcast: the draft's "chosen people"


@dataclass
class Typing:
    """The name being typed (typing redraws nothing), and whether the list was asked for."""

    name: str = ""
    asked: bool = False


@ft.observable
@dataclass
class SavedState:
    typing: Typing = field(default_factory=Typing)
    saved: list[dict] | None = None  # the server's answer: id, name, audience, problem
    problem: str | None = None  # why there is no list (offline, ...)
    chosen: str = ""  # the id of the saved audience chosen last


async def _load(ctx: AppContext, state: SavedState) -> None:
    answer, problem = await ask_server(ctx, ctx.api.saved_audiences)
    state.saved, state.problem = answer, problem  # redraws


async def _save(ctx: AppContext, state: SavedState, audience: dict) -> None:
    name = state.typing.name.strip()
    if not name:
        ctx.notify(ctx._("Give this audience a name."), error=True)
        return
    answer, problem = await ask_server(ctx, lambda: ctx.api.save_audience(name, audience))
    if answer is None:
        ctx.notify(problem, error=True)
        return
    state.typing.name = ""
    state.chosen = answer["id"]
    ctx.notify(ctx._("Audience saved."))
    await _load(ctx, state)


async def _delete(ctx: AppContext, state: SavedState, audience_id: str) -> None:
    _answer, problem = await ask_server(ctx, lambda: ctx.api.delete_saved_audience(audience_id))
    if problem:
        ctx.notify(problem, error=True)
        return
    state.chosen = ""
    await _load(ctx, state)


def fill(draft, audience: dict, my_store_ids: list[str]) -> None:
    """Put a saved audience into the draft (app.ui.screens.broadcast.BroadcastDraft)."""
    if audience["user_ids"]:
        draft.role, draft.area, draft.people = PEOPLE, "", {uid: True for uid in audience["user_ids"]}
        return
    chosen = set(audience["store_ids"])
    draft.area = audience["area"] or ""
    draft.role = audience["role"] or "everyone"
    draft.stores = {sid: sid in chosen for sid in my_store_ids}
    draft.people = {}


def _use(ctx: AppContext, state: SavedState, draft, audience_id: str) -> None:
    item = next((s for s in state.saved or [] if s["id"] == audience_id), None)
    if item is None:
        return
    if item["problem"]:  # the server's verdict, with the same rule as sending
        ctx.notify(ctx.reason_text(item["problem"]["code"], item["problem"]["message"]), error=True)
        return
    fill(draft, item["audience"], ctx.user["store_ids"])
    if state.chosen == audience_id:  # chosen again: nothing in the state changes, so redraw here
        ctx.rerender()
    state.chosen = audience_id  # redraws: the draft's choices show


def part(ctx: AppContext, draft, audience: Callable[[], dict]) -> list[ft.Control]:
    """The controls: the saved audiences to choose from, and saving the one being written."""
    t = ctx.typo
    state = screen_state(ctx, STATE_KEY, SavedState)
    if not state.typing.asked:
        state.typing.asked = True
        ctx.page.run_task(_load, ctx, state)
    controls: list[ft.Control] = []
    if state.saved:
        controls.append(ft.Dropdown(
            label=ctx._("Saved audience"), value=state.chosen or None, text_style=t.style(15),
            options=[ft.dropdown.Option(key=s["id"], text=s["name"]) for s in state.saved],
            on_select=lambda e: e.control.value and _use(ctx, state, draft, e.control.value)))
    elif state.problem:
        controls.append(ft.Row([t.text(state.problem, 14), big_button(
            ctx, ctx._("Try again"), lambda e: ctx.page.run_task(_load, ctx, state), icon=ft.Icons.REFRESH,
            filled=False)], wrap=True))
    chosen = next((s for s in state.saved or [] if s["id"] == state.chosen), None)
    if chosen is not None:
        question = ctx._("Delete the saved audience {name}?", name=chosen["name"])
        controls.append(big_button(ctx, ctx._("Delete saved audience"), lambda e: confirm(
            ctx, ctx._("Delete saved audience"), question, ctx._("Delete"),
            lambda: ctx.page.run_task(_delete, ctx, state, chosen["id"])), icon=ft.Icons.DELETE_OUTLINE, filled=False))
    name = ft.TextField(label=ctx._("Name of this audience"), max_length=MAX_NAME, text_style=t.style(15),
                        value=state.typing.name, dense=True,
                        on_change=lambda e: setattr(state.typing, "name", e.control.value or ""))
    controls.append(ft.Row([ft.Container(name, expand=True), big_button(
        ctx, ctx._("Save this audience"), lambda e: ctx.page.run_task(_save, ctx, state, audience()),
        icon=ft.Icons.BOOKMARK_ADD_OUTLINED, filled=False)], wrap=False))
    return controls
