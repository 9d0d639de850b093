"""Issue 11, broadcasts: an urgent broadcast sent to me blocks the app until I acknowledge it.

The shell puts ``view`` on top of whatever screen it draws (at start too) while the oldest urgent
broadcast addressed to me is not acknowledged on this phone: its full text and one button,
Acknowledge, which records "read" and "acknowledged" with the time tapped (offline too); Back
does not leave it. The next one, if any, follows.

Issue 11, bcfollow: "Later" puts it off on this phone; it comes back by itself every few minutes
for the chain's period after it was sent, at the next app start and before the next
clock-in (the rule: app.domain.urgent_repeats).

Issue 11, bccheck: when the sender asked a check question, the cover asks it with its choices;
Acknowledge counts only with the right one (app.domain.broadcast_checks, checked again by the
server): a wrong one says so and records nothing, so they can read again and try again.

A screen, not a dialog: the shell redraws by replacing its views (a sync, a route change), and a
dialog shown just before such a redraw stayed drawn with its Acknowledge dead (seen in Chromium:
the close was never reported). A view is rebuilt with the rest, so it is never stuck.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from app.domain.access import AccessDenied
from app.domain.broadcast_checks import Check, check_answer
from app.domain.urgent_repeats import comes_back_at, shows_now
from app.protocol import Reason
from app.store import queries, urgent_put_off
from app.ui import shift_news
from app.ui.chrome import big_button, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state


CLOCK_IN_ROUTE = "/clock"
STATE_KEY = "urgent-cover"  # issue 11, bccheck: the cover's state (not a route: it covers them all)


@ft.observable
@dataclass
class CoverState:
    """Issue 11, bccheck: the choice picked on each broadcast's check (kept across redraws;
    picking redraws nothing) and the broadcast whose last answer was wrong (shown)."""

    picked: dict[str, int] = field(default_factory=dict)
    wrong: str = ""


def waiting(ctx: AppContext, route: str = "") -> queries.Broadcast | None:
    """The oldest urgent broadcast sent to me, not acknowledged, that shows now on ``route`` (one
    put off shows again when it is time, at an app start and on the clock-in screen)."""
    now, clocking_in = ctx.store.clock.now(), route.startswith(CLOCK_IN_ROUTE)
    with ctx.store.reading() as db:
        settings = urgent_put_off.repeat_settings(db)
        for broadcast_id, sent, put_off_at in urgent_put_off.waiting(db, ctx.user["id"]):
            if shows_now(now, sent, put_off_at, settings, app_started_at=ctx.started_at,
                         clocking_in=clocking_in):
                return queries.broadcast(db, ctx.user["id"], broadcast_id)
    return None


async def _come_back(ctx: AppContext, seconds: float) -> None:
    await asyncio.sleep(seconds)
    ctx.rerender()  # draws it again if it is still not acknowledged


def _put_off(ctx: AppContext, broadcast_id: str, shown_at) -> None:
    now = ctx.store.clock.now()
    with ctx.store.transaction() as db:
        urgent_put_off.put_off(db, broadcast_id, shown_at, now)
        back = comes_back_at(urgent_put_off.sent_at(db, broadcast_id), now, urgent_put_off.repeat_settings(db))
    if back is not None:
        ctx.page.run_task(_come_back, ctx, (back - now).total_seconds())
    ctx.rerender()


def _acknowledge(ctx: AppContext, broadcast_id: str, check: Check | None, state: CoverState) -> None:
    """Read and acknowledged now, offline too; with a check question only on the right answer."""
    answer = state.picked.get(broadcast_id)

    def both() -> None:
        try:
            check_answer(check, answer)  # issue 11, bccheck: a wrong answer records nothing
        except AccessDenied:
            state.wrong = broadcast_id  # says so on the cover (a redraw), and ctx.act tells why
            raise
        ctx.actions.mark_broadcast_read(broadcast_id)  # it was open on screen: read too
        ctx.actions.acknowledge_broadcast(broadcast_id, answer)
        state.picked.pop(broadcast_id, None)  # asked again after an edit: nothing picked yet
        if state.wrong == broadcast_id:
            state.wrong = ""

    ctx.act(both, ctx._("Acknowledged."))  # redraws: the next urgent one, or the screen below


def _check_part(ctx: AppContext, broadcast_id: str, check: Check, state: CoverState) -> list[ft.Control]:
    """Issue 11, bccheck: the sender's question and its choices; "not right" after a wrong answer."""
    t = ctx.typo

    def picked(e) -> None:
        state.picked[broadcast_id] = int(e.control.value)  # a plain dict: no redraw while choosing

    choice = state.picked.get(broadcast_id)
    radios = [ft.Radio(value=str(i), label=text, label_style=t.style(16)) for i, text in enumerate(check.choices)]
    wrong = state.wrong == broadcast_id
    return [t.text(ctx._("Check question"), 13, color=ft.Colors.GREY_800),
            t.text(check.question, 16, weight=ft.FontWeight.BOLD),
            ft.RadioGroup(ft.Column(radios, spacing=0), value=None if choice is None else str(choice),
                          on_change=picked),
            *([t.text(ctx.reason_text(Reason.BROADCAST_WRONG_ANSWER), 15, color=ft.Colors.RED_900)] if wrong else [])]


def acknowledge_part(ctx: AppContext, broadcast_id: str) -> list[ft.Control]:
    """The check question, if the sender asked one (issue 11, bccheck), and Acknowledge: on the
    cover and on the broadcast's detail alike."""
    state = screen_state(ctx, STATE_KEY, CoverState)
    with ctx.store.reading() as db:
        check = queries.broadcast_check(db, broadcast_id)
    return [*(_check_part(ctx, broadcast_id, check, state) if check else []),
            big_button(ctx, ctx._("Acknowledge"), lambda e: _acknowledge(ctx, broadcast_id, check, state),
                       icon=ft.Icons.TASK_ALT)]


def view(ctx: AppContext, route: str, b: queries.Broadcast) -> ft.View:
    """The blocking screen of one urgent broadcast (on ``route``: the screen it covers)."""
    t, shown_at = ctx.typo, ctx.store.clock.now()
    heading = ctx.tr.join(ctx._("Urgent"), shift_news.title(ctx, b))

    return ft.View(
        route=route,
        # White on the error red: the pair the contrast check holds (tests/test_contrast.py).
        appbar=ft.AppBar(title=t.text(heading, 20, weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE),
                         automatically_imply_leading=False, bgcolor=ft.Colors.RED_900),
        controls=[ft.ListView([section(ctx, ctx._("Message"), [
            t.text(ctx.tr.join(b.author_name, b.created_at and ctx.tr.format_datetime(b.created_at, "short")), 13,
                   color=ft.Colors.GREY_800),
            *[t.text(line, 16, selectable=True) for line in shift_news.lines(ctx, b)],
            t.text(ctx._("Please confirm you have read this."), 15, color=ft.Colors.RED_900),
            *acknowledge_part(ctx, b.id),
            # Translators: puts an urgent broadcast off; it comes back in a few minutes.
            big_button(ctx, ctx._("Later"), lambda e: _put_off(ctx, b.id, shown_at), icon=ft.Icons.SNOOZE,
                       filled=False),
        ])], expand=True, padding=16)],
        padding=0,
    )
