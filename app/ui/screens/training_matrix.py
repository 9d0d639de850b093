"""Issue 13, trainmanage: Who is trained, for managers (reached from Team). Online only: the
server's matrix of a store's people by course, each course an icon and a word (Done, Expiring
within 30 days, Expired, Missing; never colour alone) with its expiry date, and the export as
CSV or Excel in the reader's language: on a phone or desktop the file goes to the system's save
sheet; on the web the browser downloads it from a short-lived link (as inspection reports)."""

from dataclasses import dataclass
from datetime import datetime

import flet as ft

from app.reports.training_matrix import STATUS_WORDS
from app.sync import training_api
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server
from app.ui.screens.training_sessions import load_with_courses, per_store_head

ROUTE = "/training-matrix"
#: Each status's icon (its word is always written beside it).
ICONS = {"done": ft.Icons.CHECK_CIRCLE, "expiring": ft.Icons.SCHEDULE, "expired": ft.Icons.ERROR,
         "missing": ft.Icons.RADIO_BUTTON_UNCHECKED}


@ft.observable
@dataclass
class MatrixState:
    store_id: str = ""
    answer: dict | None = None
    titles: dict | None = None
    problem: str | None = None
    loading: bool = False


def _pick(state: MatrixState, store_id: str) -> None:
    state.store_id, state.answer = store_id, None


async def _load(ctx: AppContext, state: MatrixState) -> None:
    def take(matrix: dict, courses: list[dict]) -> None:
        state.titles, state.answer = {c["id"]: c["title"] for c in courses}, matrix

    await load_with_courses(ctx, state, lambda store: training_api.matrix(ctx.api, store), take)


async def export(ctx: AppContext, state: MatrixState, fmt: str) -> None:
    """The file to the save sheet, or on the web a download link opened by the browser."""
    if getattr(ctx.page, "web", False):
        link, problem = await ask_server(ctx, lambda: training_api.matrix_link(ctx.api, state.store_id, fmt))
        if link is None:
            ctx.notify(problem, error=True)
        else:
            await ctx.page.data.setdefault("url_launcher", ft.UrlLauncher()).launch_url(
                link, web_only_window_name="_blank")
        return
    data, problem = await ask_server(ctx, lambda: training_api.matrix_file(ctx.api, state.store_id, fmt))
    if data is None:
        ctx.notify(problem, error=True)
        return
    picker = ctx.page.data.setdefault("file_picker", ft.FilePicker())
    await picker.save_file(file_name=f"training-matrix-{state.store_id}.{fmt}", src_bytes=data)


def cell_text(ctx: AppContext, cell: dict) -> str:
    """A course's status in words, with its expiry date when it has one."""
    word = STATUS_WORDS.text(ctx.tr, cell["status"])
    if cell["status"] == "expiring":
        # Translators: training matrix: the completion expires within 30 days.
        word = ctx._("Expiring within 30 days")
    if not cell["expires_at"]:
        return word
    day = ctx.tr.format_date(datetime.fromisoformat(cell["expires_at"]), "medium")
    if cell["status"] == "expired":
        # Translators: training matrix: a course's status and the day it expired, e.g. "Expired on 3 May 2027".
        return ctx._("{status} on {date}", status=word, date=day)
    # Translators: training matrix: a course's status and the day it expires, e.g. "Done, until 3 May 2027".
    return ctx._("{status}, until {date}", status=word, date=day)


def _person(ctx: AppContext, row: dict, course_ids: list[str], titles: dict) -> ft.Control:
    t = ctx.typo
    lines: list[ft.Control] = []
    for course_id, cell in zip(course_ids, row["cells"]):
        words = cell_text(ctx, cell)
        lines.append(ft.Row([ft.Icon(ICONS[cell["status"]], semantics_label=STATUS_WORDS.text(ctx.tr, cell["status"])),
                             t.text(f"{titles.get(course_id, course_id)}: {words}", 14, expand=True)]))
    name = ctx.tr.join(row["name"], row["staff_no"]) if row["staff_no"] else row["name"]
    return section(ctx, name, lines)


def _counts(ctx: AppContext, rows: list[dict]) -> ft.Control:
    counts = {status: sum(c["status"] == status for r in rows for c in r["cells"]) for status in ICONS}
    return ctx.typo.text(ctx.tr.join(*[f"{STATUS_WORDS.text(ctx.tr, s)}: {ctx.tr.format_number(n)}"
                                       for s, n in counts.items()]), 14)


def view(ctx: AppContext) -> ft.View:
    t, state = ctx.typo, screen_state(ctx, ROUTE, MatrixState)
    title = ctx._("Who is trained")
    body, _names, early = per_store_head(ctx, ROUTE, title, state, state.answer is not None, _pick, _load)
    if early is not None:
        return early
    body.append(ft.Row([
        big_button(ctx, ctx._("Export CSV"), lambda e: ctx.page.run_task(export, ctx, state, "csv"),
                   icon=ft.Icons.DOWNLOAD, filled=False),
        big_button(ctx, ctx._("Export Excel"), lambda e: ctx.page.run_task(export, ctx, state, "xlsx"),
                   icon=ft.Icons.TABLE_VIEW, filled=False)], wrap=True))
    blocks = [b for b in state.answer["stores"] if b["store_id"] == state.store_id]
    rows = blocks[0]["rows"] if blocks else []
    if not rows:
        body.append(t.text(ctx._("Nobody works at this store yet."), 15))
        return frame(ctx, ROUTE, title, body, back=True)
    body.append(_counts(ctx, rows))
    body += [_person(ctx, row, blocks[0]["course_ids"], state.titles or {}) for row in rows]
    return frame(ctx, ROUTE, title, body, back=True)
