"""Timesheet exports for payroll: CSV and Excel.

One row per staff-day, then a totals row per staff member. Hours are decimal hours with
two decimals (8 h 30 min = 8.50), rounded half up; a totals row is rounded from the exact
total, so it can differ by 0.01 from the sum of the rounded rows. Times are local to the
timesheet's store zone, as the domain computed them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.attendance import late_minutes
from app.domain.timesheet import DayLine, Timesheet

#: Column keys, in order. ``locale_labels`` maps these (and "total") to header text.
COLUMNS: tuple[str, ...] = (
    "user_id", "name", "date", "first_in", "last_out", "worked_hours", "break_hours",
    "late_minutes", "regular_hours", "daily_overtime_hours", "weekly_overtime_hours",
    "overtime_hours", "flags",
)
DEFAULT_LABELS: dict[str, str] = {
    "user_id": "Staff ID",
    "name": "Name",
    "date": "Date",
    "first_in": "First in",
    "last_out": "Last out",
    "worked_hours": "Worked (h)",
    "break_hours": "Breaks (h)",
    "late_minutes": "Late (min)",
    "regular_hours": "Regular (h)",
    "daily_overtime_hours": "Daily OT (h)",
    "weekly_overtime_hours": "Weekly OT (h)",
    "overtime_hours": "Overtime (h)",
    "flags": "Flags",
    "total": "Total",
}
_CENT = Decimal("0.01")
# A cell starting with one of these is run as a formula by spreadsheet apps (CSV
# injection); such text is prefixed with an apostrophe in CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | date | datetime | None


def hours(value: timedelta) -> Decimal:
    """Decimal hours, two places, half up."""
    return (Decimal(value.total_seconds()) / 3600).quantize(_CENT, rounding=ROUND_HALF_UP)


def _labels(locale_labels: Mapping[str, str] | None) -> dict[str, str]:
    labels = dict(DEFAULT_LABELS)
    if locale_labels:
        unknown = set(locale_labels) - set(DEFAULT_LABELS)
        if unknown:
            raise ValueError(f"unknown label keys: {', '.join(sorted(unknown))}")
        labels.update(locale_labels)
    return labels


def _day_row(line: DayLine, name: str) -> list[Cell]:
    return [
        line.user_id, name, line.day, line.first_in, line.last_out,
        hours(line.worked), hours(line.breaks), late_minutes(line.late), hours(line.regular),
        hours(line.daily_overtime), hours(line.weekly_overtime), hours(line.overtime),
        " ".join(line.flags),
    ]


def _total_row(sheet: Timesheet, name: str, label: str) -> list[Cell]:
    t = sheet.totals
    flags = dict.fromkeys(f for line in sheet.lines for f in line.flags)
    return [
        sheet.user_id, name, label, None, None,
        hours(t.worked), hours(t.breaks), late_minutes(t.late), hours(t.regular),
        hours(t.daily_overtime), hours(t.weekly_overtime), hours(t.overtime), " ".join(flags),
    ]


def _rows(
    timesheets: Iterable[Timesheet], names: Mapping[str, str] | None, total_label: str
) -> list[tuple[bool, list[Cell]]]:
    """(is_total, cells) for every row after the header."""
    rows: list[tuple[bool, list[Cell]]] = []
    for sheet in timesheets:
        name = (names or {}).get(sheet.user_id, "")
        rows.extend((False, _day_row(line, name)) for line in sheet.lines)
        rows.append((True, _total_row(sheet, name, total_label)))
    return rows


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def to_csv(
    timesheets: Iterable[Timesheet],
    *,
    locale_labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> bytes:
    """Timesheets as CSV bytes.

    UTF-8 with a byte-order mark, because Excel opens BOM-less UTF-8 as the local code
    page and garbles Chinese names. CRLF line ends, comma separated.

    Args:
        timesheets: one per staff member.
        locale_labels: header text by column key (see ``COLUMNS``) and "total" for the
            totals rows' date cell; missing keys keep the English default.
        names: display name by user id (e.g. "陳大文").

    Raises:
        ValueError: on an unknown label key.
    """
    labels = _labels(locale_labels)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([labels[key] for key in COLUMNS])
    for _, cells in _rows(timesheets, names, labels["total"]):
        writer.writerow([_csv_text(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default fonts.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def to_xlsx(
    timesheets: Iterable[Timesheet],
    *,
    locale_labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> bytes:
    """Timesheets as an .xlsx workbook (one sheet, "Timesheet").

    The header and totals rows are bold, the header is frozen, hours are numbers shown
    with two decimals, dates and times are real Excel dates (local, as Excel has no time
    zones), and columns are sized to their content. Text is always stored as text, never
    as a formula. Arguments as for ``to_csv``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    labels = _labels(locale_labels)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Timesheet"
    bold = Font(bold=True)
    widths = [_display_width(labels[key]) for key in COLUMNS]

    sheet.append([labels[key] for key in COLUMNS])
    for cell in sheet[1]:
        cell.font = bold
    for row_index, (is_total, cells) in enumerate(_rows(timesheets, names, labels["total"]), 2):
        for col_index, value in enumerate(cells, 1):
            cell = sheet.cell(row=row_index, column=col_index)
            if isinstance(value, datetime):
                cell.value = value.replace(tzinfo=None)
                cell.number_format = "yyyy-mm-dd hh:mm"
                shown = 16
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
                shown = 10
            elif isinstance(value, Decimal):
                cell.value = float(value)
                cell.number_format = "0.00"
                shown = len(f"{value:.2f}")
            elif isinstance(value, str):
                cell.value = value
                # openpyxl turns text starting with "=" into a formula; force text.
                cell.data_type = "s"
                shown = _display_width(value)
            else:
                cell.value = value
                shown = len(str(value)) if value is not None else 0
            if is_total:
                cell.font = bold
            widths[col_index - 1] = max(widths[col_index - 1], shown)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
