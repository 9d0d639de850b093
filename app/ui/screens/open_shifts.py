"""Issue 10, open shifts on screen: the manager's "Add open shift" form and the open shifts of a
roster week (with the claimants to pick from, "Edit open shift" and "Cancel open shift"), and the staff's
"Open shifts" section of My shifts with a "Claim" button. No rule lives here: ``app.domain.open_shifts`` decides, through
``OpenShiftActions`` (the server checks again)."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import flet as ft

from app.domain import open_shifts, roster
from app.i18n.markers import N_
from app.i18n.reasons import shift_rule_message
from app.store.open_shift_actions import OpenShiftActions, as_open_shift, claims_of, store_open_shifts
from app.ui.chrome import big_button, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.pickers import parse_time, time_field
from app.ui.screens.trades import findings_text, override_fields  # the trades' warning texts and reasons

#: How far ahead My shifts lists the open shifts of my stores.
STAFF_HORIZON = timedelta(weeks=4)
_CLAIM_LABELS = {
    open_shifts.WAITING: N_("Claimed: waiting for the manager"),
    open_shifts.APPROVED: N_("Yours"),
    open_shifts.DECLINED: N_("Not picked"),
    open_shifts.EXPIRED: N_("Expired: the shift started"),
    # issue 10, openshiftedit: the manager changed or cancelled the open shift
    open_shifts.REFUSED: N_("No longer possible after the manager's change"),
    open_shifts.CANCELLED: N_("Cancelled by the manager"),
}


def _claim_label(ctx: AppContext, state: str) -> str:
    return ctx._(_CLAIM_LABELS.get(state, state))


@dataclass
class OpenShiftForm:
    """The open shift being added; typing into it redraws nothing."""

    store_id: str
    day: date
    start: str = "09:00"
    end: str = "18:00"
    role: str = ""
    slots: str = "1"
    open_shift_id: str | None = None  # issue 10, openshiftedit: editing this one


def _actions(ctx: AppContext) -> OpenShiftActions:
    return OpenShiftActions(ctx.store, ctx.store.clock, ctx.actor)


def _when(ctx: AppContext, row: dict) -> str:
    starts_at, ends_at = (ctx.tr.to_local(datetime.fromisoformat(row[k])) for k in ("starts_at", "ends_at"))
    return ctx.tr.join(ctx.tr.format_date(starts_at, "medium"), ctx.tr.format_interval(starts_at, ends_at), sep=" ")


def _places(ctx: AppContext, row: dict) -> str:
    return ctx.tr.ngettext("{count} place left", "{count} places left", row["remaining"])


def _run(ctx: AppContext, do, done: str | None, state) -> None:
    """``ctx.act(do, done)``, except that a refusal by the shift rules is told with the rule and
    its numbers ("Would make 52 h this week; the limit is 48 h")."""
    outcome: dict[str, str | None] = {}

    def guarded() -> None:
        try:
            do()
        except roster.RosterRefused as exc:  # issue 10, openshiftedit: with the number filled
            if not exc.details:
                raise
            outcome["refused"] = shift_rule_message(ctx.tr, exc.reason, exc.details)
            return
        except open_shifts.ClaimRefused as exc:
            if exc.check is None:
                raise
            first = exc.check.refusals[0]
            outcome["refused"] = shift_rule_message(ctx.tr, first.code, first.details)
            return
        outcome["done"] = done

    ctx.act(guarded)
    if outcome.get("refused") or outcome.get("done"):
        ctx.notify(outcome.get("refused") or outcome["done"], error="refused" in outcome)
    state.revision += 1


def claim_act(ctx: AppContext, open_shift_id: str, state) -> None:
    """Tap on "Claim"."""
    _run(ctx, lambda: _actions(ctx).claim(open_shift_id), ctx._("Claim sent."), state)


# -- managers: the form and the week's open shifts on the roster ------------------------------
def _save(ctx: AppContext, form: OpenShiftForm, state) -> None:
    def do() -> None:
        starts_at, ends_at = roster.shift_times(form.day, parse_time(ctx, form.start), parse_time(ctx, form.end))
        if form.open_shift_id:
            _actions(ctx).edit_open_shift(form.open_shift_id, starts_at=starts_at, ends_at=ends_at,
                                          slots=int(form.slots.strip()), role=form.role)
        else:
            _actions(ctx).add_open_shift(store_id=form.store_id, starts_at=starts_at, ends_at=ends_at,
                                         slots=int(form.slots.strip()), role=form.role)
        state.open_form = None

    if form.open_shift_id:
        _run(ctx, do, ctx._("Open shift changed. People waiting for it are checked again."), state)
        return
    ctx.act(do, ctx._("Open shift added. Publish the week to show it to staff."))


def form_section(ctx: AppContext, form: OpenShiftForm, state) -> ft.Control:
    """ "Add open shift": day, times (an end before the start is the next morning), role, places."""
    t = ctx.typo

    def field(label: str, name: str, **kw) -> ft.TextField:
        return ft.TextField(label=label, value=getattr(form, name), text_style=t.style(15),
                            on_change=lambda e: setattr(form, name, e.control.value), **kw)

    fields = [
        t.text(ctx.tr.format_date(form.day, "full"), 15),
        # Issue 10, pickers: typed as HH:MM or picked on the clock (an unclear time says how to write it).
        time_field(ctx, ctx._("Start (HH:MM)"), form.start, lambda text: setattr(form, "start", text)),
        time_field(ctx, ctx._("End (HH:MM)"), form.end, lambda text: setattr(form, "end", text)),
        field(ctx._("Role"), "role", max_length=64),
        field(ctx._("Places"), "slots", keyboard_type=ft.KeyboardType.NUMBER),
        ft.Row([big_button(ctx, ctx._("Save shift") if form.open_shift_id else ctx._("Add open shift"),
                           lambda e: _save(ctx, form, state), icon=ft.Icons.CHECK),
                ft.TextButton(ctx._("Cancel"), on_click=lambda e: setattr(state, "open_form", None))], wrap=True),
    ]
    return section(ctx, ctx._("Edit open shift") if form.open_shift_id else ctx._("New open shift"), fields)


def add_button(ctx: AppContext, store_id: str, day: date, state) -> ft.Control:
    return ft.TextButton(ctx._("Add open shift"), icon=ft.Icons.GROUP_ADD,
                         on_click=lambda e: setattr(state, "open_form", OpenShiftForm(store_id, day)))


def _claimant_row(ctx: AppContext, claim: dict, state) -> ft.Control:
    label = ctx.tr.join(claim["name"] or claim["user_id"], _claim_label(ctx, claim["state"]))
    if claim["state"] != open_shifts.WAITING or claim["sync_state"] == "pending":
        return ctx.typo.text(label, 14)
    # A warning (overtime, no rest day) is accepted in writing: one reason field each.
    warnings = json.loads(claim["findings"] or "{}").get("warnings", [])
    fields = override_fields(ctx, warnings)

    def pick(approve: bool) -> None:
        reasons = {(w["code"], w["person_id"]): f.value for w, f in fields if f.value}
        _run(ctx, lambda: _actions(ctx).pick(claim["id"], approve, reasons), None, state)

    explained = [c for text, (_, f) in zip(findings_text(ctx, warnings), fields)
                 for c in (ctx.typo.text(text, 13), ft.Semantics(container=True, content=f))]
    return ft.Column([ctx.typo.text(label, 14), *explained,
                      ft.Row([ft.TextButton(ctx._("Pick"), on_click=lambda e: pick(True)),
                              ft.TextButton(ctx._("Decline"), on_click=lambda e: pick(False))], wrap=True)],
                     spacing=2)


def week_block(ctx: AppContext, store_id: str, monday: date, state) -> list[ft.Control]:
    """The store's open shifts of the week, each with its places and its claimants."""
    start, end = roster.week_bounds(monday)
    with ctx.store.reading() as db:
        rows = store_open_shifts(db, [store_id], start, end, published_only=False)
        claims = {r["id"]: claims_of(db, r["id"]) for r in rows}
    out: list[ft.Control] = []
    now = ctx.tr.now()
    for row in rows:
        cancelled = row["status"] == roster.CANCELLED
        draft = ctx._("Draft") if row["status"] == roster.DRAFT else None
        places = ctx._("Cancelled") if cancelled else _places(ctx, row)
        head = ctx.tr.join(ctx._("Open shift"), _when(ctx, row), row["role"], places, draft)
        out.append(ctx.typo.text(head, 14, weight=ft.FontWeight.BOLD,
                                 color=ft.Colors.ORANGE_900 if draft else None))
        # Issue 10, issue10fix: once it has started it is kept as it was (no edit, no cancel).
        if not cancelled and (row["sync_state"] == "pending" or open_shifts.may_change(as_open_shift(row), now)):
            out.append(_manage_row(ctx, row, state))
        out += [_claimant_row(ctx, c, state) for c in claims[row["id"]]]
    return out


