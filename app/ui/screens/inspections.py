"""Store inspections (issue 12, insprun): for area managers and HQ, the stores they cover with
the templates they may use there (a tap starts an inspection), their inspections in progress
(a refused one is back here with the reason) and finished ones (waiting to sync, or the score
and pass/fail as the server gave them; a tap opens the result). The stores' managers see the
finished ones. What may be done and the scores: ``app.store.inspection_queries`` and the domain.
"""

from datetime import UTC, datetime

import flet as ft

from app.domain.inspections.templates import WRITERS
from app.store import inspection_queries as q
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext

ROUTE = "/inspections"
TEMPLATES_ROUTE = ROUTE + "/templates"  # issue 12, inspbuild: app.ui.screens.inspection_templates


def score_text(ctx: AppContext, percent: float | None) -> str:
    if percent is None:
        return ctx._("No score (nothing applicable)")
    return ctx._("Score {score}%", score=ctx.tr.format_decimal(percent))


def verdict_text(ctx: AppContext, passed: bool) -> str:
    return ctx._("Pass") if passed else ctx._("Fail")


def when(value: str | None) -> datetime | None:
    """A stored time (one without its zone is UTC)."""
    if not value:
        return None
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _start(ctx: AppContext, store_id: str, template_id: str) -> None:
    made: list[str] = []
    ctx.act(lambda: made.append(ctx.actions.start_inspection(store_id, template_id)))
    if made:
        ctx.page.navigate(f"{ROUTE}/{made[0]}")


def _store_section(ctx: AppContext, entry: dict) -> ft.Control:
    t, store = ctx.typo, entry["store"]
    tiles = [ft.ListTile(leading=ft.Icon(ft.Icons.PLAYLIST_ADD_CHECK),
                         title=t.text(template.name, 16),
                         subtitle=t.text(ctx._("Version {version}", version=ctx.tr.format_number(template.version)), 13),
                         trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT, semantics_label=ctx._("Start")),
                         on_click=lambda e, tid=template.id: _start(ctx, store["id"], tid))
             for template in entry["templates"]]
    return section(ctx, store["name"], tiles or [t.text(ctx._("No template for this store yet."), 15)])


def _draft_tile(ctx: AppContext, d: dict) -> ft.Control:
    t, p = ctx.typo, d["progress"]
    lines = [ctx.tr.join(d["store_name"], ctx._("{answered} of {total} answered",
                                                 answered=ctx.tr.format_number(p.answered),
                                                 total=ctx.tr.format_number(p.to_answer)))]
    if d["refusal"] is not None:
        lines.append(ctx._("Refused: {reason}", reason=ctx.reason_text(d["refusal"].reason, d["refusal"].message)))
    return ft.ListTile(leading=ft.Icon(ft.Icons.EDIT_NOTE, semantics_label=ctx._("In progress")),
                       title=t.text(d["template"].name, 16),
                       subtitle=t.text("\n".join(lines), 13,
                                       color=ft.Colors.RED_900 if d["refusal"] is not None else None),
                       on_click=lambda e, did=d["row"]["id"]: ctx.page.navigate(f"{ROUTE}/{did}"))


def _finished_tile(ctx: AppContext, i: dict) -> ft.Control:
    t = ctx.typo
    waiting = i["sync_state"] == "pending"
    shown = ctx._("waiting to sync") if waiting else ctx.tr.join(score_text(ctx, i["score"]),
                                                                  verdict_text(ctx, i["passed"]))
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.HOURGLASS_TOP if waiting else ft.Icons.CHECK_CIRCLE if i["passed"] else ft.Icons.CANCEL,
                        semantics_label=shown, color=None if waiting else ft.Colors.GREEN_800 if i["passed"]
                        else ft.Colors.RED_900),
        title=t.text(i["template_name"] or i["template_id"], 16),
        subtitle=t.text(ctx.tr.join(i["store_name"] or i["store_id"],
                                    ctx.tr.format_datetime(when(i["finished_at"]), "short"), shown), 13),
        on_click=lambda e, iid=i["id"]: ctx.page.navigate(f"{ROUTE}/{iid}"))


def _open_templates(ctx: AppContext) -> None:
    from app.ui.screens import inspection_templates  # it imports this module

    inspection_templates.open_list(ctx)


def view(ctx: AppContext) -> ft.View:
    t, actor = ctx.typo, ctx.actor
    with ctx.store.reading() as db:
        stores = q.stores_to_inspect(db, actor)
        drafts = q.in_progress(db, actor.user_id)
        done = q.finished(db, sorted(actor.store_ids))
    body: list[ft.Control] = []
    if actor.role in WRITERS:  # issue 12, inspbuild: area managers and HQ write the templates
        body.append(big_button(ctx, ctx._("Templates"), lambda e: _open_templates(ctx), icon=ft.Icons.RULE,
                               filled=False))
    if drafts:
        body.append(section(ctx, ctx._("In progress"), [_draft_tile(ctx, d) for d in drafts]))
    if stores:
        body.append(t.text(ctx._("Start an inspection"), 17, weight=ft.FontWeight.BOLD))
        body += [_store_section(ctx, entry) for entry in stores]
    body.append(section(ctx, ctx._("Finished inspections"), [_finished_tile(ctx, i) for i in done]
                        or [t.text(ctx._("No inspection yet."), 15)]))
    from app.ui.screens import inspection_trends  # issue 12, insptrend (it imports this module)
    body.append(inspection_trends.links(ctx))
    return frame(ctx, ROUTE, ctx._("Inspections"), body, back=True)


def detail_view(ctx: AppContext, route: str, inspection_id: str) -> ft.View:
    """``/inspections/{id}``: the inspection as it stands: finished (waiting to sync, or scored),
    else in progress (a refused one is in progress again)."""
    from app.ui.screens import inspection_result, inspection_run  # they import this module

    with ctx.store.reading() as db:
        done = q.is_finished(db, inspection_id)
    return (inspection_result if done else inspection_run).view(ctx, route, inspection_id)


def finished_route(ctx: AppContext, route: str) -> bool:
    """Issue 12, inspe2e: ``route`` shows a finished inspection (no field: a sync may redraw it,
    so "waiting to sync" turns into the server's score without leaving the screen)."""
    if not route.startswith(ROUTE + "/") or not ctx.is_manager:
        return False
    with ctx.store.reading() as db:
        return q.is_finished(db, route.rsplit("/", 1)[1])
