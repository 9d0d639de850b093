"""Team (managers): today's attendance at my stores, and one-tap timesheet export."""

from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance
from app.domain.timesheet import compute_timesheet
from app.i18n.flags import STATUS_NAMES, flag_words
from app.protocol import Flag
from app.store import queries
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screens.home import local_day_start

STATUS_COLOURS = {"in": ft.Colors.GREEN_800, "late": ft.Colors.ORANGE_900, "on_break": ft.Colors.BLUE_800,
                  "absent": ft.Colors.RED_800, "not_yet": ft.Colors.GREY_700, "done": ft.Colors.GREY_800}


def team_data(ctx: AppContext, start: datetime, end: datetime):
    with ctx.store.reading() as db:
        shifts = queries.shifts_for_stores(db, ctx.user["store_ids"], start, end)
        people = queries.users_of_stores(db, ctx.user["store_ids"])
        people |= {s.user_id: s.user_name for s in shifts}
        punches = queries.punches(db, list(people), start - timedelta(days=1))
        fixes = queries.corrections(db, list(people))
    return shifts, people, punches, fixes


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    start = local_day_start(ctx)
    shifts, people, punches, fixes = team_data(ctx, start, start + timedelta(days=1))
    rostered = [uid for uid in dict.fromkeys(s.user_id for s in shifts)]
    lines = attendance.attendance_today(rostered, queries.shift_windows(None, shifts), punches,
                                        datetime.now(UTC), attendance.ShiftRules(), corrections=fixes)
    rows = []
    for line in lines:
        status = line.status.value
        flags = ctx.tr.format_list(flag_words(ctx.tr, [f for f in line.flags if f != Flag.LATE]))
        rows.append(ft.ListTile(
            title=t.text(people.get(line.user_id, line.user_id), 15),
            subtitle=t.text(flags, 13, color=ft.Colors.RED_900) if flags else None,
            trailing=t.text(STATUS_NAMES.text(ctx.tr, status), 14, color=STATUS_COLOURS[status],
                            weight=ft.FontWeight.BOLD),
        ))

    async def export(fmt: str) -> None:
        from app.reports.timesheet_export import to_csv, to_xlsx

        week_start = (start - timedelta(days=start.weekday() + 7)).date()  # last full week + this week
        end_day = start.date()
        sheets = [compute_timesheet(uid, [p for p in punches_all if p.user_id == uid],
                                    queries.shift_windows(None, [s for s in shifts_all if s.user_id == uid]),
                                    fixes_all, week_start, end_day, now=datetime.now(UTC))
                  for uid in people_all]
        with ctx.store.reading() as db:
            numbers = queries.staff_numbers(db, list(people_all))
        data = (to_csv if fmt == "csv" else to_xlsx)(sheets, translator=ctx.tr, names=people_all,
                                                     staff_numbers=numbers)
        picker = ctx.page.data.setdefault("file_picker", ft.FilePicker())
        await picker.save_file(file_name=f"timesheet-{week_start}-{end_day}.{fmt}", src_bytes=data)

    shifts_all, people_all, punches_all, fixes_all = team_data(ctx, start - timedelta(days=14), start + timedelta(days=1))
    return frame(ctx, "/team", ctx._("Team"), [
        t.text(ctx.tr.format_date(ctx.tr.now(), "full"), 15, color=ft.Colors.GREY_800),
        section(ctx, ctx._("Today's attendance"), rows or [t.text(ctx._("Nobody is rostered today."), 15)]),
        big_button(ctx, ctx._("Open kiosk mode"), lambda e: ctx.page.navigate("/kiosk"), icon=ft.Icons.TABLET,
                   filled=False),
        section(ctx, ctx._("Timesheets"), [
            t.text(ctx._("Last week and this week, every person of your stores."), 14),
            ft.Row([big_button(ctx, ctx._("Export CSV"), lambda e: ctx.page.run_task(export, "csv"),
                               icon=ft.Icons.DOWNLOAD, filled=False),
                    big_button(ctx, ctx._("Export Excel"), lambda e: ctx.page.run_task(export, "xlsx"),
                               icon=ft.Icons.TABLE_VIEW, filled=False)], wrap=True),
        ]),
    ])
