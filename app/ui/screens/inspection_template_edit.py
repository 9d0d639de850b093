"""Issue 12, inspbuild: the template builder (``/inspections/templates/new`` and ``/{id}``): name,
area (area managers: one of their areas; HQ: any, or the whole chain; kept on later versions),
pass mark, sections (add, rename, remove, move up/down) with their items
(``inspection_template_items``), Save (a new template, or the next version), and the versions
saved so far (each readable). The draft stays in the screen state (offline, or refused, nothing
typed is lost); saving and its checks are in ``inspection_templates``.
"""

import flet as ft

from app.protocol import Reason
from app.ui.chrome import big_button, frame, icon_button, menu, section
from app.ui.context import AppContext
from app.ui.screens import inspection_template_form as f
from app.ui.screens import inspection_templates as screen
from app.ui.screens.inspection_template_items import item_card, typed_field

CHAIN_KEY = "chain"  # the area menu's key for the whole chain (a menu key cannot be empty)


def _area_name(ctx: AppContext, area: str | None) -> str:
    return area or ctx._("Whole chain")


def _area_control(ctx: AppContext, state, form: f.TemplateForm) -> ft.Control:
    if form.template_id is not None:  # a template keeps its area: each version is for the same stores
        return ctx.typo.text(ctx._("Area: {area}", area=_area_name(ctx, form.area or None)), 15)

    def chosen(e) -> None:
        form.area = f.WHOLE_CHAIN if e.control.value == CHAIN_KEY else e.control.value or f.WHOLE_CHAIN

    return menu(ctx._("Area"), value=form.area or CHAIN_KEY, text_style=ctx.typo.style(15),
                options=[ft.dropdown.Option(key=a or CHAIN_KEY, text=_area_name(ctx, a))
                         for a in screen.area_choices(ctx)], on_select=chosen)


def _section_card(ctx: AppContext, state, form: f.TemplateForm, index: int, refusal) -> ft.Control:
    s, t = form.sections[index], ctx.typo
    number = ctx.tr.format_number(index + 1)

    def moved(step: int) -> None:
        f.move(form.sections, index, step)
        state.revision += 1

    def removed(e) -> None:
        del form.sections[index]
        state.revision += 1

    def add_item(e) -> None:
        s.items.append(f.blank_item())
        state.revision += 1

    about = refusal if refusal is not None and refusal.where == s.id else None
    controls: list[ft.Control] = [
        ft.Row([ft.Container(typed_field(ctx, s, "title", ctx._("Section {n} title", n=number)), expand=True),
                icon_button(ft.Icons.ARROW_UPWARD, ctx._("Move section {n} up", n=number), lambda e: moved(-1)),
                icon_button(ft.Icons.ARROW_DOWNWARD, ctx._("Move section {n} down", n=number), lambda e: moved(1)),
                icon_button(ft.Icons.DELETE_OUTLINE, ctx._("Remove section {n}", n=number), removed)], wrap=False)]
    if about is not None:
        controls.append(t.text(about.message, 14, color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD))
    for n, item in enumerate(s.items):
        mine = refusal if refusal is not None and refusal.where == item.id else None
        controls.append(item_card(ctx, state, s, n, mine))
    controls.append(big_button(ctx, ctx._("Add item"), add_item, icon=ft.Icons.ADD, filled=False))
    return ft.Card(ft.Container(ft.Column(controls, spacing=8), padding=12))


def _banner(ctx: AppContext, state, key: str, form: f.TemplateForm) -> list[ft.Control]:
    """At the top: the last save's refusal, or the version just saved."""
    t, refusal = ctx.typo, state.refusals.get(key)
    if refusal is not None:
        shown: list[ft.Control] = [ft.Row([ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_900),
                                           t.text(ctx._("Not saved: {reason}", reason=refusal.message), 15,
                                                  color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD, expand=True)],
                                          wrap=False)]
        if refusal.code == Reason.CONFLICT:  # someone saved a version meanwhile: start from theirs
            shown.append(big_button(ctx, ctx._("Open the current version (your changes here are dropped)"),
                                    lambda e: screen.reopen(state, key), icon=ft.Icons.REFRESH, filled=False))
        return shown
    if form.template_id is not None and state.saved.get(form.template_id) == form.version:
        return [ft.Row([ft.Icon(ft.Icons.CHECK_CIRCLE, color=ft.Colors.GREEN_800),
                        t.text(ctx._("Saved as version {version}.", version=ctx.tr.format_number(form.version)), 15,
                               color=ft.Colors.GREEN_800, weight=ft.FontWeight.BOLD, expand=True)], wrap=False)]
    return []


