"""Team (managers): who works today at my stores."""

from datetime import timedelta

import flet as ft

from app.store import queries
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.screens.home import local_day_start


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    start = local_day_start(ctx)
    with ctx.store.reading() as db:
        shifts = queries.shifts_for_stores(db, ctx.user["store_ids"], start, start + timedelta(days=1))
        names = queries.store_names(db)
    by_store: dict[str, list[queries.Shift]] = {}
    for s in shifts:
        by_store.setdefault(s.store_id, []).append(s)
    cards = []
    for store_id in sorted(by_store, key=lambda s: names.get(s, s)):
        rows = [ft.Row([t.text(s.user_name, 15, expand=True),
                        # Translators: a shift's time range; {start} and {end} are times ("09:00").
                        t.text(ctx._("{start}–{end}", start=ctx.tr.format_time(s.starts_at, "short"),
                                     end=ctx.tr.format_time(s.ends_at, "short")), 15)])
                for s in by_store[store_id]]
        cards.append(section(ctx, names.get(store_id, store_id), rows))
    if not cards:
        cards = [t.text(ctx._("Nobody is rostered today."), 15)]
    return frame(ctx, "/team", ctx._("Team"), [
        t.text(ctx.tr.format_date(ctx.tr.now(), "full"), 15, color=ft.Colors.GREY_800), *cards])


def approvals_view(ctx: AppContext) -> ft.View:
    return frame(ctx, "/approvals", ctx._("Approvals"),
                 [ctx.typo.text(ctx._("No requests waiting for you."), 15)])
