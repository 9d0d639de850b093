"""Timesheet exports for payroll: CSV and Excel.

One row per staff-day, then a totals row per staff member. Hours are decimal hours with
two decimals (8 h 30 min = 8.50), rounded half up; a totals row is rounded from the exact
total, so it can differ by 0.01 from the sum of the rounded rows. Times are local to the
timesheet's store zone, as the domain computed them. Headers, the totals label and the
flags are in the reader's language, flags in the words the app shows (``app.i18n.flags``),
and people are named by staff number and name, never by internal id.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.attendance import late_minutes
from app.domain.timesheet import DayLine, Timesheet
from app.i18n import MessageMap, N_, Translator
from app.i18n.flags import flag_words

#: Column keys, in order; ``LABELS`` says each (and "total") in the reader's language.
COLUMNS: tuple[str, ...] = (
    "staff_no", "name", "date", "first_in", "last_out", "worked_hours", "break_hours",
    "late_minutes", "regular_hours", "daily_overtime_hours", "weekly_overtime_hours",
    "overtime_hours", "flags",
)
LABELS = MessageMap({
    "staff_no": N_("Staff number"),
    "name": N_("Name"),
    "date": N_("Date"),
    "first_in": N_("First in"),
    "last_out": N_("Last out"),
    # Translators: column of a timesheet export; (h) means the value is in hours.
    "worked_hours": N_("Worked (h)"),
    "break_hours": N_("Breaks (h)"),
    # Translators: column of a timesheet export; (min) means the value is in minutes.
    "late_minutes": N_("Late (min)"),
    "regular_hours": N_("Regular (h)"),
    # Translators: column of a timesheet export: overtime beyond the daily hours, in hours.
    "daily_overtime_hours": N_("Daily OT (h)"),
    # Translators: column of a timesheet export: overtime beyond the weekly hours, in hours.
    "weekly_overtime_hours": N_("Weekly OT (h)"),
    "overtime_hours": N_("Overtime (h)"),
    "flags": N_("Flags"),
    # Translators: the date cell of a person's totals row in a timesheet export.
    "total": N_("Total"),
})
#: The sheet's name in the workbook (Excel allows 31 characters).
SHEET_TITLE = N_("Timesheet")
_CENT = Decimal("0.01")
# A cell starting with one of these is run as a formula by spreadsheet apps (CSV
# injection); such text is prefixed with an apostrophe in CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | date | datetime | None


def hours(value: timedelta) -> Decimal:
    """Decimal hours, two places, half up."""
    return (Decimal(value.total_seconds()) / 3600).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Words:
    """What the export writes in words: headers, flags, staff numbers and names."""

    tr: Translator
    names: Mapping[str, str]
    staff_numbers: Mapping[str, str]

    def label(self, key: str) -> str:
        return LABELS.text(self.tr, key)

    def flags(self, flags: Iterable[str]) -> str:
        # The words the app shows (app.i18n.flags), never the codes.
        return "; ".join(flag_words(self.tr, flags))


def _words(translator: Translator | None, names: Mapping[str, str] | None,
           staff_numbers: Mapping[str, str] | None) -> _Words:
    return _Words(translator or Translator("en"), names or {}, staff_numbers or {})


def _day_row(line: DayLine, words: _Words) -> list[Cell]:
    return [
        words.staff_numbers.get(line.user_id, ""), words.names.get(line.user_id, ""), line.day, line.first_in, line.last_out,
        hours(line.worked), hours(line.breaks), late_minutes(line.late), hours(line.regular),
        hours(line.daily_overtime), hours(line.weekly_overtime), hours(line.overtime),
        words.flags(line.flags),
    ]


def _total_row(sheet: Timesheet, words: _Words) -> list[Cell]:
    t = sheet.totals
    flags = dict.fromkeys(f for line in sheet.lines for f in line.flags)
    return [
        words.staff_numbers.get(sheet.user_id, ""), words.names.get(sheet.user_id, ""),
        words.label("total"), None, None,
        hours(t.worked), hours(t.breaks), late_minutes(t.late), hours(t.regular),
        hours(t.daily_overtime), hours(t.weekly_overtime), hours(t.overtime), words.flags(flags),
    ]


def _rows(timesheets: Iterable[Timesheet], words: _Words) -> list[tuple[bool, list[Cell]]]:
    """(is_total, cells) for every row after the header."""
    rows: list[tuple[bool, list[Cell]]] = []
    for sheet in timesheets:
        rows.extend((False, _day_row(line, words)) for line in sheet.lines)
        rows.append((True, _total_row(sheet, words)))
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
    translator: Translator | None = None,
    names: Mapping[str, str] | None = None,
    staff_numbers: Mapping[str, str] | None = None,
) -> bytes:
    """Timesheets as CSV bytes.

    UTF-8 with a byte-order mark, because Excel opens BOM-less UTF-8 as the local code
    page and garbles Chinese names. CRLF line ends, comma separated.

    Args:
        timesheets: one per staff member.
        translator: the reader's language (the manager's) for headers, the totals label
            and flag words; None is English.
        names: display name by user id (e.g. "陳大文").
        staff_numbers: staff number by user id (the number payroll knows, never the
            internal id).
    """
    words = _words(translator, names, staff_numbers)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([words.label(key) for key in COLUMNS])
    for _, cells in _rows(timesheets, words):
        writer.writerow([_csv_text(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(text: str) -> str:
    # Excel refuses these characters in a sheet name, and names longer than 31.
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Timesheet"


def _display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default fonts.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def to_xlsx(
    timesheets: Iterable[Timesheet],
    *,
    translator: Translator | None = None,
    names: Mapping[str, str] | None = None,
    staff_numbers: Mapping[str, str] | None = None,
) -> bytes:
    """Timesheets as an .xlsx workbook (one sheet, "Timesheet" in the reader's language).

    The header and totals rows are bold, the header is frozen, hours are numbers shown
    with two decimals, dates and times are real Excel dates (local, as Excel has no time
    zones), and columns are sized to their content. Text is always stored as text, never
    as a formula. Arguments as for ``to_csv``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    words = _words(translator, names, staff_numbers)
    header = [words.label(key) for key in COLUMNS]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(words.tr.gettext(SHEET_TITLE))
    bold = Font(bold=True)
    widths = [_display_width(text) for text in header]

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = bold
    for row_index, (is_total, cells) in enumerate(_rows(timesheets, words), 2):
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
