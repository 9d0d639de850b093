"""Issue 12, insptrend: where the inspection trends live in the app. Routes below
``/inspections``: ``/inspections/stores/{store}`` (a store's history, from the list),
``/inspections/{inspection}/history`` (its store's history, from a finished inspection: back
returns to it) and ``/inspections/templates/{template}`` (the items failing most); and the
list's "History and trends" card.
"""

import flet as ft

from app.store import inspection_queries as q
from app.ui.chrome import section
from app.ui.context import AppContext
from app.ui.screens import inspection_failing, inspection_history, inspections

STORES, TEMPLATES = inspections.ROUTE + "/stores", inspections.ROUTE + "/templates"
HISTORY_SUFFIX = "/history"


def history_route(store_id: str) -> str:
    return f"{STORES}/{store_id}"


def failing_route(template_id: str) -> str:
    return f"{TEMPLATES}/{template_id}"


def inspection_history_route(inspection_id: str) -> str:
    return f"{inspections.ROUTE}/{inspection_id}{HISTORY_SUFFIX}"


def _store_of(ctx: AppContext, inspection_id: str) -> str | None:
    with ctx.store.reading() as db:
        row = db.execute("SELECT store_id FROM inspections WHERE id=?", [inspection_id]).fetchone()
    return row[0] if row else None


def route_view(ctx: AppContext, route: str) -> ft.View | None:
    """The trends screen of ``route``, or ``None`` when it is none of theirs."""
    if route in (STORES, TEMPLATES):  # below the list: back from a trend returns to the list
        return inspections.view(ctx)
    if route.startswith(STORES + "/"):
        return inspection_history.view(ctx, route, route.removeprefix(STORES + "/"))
    if route.startswith(TEMPLATES + "/"):
        return inspection_failing.view(ctx, route, route.removeprefix(TEMPLATES + "/"))
    parts = route.removeprefix(inspections.ROUTE + "/").split("/")
    if route.startswith(inspections.ROUTE + "/") and len(parts) == 2 and "/" + parts[1] == HISTORY_SUFFIX:
        store_id = _store_of(ctx, parts[0])
        return (inspection_history.view(ctx, route, store_id) if store_id  # else: "not found"
                else inspections.detail_view(ctx, route, parts[0]))
    return None


def links(ctx: AppContext) -> ft.Control:
    """The list's card: each of the person's stores (its history) and each template on this phone
    (its items failing most)."""
    t = ctx.typo
    with ctx.store.reading() as db:
        subjects = q.trend_subjects(db, ctx.actor)
    tiles = [ft.ListTile(leading=ft.Icon(ft.Icons.SHOW_CHART), title=t.text(s["name"], 16),
                         subtitle=t.text(ctx._("Scores over time"), 13),
                         on_click=lambda e, sid=s["id"]: ctx.page.navigate(history_route(sid)))
             for s in subjects["stores"]]
    tiles += [ft.ListTile(leading=ft.Icon(ft.Icons.BAR_CHART), title=t.text(tpl["name"], 16),
                          subtitle=t.text(ctx._("Items failing most"), 13),
                          on_click=lambda e, tid=tpl["id"]: ctx.page.navigate(failing_route(tid)))
              for tpl in subjects["templates"]]
    return section(ctx, ctx._("History and trends"), tiles or [t.text(ctx._("No store yet."), 15)])
