"""Issue 11, broadcasts: the Broadcasts screen for everyone, from the phone's own copy.

The feed lists what was sent to me: pinned on top, then unread, then newest. A broadcast's
detail shows its full text; opening it records "read" (offline too, with the time it was
opened); an urgent one shows Acknowledge until I tap it.
"""

import flet as ft

from app.store import queries
from app.store.queries import Broadcast
from app.ui import shift_news
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext

ROUTE = "/broadcasts"


def _byline(ctx: AppContext, b: Broadcast) -> str:
    return ctx.tr.join(b.author_name, b.created_at and ctx.tr.format_datetime(b.created_at, "short"))


def _marks(ctx: AppContext, b: Broadcast) -> list[str]:
    """Words shown beside a title: pinned, urgent, unread."""
    marks = [ctx._("Pinned")] if b.pinned else []
    if b.urgent:
        marks.append(ctx._("Urgent"))
    if b.read_at is None:
        marks.append(ctx._("Unread"))
    return marks


def _tile(ctx: AppContext, b: Broadcast) -> ft.Control:
    t = ctx.typo
    unread = b.read_at is None
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.PUSH_PIN if b.pinned else ft.Icons.CAMPAIGN,
                        color=ft.Colors.RED_800 if b.urgent else None),
        title=t.text(shift_news.title(ctx, b), 16, weight=ft.FontWeight.BOLD if unread else None),
        subtitle=t.text(ctx.tr.join(*_marks(ctx, b), _byline(ctx, b)), 13),
        on_click=lambda e, bid=b.id: ctx.page.navigate(f"{ROUTE}/{bid}"))


def view(ctx: AppContext) -> ft.View:
    """The feed: every broadcast sent to me."""
    with ctx.store.reading() as db:
        feed = queries.broadcasts(db, ctx.user["id"], feed=True)
    rows = [_tile(ctx, b) for b in feed] or [ctx.typo.text(ctx._("No broadcasts yet."), 15)]
    return frame(ctx, ROUTE, ctx._("Broadcasts"), rows, back=True)


def _opened(ctx: AppContext, b: Broadcast) -> None:
    """Opening records "read" once (the action is idempotent; the sender's own is no receipt)."""
    if b.read_at is None and ctx.actions.mark_broadcast_read(b.id) and ctx.runner:
        ctx.runner.refresh_counts()
        ctx.runner.request()


def _acknowledge_row(ctx: AppContext, b: Broadcast) -> list[ft.Control]:
    if not b.urgent or b.author_id == ctx.user["id"]:
        return []
    if b.acknowledged_at is not None:
        return [ctx.typo.text(ctx._("Acknowledged at {time}", time=ctx.tr.format_datetime(b.acknowledged_at, "short")),
                              14, color=ft.Colors.GREEN_900)]
    return [ctx.typo.text(ctx._("Please confirm you have read this."), 14, color=ft.Colors.RED_900),
            big_button(ctx, ctx._("Acknowledge"), lambda e: ctx.act(
                lambda: ctx.actions.acknowledge_broadcast(b.id), ctx._("Acknowledged.")), icon=ft.Icons.TASK_ALT)]


def detail_view(ctx: AppContext, route: str, broadcast_id: str) -> ft.View:
    """One broadcast's full text; opening it records "read"."""
    t = ctx.typo
    with ctx.store.reading() as db:
        b = queries.broadcast(db, ctx.user["id"], broadcast_id)
    if b is None:
        return frame(ctx, route, ctx._("Broadcast"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    _opened(ctx, b)
    body: list[ft.Control] = [
        t.text(shift_news.title(ctx, b), 20, weight=ft.FontWeight.BOLD),
        t.text(ctx.tr.join(*[m for m in _marks(ctx, b) if m != ctx._("Unread")], _byline(ctx, b)), 13,
               color=ft.Colors.GREY_800),
        *[t.text(line, 16, selectable=True) for line in shift_news.lines(ctx, b)],
        ft.Row(shift_news.open_button(ctx, b), wrap=True),
        *_acknowledge_row(ctx, b),
    ]
    return frame(ctx, route, ctx._("Broadcast"), [section(ctx, ctx._("Message"), body)], back=True)
