"""My punches and hours: this week and the last pay period, each day with its breaks, lateness
and flags in words, and "this looks wrong" to ask the store's managers to check a day.

Hours come from ``app.domain.timesheet`` (the same numbers as the manager's export), read from
this device's database, so the screen works offline; a request waits in the outbox.
"""

from datetime import UTC, date, datetime, time, timedelta

import flet as ft

from app.domain.attendance import FLAG_LATE, FLAG_MISSING_CLOCK_OUT, HONG_KONG, late_minutes
from app.domain.pay_period import last_pay_period, pay_period_kind
from app.domain.timesheet import DayLine, Timesheet, TimesheetRules, compute_timesheet
from app.i18n.flags import flag_words
from app.reports.timesheet_export import hours
from app.store import queries
from app.ui.chrome import frame, section
from app.ui.context import AppContext

ROUTE = "/me/punches"
RULES = TimesheetRules()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), HONG_KONG)


def my_timesheets(ctx: AppContext, now: datetime) -> tuple[Timesheet, Timesheet, dict[date, str]]:
    """This week's and the last pay period's timesheet, and the store each day was worked at."""
    uid, today = ctx.user["id"], now.astimezone(HONG_KONG).date()
    home_store = ctx.user.get("home_store_id") or (ctx.user["store_ids"] or [""])[0]
    with ctx.store.reading() as db:
        period = last_pay_period(today, pay_period_kind(queries.pay_period_setting(db, home_store)))
        since = _midnight(RULES.week_of(period[0])) - timedelta(days=1)  # weekly overtime needs the whole week
        punches = queries.punches(db, [uid], since)
        shifts = queries.shift_windows(None, queries.shifts_for_user(db, uid, since, now + timedelta(days=1)))
        fixes = queries.corrections(db, [uid])
    week = compute_timesheet(uid, punches, shifts, fixes, RULES.week_of(today), today, RULES, now=now)
    last = compute_timesheet(uid, punches, shifts, fixes, period[0], period[1], RULES, now=now)
    stores = {p.at.astimezone(HONG_KONG).date(): p.store_id for p in punches}
    stores |= {s.starts_at.astimezone(HONG_KONG).date(): s.store_id for s in shifts}
    days = {line.day for line in week.lines + last.lines}
    return week, last, {day: stores.get(day, home_store) for day in days}


def _span(ctx: AppContext, line: DayLine) -> str:
    """First in to last out; an open day without a missing clock-out is still at work."""
    tr = ctx.tr
    if line.first_in is None:
        return ""
    if line.last_out is not None:
        return tr.format_interval(line.first_in, line.last_out, "Hm")
    start = tr.format_time(line.first_in, "short")
    if line.open_shift and FLAG_MISSING_CLOCK_OUT not in line.flags:
        return tr.gettext("{start} – still at work", start=start)
    return start


def _day_tile(ctx: AppContext, line: DayLine, store_id: str) -> ft.Control:
    t, tr = ctx.typo, ctx.tr
    facts = [tr.gettext("Worked {hours} h, breaks {breaks} h", hours=tr.format_decimal(hours(line.worked)),
                        breaks=tr.format_decimal(hours(line.breaks)))]
    late = late_minutes(line.late)
    if late:
        facts.append(tr.ngettext("{count} minute late", "{count} minutes late", late))
    flags = tr.format_list(flag_words(tr, [f for f in line.flags if f != FLAG_LATE]))  # lateness is said above
    return ft.Column([
        t.text(tr.join(tr.format_date(line.day, "medium"), _span(ctx, line)), 15, weight=ft.FontWeight.BOLD),
        t.text(tr.join(*facts), 14),
        *([t.text(flags, 14, color=ft.Colors.RED_900)] if flags else []),
        *_ask_form(ctx, line.day, store_id),
    ], spacing=2)


def _sheet(ctx: AppContext, title: str, sheet: Timesheet, stores: dict[date, str]) -> ft.Control:
    tr, totals = ctx.tr, sheet.totals
    summary = tr.gettext("Total {hours} h worked, {overtime} h overtime",
                         hours=tr.format_decimal(hours(totals.worked)), overtime=tr.format_decimal(hours(totals.overtime)))
    days = [_day_tile(ctx, line, stores[line.day]) for line in reversed(sheet.lines)]
    return section(ctx, title, [ctx.typo.text(summary, 15), *(days or [ctx.typo.text(ctx._("No punches."), 15)])])


def _ask_form(ctx: AppContext, day: date, store_id: str) -> list[ft.Control]:
    """"This looks wrong" opens a line for what looks wrong on ``day``; Send queues it for the
    store's managers (offline too)."""
    message = ft.TextField(label=ctx._("What looks wrong?"), multiline=True, min_lines=2, visible=False,
                           text_style=ctx.typo.style(15))

    def open_form(e) -> None:
        message.visible = send.visible = True
        ask.visible = False
        ctx.page.update()

    def submit(e) -> None:
        if len((message.value or "").strip()) < 3:
            ctx.notify(ctx._("Write a few words for your manager."), error=True)
            return
        ctx.act(lambda: ctx.actions.ask_about_day(store_id, day, message.value), ctx._("Sent to your manager."))

    ask = ft.TextButton(ctx._("This looks wrong"), on_click=open_form)
    send = ft.FilledButton(ctx._("Send"), on_click=submit, visible=False)
    return [ask, message, send]


def view(ctx: AppContext) -> ft.View:
    now = datetime.now(UTC)
    week, last, stores = my_timesheets(ctx, now)
    tr = ctx.tr
    # Translators: {dates} is a date range such as "1–31 Oct 2026".
    period_title = tr.gettext("Last pay period ({dates})", dates=tr.format_interval(
        _midnight(last.start_date), _midnight(last.end_date), "yMMMd"))
    with ctx.store.reading() as db:
        asked = queries.timesheet_queries(db, user_id=ctx.user["id"])
    requests = [ctx.typo.text(f"{tr.format_date(date.fromisoformat(q['day']), 'medium')}: {q['message']}", 14)
                for q in asked]
    return frame(ctx, ROUTE, ctx._("My punches and hours"), [
        _sheet(ctx, ctx._("This week"), week, stores),
        _sheet(ctx, period_title, last, stores),
        section(ctx, ctx._("Your requests to your manager"), requests or [ctx.typo.text(ctx._("None."), 15)]),
    ], back=True)
