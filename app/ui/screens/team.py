"""Team (managers): today's attendance at my stores, and one-tap timesheet export."""

from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance, team_board
from app.domain.timesheet import compute_timesheet
from app.i18n.flags import STATUS_NAMES
from app.protocol import Flag
from app.store import queries
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.punch_view import flags_text, punch_times, shift_times
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


def _person_row(ctx: AppContext, row: team_board.TeamRow, name: str) -> ft.Control:
    """A person: status, shift and punch times, flags in words; tapping opens their last punch."""
    t, status = ctx.typo, row.line.status.value
    details = [shift_times(ctx, s.starts_at, s.ends_at) for s in row.shifts]
    if row.punches:
        details.append(punch_times(ctx, list(row.punches)))
    flags = [f for f in row.line.flags if f != Flag.LATE]
    lines = [t.text(line, 13) for line in details]
    if flags:
        lines.append(t.text(flags_text(ctx, flags), 13, color=ft.Colors.RED_900))
    last = row.last_punch
    return ft.ListTile(
        title=t.text(name, 15), subtitle=ft.Column(lines, spacing=2, tight=True),
        trailing=t.text(STATUS_NAMES.text(ctx.tr, status), 14, color=STATUS_COLOURS[status],
                        weight=ft.FontWeight.BOLD),
        on_click=(lambda e, pid=last.id: ctx.page.navigate(f"/team/{pid}")) if last else None)


def attendance_sections(ctx: AppContext, start: datetime) -> list[ft.Control]:
    """Today's attendance: one card, or one per store for those who look after several."""
    t, end = ctx.typo, start + timedelta(days=1)
    shifts, people, _, fixes = team_data(ctx, start, end)
    with ctx.store.reading() as db:
        # Punches at my stores, also of people from elsewhere working here off the roster.
        punches = queries.punches_at_stores(db, ctx.user["store_ids"], start - timedelta(days=1))
        windows = queries.shift_windows(None, shifts)
        on_today = team_board.people_on_today(windows, punches, start, end)
        known, store_names = queries.users_by_id(db, on_today), queries.store_names(db)
    homes = {uid: row["home_store_id"] for uid, row in known.items()}
    people |= {uid: row["name"] for uid, row in known.items() if uid not in people}
    lines = attendance.attendance_today(on_today, windows, punches, datetime.now(UTC), attendance.ShiftRules(),
                                        corrections=fixes)
    groups = team_board.board(lines, windows, punches, start, end, homes)
    title = ctx._("Today's attendance")
    if not groups:
        return [section(ctx, title, [t.text(ctx._("Nobody is rostered today."), 15)])]
    rows = {sid: [_person_row(ctx, r, people.get(r.line.user_id, r.line.user_id)) for r in group]
            for sid, group in groups.items()}
    if len(ctx.actor.store_ids) < 2:
        return [section(ctx, title, [c for group in rows.values() for c in group])]
    return [t.text(title, 17, weight=ft.FontWeight.BOLD)] + [
        section(ctx, store_names.get(sid, sid or ""), group) for sid, group in rows.items()]


def view(ctx: AppContext) -> ft.View:
    start = local_day_start(ctx)

    async def export(fmt: str) -> None:
        from app.reports.timesheet_export import to_csv, to_xlsx

        week_start = (start - timedelta(days=start.weekday() + 7)).date()  # last full week + this week
        end_day = start.date()
        sheets = [compute_timesheet(uid, [p for p in punches_all if p.user_id == uid],
                                    queries.shift_windows(None, [s for s in shifts_all if s.user_id == uid]),
                                    fixes_all, week_start, end_day, now=datetime.now(UTC))
                  for uid in people_all]
        with ctx.store.reading() as db:
            known = queries.users_by_id(db, list(people_all))
        numbers = {uid: row["staff_no"] for uid, row in known.items() if row["staff_no"]}
        data = (to_csv if fmt == "csv" else to_xlsx)(sheets, translator=ctx.tr, names=people_all,
                                                     staff_numbers=numbers)
        picker = ctx.page.data.setdefault("file_picker", ft.FilePicker())
        await picker.save_file(file_name=f"timesheet-{week_start}-{end_day}.{fmt}", src_bytes=data)

    shifts_all, people_all, punches_all, fixes_all = team_data(ctx, start - timedelta(days=14), start + timedelta(days=1))
    t = ctx.typo
    return frame(ctx, "/team", ctx._("Team"), [
        t.text(ctx.tr.format_date(ctx.tr.now(), "full"), 15, color=ft.Colors.GREY_800),
        *attendance_sections(ctx, start),
        big_button(ctx, ctx._("Open kiosk mode"), lambda e: ctx.page.navigate("/kiosk"), icon=ft.Icons.TABLET,
                   filled=False),
        section(ctx, ctx._("Training"), [  # issue 13, trainmanage
            ft.Row([big_button(ctx, ctx._("Training sessions"), lambda e: ctx.page.navigate("/training-sessions"),
                               icon=ft.Icons.SCHOOL, filled=False),
                    big_button(ctx, ctx._("Who is trained"), lambda e: ctx.page.navigate("/training-matrix"),
                               icon=ft.Icons.GRID_ON, filled=False)], wrap=True)]),
        section(ctx, ctx._("Timesheets"), [
            t.text(ctx._("Last week and this week, every person of your stores."), 14),
            ft.Row([big_button(ctx, ctx._("Export CSV"), lambda e: ctx.page.run_task(export, "csv"),
                               icon=ft.Icons.DOWNLOAD, filled=False),
                    big_button(ctx, ctx._("Export Excel"), lambda e: ctx.page.run_task(export, "xlsx"),
                               icon=ft.Icons.TABLE_VIEW, filled=False)], wrap=True),
        ]),
    ])
