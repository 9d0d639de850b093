"""Home: today's shift, clock status, unread broadcasts, open tasks. All from the local DB."""

from datetime import datetime, time, timedelta

import flet as ft

from app.domain import attendance
from app.store import queries
from app.store.task_reminders import overdue_reminders  # issue 12, taskrecur
from app.ui import not_acknowledged, shift_news
from app.ui import training_reminders as expiring  # issue 13, trainremind
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext


def local_day_start(ctx: AppContext, now: datetime | None = None) -> datetime:
    """Midnight of today in the store's time zone."""
    local = ctx.tr.to_local(now or ctx.tr.now())
    return datetime.combine(local.date(), time(0), local.tzinfo)


def shift_line(ctx: AppContext, shift: queries.Shift) -> str:
    # Translators: a shift: {start} and {end} are times ("09:00"), {store} is the store's name.
    return ctx._("{start}–{end} at {store}", start=ctx.tr.format_time(shift.starts_at, "short"),
                 end=ctx.tr.format_time(shift.ends_at, "short"), store=shift.store_name)


def clock_status(ctx: AppContext, punches: list[attendance.Punch]) -> str:
    """Where the person stands after their punches, in words (Home and Clock)."""
    state = attendance.state_of(punches)
    if state is attendance.AttendanceState.OUT:
        return ctx._("Not clocked in")
    if state is attendance.AttendanceState.ON_BREAK:
        return ctx._("On break")
    since = next((p.at for p in reversed(punches) if p.kind is attendance.PunchKind.CLOCK_IN), None)
    return ctx._("Clocked in since {time}", time=ctx.tr.format_time(since, "short")) if since else ctx._("Clocked in")


def _task_section(ctx: AppContext, open_tasks: list, overdue: list) -> ft.Control:
    """Open tasks; issue 12, taskrecur: those I was reminded of (past due, still open) first."""
    t = ctx.typo
    task_rows = [ft.Row([ft.Icon(ft.Icons.ALARM, size=18, color=ft.Colors.RED_900),
                         # Translators: Home, a task past its due time; {title} is the task's title.
                         t.text(ctx._("Overdue: {title}", title=r.title), 15, expand=True, color=ft.Colors.RED_900,
                                weight=ft.FontWeight.W_600)]) for r in overdue[:5]]
    task_rows += [ft.Row([ft.Icon(ft.Icons.RADIO_BUTTON_UNCHECKED, size=18), t.text(task.title, 15, expand=True)])
                  for task in open_tasks[:5]]
    # Translators: section title; {count} is the number of open tasks.
    return section(ctx, ctx._("Open tasks ({count})", count=ctx.tr.format_number(len(open_tasks))),
                   task_rows or [t.text(ctx._("Nothing to do right now."), 15)])


def view(ctx: AppContext) -> ft.View:
    t, user = ctx.typo, ctx.user
    with ctx.store.reading() as db:
        today = queries.todays_shift(db, user["id"], local_day_start(ctx))
        unread = queries.broadcasts(db, user["id"], unread_only=True)
        reminded = queries.reminded_ids(db, user["id"])  # issue 11, bcfollow: those first
        store_names = queries.store_names(db)
        open_tasks = queries.tasks(db, user["store_ids"], open_only=True)
        overdue = overdue_reminders(db, user["id"])  # issue 12, taskrecur
        punches = queries.punches(db, [user["id"]], ctx.tr.now() - timedelta(days=2))
    unread.sort(key=lambda b: b.id not in reminded)
    clocked_out = attendance.state_of(punches) is attendance.AttendanceState.OUT
    body: list[ft.Control] = [
        t.text(ctx._("Hello, {name}", name=user["name"]), 22, weight=ft.FontWeight.BOLD),
        t.text(ctx.tr.format_date(ctx.tr.now(), "full"), 15, color=ft.Colors.GREY_800),
    ]
    shift_rows = [t.text(shift_line(ctx, today), 17)] if today else [t.text(ctx._("No shift today"), 16)]
    body.append(section(ctx, ctx._("Today's shift"), [
        *shift_rows,
        ft.Row([ft.Icon(ft.Icons.LOGOUT if clocked_out else ft.Icons.LOGIN, color=ft.Colors.GREY_700),
                t.text(clock_status(ctx, punches), 15)]),
    ]))
    items: list[ft.Control] = []
    for b in unread[:5]:
        # Issue 10, shiftnews: a shift change is written here, in the reader's language.
        items.append(ft.Column([
            *([t.text(ctx._("Reminder: please read this"), 14, color=ft.Colors.ORANGE_900,
                      weight=ft.FontWeight.W_600)] if b.id in reminded else []),
            t.text(shift_news.title(ctx, b), 16, weight=ft.FontWeight.W_600),
            *[t.text(line, 14, max_lines=3) for line in shift_news.lines(ctx, b)],
            t.text(ctx.tr.join(b.author_name, b.created_at and ctx.tr.format_datetime(b.created_at, 'short')),
                   12, color=ft.Colors.GREY_700),
            ft.Row([*shift_news.open_button(ctx, b),
                    big_button(ctx, ctx._("Mark as read"), filled=False, icon=ft.Icons.DONE,
                               on_click=lambda e, bid=b.id: ctx.act(lambda: ctx.actions.mark_broadcast_read(bid)))],
                   wrap=True),
        ], spacing=4))
    if not items:
        items = [t.text(ctx._("You have read every broadcast."), 15)]
    title = ctx.tr.ngettext("{count} unread broadcast", "{count} unread broadcasts", len(unread))
    # Issue 11, broadcasts: every broadcast, read ones too, stays on the Broadcasts screen.
    items.append(big_button(ctx, ctx._("All broadcasts"), lambda e: ctx.page.navigate("/broadcasts"),
                            icon=ft.Icons.CAMPAIGN, filled=False))
    body.append(section(ctx, title, items))
    if (late := not_acknowledged.home_section(ctx, store_names)) is not None:  # issue 11, bcfollow
        body.append(late)
    body.append(_task_section(ctx, open_tasks, overdue))
    body += expiring.home_sections(ctx, ctx.tr.now())  # issue 13, trainremind
    if ctx.is_manager:  # the manager's own clock, shifts and tasks live here, not in the bar
        body.append(ft.Row([
            big_button(ctx, ctx._("Clock"), lambda e: ctx.page.navigate("/clock"), icon=ft.Icons.FINGERPRINT, filled=False),
            big_button(ctx, ctx._("Shifts"), lambda e: ctx.page.navigate("/shifts"), icon=ft.Icons.CALENDAR_MONTH, filled=False),
            big_button(ctx, ctx._("Tasks"), lambda e: ctx.page.navigate("/tasks"), icon=ft.Icons.CHECKLIST, filled=False),
            big_button(ctx, ctx._("Roster"), lambda e: ctx.page.navigate("/roster"), icon=ft.Icons.EVENT_NOTE, filled=False),
            # issue 12, insprun: area managers and HQ inspect stores; store managers read the results
            big_button(ctx, ctx._("Inspections"), lambda e: ctx.page.navigate("/inspections"),
                       icon=ft.Icons.FACT_CHECK, filled=False),
        ], wrap=True))
    return frame(ctx, "/home", ctx._("Home"), body)


__all__ = ["clock_status", "local_day_start", "shift_line", "view"]
