"""Issue 11, broadcasts: a sent broadcast's receipts for its sender and their managers, from
the server (online only): delivered, read and acknowledged per store with percentages, and per
person with times, optionally only those who have not read it yet."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import flet as ft

from app.domain import broadcasts
from app.i18n import SUPPORTED_LOCALES
from app.platform import offload
from app.store import queries
from app.sync import AuthRequired, NetworkError, RequestRejected, TransientError
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.screen_state import screen_state

ROUTE = "/broadcast"  # + "/<id>"


async def ask_server(ctx: AppContext, call: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run an online-only request off the event loop: its answer, or why there is none (translated)."""
    try:
        return await offload(call), None
    except (NetworkError, TransientError):
        return None, ctx._("Cannot reach the server. Check your connection and try again.")
    except RequestRejected as exc:
        return None, ctx.reason_text(exc.code)
    except AuthRequired:
        return None, ctx._("Please log in again.")


@dataclass
class Fetching:
    """The broadcast whose receipts are being asked for (changing it redraws nothing)."""

    broadcast_id: str | None = None
    #: broadcast id -> how many of its reminders had reached the server when its answer was asked
    #: for: one more arriving (by a sync) asks again, so the counts follow the reminder.
    reminders_answered: dict[str, int] = field(default_factory=dict)


@ft.observable
@dataclass
class ReceiptsState:
    answers: dict[str, dict] = field(default_factory=dict)  # broadcast id -> the server's answer
    problem: str | None = None
    fetching: Fetching = field(default_factory=Fetching)
    unread_only: bool = False


async def _load(ctx: AppContext, state: ReceiptsState, broadcast_id: str) -> None:
    answer, problem = await ask_server(ctx, lambda: ctx.api.broadcast_receipts(broadcast_id))
    state.fetching.broadcast_id = None
    if answer is not None:
        state.answers = {**state.answers, broadcast_id: answer}  # redraws
    else:
        state.problem = problem  # redraws


def _pct(ctx: AppContext, value: float) -> str:
    return ctx.tr.format_percent(value / 100, "#,##0.#%")


def _read_text(ctx: AppContext, row: dict) -> str:
    # Translators: receipts of one store: counts of people and their share, e.g. "Read 3 of 4 (75%)".
    return ctx._("Read {read} of {total} ({percent})", read=ctx.tr.format_number(row["read"]),
                 total=ctx.tr.format_number(row["people"]), percent=_pct(ctx, row["read_pct"]))


def _language_line(ctx: AppContext, row: dict) -> ft.Control:
    """Issue 11, bcfollow: the read rate of those whose phone is in one language."""
    name = SUPPORTED_LOCALES.get(row["locale"] or "", row["locale"]) or ctx._("Language not set")
    return ft.ListTile(title=ctx.typo.text(name, 15), subtitle=ctx.typo.text(_read_text(ctx, row), 13))


def _store_line(ctx: AppContext, row: dict, names: dict[str, str]) -> ft.Control:
    t = ctx.typo
    read = _read_text(ctx, row)
    # Translators: receipts of one store: how many phones got it and how many acknowledged it.
    more = ctx._("Delivered {delivered} · Acknowledged {acknowledged}",
                 delivered=_pct(ctx, row["delivered_pct"]), acknowledged=_pct(ctx, row["acknowledged_pct"]))
    return ft.ListTile(title=t.text(names.get(row["store_id"] or "", row["store_id"] or "—"), 15),
                       subtitle=t.text(f"{read}\n{more}", 13))


def _when(ctx: AppContext, value: str | None) -> str:
    return ctx.tr.format_datetime(datetime.fromisoformat(value), "short") if value else ""


def _person_line(ctx: AppContext, p: dict) -> ft.Control:
    if p["acknowledged_at"]:
        status = ctx._("Acknowledged at {time}", time=_when(ctx, p["acknowledged_at"]))
    elif p["read_at"]:
        status = ctx._("Read at {time}", time=_when(ctx, p["read_at"]))
    elif p["delivered_at"]:
        status = ctx._("On their phone, not read yet")
    else:
        status = ctx._("Not on their phone yet")
    return ft.ListTile(title=ctx.typo.text(p["name"], 15), subtitle=ctx.typo.text(status, 13))


def _not_yet_text(ctx: AppContext, count: int, urgent: bool) -> str:
    if urgent:
        return ctx.tr.ngettext("{count} person has not acknowledged it yet",
                               "{count} people have not acknowledged it yet", count)
    return ctx.tr.ngettext("{count} person has not read it yet", "{count} people have not read it yet", count)


def _reminder_line(ctx: AppContext, r: dict) -> ft.Control:
    when = ctx.tr.format_datetime(datetime.fromisoformat(r["sent_at"]), "short")
    if r["people"] is None:
        status = ctx._("Reminder waiting to be sent")
    else:
        status = ctx.tr.ngettext("Reminded {count} person", "Reminded {count} people", r["people"])
    return ctx.typo.text(ctx.tr.join(status, r["sent_by_name"], when), 13)


