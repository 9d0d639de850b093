"""Actions the server refused, with the reason in the user's language."""

import json

import flet as ft

from app.i18n import N_
from app.store import outbox
from app.ui.chrome import frame
from app.ui.context import AppContext

ACTION_NAMES = {  # msgids, translated at render time (kinds of offline action)
    # Translators: an offline action: marking a broadcast as read.
    "broadcast.read": N_("Read receipt"),
    # Translators: an offline action: adding a note.
    "note.add": N_("Note"),
    "note.delete": N_("Delete note"),
    # Translators: an offline action: marking a task as done.
    "task.complete": N_("Task done"),
    "broadcast.create": N_("Broadcast"),
}
# Translators: an offline action of a kind the app has no name for.
OTHER_ACTION = N_("Action")


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        rows = outbox.rejected(db)
    tiles: list[ft.Control] = []
    for r in rows:
        payload = json.loads(r["payload"])
        what = ctx._(ACTION_NAMES.get(r["type"], OTHER_ACTION))
        detail = payload.get("title") or payload.get("body") or payload.get("broadcast_id") or payload.get("task_id") or ""
        tiles.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_800),
            # Translators: a refused action: {action} is its kind ("Note"), {detail} its text or id.
            title=t.text(ctx._("{action}: {detail}", action=what, detail=detail)[:120], 15),
            subtitle=t.text(ctx.reason_text(r["reason"], r["message"]), 14, color=ft.Colors.RED_900),
        ))
    if not tiles:
        tiles = [t.text(ctx._("No rejected actions."), 15)]
    return frame(ctx, "/sync", ctx._("Rejected actions"), tiles, back=True)