def _version_summary(ctx: AppContext, public: dict) -> ft.Control:
    t = ctx.typo
    lines = [t.text(ctx._("Version {version}", version=ctx.tr.format_number(public["version"])), 15,
                    weight=ft.FontWeight.BOLD),
             t.text(ctx.tr.join(public["name"], ctx._("Pass mark {mark}%", mark=ctx.tr.format_decimal(
                 public["pass_mark"]))), 14)]
    for s in public["sections"]:
        lines.append(t.text(s["title"], 14, weight=ft.FontWeight.BOLD))
        lines += [t.text(f"• {i['label']}", 14) for i in s["items"]]
    return ft.Container(ft.Column(lines, spacing=4), padding=8)


def _versions(ctx: AppContext, state, form: f.TemplateForm) -> list[ft.Control]:
    """Each version saved so far; a tap shows what it held (read only)."""
    if form.template_id is None or not form.version:
        return []
    buttons = [big_button(ctx, ctx._("Version {version}", version=ctx.tr.format_number(v)),
                          lambda e, v=v: ctx.page.run_task(screen.load_template, ctx, state, form.template_id, v),
                          filled=False) for v in range(1, form.version + 1)]
    shown = [_version_summary(ctx, p) for k, p in sorted(state.versions.items())
             if k.startswith(f"{form.template_id}:")]
    return [section(ctx, ctx._("Versions"), [ft.Row(buttons, wrap=True), *shown])]


def _loading(ctx: AppContext, state, route: str, key: str) -> ft.View:
    """The template is not on this screen yet: fetched from the server (or why it cannot be)."""
    t, problem = ctx.typo, state.not_opened.get(key)

    def fetch() -> None:
        state.drafts.fetching.add(key)  # plain: asked once, however often the screen is drawn
        ctx.page.run_task(screen.load_template, ctx, state, key)

    if key not in state.drafts.fetching and problem is None:
        fetch()
    body = [t.text(ctx._("Loading…"), 15)]
    if problem is not None and key not in state.drafts.fetching:
        body = [t.text(problem, 15, color=ft.Colors.RED_900), big_button(
            ctx, ctx._("Try again"), lambda e: fetch(), icon=ft.Icons.REFRESH, filled=False)]
    return frame(ctx, route, ctx._("Inspection template"), body, back=True)


def view(ctx: AppContext, state, route: str, key: str) -> ft.View:
    if key == screen.NEW and key not in state.drafts.forms:
        screen.start_new(ctx, state)
    form = state.drafts.forms.get(key)
    if form is None:
        return _loading(ctx, state, route, key)
    t, refusal = ctx.typo, state.refusals.get(key)

    def add_section(e) -> None:
        form.sections.append(f.blank_section())
        state.revision += 1

    heading = (ctx._("Version {version}", version=ctx.tr.format_number(form.version)) if form.version
               else ctx._("New template, not saved yet"))
    body: list[ft.Control] = [*_banner(ctx, state, key, form), t.text(heading, 15)]
    if not ctx.status.online:
        body.append(t.text(screen.offline_text(ctx), 14, color=ft.Colors.ORANGE_900))
    on_field = {refusal.field: refusal.message} if refusal is not None and refusal.where is None else {}
    body += [typed_field(ctx, form, "name", ctx._("Template name"), error=on_field.get("name")),
             _area_control(ctx, state, form),
             typed_field(ctx, form, "pass_mark", ctx._("Pass mark (%)"), number=True, error=on_field.get("pass_mark"))]
    body += [_section_card(ctx, state, form, n, refusal) for n in range(len(form.sections))]
    body.append(big_button(ctx, ctx._("Add section"), add_section, icon=ft.Icons.PLAYLIST_ADD, filled=False))
    save_label = ctx._("Save template") if form.template_id is None else ctx._(
        "Save as version {version}", version=ctx.tr.format_number((form.version or 0) + 1))
    body.append(big_button(ctx, save_label, lambda e: ctx.page.run_task(screen.save, ctx, state, key), icon=ft.Icons.SAVE))
    body += _versions(ctx, state, form)
    title = form.name.strip() or ctx._("New template")
    return frame(ctx, route, title, body, back=True)
