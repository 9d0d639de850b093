"""Issue 10, trades: what can be done with one of my shifts (offer it, ask for cover), the
colleague picker (everyone, each eligible, with a warning or refused with the reason), and the
requests that wait for me: my answer as the colleague, or my decision as the manager.

Every rule comes from ``app.store.trade_actions`` (the shared shift rules); this only shows.
"""

import json
from datetime import datetime

import flet as ft

from app.domain import trades
from app.domain.shift_rules import ELIGIBLE, REFUSED, WARNING, TradeKind
from app.i18n.markers import N_
from app.i18n.reasons import shift_rule_message
from app.store.trade_actions import TradeActions, swap_candidates
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import Drafts, QueueState, answered_elsewhere, draft_field, keep_in_place, screen_state

ROUTE = "/trades"
_STATE_LABELS = {
    trades.WAITING_COLLEAGUE: N_("Waiting for the colleague"),
    trades.WAITING_MANAGER: N_("Waiting for the manager"),
    trades.APPROVED: N_("Approved"),
    trades.DECLINED: N_("Declined"),
    trades.REFUSED: N_("Refused"),
    trades.CANCELLED: N_("Cancelled"),
    trades.EXPIRED: N_("Expired: the shift started"),
}
#: How a colleague in the picker is marked (icon and its spoken name).
_VERDICTS = {ELIGIBLE: (ft.Icons.CHECK_CIRCLE, N_("Can take it")),
             WARNING: (ft.Icons.WARNING_AMBER, N_("Can take it, with a warning")),
             REFUSED: (ft.Icons.BLOCK, N_("Cannot take it"))}


def _actions(ctx: AppContext) -> TradeActions:
    return TradeActions(ctx.store, ctx.store.clock, ctx.actor)


def _names(ctx: AppContext) -> dict[str, str]:
    with ctx.store.reading() as db:
        return {r[0]: r[1] for r in db.execute("SELECT id, name FROM users")}


def findings_text(ctx: AppContext, findings) -> list[str]:
    """Each refusal and warning in the reader's language, with its numbers."""
    return [shift_rule_message(ctx.tr, f["code"], f.get("details")) for f in findings]


