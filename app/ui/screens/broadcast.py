"""Broadcast (managers): send a message to stores and follow its read receipts."""

import flet as ft

from app.store import queries
from app.ui import shift_news
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        names = queries.store_names(db)
        sent = queries.broadcasts(db, ctx.user["id"])[:20]
        receipts = {b.id: queries.read_receipts(db, b.id) for b in sent}
    title = ft.TextField(label=ctx._("Title"), max_length=200, text_style=t.style(16))
    body = ft.TextField(label=ctx._("Message"), multiline=True, min_lines=3, max_length=5000,
                        text_style=t.style(16))
    picks = {sid: ft.Checkbox(label=names.get(sid, sid), value=True, label_style=t.style(15))
             for sid in ctx.user["store_ids"]}

    def send(e) -> None:
        stores = [sid for sid, box in picks.items() if box.value]
        if not (title.value or "").strip() or not stores:
            ctx.notify(ctx._("Add a title and choose at least one store."), error=True)
            return
        ctx.act(lambda: ctx.actions.create_broadcast(stores, title.value.strip(), body.value or ""),
                ctx._("Broadcast saved. It will be sent when online."))

    history = []
    for b in sent:
        r = receipts[b.id]
        history.append(ft.ListTile(
            title=t.text(shift_news.title(ctx, b), 15),  # issue 10, shiftnews
            # Translators: read receipts of a broadcast: {read} staff have read it, of {total} who got it.
            subtitle=t.text(ctx._("Read by {read} of {total}", read=ctx.tr.format_number(r.read),
                                  total=ctx.tr.format_number(r.audience)), 13)))
    return frame(ctx, "/broadcast", ctx._("Broadcast"), [
        section(ctx, ctx._("New broadcast"), [title, body, *picks.values(),
                                               big_button(ctx, ctx._("Send"), send, icon=ft.Icons.SEND)]),
        section(ctx, ctx._("Recent broadcasts"), history or [t.text(ctx._("Nothing sent yet."), 15)]),
    ])
