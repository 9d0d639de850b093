"""Actions the server refused, with the reason in the user's language."""

import json

import flet as ft

from app.store import outbox
from app.ui.chrome import frame
from app.ui.context import AppContext

ACTION_NAMES = {  # msgids
    "broadcast.read": "Read receipt", "note.add": "Note", "note.delete": "Delete note",
    "task.complete": "Task done", "broadcast.create": "Broadcast",
}


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        rows = outbox.rejected(db)
    tiles: list[ft.Control] = []
    for r in rows:
        payload = json.loads(r["payload"])
        what = ctx._(ACTION_NAMES.get(r["type"], "Action"))
        detail = payload.get("title") or payload.get("body") or payload.get("broadcast_id") or payload.get("task_id") or ""
        tiles.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_800),
            title=t.text(f"{what}: {detail}"[:120], 15),
            subtitle=t.text(ctx.reason_text(r["reason"], r["message"]), 14, color=ft.Colors.RED_900),
        ))
    if not tiles:
        tiles = [t.text(ctx._("No rejected actions."), 15)]
    return frame(ctx, "/sync", ctx._("Rejected actions"), tiles, back=True)
