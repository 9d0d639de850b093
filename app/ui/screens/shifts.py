"""My shifts: one week at a time (today marked), each shift with its store, role and who else
is on; tap a shift for its detail. Hours this week and this month. Read from the device's
database (``app.store.roster_view``), so it works offline; a shift belongs to its start day."""

from dataclasses import dataclass
from datetime import date, timedelta

import flet as ft

from app.domain import roster
from app.i18n import is_rtl
from app.store import roster_view
from app.store.queries import Shift
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens import open_shifts

ROUTE = "/shifts"


@ft.observable
@dataclass
class MyShiftsState:
    """Which week is shown (0: this one) and which shift is open."""

    week: int = 0
    open_id: str | None = None
    revision: int = 0  # issue 10, openshifts: raised after a claim, to read the database again


def shift_span_text(ctx: AppContext, s: Shift) -> str:
    """"22:00 – 06:00" (an overnight shift shows its end on the next morning)."""
    return ctx.tr.format_interval(s.starts_at, s.ends_at, "Hm")


def week_nav(ctx: AppContext, monday: date, move) -> ft.Control:
    """Previous / this week's dates / next."""
    def arrow(icon: ft.IconData, label: str, step: int) -> ft.Control:
        return ft.IconButton(icon=ft.Icon(icon, semantics_label=label), tooltip=label, on_click=lambda e: move(step))

    back, forward = ft.Icons.CHEVRON_LEFT, ft.Icons.CHEVRON_RIGHT
    if is_rtl(ctx.tr.locale):  # the arrows point the way the week reads
        back, forward = forward, back
    return ft.Row([
        arrow(back, ctx._("Previous week"), -1),
        # Translators: {date} is the Monday a roster week starts on.
        ctx.typo.text(ctx._("Week of {date}", date=ctx.tr.format_date(monday, "medium")), 16,
                      weight=ft.FontWeight.BOLD),
        arrow(forward, ctx._("Next week"), 1),
    ], alignment=ft.MainAxisAlignment.SPACE_BETWEEN)


def _detail(ctx: AppContext, row: roster_view.MyShift) -> list[ft.Control]:
    t, s = ctx.typo, row.shift
    others = ctx.tr.format_list(row.others) if row.others else ctx._("Nobody else is on.")
    return [t.text(ctx.tr.format_date(s.starts_at, "full"), 15),
            t.text(ctx._("Role: {role}", role=s.role or "—"), 14),
            t.text(ctx._("Also on: {names}", names=others), 14),
            # Issue 10, trades: what can be done with it (app/ui/screens/trades.py).
            ft.TextButton(content=t.text(ctx._("Offer or ask for cover"), 15),
                          on_click=lambda e: ctx.page.navigate(f"/shifts/{s.id}"))]


def _shift_tile(ctx: AppContext, row: roster_view.MyShift, state: MyShiftsState) -> ft.Control:
    s, t = row.shift, ctx.typo
    is_open = state.open_id == s.id

    def toggle(e) -> None:
        state.open_id = None if is_open else s.id

    hours = (s.ends_at - s.starts_at).total_seconds() / 3600
    # Translators: a shift's length; {hours} is a number such as 8.5 (short).
    length = ctx._("{hours} h", hours=ctx.tr.format_decimal(hours))
    # Its own button node: a bare tappable Container gave its tap to the whole week's node,
    # so a screen reader (and a test) could not tap one shift. Issue 10, tradeflow.
    summary = ft.Semantics(container=True, button=True, expanded=is_open, content=ft.Container(
        t.text(ctx.tr.join(shift_span_text(ctx, s), length, s.store_name, s.role), 15), on_click=toggle))
    lines = [summary, *(_detail(ctx, row) if is_open else [])]
    return ft.Container(ft.Column(lines, spacing=2), padding=ft.Padding(8, 6, 8, 6), border_radius=8,
                        bgcolor=ft.Colors.with_opacity(0.08, ft.Colors.BLUE_800) if is_open else None)


def _day(ctx: AppContext, day: date, rows: list[roster_view.MyShift], today: date,
         state: MyShiftsState) -> ft.Control:
    t = ctx.typo
    title = ctx.tr.format_date(day, "full")
    if day == today:
        title = ctx.tr.join(ctx._("Today"), title)
    body = [_shift_tile(ctx, r, state) for r in rows] or [t.text(ctx._("Day off"), 14, color=ft.Colors.GREY_700)]
    return ft.Container(ft.Column([t.text(title, 15, weight=ft.FontWeight.BOLD), *body], spacing=4),
                        border=ft.Border.all(2, ft.Colors.BLUE_800) if day == today else None,
                        border_radius=8, padding=6)


def my_shifts(ctx: AppContext, state: MyShiftsState) -> ft.Control:
    """The week view of my shifts, with my hours."""
    today = ctx.tr.to_local(ctx.tr.now()).date()
    monday = roster.week_start(today) + timedelta(weeks=state.week)
    with ctx.store.reading() as db:
        week = roster_view.my_week(db, ctx.user["id"], monday, today)

    def move(step: int) -> None:
        state.week += step

    hours = ctx._("{week} h this week, {month} h this month", week=ctx.tr.format_decimal(week.hours_week),
                  month=ctx.tr.format_decimal(week.hours_month))
    offered = open_shifts.staff_section(ctx, state)  # issue 10, openshifts
    return ft.Column([
        section(ctx, ctx._("Working hours"), [ctx.typo.text(hours, 15)]),
        *([offered] if offered else []),
        week_nav(ctx, monday, move),
        *[_day(ctx, day, rows, today, state) for day, rows in week.days],
    ], spacing=8)


def view(ctx: AppContext) -> ft.View:
    # Issue 10, trades: my requests and the colleagues' requests waiting for me.
    trades_link = ft.TextButton(content=ctx.typo.text(ctx._("Shift trades"), 15),
                                on_click=lambda e: ctx.page.navigate("/trades"))
    return frame(ctx, ROUTE, ctx._("My shifts"), [my_shifts(ctx, screen_state(ctx, ROUTE, MyShiftsState)),
                                                  trades_link])
