"""Issue 11, broadcasts: an urgent broadcast sent to me blocks the screen until I acknowledge it.

After each redraw (any screen, at start too) the shell asks ``remind``: the oldest urgent
broadcast addressed to me and not yet acknowledged on this phone is shown in a modal dialog with
its full text; only Acknowledge closes it (a tap outside or Back do nothing), and it records
"read" and "acknowledged" with the time tapped, offline too. The next one, if any, follows.
"""

import flet as ft

from app.store import queries
from app.ui import shift_news
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog

_KEY = "urgent_dialog"


def waiting(ctx: AppContext) -> queries.Broadcast | None:
    """The oldest urgent broadcast sent to me that I have not acknowledged."""
    with ctx.store.reading() as db:
        mine = queries.broadcasts(db, ctx.user["id"], feed=True)
    open_ = [b for b in mine if b.urgent and b.acknowledged_at is None]
    return min(open_, key=lambda b: (b.created_at is None, b.created_at, b.id), default=None)


def _acknowledge(ctx: AppContext, broadcast_id: str) -> None:
    def both() -> None:
        ctx.actions.mark_broadcast_read(broadcast_id)  # it was open on screen: read too
        ctx.actions.acknowledge_broadcast(broadcast_id)

    ctx.page.data.pop(_KEY, None)
    ctx.act(both, ctx._("Acknowledged."))  # redraws: the next urgent one, if any, shows then


def remind(ctx: AppContext) -> None:
    """Show the waiting urgent broadcast unless it is already on screen."""
    if ctx.user is None:
        return
    b = waiting(ctx)
    shown = ctx.page.data.get(_KEY)
    if b is None or (shown is not None and shown["id"] == b.id and (shown["box"].dialog.open or shown["closing"])):
        return  # on screen, or closing after Acknowledge (dismissed by Back: shown again)
    t = ctx.typo
    dialog = ft.AlertDialog(
        modal=True,  # only Acknowledge closes it
        title=t.text(ctx.tr.join(ctx._("Urgent"), shift_news.title(ctx, b)), 18, weight=ft.FontWeight.BOLD),
        content=ft.Column([*[t.text(line, 15, selectable=True) for line in shift_news.lines(ctx, b)],
                           t.text(ctx._("Please confirm you have read this."), 14, color=ft.Colors.RED_900)],
                          tight=True, scroll=ft.ScrollMode.AUTO),
        actions=[ft.FilledButton(content=t.text(ctx._("Acknowledge"), 16), on_click=lambda e: tapped())])

    def tapped() -> None:
        ctx.page.data[_KEY]["closing"] = True
        box.close(lambda: _acknowledge(ctx, b.id))

    box = ShownDialog(ctx, dialog)
    ctx.page.data[_KEY] = {"id": b.id, "box": box, "closing": False}
