"""Approvals (managers): PIN punches of staff without face check, and missing clock-outs."""

from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance
from app.store import PunchActions, queries
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.screens.clock import KIND_LABELS
from app.ui.screens.team import team_data
from app.ui.screens.timesheet_queries import requests_section


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    actions = PunchActions(ctx.store, ctx.store.clock, ctx.actor)
    with ctx.store.reading() as db:
        waiting = queries.awaiting_confirmation(db, ctx.user["store_ids"], ctx.actor.role)
    pin_rows = []
    for p in waiting:
        when = ctx.tr.format_datetime(datetime.fromisoformat(p["at"]), "short")
        pin_rows.append(ft.ListTile(
            title=t.text(p["user_name"], 15),
            subtitle=t.text(f"{ctx._(KIND_LABELS[p['kind']])} · {when}", 13),
            trailing=ft.Row([
                ft.IconButton(ft.Icons.CHECK, tooltip=ctx._("Confirm"),
                              on_click=lambda e, pid=p["id"]: ctx.act(lambda: actions.confirm_punch(pid, True))),
                ft.IconButton(ft.Icons.CLOSE, tooltip=ctx._("Refuse"),
                              on_click=lambda e, pid=p["id"]: ctx.act(lambda: actions.confirm_punch(pid, False))),
            ], tight=True)))
    start = datetime.now(UTC) - timedelta(days=3)
    shifts, people, punches, fixes = team_data(ctx, start, datetime.now(UTC))
    missing = attendance.missing_clock_outs(punches, queries.shift_windows(None, shifts), datetime.now(UTC),
                                            attendance.ShiftRules(), corrections=fixes)
    by_id = {s.id: s for s in shifts}
    missing_rows = []
    for sid in missing:
        s = by_id.get(sid)
        if s is None:
            continue
        reason = ft.TextField(label=ctx._("Reason"), text_style=t.style(14), dense=True)

        def fix(e, s=s, reason=reason) -> None:
            if len((reason.value or "").strip()) < 3:
                ctx.notify(ctx._("Write a reason for the record."), error=True)
                return
            ctx.act(lambda: actions.correct_punch(user_id=s.user_id, store_id=s.store_id, shift_id=s.id,
                                                  kind="clock_out", at=s.ends_at, reason=reason.value),
                    ctx._("Clock-out set to the shift end."))

        missing_rows.append(ft.Column([
            t.text(f"{s.user_name} · {ctx.tr.format_datetime(s.starts_at, 'short')}", 15),
            reason, ft.TextButton(ctx._("Set clock-out to shift end"), on_click=fix)]))
    return frame(ctx, "/approvals", ctx._("Approvals"), [
        section(ctx, ctx._("Punches to confirm"), pin_rows or [t.text(ctx._("No requests waiting for you."), 15)]),
        section(ctx, ctx._("Missing clock-outs"), missing_rows or [t.text(ctx._("None."), 15)]),
        requests_section(ctx),
    ])
