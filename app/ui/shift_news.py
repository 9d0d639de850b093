"""Issue 10, shiftnews: a "shift change" broadcast in the reader's language. The server sends only
which shifts changed and how; the words, dates and times are written here from this phone's
copy of the shifts. Issue 11, bcwrite: any other broadcast in the reader's language too, when its
sender added that language's version (else as written)."""

from datetime import timedelta

import flet as ft

from app.domain import roster
from app.domain.broadcasts import Version, in_language
from app.store.queries import Broadcast, ShiftNewsLine
from app.ui.chrome import big_button
from app.ui.context import AppContext

SHIFT_CHANGE = "shift_change"


def version(ctx: AppContext, b: Broadcast) -> Version:
    """Issue 11, bcwrite: the sender's version in my language, else the original."""
    return in_language(b.title, b.body, b.translations, ctx.tr.locale)


def title(ctx: AppContext, b: Broadcast, *, original: bool = False) -> str:
    """The heading: "Your shifts changed" for its reader, "Shift change for Siti" for a manager;
    any other broadcast's title in my language (``original``: as written)."""
    if b.kind != SHIFT_CHANGE:
        return b.title if original else version(ctx, b).title
    if not b.recipients or any(uid == ctx.user["id"] for uid, _ in b.recipients):
        return ctx._("Your shifts changed")
    # Translators: a manager's list of sent broadcasts; {name} is the person whose shifts changed.
    return ctx._("Shift change for {name}", name=ctx.tr.join(*(name for _, name in b.recipients)))


def _line(ctx: AppContext, line: ShiftNewsLine) -> str:
    s = line.shift
    day, hours = ctx.tr.format_skeleton("MMMEd", s.starts_at), ctx.tr.format_interval(s.starts_at, s.ends_at, "Hm")
    if line.change == roster.ADDED:
        # Translators: {day} is a date ("Mon, 4 Jan"), {time} a shift's hours ("09:00 – 17:00").
        return ctx._("New shift: {day}, {time}", day=day, time=hours)
    if line.change == roster.REMOVED:
        # Translators: {day} is a date ("Mon, 4 Jan"), {time} a shift's hours ("09:00 – 17:00").
        return ctx._("Cancelled shift: {day}, {time}", day=day, time=hours)
    # Translators: {day} is a date ("Mon, 4 Jan"), {time} a shift's hours ("09:00 – 17:00").
    return ctx._("Changed shift: {day}, {time}", day=day, time=hours)


def lines(ctx: AppContext, b: Broadcast, *, original: bool = False) -> list[str]:
    """One line per linked shift this phone holds (date, hours, added/changed/cancelled); any
    other broadcast's text in my language (``original``: as written)."""
    if b.kind != SHIFT_CHANGE:
        body = b.body if original else version(ctx, b).body
        return [body] if body else []
    return [_line(ctx, line) for line in b.shift_lines if line.shift is not None]


def week_offset(ctx: AppContext, b: Broadcast) -> int:
    """Weeks from this one to the week of the first linked shift (My shifts opens there)."""
    shifts = [line.shift for line in b.shift_lines if line.shift is not None]
    if not shifts:
        return 0
    this_monday = roster.week_start(ctx.tr.to_local(ctx.tr.now()).date())
    first = roster.week_start(ctx.tr.to_local(shifts[0].starts_at).date())
    return (first - this_monday) // timedelta(weeks=1)


def open_button(ctx: AppContext, b: Broadcast) -> list[ft.Control]:
    """"My shifts", opened on the week of the change (only on a shift change)."""
    if b.kind != SHIFT_CHANGE:
        return []
    from app.ui.screen_state import screen_state  # the shifts screen loads on demand (web start)
    from app.ui.screens import shifts

    def go(e) -> None:
        screen_state(ctx, shifts.ROUTE, shifts.MyShiftsState).week = week_offset(ctx, b)
        ctx.page.navigate(shifts.ROUTE)

    return [big_button(ctx, ctx._("My shifts"), go, icon=ft.Icons.CALENDAR_MONTH, filled=False)]
