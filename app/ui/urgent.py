"""Issue 11, broadcasts: an urgent broadcast sent to me blocks the app until I acknowledge it.

The shell puts ``view`` on top of whatever screen it draws (at start too) while the oldest urgent
broadcast addressed to me is not acknowledged on this phone: its full text and one button,
Acknowledge, which records "read" and "acknowledged" with the time tapped (offline too); Back
does not leave it. The next one, if any, follows.

Issue 11, bcfollow: "Later" puts it off on this phone; it comes back by itself every few minutes
for the chain's period after it was sent, at the next app start and before the next
clock-in (the rule: app.domain.urgent_repeats).

A screen, not a dialog: the shell redraws by replacing its views (a sync, a route change), and a
dialog shown just before such a redraw stayed drawn with its Acknowledge dead (seen in Chromium:
the close was never reported). A view is rebuilt with the rest, so it is never stuck.
"""

import asyncio

import flet as ft

from app.domain.urgent_repeats import comes_back_at, shows_now
from app.store import queries, urgent_put_off
from app.ui import shift_news
from app.ui.chrome import big_button, section
from app.ui.context import AppContext


CLOCK_IN_ROUTE = "/clock"


def waiting(ctx: AppContext, route: str = "") -> queries.Broadcast | None:
    """The oldest urgent broadcast sent to me, not acknowledged, that shows now on ``route`` (one
    put off shows again when it is time, at an app start and on the clock-in screen)."""
    now, clocking_in = ctx.store.clock.now(), route.startswith(CLOCK_IN_ROUTE)
    with ctx.store.reading() as db:
        settings = urgent_put_off.repeat_settings(db)
        for broadcast_id, sent, put_off_at in urgent_put_off.waiting(db, ctx.user["id"]):
            if shows_now(now, sent, put_off_at, settings, app_started_at=ctx.started_at,
                         clocking_in=clocking_in):
                return queries.broadcast(db, ctx.user["id"], broadcast_id)
    return None


async def _come_back(ctx: AppContext, seconds: float) -> None:
    await asyncio.sleep(seconds)
    ctx.rerender()  # draws it again if it is still not acknowledged


def _put_off(ctx: AppContext, broadcast_id: str, shown_at) -> None:
    now = ctx.store.clock.now()
    with ctx.store.transaction() as db:
        urgent_put_off.put_off(db, broadcast_id, shown_at, now)
        back = comes_back_at(urgent_put_off.sent_at(db, broadcast_id), now, urgent_put_off.repeat_settings(db))
    if back is not None:
        ctx.page.run_task(_come_back, ctx, (back - now).total_seconds())
    ctx.rerender()


def _acknowledge(ctx: AppContext, broadcast_id: str) -> None:
    def both() -> None:
        ctx.actions.mark_broadcast_read(broadcast_id)  # it was open on screen: read too
        ctx.actions.acknowledge_broadcast(broadcast_id)

    ctx.act(both, ctx._("Acknowledged."))  # redraws: the next urgent one, or the screen below


def view(ctx: AppContext, route: str, b: queries.Broadcast) -> ft.View:
    """The blocking screen of one urgent broadcast (on ``route``: the screen it covers)."""
    t, shown_at = ctx.typo, ctx.store.clock.now()
    heading = ctx.tr.join(ctx._("Urgent"), shift_news.title(ctx, b))
    return ft.View(
        route=route,
        # White on the error red: the pair the contrast check holds (tests/test_contrast.py).
        appbar=ft.AppBar(title=t.text(heading, 20, weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE),
                         automatically_imply_leading=False, bgcolor=ft.Colors.RED_900),
        controls=[ft.ListView([section(ctx, ctx._("Message"), [
            t.text(ctx.tr.join(b.author_name, b.created_at and ctx.tr.format_datetime(b.created_at, "short")), 13,
                   color=ft.Colors.GREY_800),
            *[t.text(line, 16, selectable=True) for line in shift_news.lines(ctx, b)],
            t.text(ctx._("Please confirm you have read this."), 15, color=ft.Colors.RED_900),
            big_button(ctx, ctx._("Acknowledge"), lambda e: _acknowledge(ctx, b.id), icon=ft.Icons.TASK_ALT),
            # Translators: puts an urgent broadcast off; it comes back in a few minutes.
            big_button(ctx, ctx._("Later"), lambda e: _put_off(ctx, b.id, shown_at), icon=ft.Icons.SNOOZE,
                       filled=False),
        ])], expand=True, padding=16)],
        padding=0,
    )