# -- issue 10, openshiftedit: the manager edits or cancels an open shift ----------------------
def _edit_form(ctx: AppContext, row: dict) -> OpenShiftForm:
    starts_at, ends_at = (ctx.tr.to_local(datetime.fromisoformat(row[k])) for k in ("starts_at", "ends_at"))
    return OpenShiftForm(row["store_id"], starts_at.date(), f"{starts_at:%H:%M}", f"{ends_at:%H:%M}",
                         row["role"] or "", str(row["slots"]), row["id"])


def cancel_act(ctx: AppContext, row: dict, state) -> None:
    """Tap on "Cancel open shift": confirmed first; with places filled, the question says those
    people keep their shifts (Deputy's way: a place given is that person's own shift)."""
    filled = row["filled"] or 0
    question = ctx.tr.ngettext(
        "{count} person already has a place and keeps their shift. Cancel the places still open?",
        "{count} people already have a place and keep their shifts. Cancel the places still open?",
        filled) if filled else ctx._("Cancel this open shift? People waiting for it are told.")

    def cancel() -> None:
        _run(ctx, lambda: _actions(ctx).cancel_open_shift(row["id"], keep_filled=filled > 0),
             ctx._("Open shift cancelled."), state)

    confirm(ctx, ctx._("Cancel open shift"), question, ctx._("Cancel open shift"), cancel)


