"""Clock: today's shift and clock status. (Clock-in with location and face is the next issue.)"""

import flet as ft

from app.store import queries
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.screens.home import local_day_start, shift_line


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        today = queries.todays_shift(db, ctx.user["id"], local_day_start(ctx))
    return frame(ctx, "/clock", ctx._("Clock"), [
        section(ctx, ctx._("Today's shift"),
                [t.text(shift_line(ctx, today) if today else ctx._("No shift today"), 17)]),
        section(ctx, ctx._("Status"), [t.text(ctx._("Not clocked in"), 17)]),
    ])
