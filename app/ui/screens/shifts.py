"""My shifts for this week and next, by day, in the store's time zone."""

from datetime import timedelta

import flet as ft

from app.store import queries
from app.ui.chrome import frame
from app.ui.context import AppContext
from app.ui.screens.home import local_day_start


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    start = local_day_start(ctx)
    start -= timedelta(days=start.weekday())  # this Monday
    with ctx.store.reading() as db:
        shifts = queries.shifts_for_user(db, ctx.user["id"], start, start + timedelta(days=14))
    rows: list[ft.Control] = []
    today = local_day_start(ctx).date()
    for s in shifts:
        day = ctx.tr.to_local(s.starts_at).date()
        hours = (s.ends_at - s.starts_at).total_seconds() / 3600
        rows.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.TODAY if day == today else ft.Icons.EVENT),
            title=t.text(ctx.tr.format_date(s.starts_at, "full"), 15,
                         weight=ft.FontWeight.BOLD if day == today else None),
            subtitle=t.text(ctx.tr.join(
                ctx._("{start}–{end} at {store}", start=ctx.tr.format_time(s.starts_at, "short"),
                      end=ctx.tr.format_time(s.ends_at, "short"), store=s.store_name),
                # Translators: a shift's length; {hours} is a number such as 8.5 (short).
                ctx._("{hours} h", hours=ctx.tr.format_decimal(hours))), 14),
            on_click=lambda e, sid=s.id: ctx.page.navigate(f"/shifts/{sid}"),  # offer, swap, cover
        ))
    if not rows:
        rows = [t.text(ctx._("No shifts in the next two weeks."), 15)]
    # Issue 10, trades: my requests and the colleagues' requests waiting for me.
    rows.append(ft.TextButton(content=t.text(ctx._("Shift trades"), 15), on_click=lambda e: ctx.page.navigate("/trades")))
    return frame(ctx, "/shifts", ctx._("Shifts"), rows)