def _manage_row(ctx: AppContext, row: dict, state) -> ft.Control:
    if row["sync_state"] == "pending":
        return ctx.typo.text(ctx._("waiting to sync"), 13, color=ft.Colors.GREY_700)
    return ft.Row([
        ft.TextButton(ctx._("Edit open shift"), icon=ft.Icons.EDIT,
                      on_click=lambda e: setattr(state, "open_form", _edit_form(ctx, row))),
        ft.TextButton(ctx._("Cancel open shift"), icon=ft.Icons.EVENT_BUSY,
                      on_click=lambda e: cancel_act(ctx, row, state))], wrap=True, spacing=0)


def count_drafts(ctx: AppContext, store_id: str, monday: date) -> int:
    """Open shifts publishing the week would show to staff."""
    start, end = roster.week_bounds(monday)
    with ctx.store.reading() as db:
        rows = store_open_shifts(db, [store_id], start, end, published_only=False)
    return sum(1 for r in rows if r["status"] == roster.DRAFT)


# -- staff: the open shifts of my stores in My shifts ----------------------------------------
def staff_section(ctx: AppContext, state) -> ft.Control | None:
    """Published open shifts of my stores in the next four weeks, each with "Claim" (or my claim)."""
    now = ctx.tr.now()
    with ctx.store.reading() as db:
        rows = store_open_shifts(db, ctx.actor.store_ids, now, now + STAFF_HORIZON, published_only=False)
        mine = {r["id"]: [c for c in claims_of(db, r["id"]) if c["user_id"] == ctx.user["id"]] for r in rows}
    # A cancelled open shift stays listed only for those who had claimed it (they are told so).
    rows = [r for r in rows if r["status"] == roster.PUBLISHED or (r["status"] == roster.CANCELLED and mine[r["id"]])]
    if not rows:
        return None
    items: list[ft.Control] = []
    for row in rows:
        places = ctx._("Cancelled") if row["status"] == roster.CANCELLED else _places(ctx, row)
        parts: list[ft.Control] = [ctx.typo.text(ctx.tr.join(_when(ctx, row), row["role"], places), 15)]
        live = [c for c in mine[row["id"]] if c["state"] in open_shifts.LIVE_CLAIMS]
        shown = live[0] if live else (mine[row["id"]][-1] if mine[row["id"]] else None)
        if shown is not None:
            parts.append(ctx.typo.text(_my_claim_status(ctx, shown), 14, color=ft.Colors.GREY_700))
        if not live and row["status"] == roster.PUBLISHED and row["remaining"] > 0:  # (again) claimable
            parts.append(big_button(ctx, ctx._("Claim"), lambda e, i=row["id"]: claim_act(ctx, i, state),
                                    icon=ft.Icons.FRONT_HAND, filled=False))
        items.append(ft.Row(parts, wrap=True) if len(parts) == 2 and shown is None else ft.Column(parts, spacing=2))
    return section(ctx, ctx._("Open shifts"), items)


def _my_claim_status(ctx: AppContext, claim: dict) -> str:
    """Where my claim stands; refused after the manager's change: with the rule and its numbers."""
    status = _claim_label(ctx, claim["state"])
    refusals = json.loads(claim["findings"] or "{}").get("refusals", [])
    if claim["state"] == open_shifts.REFUSED and refusals:
        status = ctx.tr.join(status, shift_rule_message(ctx.tr, refusals[0]["code"], refusals[0].get("details")))
    if claim["sync_state"] == "pending":
        status = ctx.tr.join(status, ctx._("waiting to sync"))
    return status