def shift_view(ctx: AppContext, route: str, shift_id: str, kind: str = TradeKind.OFFER.value) -> ft.View:
    """One of my shifts: ask for cover, offer it to anyone, or pick a colleague to offer it to."""
    t, actions, names = ctx.typo, _actions(ctx), _names(ctx)
    with ctx.store.reading() as db:
        rows = list(db.query("SELECT * FROM shifts WHERE id=?", [shift_id]))
    if not rows:
        return frame(ctx, route, ctx._("Shift"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    shift = rows[0]
    starts, ends = datetime.fromisoformat(shift["starts_at"]), datetime.fromisoformat(shift["ends_at"])
    done = ctx._("Request sent. It waits for an answer.")
    body: list[ft.Control] = [t.text(ctx.tr.join(ctx.tr.format_date(starts, "full"),
                                                 ctx.tr.format_interval(starts, ends)), 16)]
    with ctx.store.reading() as db:
        waiting = list(db.query(f"SELECT * FROM trades WHERE shift_id=? AND state IN ({','.join('?' * len(trades.OPEN_STATES))})"
                                " ORDER BY updated_at DESC", [shift_id, *sorted(trades.OPEN_STATES)]))
    if waiting:  # one request at a time: show it (and Cancel) rather than the options again
        body.append(section(ctx, ctx._("Shift trades"), [_trade_tile(ctx, actions, r, names) for r in waiting]))
    elif shift["user_id"] == ctx.user["id"]:
        body.append(ft.Row([
            big_button(ctx, ctx._("Ask for cover"), lambda e: ctx.act(
                lambda: actions.request(TradeKind.COVER, shift_id), done)),
            big_button(ctx, ctx._("Offer to anyone"), lambda e: ctx.act(
                lambda: actions.request(TradeKind.POOL_OFFER, shift_id), done), filled=False),
        ], wrap=True))
        picker = []
        for c in actions.who_can_take(shift_id, TradeKind(kind)):
            reasons = findings_text(ctx, [f.to_dict() for f in (*c.check.refusals, *c.own_warnings)])
            # Its own node: a tile nobody can tap otherwise ran into its neighbours when read aloud.
            picker.append(ft.Semantics(container=True, content=ft.ListTile(
                leading=ft.Icon(_VERDICTS[c.status][0], semantics_label=ctx._(_VERDICTS[c.status][1])),
                title=t.text(names.get(c.person_id, c.person_id), 15),
                subtitle=t.text("\n".join(reasons), 13) if reasons else None,
                # An ineligible colleague is shown with the reason, and cannot be picked.
                on_click=None if c.status == REFUSED else (lambda e, pid=c.person_id: ctx.act(
                    lambda: actions.request(TradeKind.OFFER, shift_id, pid), done)))))
        body.append(section(ctx, ctx._("Offer to a colleague"), picker or [t.text(ctx._("None."), 15)]))
        body.append(section(ctx, ctx._("Swap with a colleague's shift"), _swap_tiles(ctx, actions, shift, names, done)))
    return frame(ctx, route, ctx._("Shift"), body, back=True)


def _swap_tiles(ctx: AppContext, actions: TradeActions, shift: dict, names: dict[str, str], done: str) -> list:
    """Colleagues' published shifts at the same store within a week of mine; tapping one asks
    for the swap (the rules run first, and a refusal says why)."""
    t = ctx.typo
    with ctx.store.reading() as db:
        theirs = swap_candidates(db, shift)
    tiles = []
    for other in theirs:
        tiles.append(ft.ListTile(
            title=t.text(names.get(other["user_id"], other["user_id"]), 15),
            subtitle=t.text(_when(ctx, other), 13),
            on_click=lambda e, o=other: ctx.act(lambda: actions.request(
                TradeKind.SWAP, shift["id"], o["user_id"], o["id"]), done)))
    return tiles or [t.text(ctx._("None."), 15)]


def override_fields(ctx: AppContext, warnings, drafts: Drafts | None = None, item: str = "",
                    read_only: bool = False) -> list[tuple[dict, ft.TextField]]:
    """One reason field per warning, shown under it: a manager accepts each one in writing.
    (The warning itself as the field's label was cut to one line, and read as the field's name.)
    With ``drafts``, what is typed outlives a redraw (issue 10, pickers)."""
    def reason(w: dict) -> ft.TextField:
        style = dict(label=ctx._("Reason"), text_style=ctx.typo.style(14), dense=True)
        if drafts is None:
            return ft.TextField(**style)
        return draft_field(drafts, (item, f"{w['code']}:{w.get('person_id')}"), read_only=read_only, **style)
    return [(w, reason(w)) for w in warnings]


def _when(ctx: AppContext, shift: dict) -> str:
    starts, ends = datetime.fromisoformat(shift["starts_at"]), datetime.fromisoformat(shift["ends_at"])
    return ctx.tr.join(ctx.tr.format_date(starts, "medium"), ctx.tr.format_interval(starts, ends))


def _trade_tile(ctx: AppContext, actions: TradeActions, row: dict, names: dict[str, str],
                state: QueueState | None = None, gone: bool = False) -> ft.Control:
    """A trade with what I can do about it; ``gone``: a sync took it from the queue while I was
    typing a reason for it (issue 10, pickers), so it only says so."""
    t, me, item = ctx.typo, ctx.user["id"], f"trade:{row['id']}"
    findings = json.loads(row["findings"] or "{}")
    who = ctx.tr.join(names.get(row["requester_id"], row["requester_id"]),
                      names.get(row["taker_id"], ctx._("anyone")) if row["taker_id"] else ctx._("anyone"),
                      sep=" ← " if ctx.tr.is_rtl else " → ")  # from the first name, the way the line reads
    shifts, changed = actions.shifts_of(row)
    changed = changed and row["state"] in trades.OPEN_STATES
    # Which shift (and, for a swap, which in return): an answer needs to know what it is about.
    lines = [t.text(who, 15, weight=ft.FontWeight.BOLD), *[t.text(_when(ctx, s), 14) for s in shifts],
             t.text(ctx._(_STATE_LABELS.get(row["state"], row["state"])), 14)]
    if changed:  # only cancel or decline are left: the server would refuse the rest
        lines.append(t.text(ctx.reason_text(trades.REASON_SHIFT_CHANGED), 14))
    lines += [t.text(text, 13) for text in findings_text(ctx, findings.get("refusals", []))]
    warnings = findings.get("warnings", [])
    # A manager never decides a trade they take part in (app.domain.trades.require_not_party).
    deciding = ctx.is_manager and row["state"] == trades.WAITING_MANAGER and me not in (
        row["requester_id"], row["taker_id"])
    fields = override_fields(ctx, warnings, state and state.drafts, item, gone) if deciding else []
    for i, text in enumerate(findings_text(ctx, warnings)):
        lines.append(t.text(text, 13))
        # Its own node, else the field took every text around it as its name.
        lines += [ft.Semantics(container=True, content=fields[i][1])] if fields else []
    buttons: list[ft.Control] = []
    waiting_me = row["state"] == trades.WAITING_COLLEAGUE and row["requester_id"] != me and (
        row["taker_id"] in (None, me))
    if waiting_me:
        buttons += [] if changed else [
            big_button(ctx, ctx._("Accept"), lambda e: ctx.act(lambda: actions.respond(row["id"], True)))]
        buttons += [big_button(ctx, ctx._("Decline"), lambda e: ctx.act(lambda: actions.respond(row["id"], False)),
                               filled=False)]
    if row["requester_id"] == me and row["state"] in trades.OPEN_STATES:
        buttons.append(big_button(ctx, ctx._("Cancel request"), lambda e: ctx.act(lambda: actions.cancel(row["id"])),
                                  filled=False))
    if deciding and not gone:
        def decide(approved: bool) -> None:
            # An empty field is no override: the phone then says a reason is needed.
            reasons = {(w["code"], w.get("person_id")): f.value for w, f in fields if (f.value or "").strip()}
            actions.decide(row["id"], approved, reasons if approved else None)
            if state is not None:
                state.drafts.forget(item)  # answered here: nothing to keep

        buttons += [] if changed else [big_button(ctx, ctx._("Approve"), lambda e: ctx.act(lambda: decide(True)))]
        buttons += [big_button(ctx, ctx._("Decline"), lambda e: ctx.act(lambda: decide(False)), filled=False)]
    if gone:
        buttons = [answered_elsewhere(ctx, state, item)]
    return ft.Semantics(container=True, content=ft.Column([*lines, ft.Row(buttons, wrap=True)], spacing=4))


def view(ctx: AppContext) -> ft.View:
    """Requests I made or that wait for me, and (managers) the store's queue; newest first."""
    actions, names, me = _actions(ctx), _names(ctx), ctx.user["id"]
    with ctx.store.reading() as db:
        rows = list(db.query("SELECT * FROM trades ORDER BY updated_at DESC LIMIT 200"))
    mine = [r for r in rows if me in (r["requester_id"], r["taker_id"])
            or (r["taker_id"] is None and r["state"] == trades.WAITING_COLLEAGUE)]
    body = [section(ctx, ctx._("Shift trades"), [_trade_tile(ctx, actions, r, names) for r in mine]
                    or [ctx.typo.text(ctx._("None."), 15)])]
    if ctx.is_manager:
        body.append(decision_queue(ctx, ctx._("Waiting for your decision"), screen_state(ctx, ROUTE, QueueState),
                                   rows))
    return frame(ctx, ROUTE, ctx._("Shift trades"), body, back=True)


def decision_queue(ctx: AppContext, title: str, state: QueueState, rows: list[dict] | None = None) -> ft.Control:
    """Trades of my stores waiting for a manager, each with Approve and Decline; also shown in
    Approvals, where a manager looks for what waits for them (the Shifts tab is not theirs).
    Redrawn on sync: reasons being typed are kept in ``state``, their trade in its place."""
    if rows is None:
        with ctx.store.reading() as db:
            rows = list(db.query("SELECT * FROM trades WHERE state=? ORDER BY updated_at DESC LIMIT 200",
                                 [trades.WAITING_MANAGER]))
    actions, names = _actions(ctx), _names(ctx)
    queue = [(f"trade:{r['id']}", r) for r in rows
             if r["state"] == trades.WAITING_MANAGER and ctx.actor.covers(r["store_id"])]
    return section(ctx, title, [_trade_tile(ctx, actions, r, names, state, gone)
                                for _, r, gone in keep_in_place(state.drafts, "trade", queue)]
                   or [ctx.typo.text(ctx._("None."), 15)])
