"""A template's items failing most (issue 12, insptrend), online: over the inspections of the
person's own stores (HQ: every store) with the template, the items that failed most: the item,
its section, a critical mark, how often it failed and at how many stores, and how often at each
store. For whoever may read the template (the server decides:
``GET /v1/inspection-templates/{id}/failing-items``). Offline: the last copy fetched, marked with
its time (``app.ui.online_copy``).
"""

import flet as ft

from app.protocol.inspection_trends import FailingItem, TemplateFailingItems
from app.sync.inspection_trends import failing_items, failing_subject
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.online_copy import online_copy, status_rows


def _counted(ctx: AppContext, answer: TemplateFailingItems) -> str:
    # Translators: what the counts below are over, e.g. "6 inspections · 3 stores".
    return ctx.tr.join(ctx.tr.ngettext("{count} inspection", "{count} inspections", answer.inspections),
                       ctx.tr.ngettext("{count} store", "{count} stores", len(answer.store_ids)))


def _item(ctx: AppContext, rank: int, item: FailingItem) -> ft.Control:
    t = ctx.typo
    rows: list[ft.Control] = [t.text(ctx._("Section: {section}", section=item.section), 14)]
    if item.critical:
        rows.append(t.text(ctx._("Critical item: failing it fails the whole inspection."), 14,
                           color=ft.Colors.RED_900))
    # Translators: e.g. "Failed 4 times · at 3 stores".
    rows.append(t.text(ctx.tr.join(ctx.tr.ngettext("Failed {count} time", "Failed {count} times", item.failures),
                                   ctx.tr.ngettext("at {count} store", "at {count} stores", len(item.stores))), 15))
    rows += [t.text(ctx.tr.join(s.store_name, ctx.tr.format_number(s.failures)), 14, color=ft.Colors.GREY_800)
             for s in item.stores]
    marks = [ctx._("critical")] if item.critical else []
    return section(ctx, ctx.tr.join(ctx.tr.format_number(rank), item.label, *marks), rows)


def view(ctx: AppContext, route: str, template_id: str) -> ft.View:
    subject, call = failing_subject(template_id), lambda: failing_items(ctx.api, template_id)
    state = online_copy(ctx, route, subject, call)
    with ctx.store.reading() as db:
        known = db.execute("SELECT name FROM inspection_templates WHERE id=?", [template_id]).fetchone()
    answer = TemplateFailingItems.model_validate(state.copy.body) if state.copy is not None else None
    name = answer.name if answer else known[0] if known else template_id
    body: list[ft.Control] = [ctx.typo.text(name, 18, weight=ft.FontWeight.BOLD),
                              *status_rows(ctx, state, subject, call)]
    if answer is not None:
        body.append(ctx.typo.text(_counted(ctx, answer), 15))
        body += [_item(ctx, n, item) for n, item in enumerate(answer.items, 1)] or [
            ctx.typo.text(ctx._("No item failed."), 15)]
    return frame(ctx, route, ctx._("Items failing most"), body, back=True)
