"""The managers' roster: each of their stores by week or by day, grouped by store; add, edit and
delete shifts, copy last week and publish (drafts are marked; publish confirms with the count).

Works offline: reads the device's database and writes through ``RosterActions`` (the rules
are in ``app.domain.roster``; the server checks them again).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import flet as ft

from app.domain import roster
from app.store import roster_view
from app.store.availability import roster_conflicts
from app.store.queries import Shift
from app.store.roster_actions import RosterActions, store_week
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.pickers import parse_time, time_field
from app.ui.screen_state import screen_state
from app.ui.screens import open_shifts
from app.ui.screens.shifts import shift_span_text, week_nav

ROUTE = "/roster"


@dataclass
class ShiftForm:
    """The shift being added (``shift_id`` None) or edited; typing into it redraws nothing."""

    store_id: str
    day: date
    shift_id: str | None = None
    user_id: str | None = None
    start: str = "09:00"
    end: str = "18:00"
    role: str = ""


@ft.observable
@dataclass
class RosterState:
    week: int = 0
    by_day: bool = False
    day: int = 0  # 0 = Monday, in the day view
    form: ShiftForm | None = None
    open_form: open_shifts.OpenShiftForm | None = None  # issue 10, openshifts
    revision: int = 0  # raised after an action, to read the database again


def _actions(ctx: AppContext) -> RosterActions:
    return RosterActions(ctx.store, ctx.store.clock, ctx.actor)


def _status_word(ctx: AppContext, s: Shift) -> str | None:
    if s.status == roster.DRAFT:
        return ctx._("Draft")
    if s.status == roster.CANCELLED:
        return ctx._("Cancelled")
    return None


def _shift_row(ctx: AppContext, s: Shift, state: RosterState, conflict: str | None = None) -> ft.Control:
    word = _status_word(ctx, s)
    # Issue 10, availability: the person is not available then (app.domain.availability decides).
    clash = {"weekly": ctx._("Outside availability"), "one_off": ctx._("Marked unavailable")}.get(conflict)

    def edit(e) -> None:
        local = ctx.tr.to_local
        state.form = ShiftForm(s.store_id, roster.work_day(s.starts_at), s.id, s.user_id,
                               local(s.starts_at).strftime("%H:%M"), local(s.ends_at).strftime("%H:%M"), s.role)

    text = ctx.tr.join(shift_span_text(ctx, s), s.user_name, s.role, word, clash)
    colour = (ft.Colors.RED_900 if clash else ft.Colors.ORANGE_900 if s.status == roster.DRAFT
              else ft.Colors.GREY_700 if word else None)
    return ft.TextButton(content=ctx.typo.text(text, 14, color=colour), on_click=None if s.status == roster.CANCELLED
                         else edit, style=ft.ButtonStyle(alignment=ft.Alignment.CENTER_LEFT))


def _day_block(ctx: AppContext, store_id: str, day: date, shifts: list[Shift], state: RosterState,
               conflicts: dict[str, str]) -> ft.Control:
    t = ctx.typo
    rows = ([_shift_row(ctx, s, state, conflicts.get(s.id)) for s in shifts]
            or [t.text(ctx._("No shifts."), 14, color=ft.Colors.GREY_700)])
    add = ft.TextButton(ctx._("Add shift"), icon=ft.Icons.ADD,
                        on_click=lambda e: setattr(state, "form", ShiftForm(store_id, day)))
    adds = ft.Row([add, open_shifts.add_button(ctx, store_id, day, state)], wrap=True, spacing=0)
    return ft.Column([t.text(ctx.tr.format_date(day, "full"), 15, weight=ft.FontWeight.BOLD), *rows, adds], spacing=2)


def _publish(ctx: AppContext, store_id: str, monday: date, state: RosterState) -> None:
    with ctx.store.reading() as db:
        drafts = roster.count_drafts(store_week(db, store_id, monday))
    drafts += open_shifts.count_drafts(ctx, store_id, monday)
    if not drafts:
        ctx.notify(ctx._("Nothing to publish."))
        return

    def publish() -> None:
        ctx.act(lambda: _actions(ctx).publish_week(store_id, monday), ctx._("Published."))
        state.revision += 1

    confirm(ctx, ctx._("Publish"), ctx.tr.ngettext("Publish {count} draft shift? Staff will see it.",
                                                   "Publish {count} draft shifts? Staff will see them.", drafts),
            ctx._("Publish"), publish)


def _copy(ctx: AppContext, store_id: str, monday: date, state: RosterState) -> None:
    copied = {}
    ctx.act(lambda: copied.setdefault("n", _actions(ctx).copy_last_week(store_id, monday)))
    if "n" in copied:
        ctx.notify(ctx.tr.ngettext("Copied {count} shift from last week.", "Copied {count} shifts from last week.",
                                   copied["n"]))
    state.revision += 1


def _store_section(ctx: AppContext, store_id: str, name: str, shifts: list[Shift], monday: date,
                   state: RosterState, conflicts: dict[str, str]) -> ft.Control:
    days = roster_view.by_day(shifts, monday)
    if state.by_day:
        days = [days[state.day]]
    buttons = ft.Row([
        big_button(ctx, ctx._("Copy last week"), lambda e: _copy(ctx, store_id, monday, state),
                   icon=ft.Icons.CONTENT_COPY, filled=False),
        big_button(ctx, ctx._("Publish"), lambda e: _publish(ctx, store_id, monday, state), icon=ft.Icons.SEND),
    ], wrap=True)
    return section(ctx, name, [buttons, *open_shifts.week_block(ctx, store_id, monday, state),
                               *[_day_block(ctx, store_id, d, s, state, conflicts) for d, s in days]])


def _save(ctx: AppContext, form: ShiftForm, state: RosterState) -> None:
    def do() -> None:
        if not form.user_id:
            raise ValueError("no person chosen")
        starts_at, ends_at = roster.shift_times(form.day, parse_time(ctx, form.start),
                                                 parse_time(ctx, form.end))
        fields = dict(user_id=form.user_id, starts_at=starts_at, ends_at=ends_at, role=form.role)
        if form.shift_id:
            _actions(ctx).update_shift(form.shift_id, **fields)
        else:
            _actions(ctx).create_shift(store_id=form.store_id, **fields)
        state.form = None

    ctx.act(do, ctx._("Shift saved."))


def _delete(ctx: AppContext, form: ShiftForm, state: RosterState) -> None:
    def do() -> None:
        _actions(ctx).delete_shift(form.shift_id)
        state.form = None

    ctx.act(do, ctx._("Shift deleted."))


def _form(ctx: AppContext, form: ShiftForm, state: RosterState) -> ft.Control:
    t = ctx.typo
    with ctx.store.reading() as db:
        people = roster_view.people_at(db, form.store_id)

    def pick(e) -> None:
        form.user_id = e.control.value

    fields = [
        t.text(ctx.tr.format_date(form.day, "full"), 15),
        t.text(ctx._("Person"), 14, weight=ft.FontWeight.BOLD),
        ft.RadioGroup(ft.Column([ft.Radio(value=uid, label=name) for uid, name in people], spacing=0),
                      value=form.user_id, on_change=pick),
        # Issue 10, pickers: typed as HH:MM or picked on the clock.
        time_field(ctx, ctx._("Start (HH:MM)"), form.start, lambda text: setattr(form, "start", text)),
        # Translators: an end before the start means the next morning (an overnight shift).
        time_field(ctx, ctx._("End (HH:MM)"), form.end, lambda text: setattr(form, "end", text)),
        ft.TextField(label=ctx._("Role"), value=form.role, max_length=64, text_style=t.style(15),
                     on_change=lambda e: setattr(form, "role", e.control.value)),
        ft.Row([big_button(ctx, ctx._("Save shift"), lambda e: _save(ctx, form, state), icon=ft.Icons.CHECK),
                *([big_button(ctx, ctx._("Delete shift"), lambda e: _delete(ctx, form, state),
                              icon=ft.Icons.DELETE_OUTLINE, filled=False)] if form.shift_id else []),
                ft.TextButton(ctx._("Cancel"), on_click=lambda e: setattr(state, "form", None))], wrap=True),
    ]
    return section(ctx, ctx._("Edit shift") if form.shift_id else ctx._("New shift"), fields)


def _mode_row(ctx: AppContext, monday: date, state: RosterState) -> ft.Control:
    def choose(by_day: bool, day: int = 0) -> None:
        state.by_day, state.day = by_day, day

    chips = [ft.Chip(label=ctx.typo.text(ctx._("Week"), 14), selected=not state.by_day,
                     on_select=lambda e: choose(False))]
    for i in range(7):
        label = ctx.tr.format_date(monday + timedelta(days=i), "EEE d")
        chips.append(ft.Chip(label=ctx.typo.text(label, 14), selected=state.by_day and state.day == i,
                             on_select=lambda e, i=i: choose(True, i)))
    return ft.Row(chips, wrap=True, spacing=4)


def roster_body(ctx: AppContext, state: RosterState) -> ft.Control:
    """The roster of every store the manager covers, grouped by store."""
    today = ctx.tr.to_local(ctx.tr.now()).date()
    monday = roster.week_start(today) + timedelta(weeks=state.week)
    with ctx.store.reading() as db:
        names = roster_view.store_names(db, sorted(ctx.actor.store_ids))
        weeks = roster_view.store_week(db, list(names), monday)
        conflicts = roster_conflicts(db, [s for shifts in weeks.values() for s in shifts])

    def move(step: int) -> None:
        state.week += step
        state.form = None

    body: list[ft.Control] = [week_nav(ctx, monday, move), _mode_row(ctx, monday, state)]
    if state.form is not None:
        body.append(_form(ctx, state.form, state))
    if state.open_form is not None:
        body.append(open_shifts.form_section(ctx, state.open_form, state))
    body += [_store_section(ctx, sid, name, weeks[sid], monday, state, conflicts) for sid, name in names.items()]
    return ft.Column(body, spacing=8)


def view(ctx: AppContext) -> ft.View:
    return frame(ctx, ROUTE, ctx._("Roster"), [roster_body(ctx, screen_state(ctx, ROUTE, RosterState))], back=True)
