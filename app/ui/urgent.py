"""Issue 11, broadcasts: an urgent broadcast sent to me blocks the app until I acknowledge it.

The shell puts ``view`` on top of whatever screen it draws (at start too) while the oldest urgent
broadcast addressed to me is not acknowledged on this phone: its full text and one button,
Acknowledge, which records "read" and "acknowledged" with the time tapped (offline too); Back
does not leave it. The next one, if any, follows.

A screen, not a dialog: the shell redraws by replacing its views (a sync, a route change), and a
dialog shown just before such a redraw stayed drawn with its Acknowledge dead (seen in Chromium:
the close was never reported). A view is rebuilt with the rest, so it is never stuck.
"""

import flet as ft

from app.store import queries
from app.ui import shift_news
from app.ui.chrome import big_button, section
from app.ui.context import AppContext


def waiting(ctx: AppContext) -> queries.Broadcast | None:
    """The oldest urgent broadcast sent to me that I have not acknowledged."""
    with ctx.store.reading() as db:
        return queries.unacknowledged_urgent(db, ctx.user["id"])


def _acknowledge(ctx: AppContext, broadcast_id: str) -> None:
    def both() -> None:
        ctx.actions.mark_broadcast_read(broadcast_id)  # it was open on screen: read too
        ctx.actions.acknowledge_broadcast(broadcast_id)

    ctx.act(both, ctx._("Acknowledged."))  # redraws: the next urgent one, or the screen below


def view(ctx: AppContext, route: str, b: queries.Broadcast) -> ft.View:
    """The blocking screen of one urgent broadcast (on ``route``: the screen it covers)."""
    t = ctx.typo
    heading = ctx.tr.join(ctx._("Urgent"), shift_news.title(ctx, b))
    return ft.View(
        route=route,
        appbar=ft.AppBar(title=t.text(heading, 20, weight=ft.FontWeight.BOLD), automatically_imply_leading=False,
                         bgcolor=ft.Colors.RED_100),
        controls=[ft.ListView([section(ctx, ctx._("Message"), [
            t.text(ctx.tr.join(b.author_name, b.created_at and ctx.tr.format_datetime(b.created_at, "short")), 13,
                   color=ft.Colors.GREY_800),
            *[t.text(line, 16, selectable=True) for line in shift_news.lines(ctx, b)],
            t.text(ctx._("Please confirm you have read this."), 15, color=ft.Colors.RED_900),
            big_button(ctx, ctx._("Acknowledge"), lambda e: _acknowledge(ctx, b.id), icon=ft.Icons.TASK_ALT),
        ])], expand=True, padding=16)],
        padding=0,
    )
