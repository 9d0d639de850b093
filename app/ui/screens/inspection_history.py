"""A store's inspection history (issue 12, insptrend), online: per template, the trend of its
scores drawn as bars (oldest first; the row turns with the reading direction) with the same in
words for screen readers ("Scores rising: 62%, 71%, 85%"), then each inspection newest first
with its time, score, pass/fail, template version, findings and repeated findings. HQ and the
managers covering the store (the server decides: ``GET /v1/stores/{id}/inspection-history``).
Offline: the last copy fetched, marked with its time (``app.ui.online_copy``).
"""

import flet as ft

from app.domain.inspections.trend import Direction, direction, scored
from app.protocol.inspection_trends import HistoryPoint, StoreInspectionHistory, TemplateHistory
from app.store import inspection_queries as q
from app.store.queries import store_names
from app.sync.inspection_trends import history_subject, store_history
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.online_copy import online_copy, status_rows
from app.ui.screens.inspections import ROUTE, score_text, verdict_text
from app.ui.theme import colour

#: Bars: the height of a 100% score, and each bar's width (px, before large text).
CHART_HEIGHT, BAR_WIDTH = 120, 28


def percent(ctx: AppContext, score: float) -> str:
    return ctx.tr.format_percent(score / 100, "#,##0.##%")


def trend_text(ctx: AppContext, points: list[HistoryPoint]) -> str:
    """The chart in words, oldest first: "Scores rising: 62%, 71%, 85%"."""
    values = [p.score for p in points]
    # The "standard" list style: the only one every language of the app has in Babel.
    scores = ctx.tr.format_list([percent(ctx, s) for s in scored(values)])
    way = direction(values)
    if way is Direction.NONE:
        return ctx._("No score yet: nothing was applicable.")
    if way is Direction.ONE:
        return ctx._("One score so far: {scores}", scores=scores)
    if way is Direction.RISING:
        return ctx._("Scores rising: {scores}", scores=scores)
    if way is Direction.FALLING:
        return ctx._("Scores falling: {scores}", scores=scores)
    if way is Direction.STEADY:
        return ctx._("Scores steady: {scores}", scores=scores)
    return ctx._("Scores up and down: {scores}", scores=scores)


def _bar(ctx: AppContext, p: HistoryPoint) -> ft.Control:
    t, scale = ctx.typo, ctx.display.scale
    shown = percent(ctx, p.score) if p.score is not None else "–"
    bar = ft.Container(width=BAR_WIDTH * scale, height=max(2, round((p.score or 0) / 100 * CHART_HEIGHT)),
                       bgcolor=colour(ft.Colors.GREEN_800 if p.passed else ft.Colors.RED_900, ctx.display),
                       border_radius=3)
    return ft.Column([t.text(shown, 11), bar, t.text(ctx.tr.format_skeleton("MMMd", p.finished_at), 11)],
                     spacing=2, alignment=ft.MainAxisAlignment.END,
                     horizontal_alignment=ft.CrossAxisAlignment.CENTER)


def chart(ctx: AppContext, points: list[HistoryPoint]) -> ft.Control:
    """Bars of the scores, oldest first (green passed, red failed), spoken as the trend in words."""
    height = CHART_HEIGHT + 44 * ctx.display.scale
    row = ft.Row([_bar(ctx, p) for p in points], spacing=8, scroll=ft.ScrollMode.AUTO,
                 vertical_alignment=ft.CrossAxisAlignment.END, height=height)
    return ft.Semantics(label=trend_text(ctx, points), exclude_semantics=True, content=row)


def _point_tile(ctx: AppContext, p: HistoryPoint, on_phone: bool) -> ft.Control:
    t, shown = ctx.typo, ctx.tr.join(score_text(ctx, p.score), verdict_text(ctx, p.passed))
    lines = [t.text(ctx.tr.join(ctx._("Version {version}", version=ctx.tr.format_number(p.template_version)),
                                ctx.tr.ngettext("{count} finding", "{count} findings", p.findings)), 13)]
    if p.critical_failed:
        lines.append(t.text(ctx._("A critical item failed."), 13, color=ft.Colors.RED_900))
    if p.repeated:
        lines.append(t.text(ctx._("Repeated: {items}", items=ctx.tr.format_list(p.repeated)), 13,
                            color=ft.Colors.ORANGE_900))
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.CHECK_CIRCLE if p.passed else ft.Icons.CANCEL, semantics_label=shown,
                        color=ft.Colors.GREEN_800 if p.passed else ft.Colors.RED_900),
        title=t.text(ctx.tr.join(ctx.tr.format_datetime(p.finished_at, "short"), shown), 15),
        subtitle=ft.Column(lines, spacing=2),
        on_click=(lambda e, iid=p.inspection_id: ctx.page.navigate(f"{ROUTE}/{iid}")) if on_phone else None)


def _template_section(ctx: AppContext, entry: TemplateHistory, on_phone: set[str]) -> ft.Control:
    from app.ui.screens.inspection_trends import failing_route  # it imports this module

    oldest_first = list(reversed(entry.inspections))
    return section(ctx, entry.name, [
        ctx.typo.text(trend_text(ctx, oldest_first), 15),
        chart(ctx, oldest_first),
        big_button(ctx, ctx._("Items failing most"), lambda e: ctx.page.navigate(failing_route(entry.template_id)),
                   icon=ft.Icons.BAR_CHART, filled=False),
        *[_point_tile(ctx, p, p.inspection_id in on_phone) for p in entry.inspections],
    ])


def view(ctx: AppContext, route: str, store_id: str) -> ft.View:
    subject, call = history_subject(store_id), lambda: store_history(ctx.api, store_id)
    state = online_copy(ctx, route, subject, call)
    with ctx.store.reading() as db:
        name = store_names(db).get(store_id, store_id)
        on_phone = {i["id"] for i in q.finished(db, [store_id], 10_000)}
    body: list[ft.Control] = [ctx.typo.text(name, 18, weight=ft.FontWeight.BOLD),
                              *status_rows(ctx, state, subject, call)]
    if state.copy is not None:
        history = StoreInspectionHistory.model_validate(state.copy.body)
        body += [_template_section(ctx, entry, on_phone) for entry in history.templates] or [
            ctx.typo.text(ctx._("No inspection yet."), 15)]
    return frame(ctx, route, ctx._("Inspection history"), body, back=True)

