"""Issue 11, bcfollow: on the Home of the manager on duty of a store, who there has still not
acknowledged an urgent broadcast after the reminder period (asked of the server; shown when it
answers, nothing offline). Asked again at most once a minute, as Home redraws on each sync."""

import time
from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from app.ui.chrome import section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server

#: Its screen-state key (a section of Home, not a route of its own).
STATE_KEY = "home:not-acknowledged"
ASK_EVERY_S = 60.0


@dataclass
class Asked:
    """When the server was last asked (changing it redraws nothing)."""

    at: float | None = None


@ft.observable
@dataclass
class NotAcknowledgedState:
    answer: list[dict] | None = None
    asked: Asked = field(default_factory=Asked)


async def _load(ctx: AppContext, state: NotAcknowledgedState) -> None:
    answer, _problem = await ask_server(ctx, ctx.api.broadcasts_not_acknowledged)
    # Only a change someone would see redraws: an empty answer after none shows nothing new, and a
    # redraw of the screen in use (Home, or where the manager went meanwhile) is not free.
    if answer is not None and answer != (state.answer or []):
        state.answer = answer  # redraws


def _broadcast_rows(ctx: AppContext, item: dict, names: dict[str, str]) -> list[ft.Control]:
    t = ctx.typo
    sent = ctx.tr.format_datetime(datetime.fromisoformat(item["sent_at"]), "short")
    return [t.text(ctx.tr.join(item["title"], sent), 15, weight=ft.FontWeight.W_600),
            *[t.text(ctx.tr.join(p["name"], names.get(p["store_id"] or "", p["store_id"])), 14)
              for p in item["people"]]]


def home_section(ctx: AppContext, store_names: dict[str, str]) -> ft.Control | None:
    """The section, for a manager, when the server listed someone (None otherwise)."""
    if not ctx.is_manager:
        return None
    state = screen_state(ctx, STATE_KEY, NotAcknowledgedState)
    if state.asked.at is None or time.monotonic() - state.asked.at > ASK_EVERY_S:
        state.asked.at = time.monotonic()
        ctx.page.run_task(_load, ctx, state)
    if not state.answer:
        return None
    rows = [row for item in state.answer for row in _broadcast_rows(ctx, item, store_names)]
    return section(ctx, ctx._("Not acknowledged after reminders"), rows)
