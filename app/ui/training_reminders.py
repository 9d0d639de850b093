"""Issue 13, trainremind: training expiry reminders, worded on the phone in its reader's language
from the pulled fields (course, expiry): mine on Home and My training; on a manager's Home, the
people of their stores whose training expires soon, opening Team -> Who is trained."""

from datetime import datetime

import flet as ft

from app.store.training_reminders import ExpiryReminder, my_expiry_reminders, team_expiry_reminders
from app.ui.chrome import big_button, section
from app.ui.context import AppContext

MATRIX_ROUTE = "/training-matrix"  # Team -> Who is trained (app/ui/screens/training_matrix.py)
SHOWN = 5


def _days_left(ctx: AppContext, reminder: ExpiryReminder, now: datetime) -> int:
    return max(0, (ctx.tr.to_local(reminder.expires_at).date() - ctx.tr.to_local(now).date()).days)


def my_line(ctx: AppContext, reminder: ExpiryReminder, now: datetime) -> str:
    # Translators: a training reminder; {course} is a course's title, {count} days, {date} the expiry day.
    return ctx.tr.ngettext("{course} expires in {count} day (on {date}). Book a session.",
                           "{course} expires in {count} days (on {date}). Book a session.",
                           _days_left(ctx, reminder, now), course=reminder.course_title,
                           date=ctx.tr.format_date(reminder.expires_at, "medium"))


def team_line(ctx: AppContext, reminder: ExpiryReminder) -> str:
    # Translators: a manager's list; {person} is a name, {course} a course's title, {date} the expiry day.
    return ctx._("{person}: {course}, expires on {date}", person=reminder.person_name,
                 course=reminder.course_title, date=ctx.tr.format_date(reminder.expires_at, "medium"))


def my_rows(ctx: AppContext, reminders: list[ExpiryReminder], now: datetime) -> list[ft.Control]:
    t = ctx.typo
    return [ft.Row([ft.Icon(ft.Icons.EVENT_BUSY, size=18, color=ft.Colors.RED_900),
                    t.text(my_line(ctx, r, now), 15, expand=True, color=ft.Colors.RED_900, weight=ft.FontWeight.W_600)])
            for r in reminders[:SHOWN]]


def home_sections(ctx: AppContext, now: datetime) -> list[ft.Control]:
    """Home's training reminders: mine, and a manager's list of their people's (none: nothing shown)."""
    with ctx.store.reading() as db:
        mine = my_expiry_reminders(db, ctx.user["id"], now)
        team = team_expiry_reminders(db, ctx.user["id"], now) if ctx.is_manager else []
    out: list[ft.Control] = []
    if mine:
        out.append(section(ctx, ctx._("My training"), my_rows(ctx, mine, now)))
    if team:
        t = ctx.typo
        rows: list[ft.Control] = [
            ft.Row([ft.Icon(ft.Icons.EVENT_BUSY, size=18), t.text(team_line(ctx, r), 15, expand=True)])
            for r in team[:SHOWN]]
        rows.append(big_button(ctx, ctx._("Who is trained"), lambda e: ctx.page.navigate(MATRIX_ROUTE),
                               icon=ft.Icons.SCHOOL, filled=False))
        out.append(section(ctx, ctx._("Training expiring soon"), rows))
    return out
