"""Me -> My availability: when I can work each week (one time window per weekday) and the days
I cannot work, with an optional note. Works offline: it reads the device's database and writes
through ``AvailabilityActions`` (the checks are in ``app.domain.availability``; the server
checks again). My managers see it; the roster marks a shift that ignores it.
"""

from dataclasses import dataclass, field
from datetime import date

import flet as ft

from app.store.availability import AvailabilityActions, days_off, stored_windows
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state

ROUTE = "/me/availability"


@dataclass
class DayForm:
    """One weekday as typed (plain, so typing redraws nothing)."""

    on: bool = False
    start: str = "09:00"
    end: str = "18:00"


@dataclass
class Form:
    """The week and the new days off as typed, filled from the device's data once."""

    week: list[DayForm] = field(default_factory=lambda: [DayForm() for _ in range(7)])
    first_day: str = ""
    last_day: str = ""
    note: str = ""
    loaded: bool = False


@ft.observable
@dataclass
class AvailabilityState:
    form: Form = field(default_factory=Form)
    revision: int = 0  # raised after an action, to read the database again


def _actions(ctx: AppContext) -> AvailabilityActions:
    return AvailabilityActions(ctx.store, ctx.store.clock, ctx.actor)


def _load(ctx: AppContext, form: Form) -> None:
    """Fill the week from the device's data, once (after that it shows what was typed)."""
    with ctx.store.reading() as db:
        windows = stored_windows(db, ctx.actor.user_id)
    for w in reversed(windows):  # the first window of a day is the one shown
        form.week[w["weekday"]] = DayForm(True, w["start"], w["end"])
    form.loaded = True


def _save_week(ctx: AppContext, form: Form) -> None:
    windows = [{"weekday": i, "start": d.start.strip(), "end": d.end.strip()} for i, d in enumerate(form.week) if d.on]
    ctx.act(lambda: _actions(ctx).set_weekly(windows), ctx._("Availability saved."))


def _field(ctx: AppContext, label: str, value: str, on_change, width: int | None = None) -> ft.TextField:
    return ft.TextField(label=label, value=value, width=width, dense=True, text_style=ctx.typo.style(15),
                        on_change=on_change)


def _day_row(ctx: AppContext, weekday: int, entry: DayForm) -> ft.Control:
    name = ctx.tr.babel_locale.days["format"]["wide"][weekday]  # 0 = Monday, in the reader's language
    return ft.Row([
        ft.Checkbox(label=name, value=entry.on, width=150, label_style=ctx.typo.style(15),
                    on_change=lambda e: setattr(entry, "on", bool(e.control.value))),
        # Translators: the start and end time of a weekly window a person can work ("From 09:00 To 18:00").
        _field(ctx, ctx._("From"), entry.start, lambda e: setattr(entry, "start", e.control.value), 100),
        _field(ctx, ctx._("To"), entry.end, lambda e: setattr(entry, "end", e.control.value), 100),
    ], wrap=True, spacing=8)


def _week_section(ctx: AppContext, form: Form) -> ft.Control:
    rows = [_day_row(ctx, i, entry) for i, entry in enumerate(form.week)]
    return section(ctx, ctx._("Each week"), [
        ctx.typo.text(ctx._("Tick the days you can work and set the hours. If no day is ticked, you can be "
                            "rostered at any time. An end time before the start time runs past midnight."), 14,
                      color=ft.Colors.GREY_700),
        *rows,
        big_button(ctx, ctx._("Save availability"), lambda e: _save_week(ctx, form), icon=ft.Icons.SAVE),
    ])


def _add_days_off(ctx: AppContext, form: Form, state: AvailabilityState) -> None:
    try:
        first = date.fromisoformat(form.first_day.strip())
        last = date.fromisoformat(form.last_day.strip()) if form.last_day.strip() else first
    except ValueError:
        ctx.notify(ctx._("Write the dates like 2026-12-24."), error=True)
        return
    added: list[str] = []
    ctx.act(lambda: added.append(_actions(ctx).add_days_off(first, last, form.note)), ctx._("Days off saved."))
    if added:  # refused: what was typed stays, to be fixed
        form.first_day = form.last_day = form.note = ""
        state.revision += 1


def _remove(ctx: AppContext, day_off_id: str, state: AvailabilityState) -> None:
    ctx.act(lambda: _actions(ctx).remove_days_off(day_off_id), ctx._("Removed."))
    state.revision += 1


def _days_off_section(ctx: AppContext, form: Form, state: AvailabilityState) -> ft.Control:
    t = ctx.typo
    today = ctx.tr.to_local(ctx.tr.now()).date()
    with ctx.store.reading() as db:
        stretches = days_off(db, ctx.actor.user_id, since=today)
    rows: list[ft.Control] = []
    for d in stretches:
        when = ctx.tr.format_date(d.first_day) if d.first_day == d.last_day else ctx._(
            "{first} to {last}", first=ctx.tr.format_date(d.first_day), last=ctx.tr.format_date(d.last_day))
        waiting = ctx._("waiting to sync") if d.sync_state == "pending" else None
        rows.append(ft.Row([
            t.text(ctx.tr.join(when, d.note or None, waiting), 15, expand=True),
            ft.IconButton(ft.Icons.DELETE_OUTLINE, tooltip=ctx._("Remove"),
                          on_click=lambda e, key=d.id: _remove(ctx, key, state)),
        ]))
    if not rows:
        rows = [t.text(ctx._("No days off marked."), 14, color=ft.Colors.GREY_700)]
    return section(ctx, ctx._("Days I cannot work"), [
        *rows,
        _field(ctx, ctx._("First day (YYYY-MM-DD)"), form.first_day,
               lambda e: setattr(form, "first_day", e.control.value)),
        _field(ctx, ctx._("Last day (leave empty for one day)"), form.last_day,
               lambda e: setattr(form, "last_day", e.control.value)),
        _field(ctx, ctx._("Reason (optional)"), form.note, lambda e: setattr(form, "note", e.control.value)),
        big_button(ctx, ctx._("Add days off"), lambda e: _add_days_off(ctx, form, state), icon=ft.Icons.EVENT_BUSY,
                   filled=False),
    ])


def view(ctx: AppContext) -> ft.View:
    state = screen_state(ctx, ROUTE, AvailabilityState)
    form = state.form
    if not form.loaded:
        _load(ctx, form)
    return frame(ctx, ROUTE, ctx._("My availability"), [
        ctx.typo.text(ctx._("Your managers see this when they plan the roster."), 15),
        _week_section(ctx, form),
        _days_off_section(ctx, form, state),
    ], back=True)
