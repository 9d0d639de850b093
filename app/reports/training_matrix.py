"""Issue 13, trainquiz: the rows a CSV/XLSX export of the training matrix writes.

One row per person per store (someone working at two stores is listed under each), after a
header row. Each course takes two columns: its status in the reader's language (Done, Expiring,
Expired, Missing) and the date it expires or expired (a real date, Hong Kong calendar, empty when
it never expires or was never done), so a spreadsheet can filter and sort on either. Headers and
status words are in the reader's language; course titles are written as HQ named them; people
are named by staff number and name, never by internal id. Writing CSV or XLSX (BOM, formula
guard, column widths) is left to the writers of ``app.reports.timesheet_export``'s kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from app.domain.attendance.common import HONG_KONG
from app.domain.training.completions import Cell, StoreMatrix
from app.domain.training.courses import Catalogue
from app.i18n import MessageMap, N_, Translator

#: The leading columns, in order; then two per course.
COLUMNS: tuple[str, ...] = ("store", "staff_no", "name")
LABELS = MessageMap({
    "store": N_("Store"),
    "staff_no": N_("Staff number"),
    "name": N_("Name"),
    # Translators: column of the training matrix export: the date a course expires or expired;
    # {course} is the course's title, e.g. "Food hygiene (expires)".
    "expires": N_("{course} (expires)"),
})
STATUS_WORDS = MessageMap({
    # Translators: training matrix: the course is completed and valid.
    "done": N_("Done"),
    # Translators: training matrix: the completion expires within 30 days.
    "expiring": N_("Expiring"),
    "expired": N_("Expired"),
    # Translators: training matrix: the person never completed the course.
    "missing": N_("Missing"),
})
#: The sheet's name in the workbook.
SHEET_TITLE = N_("Training")

Value = str | date | None


def header(catalogue: Catalogue, translator: Translator) -> list[Value]:
    """The header row: the leading columns, then each course's title and its expiry column."""
    row: list[Value] = [LABELS.text(translator, key) for key in COLUMNS]
    for course in catalogue:
        row += [course.title, LABELS.text(translator, "expires", course=course.title)]
    return row


def _expiry_day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(HONG_KONG).date()


def _course_cells(cells: Iterable[Cell], translator: Translator) -> list[Value]:
    values: list[Value] = []
    for cell in cells:
        values += [STATUS_WORDS.text(translator, str(cell.status)), _expiry_day(cell.expires_at)]
    return values


def matrix_rows(matrices: Iterable[StoreMatrix], catalogue: Catalogue, translator: Translator, *,
                names: Mapping[str, str] | None = None, staff_numbers: Mapping[str, str] | None = None,
                store_names: Mapping[str, str] | None = None) -> list[list[Value]]:
    """The header row then one row per person per store, for ``matrices`` built with ``catalogue``
    (``app.domain.training.completions.training_matrix``)."""
    names, staff_numbers, store_names = names or {}, staff_numbers or {}, store_names or {}
    rows = [header(catalogue, translator)]
    for matrix in matrices:
        if matrix.course_ids != tuple(c.id for c in catalogue):
            raise ValueError(f"the matrix of store {matrix.store_id} was built with another catalogue")
        for person_id, cells in matrix.rows:
            rows.append([store_names.get(matrix.store_id, matrix.store_id), staff_numbers.get(person_id, ""),
                         names.get(person_id, ""), *_course_cells(cells, translator)])
    return rows
