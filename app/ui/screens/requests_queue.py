"""Issue 10, requests: the approvers' queue (store manager, area manager, HQ). Requests waiting
for me, oldest first, with their age and the context to decide: the leave balance, the HK
general holidays and the person's shifts in the dates; approve, decline, or send back with a
comment. Offline too: the decision is queued and the server checks it again when it syncs.
"""

from datetime import UTC, datetime

import flet as ft

from app.domain.requests.flow import Action
from app.store.requests import approval_queue, request_context
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import QueueState, answered_elsewhere, draft_field, keep_in_place, screen_state
from app.ui.screens.requests import (
    actions, balance_text, certificate_button, history_lines, names, route_lines, what_text,
)

ROUTE = "/approvals/requests"


def waiting_count(ctx: AppContext) -> int:
    """How many requests wait for me (the Approvals entry shows it)."""
    with ctx.store.reading() as db:
        return len(approval_queue(db, ctx.user["id"], datetime.now(UTC)))


def _age_text(ctx: AppContext, hours: float) -> str:
    if hours >= 48:
        return ctx.tr.ngettext("Waiting {count} day", "Waiting {count} days", int(hours // 24))
    return ctx.tr.ngettext("Waiting {count} hour", "Waiting {count} hours", int(hours))


def _context_lines(ctx: AppContext, row: dict, context: dict) -> list[ft.Control]:
    t, lines = ctx.typo, []
    if row.get("balance"):
        lines.append(t.text(balance_text(ctx, row["balance"]), 14))
    if context["holidays"]:
        days = ctx.tr.format_list([ctx.tr.format_date(d, "medium") for d in context["holidays"]])
        # Translators: {days} lists dates; those days cost no leave.
        lines.append(t.text(ctx._("General holidays in these dates: {days}", days=days), 14))
    if row.get("first_day") or context["shifts"]:
        shifts = [ctx.tr.join(ctx.tr.format_date(s.starts_at, "medium"), ctx.tr.format_interval(s.starts_at, s.ends_at),
                              s.store_name) for s in context["shifts"]]
        lines.append(t.text(ctx._("Shifts in these dates: {shifts}", shifts="; ".join(shifts)) if shifts
                            else ctx._("No shifts in these dates."), 14))
    if context["coverage"]:
        days = "; ".join(ctx.tr.join(ctx.tr.format_date(day, "medium"), ctx.tr.format_number(n))
                         for day, n in context["coverage"].items())
        # Translators: {days} lists dates, each with how many colleagues work at the store that day.
        lines.append(t.text(ctx._("Others on shift at the store: {days}", days=days), 14))
    return lines


def _item(ctx: AppContext, row: dict, context: dict, people: dict[str, str], state: QueueState,
          gone: bool = False) -> ft.Control:
    """A request to decide; ``gone``: a sync took it away while I was typing (issue 10, pickers)."""
    t, acts, rid, item = ctx.typo, actions(ctx), row["id"], f"request:{row['id']}"
    # Issue 10, pickers: the comment lives in the screen's state, so a redraw on sync keeps it.
    comment = draft_field(state.drafts, (item, "comment"), label=ctx._("Comment"), text_style=t.style(14),
                          multiline=True, dense=True, read_only=gone)

    def decide(action: Action, done: str):
        def do() -> None:
            acts.decide(rid, action, comment.value or "")
            state.drafts.forget(item)
        return lambda e: ctx.act(do, done)

    return ft.Column([
        t.text(people.get(row["requester_id"], row["requester_id"]), 15, weight=ft.FontWeight.BOLD),
        t.text(what_text(ctx, row), 15), t.text(_age_text(ctx, row["age_hours"]), 14, color=ft.Colors.GREY_700),
        *([t.text(ctx._("Reason: {reason}", reason=row["note"]), 14)] if row.get("note") else []),
        *certificate_button(ctx, row),  # issue 10, delegation
        *_context_lines(ctx, row, context), *route_lines(ctx, row, people), *history_lines(ctx, row, people),
        ft.Semantics(container=True, content=comment),  # its own node: else every text above was its name
        answered_elsewhere(ctx, state, item) if gone else ft.Row([
            big_button(ctx, ctx._("Approve"), decide(Action.APPROVE, ctx._("Approved"))),
            big_button(ctx, ctx._("Decline"), decide(Action.DECLINE, ctx._("Declined")), filled=False),
            big_button(ctx, ctx._("Send back"), decide(Action.SEND_BACK, ctx._("Sent back")), filled=False)],
            wrap=True),
        ft.Divider(),
    ], spacing=4)


def view(ctx: AppContext) -> ft.View:
    """Requests waiting for my decision, oldest first; redrawn on sync, keeping typed comments."""
    people, state = names(ctx), screen_state(ctx, ROUTE, QueueState)
    with ctx.store.reading() as db:
        waiting = [(f"request:{row['id']}", (row, request_context(db, row)))
                   for row in approval_queue(db, ctx.user["id"], datetime.now(UTC))]
    items = [_item(ctx, row, context, people, state, gone)
             for _, (row, context), gone in keep_in_place(state.drafts, "request", waiting)]
    return frame(ctx, ROUTE, ctx._("Leave and other requests"), [
        section(ctx, ctx._("Waiting for your decision"), items or [ctx.typo.text(ctx._("None."), 15)]),
    ], back=True)
