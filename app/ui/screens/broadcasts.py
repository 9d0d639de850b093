"""Issue 11, broadcasts: the Broadcasts screen for everyone, from the phone's own copy.

The feed lists what was sent to me: pinned on top, then unread, then newest. A broadcast's
detail shows its full text; opening it records "read" (offline too, with the time it was
opened); an urgent one shows Acknowledge until I tap it.
"""

from dataclasses import dataclass, field

import flet as ft

from app.domain.broadcasts import matches
from app.store import queries
from app.store.queries import Broadcast
from app.ui import broadcast_files, shift_news, urgent
from app.ui.chrome import big_button, frame, icon_button, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens import broadcast_history

ROUTE = "/broadcasts"


@dataclass
class Typed:
    """What is typed in the search field (typing redraws nothing)."""

    text: str = ""


@ft.observable
@dataclass
class ReadingState:
    """Issue 11, bcwrite: the broadcast shown as its sender wrote it ("Show original"), if any,
    and the feed's search (applied on Enter or the search button)."""

    original_of: str = ""
    typed: Typed = field(default_factory=Typed)
    searched: str = ""
    editing: str = ""  # the sender's broadcast being edited here
    edit: Typed = field(default_factory=Typed)  # its new title (``text``) ...
    edit_body: Typed = field(default_factory=Typed)  # ... and text
    versions: broadcast_history.Versions = field(default_factory=broadcast_history.Versions)  # bcsaved: languages


def _byline(ctx: AppContext, b: Broadcast) -> str:
    return ctx.tr.join(b.author_name, b.created_at and ctx.tr.format_datetime(b.created_at, "short"))


def _marks(ctx: AppContext, b: Broadcast) -> list[str]:
    """Words shown beside a title: pinned, urgent, unread."""
    marks = [ctx._("Pinned")] if b.pinned else []
    if b.urgent:
        marks.append(ctx._("Urgent"))
    if b.read_at is None:
        marks.append(ctx._("Unread"))
    return marks


def _tile(ctx: AppContext, b: Broadcast) -> ft.Control:
    t = ctx.typo
    unread = b.read_at is None
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.PUSH_PIN if b.pinned else ft.Icons.CAMPAIGN,
                        color=ft.Colors.RED_800 if b.urgent else None),
        title=t.text(shift_news.title(ctx, b), 16, weight=ft.FontWeight.BOLD if unread else None),
        subtitle=t.text(ctx.tr.join(*_marks(ctx, b), _byline(ctx, b)), 13),
        on_click=lambda e, bid=b.id: ctx.page.navigate(f"{ROUTE}/{bid}"))


def _search_row(ctx: AppContext, state: ReadingState) -> ft.Control:
    def search(_e=None) -> None:
        state.searched = state.typed.text.strip()  # redraws

    box = ft.TextField(label=ctx._("Search broadcasts"), value=state.typed.text, text_style=ctx.typo.style(15),
                       expand=True, on_change=lambda e: setattr(state.typed, "text", e.control.value or ""),
                       on_submit=search)
    return ft.Row([box, icon_button(ft.Icons.SEARCH, ctx._("Search broadcasts"), search)])


def _found(ctx: AppContext, b: Broadcast, query: str) -> bool:
    """Search looks in the text as written and in my language's version."""
    return matches(query, b.title, b.body, shift_news.title(ctx, b), *shift_news.lines(ctx, b))


def view(ctx: AppContext) -> ft.View:
    """The feed: every broadcast sent to me (issue 11, bcwrite: searchable)."""
    state = screen_state(ctx, ROUTE, ReadingState)
    with ctx.store.reading() as db:
        feed = queries.broadcasts(db, ctx.user["id"], feed=True)
    found = [b for b in feed if _found(ctx, b, state.searched)]
    empty = ctx._("No broadcasts match your search.") if feed else ctx._("No broadcasts yet.")
    rows = [_tile(ctx, b) for b in found] or [ctx.typo.text(empty, 15)]
    return frame(ctx, ROUTE, ctx._("Broadcasts"), [_search_row(ctx, state), *rows], back=True)


