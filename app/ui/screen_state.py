"""Per-session screen state: one observable dataclass per screen and user, kept while the
session lives; any change to it redraws the screen.

Screens are classic Flet views rebuilt by the shell. (A Flet ``@component`` placed in such a
view got no events in Flet 1.0.5 unless the whole session runs in components mode, which
turns off auto-update for every other screen, so screens keep their state here instead.)
Fields typed into (a form's text) belong in a plain dataclass inside the state: typing must
not redraw the screen and lose the field's focus.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import flet as ft

from app.ui.context import AppContext

S = TypeVar("S")


def screen_state(ctx: AppContext, route: str, factory: Callable[[], S]) -> S:
    """The state of ``route`` for the signed-in user (made by ``factory`` on first use)."""
    key = f"{route}:{ctx.user['id'] if ctx.user else ''}"
    if key not in ctx.screen_states:
        state = factory()

        def redraw(_sender, _field) -> None:
            ctx.rerender()

        state.subscribe(redraw)
        ctx.screen_states[key] = (state, redraw)  # the listener is held weakly by the state
    return ctx.screen_states[key][0]


def forget_screen_state(ctx: AppContext, route: str) -> None:
    """Drop the state of ``route`` (a form sent: the next one starts empty)."""
    ctx.screen_states.pop(f"{route}:{ctx.user['id'] if ctx.user else ''}", None)


# -- Issue 10, pickers: decision queues that follow a sync without losing what is being typed ----------

#: One reason field: (the item it answers, which field of that item).
FieldKey = tuple[str, str]


@dataclass
class Drafts:
    """What an approver has typed in a queue, and which items they are answering.

    A plain dataclass inside the screen's observable state, so typing redraws nothing; a redraw
    (a sync brought new items) builds each field again from here, and the focused one takes
    the focus again.
    """

    text: dict[FieldKey, str] = field(default_factory=dict)
    focused: FieldKey | None = None
    #: item -> (its place in the queue, what was shown of it) at the last drawing: when a sync
    #: takes away an item whose reason is being typed (answered elsewhere), it stays in that place.
    shown: dict[str, tuple[int, Any]] = field(default_factory=dict)
    #: The field last built for each key: a blur from a field a redraw replaced changes nothing.
    built: dict[FieldKey, ft.TextField] = field(default_factory=dict)

    def in_progress(self, item: str) -> bool:
        return (self.focused is not None and self.focused[0] == item) or any(
            k[0] == item and v.strip() for k, v in self.text.items())

    def reasons(self, item: str) -> dict[str, str]:
        """The item's typed texts by field."""
        return {k[1]: v for k, v in self.text.items() if k[0] == item}

    def forget(self, item: str) -> None:
        """The item was answered here (or the approver is done with it): its texts go."""
        self.text = {k: v for k, v in self.text.items() if k[0] != item}
        self.shown.pop(item, None)
        if self.focused is not None and self.focused[0] == item:
            self.focused = None


@ft.observable
@dataclass
class QueueState:
    """The state of a decision queue screen (trades, approvals, leave and other requests)."""

    drafts: Drafts = field(default_factory=Drafts)
    revision: int = 0  # raised when a kept item is put away, to redraw


def draft_field(drafts: Drafts, key: FieldKey, **kw) -> ft.TextField:
    """A reason field whose text lives in ``drafts``: a redraw keeps it, and the focus."""
    def typed(e) -> None:
        drafts.text[key] = e.control.value or ""

    def focused(e) -> None:
        drafts.focused = key

    def left(e) -> None:
        if drafts.built.get(key) is e.control and drafts.focused == key:
            drafts.focused = None

    built = ft.TextField(value=drafts.text.get(key, ""), autofocus=drafts.focused == key, on_change=typed,
                         on_focus=focused, on_blur=left, **kw)
    drafts.built[key] = built
    return built


def keep_in_place(drafts: Drafts, kind: str, items: list[tuple[str, Any]]) -> list[tuple[str, Any, bool]]:
    """A queue's ``(item, shown)`` pairs (items named ``kind:id``) as ``(item, shown, gone)``: an
    item of that kind being answered that is no longer in ``items`` is put back where it was,
    with ``gone`` True."""
    here = {item for item, _ in items}
    listed = [(item, shown, False) for item, shown in items]
    mine = sorted((kv for kv in drafts.shown.items() if kv[0].startswith(kind + ":")), key=lambda kv: kv[1][0])
    for item, (place, shown) in mine:
        del drafts.shown[item]
        if item not in here and drafts.in_progress(item):
            listed.insert(min(place, len(listed)), (item, shown, True))
    drafts.shown.update({item: (place, shown) for place, (item, shown, _) in enumerate(listed)})
    return listed


def answered_elsewhere(ctx: AppContext, state: QueueState, item: str) -> ft.Control:
    """Said on an item a sync took away while a reason was being typed for it; OK puts it away."""
    def put_away(e) -> None:
        state.drafts.forget(item)
        state.revision += 1

    return ft.Row([ft.Icon(ft.Icons.INFO_OUTLINE, color=ft.Colors.ORANGE_900),
                   ctx.typo.text(ctx._("This request was answered elsewhere."), 15, weight=ft.FontWeight.BOLD,
                                 color=ft.Colors.ORANGE_900),
                   ft.TextButton(ctx._("OK"), on_click=put_away)], wrap=True)
