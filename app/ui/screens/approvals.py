"""Approvals (managers): punches waiting for a manager (PIN punches, clock-ins off the roster),
with their context, and missing clock-outs."""

from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance
from app.store import PunchActions, queries
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.punch_view import punch_context, selfie
from app.ui.screen_state import QueueState, answered_elsewhere, draft_field, keep_in_place, screen_state
from app.ui.screens.requests_queue import ROUTE as REQUESTS_QUEUE, waiting_count
from app.ui.screens.team import team_data
from app.ui.screens import trades
from app.ui.screens.timesheet_queries import requests_section


def _sign_off_button(ctx: AppContext, icon, label: str, on_click) -> ft.Control:
    """An icon button a screen reader names (the e2e tests find it by role and name)."""
    return ft.IconButton(icon=ft.Icon(icon, semantics_label=label), tooltip=label, on_click=on_click,
                         width=ctx.display.touch, height=ctx.display.touch)


def _waiting_row(ctx: AppContext, actions: PunchActions, p: dict) -> ft.Control:
    """A punch to approve, with its context: the shift, the location result, flags, the selfie."""
    t, name = ctx.typo, p["user_name"]
    body = punch_context(ctx, p)

    def sign_off(approve: bool):
        return lambda e: ctx.act(lambda: actions.confirm_punch(p["id"], approve))

    return ft.Column([
        t.text(name, 15, weight=ft.FontWeight.BOLD), *body,
        ft.Row([selfie(ctx, p["selfie_sha256"], size=96),
                _sign_off_button(ctx, ft.Icons.CHECK, ctx._("Confirm the punch of {name}", name=name),
                                 sign_off(True)),
                _sign_off_button(ctx, ft.Icons.CLOSE, ctx._("Refuse the punch of {name}", name=name),
                                 sign_off(False))], wrap=True),
    ], spacing=4)


def _missing_rows(ctx: AppContext, actions: PunchActions, state: QueueState) -> list[ft.Control]:
    """Shifts of the last 3 days with no clock-out, each set to the shift end with a reason (kept
    in ``state`` over a redraw on sync, issue 10, pickers)."""
    t = ctx.typo
    start = datetime.now(UTC) - timedelta(days=3)
    shifts, people, punches, fixes = team_data(ctx, start, datetime.now(UTC))
    missing = attendance.missing_clock_outs(punches, queries.shift_windows(None, shifts), datetime.now(UTC),
                                            attendance.ShiftRules(), corrections=fixes)
    by_id = {s.id: s for s in shifts}
    listed = [(f"clock_out:{sid}", by_id[sid]) for sid in missing if sid in by_id]
    rows = []
    for item, s, gone in keep_in_place(state.drafts, "clock_out", listed):
        reason = draft_field(state.drafts, (item, "reason"), label=ctx._("Reason"), text_style=t.style(14),
                             dense=True, read_only=gone)

        def fix(e, s=s, reason=reason, item=item) -> None:  # the reason's rule: app.domain.approvals.require_reason
            def do() -> None:
                actions.correct_punch(user_id=s.user_id, store_id=s.store_id, shift_id=s.id,
                                      kind="clock_out", at=s.ends_at, reason=reason.value)
                state.drafts.forget(item)
            ctx.act(do, ctx._("Clock-out set to the shift end."))

        rows.append(ft.Column([
            t.text(ctx.tr.join(s.user_name, ctx.tr.format_datetime(s.starts_at, 'short')), 15),
            ft.Semantics(container=True, content=reason),  # its own node, named "Reason" alone
            answered_elsewhere(ctx, state, item) if gone
            else ft.TextButton(ctx._("Set clock-out to shift end"), on_click=fix)]))
    return rows


def view(ctx: AppContext) -> ft.View:
    """What waits for a manager; redrawn on sync (issue 10, pickers), keeping typed reasons."""
    t, state = ctx.typo, screen_state(ctx, "/approvals", QueueState)
    actions = PunchActions(ctx.store, ctx.store.clock, ctx.actor)
    with ctx.store.reading() as db:
        waiting = queries.awaiting_confirmation(db, ctx.actor)
    pin_rows = [_waiting_row(ctx, actions, p) for p in waiting]
    missing_rows = _missing_rows(ctx, actions, state)
    # Issue 10, requests: leave and other requests have their own queue, one tap away.
    leave = ft.ListTile(leading=ft.Icon(ft.Icons.BEACH_ACCESS), title=t.text(ctx._("Leave and other requests"), 16),
                        subtitle=t.text(ctx.tr.ngettext("{count} waiting for you", "{count} waiting for you",
                                                        waiting_count(ctx)), 14),
                        on_click=lambda e: ctx.page.navigate(REQUESTS_QUEUE))
    return frame(ctx, "/approvals", ctx._("Approvals"), [
        leave,
        section(ctx, ctx._("Punches to confirm"), pin_rows or [t.text(ctx._("No requests waiting for you."), 15)]),
        section(ctx, ctx._("Missing clock-outs"), missing_rows or [t.text(ctx._("None."), 15)]),
        requests_section(ctx),
        trades.decision_queue(ctx, ctx._("Shift trades"), state),  # issue 10, tradeflow
    ])