def _remind_again_at(ctx: AppContext, broadcast_id: str):
    """When "Remind them" is offered again after the latest reminder (None: now)."""
    with ctx.store.reading() as db:
        again = broadcasts.next_reminder_at(queries.last_reminder_at(db, broadcast_id))
    return again if again is not None and ctx.store.clock.now() < again else None


def _remind_section(ctx: AppContext, b: queries.Broadcast | None, answer: dict, reminders: list[dict]) -> ft.Control:
    """Issue 11, bcfollow: "remind them": the server reminds whoever has still not read
    (urgent: acknowledged) it when the reminder arrives, so it may be sent offline."""
    urgent = bool(b and b.urgent)
    total = answer["total"]
    count = total["people"] - total["acknowledged" if urgent else "read"]
    rows: list[ft.Control] = [ctx.typo.text(_not_yet_text(ctx, count, urgent), 15)]
    stage = answer.get("stage") or broadcasts.SENT
    if count and not broadcasts.may_remind(stage):  # issue 11, probe11: the server would refuse it
        rows.append(ctx.typo.text(ctx._("Held until its sending time: nobody can be reminded yet.") if stage == broadcasts.HELD
                                  else ctx._("Expired: it no longer shows, so nobody can be reminded."), 14,
                                  color=ft.Colors.GREY_800))
    elif count and b is not None and (again := _remind_again_at(ctx, b.id)) is not None:
        rows.append(ctx.typo.text(ctx._("You can remind them again from {time}.",
                                        time=ctx.tr.format_time(again, "short")), 14, color=ft.Colors.GREY_800))
    elif count and b is not None:
        def send() -> None:
            ctx.act(lambda: ctx.actions.remind_broadcast(b.id), done=ctx._(
                "Reminder queued: it reaches whoever has not read it yet when it gets to the server."))

        rows.append(big_button(ctx, ctx._("Remind them"), lambda e: confirm(
            ctx, ctx._("Remind them?"), _not_yet_text(ctx, count, urgent), ctx._("Send reminder"), send),
            icon=ft.Icons.NOTIFICATIONS_ACTIVE))
    rows += [_reminder_line(ctx, r) for r in reminders]
    return section(ctx, ctx._("Reminders"), rows)


def view(ctx: AppContext, route: str, broadcast_id: str) -> ft.View:
    t, state = ctx.typo, screen_state(ctx, ROUTE + "/receipts", ReceiptsState)
    answer = state.answers.get(broadcast_id)
    with ctx.store.reading() as db:
        names = queries.store_names(db)
        b = queries.broadcast(db, ctx.user["id"], broadcast_id)
        reminders = queries.broadcast_reminders(db, broadcast_id)
    reached = sum(r["people"] is not None for r in reminders)
    asked_at = state.fetching.reminders_answered.setdefault(broadcast_id, reached)
    stale = answer is not None and reached > asked_at  # a reminder reached the server since
    if (answer is None or stale) and state.fetching.broadcast_id != broadcast_id and state.problem is None:
        state.fetching.broadcast_id, state.fetching.reminders_answered[broadcast_id] = broadcast_id, reached
        ctx.page.run_task(_load, ctx, state, broadcast_id)
    body: list[ft.Control] = [t.text(b.title if b else broadcast_id, 18, weight=ft.FontWeight.BOLD)]
    if answer is None:
        body.append(t.text(state.problem or ctx._("Loading…"), 15))
        if state.problem:
            body.append(big_button(ctx, ctx._("Try again"), lambda e: setattr(state, "problem", None),
                                   icon=ft.Icons.REFRESH, filled=False))
        return frame(ctx, route, ctx._("Receipts"), body, back=True)
    body.append(big_button(ctx, ctx._("Refresh"), lambda e: setattr(
        state, "answers", {k: v for k, v in state.answers.items() if k != broadcast_id}),
        icon=ft.Icons.REFRESH, filled=False))
    body.append(_remind_section(ctx, b, answer, reminders))
    body.append(section(ctx, ctx._("By store"), [_store_line(ctx, row, names) for row in answer["stores"]]))
    body.append(section(ctx, ctx._("By language"), [_language_line(ctx, row) for row in answer["languages"]]))
    people = [p for p in answer["people"] if not (state.unread_only and p["read_at"])]
    body.append(section(ctx, ctx._("By person"), [
        ft.Switch(label=ctx._("Not read yet only"), value=state.unread_only, label_text_style=t.style(15),
                  on_change=lambda e: setattr(state, "unread_only", bool(e.control.value))),
        *[_person_line(ctx, p) for p in people],
    ]))
    return frame(ctx, route, ctx._("Receipts"), body, back=True)
