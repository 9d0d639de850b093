"""A finished inspection (issue 12, insprun): while it waits to sync, the phone's own score;
after sync, the score and pass/fail as the server gave them, the critical-failure verdict, the
section scores, where the phone was (the clock-in geofence rules) and each finding with its note
(repeated ones marked), its photos (this phone's copy, else the server's; a tap opens one larger)
and the corrective task it made, when this phone has it (a tap opens the task). Its PDF report (``GET /v1/inspections/{id}/report.pdf``, in the reader's
language) is fetched with the person's sign-in and handed to the system's save/share sheet; on the
web the browser opens a short-lived report link (``POST .../report-link``) in a new tab. Nothing is
decided here.
"""

import json
from dataclasses import dataclass

import flet as ft

from app.domain.inspections.templates import Template
from app.store import inspection_queries as q
from app.store.inspection_actions import template_from_row
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog
from app.ui.punch_view import photo_box
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server
from app.ui.screens.inspections import ROUTE, score_text, verdict_text, when
from app.ui.screens.tasks import ROUTE as TASKS_ROUTE, status_text

#: A finding photo's side: small in the list, larger in its dialog (fits a 412 px phone).
THUMB_SIZE, LARGE_SIZE = 96, 280


@ft.observable
@dataclass
class ReportState:
    """The report being fetched, and why it could not be (translated)."""

    loading: bool = False
    problem: str | None = None
    link: str | None = None  # on the web: the last link opened (shown to copy)


def _template(db, inspection: dict) -> Template | None:
    """The version it was done with when this phone has it (its draft's copy), else the current one."""
    draft = db.execute("SELECT template FROM inspection_drafts WHERE id=?", [inspection["id"]]).fetchone()
    if draft:
        return Template.from_dict(json.loads(draft[0]))
    rows = list(db.query("SELECT * FROM inspection_templates WHERE id=?", [inspection["template_id"]]))
    return template_from_row(rows[0]) if rows else None


def _where(ctx: AppContext, i: dict) -> str:
    if i["geofence"] is None:
        return ctx._("No location was recorded.")
    if i["geofence"] == "inside":
        return ctx._("Done at the store.")
    return ctx._("Done {distance} m from the store (recorded).",
                 distance=ctx.tr.format_number(round(i["distance_m"] or 0)))


async def share_report(ctx: AppContext, state: ReportState, inspection_id: str) -> None:
    """On the web: a report link (valid 10 minutes) opened by the browser in a new tab, and shown
    to copy. On a phone or desktop: the PDF, fetched with the sign-in, handed to the system's
    save/share sheet."""
    state.loading, state.problem = True, None
    if getattr(ctx.page, "web", False):
        link, problem = await ask_server(ctx, lambda: ctx.api.inspection_report_link(inspection_id, ctx.tr.locale))
        state.loading, state.problem, state.link = False, problem, link
        if link is not None:
            await ctx.page.data.setdefault("url_launcher", ft.UrlLauncher()).launch_url(
                link, web_only_window_name="_blank")
        return
    data, problem = await ask_server(ctx, lambda: ctx.api.inspection_report(inspection_id, ctx.tr.locale))
    state.loading, state.problem = False, problem
    if data is not None:
        picker = ctx.page.data.setdefault("file_picker", ft.FilePicker())
        await picker.save_file(file_name=f"inspection-{inspection_id}.pdf", src_bytes=data)


def photo_label(ctx: AppContext, n: int, item: str) -> str:
    """What a screen reader calls a finding's photo, e.g. "Photo 1: Fire exit clear"."""
    return ctx._("Photo {n}: {item}", n=ctx.tr.format_number(n), item=item)


def _thumb(ctx: AppContext, sha: str, label: str) -> ft.Control:
    """A finding's photo, small; a tap opens it larger in a dialog."""
    def show(e) -> None:
        dialog = ft.AlertDialog(title=ctx.typo.text(label, 18), content=photo_box(ctx, sha, label, LARGE_SIZE),
                                actions=[ft.TextButton(ctx._("Close"), on_click=lambda e: shown.close())])
        shown = ShownDialog(ctx, dialog)

    return ft.Semantics(label=ctx._("Open {photo} larger", photo=label), button=True,
                        content=ft.Container(photo_box(ctx, sha, label, THUMB_SIZE), on_click=show, ink=True))


