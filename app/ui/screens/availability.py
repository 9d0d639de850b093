"""Me -> My availability: when I can work each week (several time windows a day, up to the
rules' 21 a week) and the days I cannot work, with an optional note. Works offline: it reads the
device's database and writes through ``AvailabilityActions`` (the checks, overlapping windows
included, are in ``app.domain.availability``; the server checks again). My managers see it; my
store colleagues' phones get the times (not the notes), so their shift rules know; the roster
marks a shift that ignores it.

Laid out for a 412 px phone in any language: each weekday is a heading line of its own (one
size for all), and each window is one line: from, to, remove. Times and days are typed or picked
on the clock / calendar (the button is the field's trailing icon, so the line holds).
"""

from dataclasses import dataclass, field
from datetime import date

import flet as ft

from app.domain.availability import MAX_WINDOWS
from app.store.availability import AvailabilityActions, days_off, stored_windows
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext, InputError
from app.ui.pickers import date_field, day_error, parse_day, time_field
from app.ui.screen_state import screen_state

ROUTE = "/me/availability"


@dataclass
class Window:
    """One time window as typed (plain, so typing redraws nothing)."""

    start: str = ""
    end: str = ""


@dataclass
class Form:
    """The week (a list of windows per weekday, Monday first) and the new days off as typed,
    filled from the device's data once."""

    week: list[list[Window]] = field(default_factory=lambda: [[] for _ in range(7)])
    first_day: str = ""
    last_day: str = ""
    note: str = ""
    loaded: bool = False


@ft.observable
@dataclass
class AvailabilityState:
    form: Form = field(default_factory=Form)
    revision: int = 0  # raised after an action or a window added/removed, to draw again


def _actions(ctx: AppContext) -> AvailabilityActions:
    return AvailabilityActions(ctx.store, ctx.store.clock, ctx.actor)


def _load(ctx: AppContext, form: Form) -> None:
    """Fill the week from the device's data, once (after that it shows what was typed)."""
    with ctx.store.reading() as db:
        windows = stored_windows(db, ctx.actor.user_id)
    form.week = [[] for _ in range(7)]
    for w in windows:
        form.week[w["weekday"]].append(Window(w["start"], w["end"]))
    form.loaded = True


def _save_week(ctx: AppContext, form: Form) -> None:
    windows = [{"weekday": day, "start": w.start.strip(), "end": w.end.strip()}
               for day, entries in enumerate(form.week) for w in entries]
    ctx.act(lambda: _actions(ctx).set_weekly(windows), ctx._("Availability saved."))


def _add_window(form: Form, weekday: int, state: AvailabilityState) -> None:
    """A new window: 09:00-18:00 for a day's first, empty for a further one (to be typed)."""
    form.week[weekday].append(Window("09:00", "18:00") if not form.week[weekday] else Window())
    state.revision += 1


def _remove_window(form: Form, weekday: int, window: Window, state: AvailabilityState) -> None:
    form.week[weekday].remove(window)
    state.revision += 1


def _field(ctx: AppContext, label: str, value: str, on_change) -> ft.TextField:
    return ft.TextField(label=label, value=value, dense=True,
                        text_style=ctx.typo.style(15), on_change=on_change)


def _window_row(ctx: AppContext, form: Form, weekday: int, window: Window, state: AvailabilityState) -> ft.Control:
    """From, to and remove on one line: the two fields share the width, so none wraps (each
    field's clock button is inside it)."""
    return ft.Row([
        # Translators: the start and end time of a weekly window a person can work ("From 09:00 To 18:00").
        time_field(ctx, ctx._("From"), window.start, lambda text: setattr(window, "start", text),
                   expand=1, dense=True),
        time_field(ctx, ctx._("To"), window.end, lambda text: setattr(window, "end", text), expand=1, dense=True),
        ft.IconButton(icon=ft.Icon(ft.Icons.DELETE_OUTLINE, semantics_label=ctx._("Remove")), tooltip=ctx._("Remove"),
                      on_click=lambda e: _remove_window(form, weekday, window, state)),
    ], spacing=8, wrap=False)


def _day(ctx: AppContext, form: Form, weekday: int, full: bool, state: AvailabilityState) -> ft.Control:
    name = ctx.tr.babel_locale.days["format"]["wide"][weekday]  # 0 = Monday, in the reader's language
    # Translators: {day} is a weekday ("Monday"); the button adds a time window on that day.
    add = ctx._("Add hours on {day}", day=name)
    heading = ft.Row([
        # A heading of its own (screen readers jump between days; every day the same style).
        ft.Semantics(container=True, header=True, expand=True,
                     content=ctx.typo.text(name, 16, weight=ft.FontWeight.W_600, no_wrap=True)),
        ft.IconButton(icon=ft.Icon(ft.Icons.ADD_CIRCLE_OUTLINE, semantics_label=add), tooltip=add, disabled=full,
                      on_click=lambda e: _add_window(form, weekday, state)),
    ])
    return ft.Column([heading, *(_window_row(ctx, form, weekday, w, state) for w in form.week[weekday])],
                     spacing=6)


def _week_section(ctx: AppContext, form: Form, state: AvailabilityState) -> ft.Control:
    full = sum(len(entries) for entries in form.week) >= MAX_WINDOWS
    return section(ctx, ctx._("Each week"), [
        ctx.typo.text(ctx._("Add the hours you can work on each day; a day can have several time windows (at "
                            "most {count} a week). If you add none, you can be rostered at any time. An end time "
                            "before the start time runs past midnight.", count=MAX_WINDOWS), 14,
                      color=ft.Colors.GREY_700),
        *(_day(ctx, form, weekday, full, state) for weekday in range(7)),
        big_button(ctx, ctx._("Save availability"), lambda e: _save_week(ctx, form), icon=ft.Icons.SAVE),
    ])


def _add_days_off(ctx: AppContext, form: Form, state: AvailabilityState) -> None:
    try:  # issue 10, pickers: the same words as under the field (how to write it, or pick it)
        first = parse_day(ctx, form.first_day)
        if first is None:
            raise InputError(day_error(ctx))
        last = parse_day(ctx, form.last_day) or first
    except InputError as exc:
        ctx.notify(exc.message, error=True)
        return
    added: list[str] = []
    ctx.act(lambda: added.append(_actions(ctx).add_days_off(first, last, form.note)), ctx._("Days off saved."))
    if added:  # refused: what was typed stays, to be fixed
        form.first_day = form.last_day = form.note = ""
        state.revision += 1


def _remove(ctx: AppContext, day_off_id: str, state: AvailabilityState) -> None:
    ctx.act(lambda: _actions(ctx).remove_days_off(day_off_id), ctx._("Removed."))
    state.revision += 1


def _day_field(ctx: AppContext, label: str, form: Form, name: str, today: date) -> ft.Control:
    """Issue 10, pickers: typed as YYYY-MM-DD or picked on the calendar (from today to the end of
    the year after next: days off are marked ahead)."""
    return date_field(ctx, label, getattr(form, name), lambda text: setattr(form, name, text), dense=True,
                      first=today, last=date(today.year + 2, 12, 31))


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
        _day_field(ctx, ctx._("First day (YYYY-MM-DD)"), form, "first_day", today),
        _day_field(ctx, ctx._("Last day (leave empty for one day)"), form, "last_day", today),
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
        _week_section(ctx, form, state),
        _days_off_section(ctx, form, state),
    ], back=True)
