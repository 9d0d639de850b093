"""Issue 13, trainapi: who is trained on what, for managers (their stores) and HQ (all), as JSON,
CSV or XLSX (rows: ``app.reports.training_matrix``; statuses: ``app.domain.training.completions``)."""

import csv
import io
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.roles import Actor
from app.domain.training import completions
from app.i18n import Translator
from app.protocol import Reason
from app.reports import training_matrix as report
from backend_stub import db
from backend_stub.errors import Forbidden
from backend_stub.services.training_catalogue import catalogue as load_catalogue

#: Text a spreadsheet would run as a formula: written with a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def scope(actor: Actor, store_id: str | None) -> set[str]:
    """The stores the reader may see: a manager's own (HQ: every store), or the one asked for."""
    if not actor.role.is_manager:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only managers see the training matrix.")
    if store_id is None:
        return set(actor.store_ids)
    if not actor.covers(store_id):
        raise Forbidden(Reason.FORBIDDEN_ROLE, f"You do not manage store {store_id}.")
    return {store_id}


def _people(conn: Connection, stores: set[str]) -> tuple[list[completions.Trainee], dict[str, dict]]:
    us, u = db.user_stores.c, db.users.c
    rows = conn.execute(select(u.id, u.name, u.staff_no, us.store_id).join(db.user_stores, us.user_id == u.id)
                        .where(us.store_id.in_(sorted(stores)), u.active.is_(True))).all()
    stores_of: dict[str, set[str]] = {}
    people: dict[str, dict] = {}
    for r in rows:
        stores_of.setdefault(r.id, set()).add(r.store_id)
        people[r.id] = {"name": r.name, "staff_no": r.staff_no}
    return [completions.Trainee(i, frozenset(s)) for i, s in stores_of.items()], people


def _completions(conn: Connection, user_ids: list[str]) -> list[completions.Completion]:
    c = db.training_completions.c
    rows = conn.execute(select(db.training_completions).where(c.user_id.in_(user_ids))).mappings() if user_ids else []
    return [completions.Completion(r["user_id"], r["course_id"], db.aware(r["completed_at"]),
                                   r["expires_at"] and db.aware(r["expires_at"]), r["via"], r["score"]) for r in rows]


def build(conn: Connection, actor: Actor, at: datetime, store_id: str | None = None):
    """(store matrices, catalogue, people by id) for the reader's stores at ``at``."""
    stores = scope(actor, store_id)
    trainees, people = _people(conn, stores)
    cat = load_catalogue(conn)
    matrices = completions.training_matrix(trainees, cat, _completions(conn, sorted(people)), at, stores)
    return matrices, cat, people


def as_json(conn: Connection, actor: Actor, at: datetime, store_id: str | None = None) -> dict:
    matrices, _cat, people = build(conn, actor, at, store_id)
    return {"at": at, "stores": [
        {"store_id": m.store_id, "course_ids": list(m.course_ids),
         "rows": [{"user_id": pid, **people[pid],
                   "cells": [{"status": str(c.status), "expires_at": c.expires_at} for c in cells]}
                  for pid, cells in m.rows]} for m in matrices]}


def export_rows(conn: Connection, actor: Actor, at: datetime, store_id: str | None, locale: str | None):
    matrices, cat, people = build(conn, actor, at, store_id)
    store_names = dict(conn.execute(select(db.stores.c.id, db.stores.c.name)).all())
    return report.matrix_rows(matrices, cat, Translator(locale or "en"),
                              names={k: v["name"] for k, v in people.items()},
                              staff_numbers={k: v["staff_no"] for k, v in people.items()}, store_names=store_names)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: list[list]) -> bytes:
    """UTF-8 with a BOM (Excel garbles Chinese names without it), CRLF, formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list], locale: str | None) -> bytes:
    """One sheet, bold frozen header, real dates, text always stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = Translator(locale or "en").gettext(report.SHEET_TITLE)[:31]
    for r, row in enumerate(rows, 1):
        for col, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=col, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula
            if r == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
