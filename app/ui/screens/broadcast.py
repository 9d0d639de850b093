"""Broadcast (managers): send a message to stores and follow its read receipts.

Issue 11, broadcasts: what is typed lives in the screen's state (``BroadcastDraft``), never only
in the fields: a redraw (a sync bringing receipts, a language change, a reconnect) builds new
fields, and text kept only in the old ones was lost, once mid-word ("請早15分鐘返工..." arrived
as "箱。Please...": the IME's last character went into the fresh field).
"""

from dataclasses import dataclass, field

import flet as ft

from app.store import queries
from app.ui import shift_news
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state

ROUTE = "/broadcast"


@dataclass
class BroadcastDraft:
    """What the sender has typed and chosen so far; typing into it redraws nothing."""

    title: str = ""
    body: str = ""
    stores: dict[str, bool] = field(default_factory=dict)  # store id -> ticked (absent: ticked)


@ft.observable
@dataclass
class BroadcastState:
    draft: BroadcastDraft = field(default_factory=BroadcastDraft)


def _send(ctx: AppContext, state: BroadcastState) -> None:
    draft = state.draft
    stores = [sid for sid in ctx.user["store_ids"] if draft.stores.get(sid, True)]
    if not draft.title.strip() or not stores:
        ctx.notify(ctx._("Add a title and choose at least one store."), error=True)
        return

    def create() -> None:
        ctx.actions.create_broadcast(stores, draft.title.strip(), draft.body)
        state.draft.title = state.draft.body = ""  # sent: the redraw after it starts a new one
        state.draft.stores.clear()

    ctx.act(create, ctx._("Broadcast saved. It will be sent when online."))


def _compose(ctx: AppContext, state: BroadcastState, names: dict[str, str]) -> list[ft.Control]:
    t, draft = ctx.typo, state.draft
    title = ft.TextField(label=ctx._("Title"), max_length=200, text_style=t.style(16), value=draft.title,
                         on_change=lambda e: setattr(draft, "title", e.control.value or ""))
    body = ft.TextField(label=ctx._("Message"), multiline=True, min_lines=3, max_length=5000,
                        text_style=t.style(16), value=draft.body,
                        on_change=lambda e: setattr(draft, "body", e.control.value or ""))
    picks = [ft.Checkbox(label=names.get(sid, sid), value=draft.stores.get(sid, True), label_style=t.style(15),
                         on_change=lambda e, sid=sid: draft.stores.__setitem__(sid, bool(e.control.value)))
             for sid in ctx.user["store_ids"]]
    return [title, body, *picks, big_button(ctx, ctx._("Send"), lambda e: _send(ctx, state), icon=ft.Icons.SEND)]


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    state = screen_state(ctx, ROUTE, BroadcastState)
    with ctx.store.reading() as db:
        names = queries.store_names(db)
        sent = queries.broadcasts(db, ctx.user["id"])[:20]
        receipts = {b.id: queries.read_receipts(db, b.id) for b in sent}
    history = []
    for b in sent:
        r = receipts[b.id]
        history.append(ft.ListTile(
            title=t.text(shift_news.title(ctx, b), 15),  # issue 10, shiftnews
            # Translators: read receipts of a broadcast: {read} staff have read it, of {total} who got it.
            subtitle=t.text(ctx._("Read by {read} of {total}", read=ctx.tr.format_number(r.read),
                                  total=ctx.tr.format_number(r.audience)), 13)))
    return frame(ctx, ROUTE, ctx._("Broadcast"), [
        section(ctx, ctx._("New broadcast"), _compose(ctx, state, names)),
        section(ctx, ctx._("Recent broadcasts"), history or [t.text(ctx._("Nothing sent yet."), 15)]),
    ])
