""""This looks wrong" requests as a manager sees them (a section of Approvals).

Kept apart from the Approvals screen so that screen can change around it: the person, the day,
the store and what they wrote, newest first.
"""

from datetime import date

import flet as ft

from app.store import queries
from app.ui.chrome import section
from app.ui.context import AppContext


def requests_section(ctx: AppContext) -> ft.Control:
    """Open requests from the people of my stores about their own timesheet."""
    t, tr = ctx.typo, ctx.tr
    with ctx.store.reading() as db:
        waiting = queries.timesheet_queries(db, store_ids=ctx.user["store_ids"], open_only=True)
    rows = [ft.ListTile(
        title=t.text(tr.join(q['user_name'], tr.format_date(date.fromisoformat(q['day']), 'medium')), 15),
        subtitle=t.text(f"{q['store_name']}: {q['message']}", 14)) for q in waiting]
    return section(ctx, ctx._("Timesheet questions from staff"), rows or [t.text(ctx._("None."), 15)])