def _opened(ctx: AppContext, b: Broadcast) -> None:
    """Opening records "read" once (the action is idempotent; the sender's own is no receipt)."""
    if b.read_at is None and ctx.actions.mark_broadcast_read(b.id) and ctx.runner:
        ctx.runner.refresh_counts()
        ctx.runner.request()


def _acknowledge_row(ctx: AppContext, b: Broadcast) -> list[ft.Control]:
    if not b.urgent or b.author_id == ctx.user["id"]:
        return []
    if b.acknowledged_at is not None:
        return [ctx.typo.text(ctx._("Acknowledged at {time}", time=ctx.tr.format_datetime(b.acknowledged_at, "short")),
                              14, color=ft.Colors.GREEN_800)]
    return [ctx.typo.text(ctx._("Please confirm you have read this."), 14, color=ft.Colors.RED_900),
            *urgent.acknowledge_part(ctx, b.id)]  # issue 11, bccheck: with its check question, as on the cover


def _original_toggle(ctx: AppContext, state: ReadingState, broadcast_id: str, is_translation: bool,
                     original: bool) -> list[ft.Control]:
    """Issue 11, bcwrite: a translated broadcast can be read as its sender wrote it, and back."""
    if not is_translation:
        return []
    if original:
        return [big_button(ctx, ctx._("Show translation"), lambda e: setattr(state, "original_of", ""),
                           icon=ft.Icons.TRANSLATE, filled=False)]
    return [ctx.typo.text(ctx._("Translated by the sender"), 13, color=ft.Colors.GREY_800),
            big_button(ctx, ctx._("Show original"), lambda e: setattr(state, "original_of", broadcast_id),
                       icon=ft.Icons.TRANSLATE, filled=False)]


def _what_changed(ctx: AppContext, b: Broadcast) -> list[ft.Control]:
    """Issue 11, bcwrite: an edited broadcast says when, and shows the text before the edit."""
    if not b.previous:
        return []
    t, grey = ctx.typo, ft.Colors.GREY_800
    before = [b.previous.get("title") or "", b.previous.get("body") or ""]
    return [t.text(ctx._("Edited at {time}", time=ctx.tr.format_datetime(b.edited_at, "short")) if b.edited_at
                   else ctx._("Edited"), 14, weight=ft.FontWeight.W_600),
            t.text(ctx._("Before the edit:"), 13, color=grey),
            *[t.text(line, 14, color=grey, semantics_label=line) for line in before if line]]


def detail_view(ctx: AppContext, route: str, broadcast_id: str) -> ft.View:
    """One broadcast's full text; opening it records "read"."""
    t = ctx.typo
    with ctx.store.reading() as db:
        b = queries.broadcast(db, ctx.user["id"], broadcast_id)
    if b is None:
        return frame(ctx, route, ctx._("Broadcast"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    _opened(ctx, b)
    state = screen_state(ctx, ROUTE, ReadingState)
    is_translation = shift_news.version(ctx, b).locale is not None
    original = is_translation and state.original_of == b.id
    body: list[ft.Control] = [
        t.text(shift_news.title(ctx, b, original=original), 20, weight=ft.FontWeight.BOLD),
        t.text(ctx.tr.join(*[m for m in _marks(ctx, b) if m != ctx._("Unread")], _byline(ctx, b)), 13,
               color=ft.Colors.GREY_800),
        # Selectable text is left out of the page's accessibility tree (Flutter web): named again.
        *[t.text(line, 16, selectable=True, semantics_label=line)
          for line in shift_news.lines(ctx, b, original=original)],
        ft.Row(shift_news.open_button(ctx, b), wrap=True),
        *broadcast_files.attachment_rows(ctx, b),  # issue 11, bcattach
        *_what_changed(ctx, b),
        *_acknowledge_row(ctx, b),
        *_original_toggle(ctx, state, b.id, is_translation, original),
        *broadcast_history.edit_rows(ctx, state, b, route),  # issue 11, bcsaved
    ]
    return frame(ctx, route, ctx._("Broadcast"), [section(ctx, ctx._("Message"), body)], back=True)
