"""Per-session screen state: one observable dataclass per screen and user, kept while the
session lives; any change to it redraws the screen.

Screens are classic Flet views rebuilt by the shell. (A Flet ``@component`` placed in such a
view got no events in Flet 1.0.5 unless the whole session runs in components mode, which
turns off auto-update for every other screen, so screens keep their state here instead.)
Fields typed into (a form's text) belong in a plain dataclass inside the state: typing must
not redraw the screen and lose the field's focus.
"""

from collections.abc import Callable
from typing import TypeVar

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
