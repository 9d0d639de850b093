"""Timesheet exports: CSV (UTF-8 BOM) and XLSX read back with csv and openpyxl."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from app.domain.attendance import Punch, PunchKind
from app.domain.timesheet import compute_timesheet
from app.reports import to_csv, to_xlsx
from app.i18n import Translator
from app.reports.timesheet_export import COLUMNS, hours

HK = ZoneInfo("Asia/Hong_Kong")
MON = date(2026, 11, 23)
NAMES = {"u1": "陳大文", "u2": "Siti Nurhaliza"}
STAFF_NOS = {"u1": "S1001", "u2": "S1002"}
ENGLISH_HEADER = ["Staff number", "Name", "Date", "First in", "Last out", "Worked (h)", "Breaks (h)",
                  "Late (min)", "Regular (h)", "Daily OT (h)", "Weekly OT (h)", "Overtime (h)", "Flags"]


def hk(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=HK) + timedelta(hours=hour, minutes=minute)


def timesheets():
    """u1: Mon 09:00-18:20 with a 1 h break (8.33 h), Tue still open; u2: Mon 10 h (2 h OT)."""
    tue = MON + timedelta(days=1)
    p = [
        Punch("a", "u1", "central", PunchKind.CLOCK_IN, hk(MON, 9), flags=("outside",)),
        Punch("b", "u1", "central", PunchKind.BREAK_START, hk(MON, 12)),
        Punch("c", "u1", "central", PunchKind.BREAK_END, hk(MON, 13)),
        Punch("d", "u1", "central", PunchKind.CLOCK_OUT, hk(MON, 18, 20)),
        Punch("e", "u1", "central", PunchKind.CLOCK_IN, hk(tue, 9)),
        Punch("f", "u2", "central", PunchKind.CLOCK_IN, hk(MON, 8)),
        Punch("g", "u2", "central", PunchKind.CLOCK_OUT, hk(MON, 18)),
    ]
    return [compute_timesheet(u, p, [], [], MON, MON + timedelta(days=6)) for u in ("u1", "u2")]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_hours_are_rounded_half_up_to_two_decimals():
    """8 h 20 min is 8.33 h, 10 min is 0.17 h, 45 min is 0.75 h."""
    assert hours(timedelta(hours=8, minutes=20)) == Decimal("8.33")
    assert hours(timedelta(minutes=10)) == Decimal("0.17")
    assert hours(timedelta(minutes=45)) == Decimal("0.75")
    assert hours(timedelta(seconds=18)) == Decimal("0.01")  # 0.005 h rounds up


def test_csv_has_a_bom_and_one_row_per_staff_day_plus_totals():
    """CSV starts with the UTF-8 BOM, keeps Chinese names, and reads back with the csv module."""
    data = to_csv(timesheets(), names=NAMES, staff_numbers=STAFF_NOS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0] == ENGLISH_HEADER
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert [(r["staff_no"], r["date"]) for r in body] == [
        ("S1001", "2026-11-23"), ("S1001", "2026-11-24"), ("S1001", "Total"),
        ("S1002", "2026-11-23"), ("S1002", "Total")]
    mon = body[0]
    assert mon["name"] == "陳大文"
    assert (mon["first_in"], mon["last_out"]) == ("2026-11-23 09:00", "2026-11-23 18:20")
    assert (mon["worked_hours"], mon["break_hours"], mon["overtime_hours"]) == ("8.33", "1.00", "0.33")
    assert (mon["regular_hours"], mon["daily_overtime_hours"]) == ("8.00", "0.33")
    assert mon["flags"] == "outside the store"
    tue = body[1]
    assert (tue["last_out"], tue["worked_hours"], tue["flags"]) == ("", "0.00", "missing clock-out")
    total = body[2]
    assert (total["first_in"], total["worked_hours"], total["flags"]) == (
        "", "8.33", "outside the store; missing clock-out")
    assert body[4]["name"] == "Siti Nurhaliza"
    assert (body[4]["worked_hours"], body[4]["overtime_hours"]) == ("10.00", "2.00")
    assert data.count(b"\r\n") == len(rows)


def test_export_is_in_the_managers_language_with_staff_numbers_and_flag_words():
    """In Traditional Chinese: Chinese headers, 合計 totals, staff numbers, flags as the app words them."""
    tr = Translator("zh_Hant_HK")
    rows = read_csv(to_csv(timesheets(), translator=tr, names=NAMES, staff_numbers=STAFF_NOS))
    assert rows[0][:3] == [tr.gettext("Staff number"), tr.gettext("Name"), tr.gettext("Date")]
    assert rows[0][0] == "員工編號"
    assert not set(rows[0]) & set(ENGLISH_HEADER)
    assert rows[1][0] == "S1001" and "u1" not in {row[0] for row in rows}
    assert rows[1][-1] == tr.gettext("outside the store") != "outside the store"
    assert rows[3][2] == tr.gettext("Total") != "Total"
    ws = load_workbook(io.BytesIO(to_xlsx(timesheets(), translator=tr, staff_numbers=STAFF_NOS))).active
    assert [c.value for c in ws[1]] == rows[0]
    assert ws["A2"].value == "S1001" and ws.title == tr.gettext("Timesheet")


def test_csv_neutralises_formula_names():
    """A name starting with = is exported as text (apostrophe prefix), not as a formula."""
    rows = read_csv(to_csv(timesheets()[:1], names={"u1": "=HYPERLINK(\"x\")"}))
    assert rows[1][1] == "'=HYPERLINK(\"x\")"


def test_empty_export_has_only_the_header():
    """No timesheets: a header row only, in both formats."""
    assert read_csv(to_csv([])) == [ENGLISH_HEADER]
    ws = load_workbook(io.BytesIO(to_xlsx([]))).active
    assert ws.max_row == 1


def test_xlsx_round_trip():
    """XLSX: one sheet, bold frozen header, numeric hours with 2 decimals, real dates, Chinese names, widths."""
    wb = load_workbook(io.BytesIO(to_xlsx(timesheets(), names=NAMES, staff_numbers=STAFF_NOS)))
    assert wb.sheetnames == ["Timesheet"]
    ws = wb.active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == ENGLISH_HEADER
    assert all(c.font.bold for c in ws[1])
    rows = [dict(zip(COLUMNS, (c for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 5
    mon = rows[0]
    assert mon["name"].value == "陳大文"
    assert mon["date"].value == datetime(2026, 11, 23)
    assert mon["first_in"].value == datetime(2026, 11, 23, 9, 0)
    assert mon["last_out"].value == datetime(2026, 11, 23, 18, 20)
    assert mon["worked_hours"].value == pytest.approx(8.33)
    assert isinstance(mon["worked_hours"].value, float)
    assert mon["worked_hours"].number_format == "0.00"
    assert mon["late_minutes"].value == 0
    assert not mon["worked_hours"].font.bold
    total = rows[2]
    assert total["date"].value == "Total" and total["date"].font.bold
    assert total["worked_hours"].value == pytest.approx(8.33)
    assert rows[1]["last_out"].value is None
    assert rows[3]["overtime_hours"].value == pytest.approx(2.0)
    # A Chinese name is twice as wide as its length; widths follow content.
    assert ws.column_dimensions["B"].width >= len("Siti Nurhaliza") + 2
    assert ws.column_dimensions["A"].width >= len("Staff number") + 2


def test_xlsx_stores_formula_like_text_as_text():
    """openpyxl would make "=..." a formula; the export keeps it as a string cell."""
    ws = load_workbook(io.BytesIO(to_xlsx(timesheets()[:1], names={"u1": "=1+1"}))).active
    cell = ws["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
