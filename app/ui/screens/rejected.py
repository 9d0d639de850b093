"""Actions the server refused, with the reason in the user's language."""

import json
from datetime import datetime

import flet as ft

from app.i18n import N_
from app.store import outbox
from app.ui.chrome import frame
from app.ui.context import AppContext
from app.ui.screens.clock import KIND_LABELS

ACTION_NAMES = {  # msgids, translated at render time (kinds of offline action)
    # Translators: an offline action: marking a broadcast as read.
    "broadcast.read": N_("Read receipt"),
    # Translators: an offline action: adding a note.
    "note.add": N_("Note"),
    "note.delete": N_("Delete note"),
    # Translators: an offline action: marking a task as done.
    "task.complete": N_("Task done"),
    "broadcast.create": N_("Broadcast"),
    "punch.confirm": N_("Confirm"),
    # -- issue 10, openshifts
    "open_shift.create": N_("Open shift"),
    # Translators: an offline action: claiming a place on an open shift (or a manager picking a claim).
    "open_shift.claim": N_("Open shift claim"),
    "open_shift.pick": N_("Open shift claim"),
    "open_shift.edit": N_("Edit open shift"),  # issue 10, openshiftedit
    "open_shift.cancel": N_("Cancel open shift"),
    # -- issue 13, trainstaff (the detail is the session's id, never the code)
    "training.sign_in": N_("Training sign-in"),
    "training.sign_out": N_("Training sign-out"),
    "training.quiz_answer": N_("Quiz answers"),
}
# Translators: an offline action of a kind the app has no name for.
OTHER_ACTION = N_("Action")


def _describe(ctx: AppContext, row: dict, payload: dict) -> tuple[str, str]:
    """The action's kind and what it was about, as the person made it."""
    if row["type"] in ("punch.record", "punch.correct") and payload.get("kind") in KIND_LABELS:
        # A clock-in, clock-out or break: say which, and when it was made on the phone.
        label, when = KIND_LABELS[payload.get("kind")], datetime.fromisoformat(payload.get("at") or row["device_time"])
        return ctx._(label), ctx.tr.format_datetime(when, "short")
    what = ctx._(ACTION_NAMES.get(row["type"], OTHER_ACTION))
    detail = (payload.get("title") or payload.get("body") or payload.get("broadcast_id")
              or payload.get("task_id") or payload.get("punch_id") or payload.get("session_id") or "")
    return what, detail


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        rows = outbox.rejected(db)
    tiles: list[ft.Control] = []
    for r in rows:
        payload = json.loads(r["payload"])
        what, detail = _describe(ctx, r, payload)
        tiles.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_800),
            # Translators: a refused action: {action} is its kind ("Note"), {detail} its text or id.
            title=t.text(ctx._("{action}: {detail}", action=what, detail=detail)[:120], 15),
            subtitle=t.text(ctx.reason_text(r["reason"], r["message"]), 14, color=ft.Colors.RED_900),
        ))
    if not tiles:
        tiles = [t.text(ctx._("No rejected actions."), 15)]
    return frame(ctx, "/sync", ctx._("Rejected actions"), tiles, back=True)
