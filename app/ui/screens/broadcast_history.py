"""Issue 11, bcsaved: editing a sent broadcast on the phone, with its other-language versions, and
the History screen of its versions.

Edit (and History) show only to those the server lets edit: the sender and their managers
(``app.domain.broadcasts.may_edit``, the rule the server applies), judged with what this phone
knows of the author. History lists every version from the server (``GET
/broadcasts/{id}/versions``): online only, and it says so offline.
"""

from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from app.domain.broadcasts import may_edit
from app.i18n.locales import SUPPORTED_LOCALES
from app.store import broadcast_authors
from app.store.queries import Broadcast
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast import translation_fields, written_translations
from app.ui.screens.broadcast_receipts import ask_server

SUFFIX = "/history"  # below a broadcast's route: /broadcasts/<id>/history


@dataclass
class Versions:
    """The other-language versions being edited (code -> {"title", "body"}; typing redraws nothing)."""

    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def may_edit_here(ctx: AppContext, b: Broadcast) -> bool:
    """Whether the server would let me edit ``b`` (an author this phone does not know: no)."""
    if b.author_id == ctx.user["id"]:
        return may_edit(ctx.actor, b.author_id, ctx.actor.role, ctx.actor.store_ids, b.kind)
    with ctx.store.reading() as db:
        author = broadcast_authors.author(db, b.author_id)
    return author is not None and may_edit(ctx.actor, b.author_id, author[0], author[1], b.kind)


def edit_rows(ctx: AppContext, state, b: Broadcast, route: str) -> list[ft.Control]:
    """Edit (title, text and each language's version) and History, for those who may edit.
    ``state``: the Broadcasts screen's ReadingState."""
    if not may_edit_here(ctx, b):
        return []
    history = big_button(ctx, ctx._("History"), lambda e: ctx.page.navigate(route + SUFFIX), icon=ft.Icons.HISTORY,
                         filled=False)
    if state.editing != b.id:
        def start(_e) -> None:
            state.edit.text, state.edit_body.text = b.title, b.body
            state.versions.translations = {c: {"title": v.get("title") or "", "body": v.get("body") or ""}
                                           for c, v in (b.translations or {}).items()}
            state.editing = b.id  # redraws

        return [ft.Row([big_button(ctx, ctx._("Edit"), start, icon=ft.Icons.EDIT, filled=False), history], wrap=True)]
    t = ctx.typo

    def save(_e) -> None:
        def done() -> None:
            ctx.actions.edit_broadcast(b.id, state.edit.text.strip(), state.edit_body.text,
                                       written_translations(state.versions))
            state.editing = ""

        if state.edit.text.strip():
            ctx.act(done, ctx._("Broadcast saved. It will be sent when online."))

    return [ft.TextField(label=ctx._("Title"), max_length=200, text_style=t.style(16), value=state.edit.text,
                         on_change=lambda e: setattr(state.edit, "text", e.control.value or "")),
            ft.TextField(label=ctx._("Message"), multiline=True, min_lines=3, max_length=5000, text_style=t.style(16),
                         value=state.edit_body.text,
                         on_change=lambda e: setattr(state.edit_body, "text", e.control.value or "")),
            *translation_fields(ctx, state.versions),
            big_button(ctx, ctx._("Save changes"), save, icon=ft.Icons.SAVE), history]


@ft.observable
@dataclass
class HistoryState:
    answers: dict[str, list] = field(default_factory=dict)  # broadcast id -> the server's versions
    problem: str | None = None
    asked: set = field(default_factory=set)  # ids asked for (changing it redraws nothing)


async def _load(ctx: AppContext, state: HistoryState, broadcast_id: str) -> None:
    answer, problem = await ask_server(ctx, lambda: ctx.api.broadcast_versions(broadcast_id))
    if answer is not None:
        state.answers = {**state.answers, broadcast_id: answer}  # redraws
    else:
        state.problem = problem  # redraws


def _version(ctx: AppContext, v: dict, current: bool) -> ft.Control:
    t, grey = ctx.typo, ft.Colors.GREY_800
    when = ctx.tr.format_datetime(datetime.fromisoformat(v["written_at"]), "short")
    heading = ctx._("Version {number}", number=ctx.tr.format_number(v["version"]))
    # Translators: beside "Version N": the version of a broadcast its readers see now.
    lines = [t.text(ctx.tr.join(heading, ctx._("Current") if current else None), 15, weight=ft.FontWeight.BOLD),
             t.text(ctx.tr.join(v["written_by_name"], when), 13, color=grey),
             t.text(v["title"], 15), *([t.text(v["body"], 14)] if v["body"] else [])]
    for code, version in sorted((v.get("translations") or {}).items()):
        lines.append(t.text(f"{SUPPORTED_LOCALES.get(code, code)}: {version.get('title') or ''}", 13, color=grey))
    return ft.Column(lines, spacing=2)


def view(ctx: AppContext, route: str, broadcast_id: str) -> ft.View:
    """Every version of one broadcast, newest first, with who wrote it and when."""
    t, state = ctx.typo, screen_state(ctx, "/broadcasts" + SUFFIX, HistoryState)
    versions = state.answers.get(broadcast_id)
    if versions is None and broadcast_id not in state.asked:
        state.asked.add(broadcast_id)
        ctx.page.run_task(_load, ctx, state, broadcast_id)
    if versions is None:
        body: list[ft.Control] = [t.text(state.problem or ctx._("Loading…"), 15)]
        if state.problem:
            body += [t.text(ctx._("The history of a broadcast needs a connection."), 14),
                     big_button(ctx, ctx._("Try again"), lambda e: _again(ctx, state, broadcast_id),
                                icon=ft.Icons.REFRESH, filled=False)]
        return frame(ctx, route, ctx._("History"), body, back=True)
    rows = [_version(ctx, v, i == 0) for i, v in enumerate(reversed(versions))]
    return frame(ctx, route, ctx._("History"), [section(ctx, ctx._("Versions"), rows)], back=True)


def _again(ctx: AppContext, state: HistoryState, broadcast_id: str) -> None:
    state.asked.discard(broadcast_id)
    state.problem = None  # redraws: asked again
