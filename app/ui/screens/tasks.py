"""Store tasks: mark one done (a local action, synced later)."""

import flet as ft

from app.store import queries
from app.ui.chrome import frame
from app.ui.context import AppContext


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        items = queries.tasks(db, ctx.user["store_ids"])
        names = queries.store_names(db)
    rows: list[ft.Control] = []
    for task in items:
        done = task.status == "done"
        due = ctx.tr.format_datetime(task.due_at, "short") if task.due_at else ""
        rows.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.CHECK_CIRCLE if done else ft.Icons.RADIO_BUTTON_UNCHECKED,
                            color=ft.Colors.GREEN_800 if done else None),
            title=t.text(task.title, 16),
            subtitle=t.text(ctx.tr.join(names.get(task.store_id, ""), due,
                                       ctx._("waiting to sync") if task.sync_state == "pending" else ""), 13),
            trailing=None if done else ft.OutlinedButton(
                # Translators: button that marks a task as done.
                content=t.text(ctx._("Done"), 14), height=ctx.display.touch,
                on_click=lambda e, tid=task.id: ctx.act(lambda: ctx.actions.complete_task(tid),
                                                         ctx._("Saved. It will sync when online."))),
        ))
    return frame(ctx, "/tasks", ctx._("Tasks"), rows or [t.text(ctx._("Nothing to do right now."), 15)])