def _task_tile(ctx: AppContext, entry: dict) -> ft.Control:
    """The corrective task a finding made: its title and status; a tap opens it."""
    task, late = entry["task"], entry["shown"] == "overdue"
    status = ctx._("Corrective task: {status}", status=status_text(ctx, entry["shown"]))
    return ft.ListTile(leading=ft.Icon(ft.Icons.ASSIGNMENT_TURNED_IN), title=ctx.typo.text(task.title, 15),
                       subtitle=ctx.typo.text(status, 13, color=ft.Colors.RED_900 if late else None),
                       trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
                       on_click=lambda e, tid=task.id: ctx.page.navigate(f"{TASKS_ROUTE}/{tid}"))


def _findings(ctx: AppContext, i: dict, tasks: dict[str, list[dict]]) -> list[ft.Control]:
    t, out = ctx.typo, []
    for f in i["findings"] or []:
        marks = [ctx._("critical")] if f.get("critical") else []
        marks += [ctx._("repeated")] if f.get("repeated") else []
        out.append(t.text(ctx.tr.join(f["label"], *marks), 15, weight=ft.FontWeight.BOLD))
        if f.get("note"):
            out.append(t.text(f["note"], 14))
        if f.get("photos"):
            out.append(ft.Row([_thumb(ctx, sha, photo_label(ctx, n, f["label"]))
                               for n, sha in enumerate(f["photos"], 1)], wrap=True))
        out += [_task_tile(ctx, entry) for entry in tasks.get(f["item_id"], [])]
    return out or [t.text(ctx._("No finding: every item passed."), 15)]


def _report(ctx: AppContext, i: dict) -> list[ft.Control]:
    t = ctx.typo
    if i["sync_state"] == "pending":
        return [t.text(ctx._("The report is ready once this inspection has synced."), 15)]
    state = screen_state(ctx, f"{ROUTE}/{i['id']}#report", ReportState)
    rows: list[ft.Control] = [big_button(
        ctx, ctx._("Share report (PDF)"), lambda e: ctx.page.run_task(share_report, ctx, state, i["id"]),
        icon=ft.Icons.SHARE, disabled=state.loading)]
    if state.problem:
        rows.append(t.text(state.problem, 14, color=ft.Colors.RED_900))
    if state.link:
        rows += [t.text(ctx._("The report opened in a new tab. Its link works for 10 minutes:"), 14),
                 ft.Text(state.link, selectable=True, size=12 * ctx.display.scale)]
    return rows


def view(ctx: AppContext, route: str, inspection_id: str) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        i = q.one_finished(db, inspection_id)
        template = _template(db, i) if i else None
        tasks = q.corrective_tasks(db, inspection_id, ctx.user["id"], ctx.user["role"], ctx.user["store_ids"],
                                   ctx.tr.now()) if i else {}
    if i is None:
        return frame(ctx, route, ctx._("Inspection"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    waiting = i["sync_state"] == "pending"
    titles = {s.id: s.title for s in template.sections} if template else {}
    # A store manager's phone has no template (it pulls none): a failed item's label is in its finding.
    labels = {f["item_id"]: f["label"] for f in i["findings"] or []}
    labels |= {item.id: item.label for _s, item in template.items()} if template else {}
    body: list[ft.Control] = [
        t.text(ctx.tr.join(i["store_name"] or i["store_id"], ctx.tr.format_datetime(when(i["finished_at"]), "short")), 15),
        t.text(ctx.tr.join(score_text(ctx, i["score"]), verdict_text(ctx, i["passed"])), 22,
               weight=ft.FontWeight.BOLD, color=ft.Colors.GREEN_800 if i["passed"] else ft.Colors.RED_900),
        t.text(ctx._("waiting to sync") if waiting else ctx._("Scored by the server."), 14),
    ]
    if i["critical_failed"]:
        body.append(t.text(ctx._("Fails: a critical item failed: {items}", items=", ".join(
            labels.get(x, x) for x in i["critical_failed"])), 15, color=ft.Colors.RED_900))
    body.append(t.text(_where(ctx, i), 14))
    body.append(section(ctx, ctx._("Sections"), [t.text(ctx.tr.join(titles.get(k, k), score_text(ctx, v)), 15)
                                                 for k, v in (i["section_scores"] or {}).items()]))
    body.append(section(ctx, ctx._("Findings"), _findings(ctx, i, tasks)))
    body.append(section(ctx, ctx._("Report"), _report(ctx, i)))
    body.append(big_button(ctx, ctx._("History of this store"), lambda e: ctx.page.navigate(  # issue 12, insptrend
        f"{route}/history"), icon=ft.Icons.SHOW_CHART, filled=False))
    return frame(ctx, route, (template.name if template else i["template_name"]) or ctx._("Inspection"), body,
                 back=True)
