"""Issue 12, taskadmin: Tasks -> Recurring tasks (managers). A store's schedules as the server
holds them (online only): what each puts on the board (title, kind, who does it, photos needed,
checklist) and when (every day at HH:MM, or weekly on chosen days); edit, pause, resume or delete
one; New recurring task opens the form (``task_schedule_new``). Offline the screen says so and changes
nothing. Every check is the server's own: ``app.domain.tasks.schedules.check_schedule`` and the
wire model, run here first for a quick answer; the server's refusal is shown in the user's language.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

import flet as ft

from app.domain.tasks import schedules as rules
from app.domain.tasks.model import Assignees, TaskKind
from app.i18n.common_strings import TASK_KIND_LABELS
from app.protocol.task_schedules import TaskScheduleIn
from app.store import queries
from app.store.roster_view import people_at
from app.sync.task_admin_api import change_task_schedule, delete_task_schedule
from app.ui.chrome import big_button, frame, icon_button, menu, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server
from app.ui.screens.tasks import SCHEDULES_ROUTE

ROUTE = SCHEDULES_ROUTE
NEW_ROUTE = ROUTE + "/new"


def offline_text(ctx: AppContext) -> str:
    # Translators: an online-only screen (recurring tasks, departments) while the phone has no connection.
    return ctx._("You are offline. This needs a connection to the server; nothing was changed.")


async def online_call(ctx: AppContext, call: Callable[[], Any]) -> tuple[Any, str | None]:
    """An online-only request: its answer, or why there is none (translated). Offline it is not
    even tried: nothing changes."""
    if not ctx.status.online:
        return None, offline_text(ctx)
    return await ask_server(ctx, call)


def managed_stores(ctx: AppContext) -> list[str]:
    """The stores whose schedules I may see: mine (HQ, with no store of its own: every store known)."""
    stores = sorted(ctx.user["store_ids"])
    if stores:
        return stores
    with ctx.store.reading() as db:
        return sorted(queries.store_names(db))


def schedule_of(store_id: str, body: dict) -> rules.Schedule:
    """A schedule on the wire (``TaskScheduleIn`` fields) as the rules see it."""
    hour, minute = (int(x) for x in body["due_time"].split(":"))
    return rules.Schedule(id=body.get("id", "new"), store_id=store_id, title=body["title"],
                          assignees=Assignees.from_dict(body["assignees"]),
                          recurrence=rules.Recurrence(body["recurrence"]), due_time=time(hour, minute),
                          lead=timedelta(minutes=body["lead_minutes"]), weekdays=frozenset(body["weekdays"]),
                          instructions=body["instructions"], kind=TaskKind(body["kind"]),
                          checklist=tuple(body["checklist"]), photos_required=body["photos_required"],
                          paused=body["paused"])


def checked(store_id: str, body: dict) -> dict:
    """``body`` as it will be sent, after the server's own checks: the rules (``AccessDenied`` with
    the reason) and the wire model (``ValueError``)."""
    rules.check_schedule(schedule_of(store_id, body))
    return TaskScheduleIn.model_validate(body).model_dump(mode="json")


@dataclass
class Asked:
    """The store whose schedules were asked for (changing it redraws nothing)."""

    store_id: str | None = None


@ft.observable
@dataclass
class SchedulesState:
    store_id: str = ""
    schedules: list[dict] | None = None  # the server's answer for ``asked.store_id``
    problem: str | None = None  # why there is no list (offline, refused)
    asked: Asked = field(default_factory=Asked)


def state_of(ctx: AppContext) -> SchedulesState:
    return screen_state(ctx, ROUTE, SchedulesState)


async def load(ctx: AppContext, state: SchedulesState) -> None:
    store_id = state.asked.store_id = state.store_id
    answer, problem = await online_call(ctx, lambda: ctx.api.task_schedules(store_id))
    state.schedules, state.problem = answer, problem  # redraws


def _weekdays(ctx: AppContext, days: list[int]) -> str:
    names = ctx.tr.babel_locale.days["format"]["abbreviated"]  # 0 = Monday, as the schedules count
    return ctx.tr.format_list([names[d] for d in sorted(days)])


def when_text(ctx: AppContext, s: dict) -> str:
    """"Every day, due at 09:30" / "Weekly on Mon and Thu, due at 11:00"."""
    hour, minute = (int(x) for x in s["due_time"].split(":"))
    at = ctx.tr.format_time(time(hour, minute), "short")
    if s["recurrence"] == rules.Recurrence.WEEKLY:
        # Translators: a recurring task; {days} e.g. "Mon and Thu", {time} the time it is due.
        return ctx._("Weekly on {days}, due at {time}", days=_weekdays(ctx, s["weekdays"]), time=at)
    # Translators: a recurring task; {time} the time it is due.
    return ctx._("Every day, due at {time}", time=at)


def who_text(ctx: AppContext, assignees: dict, people: dict[str, str]) -> str:
    who = Assignees.from_dict(assignees)
    if who.on_shift:
        return ctx._("Whoever is on shift")
    if who.role:
        return ctx._("All staff of the store") if who.role == "staff" else ctx._("Store managers")
    return ctx.tr.format_list([people.get(uid, uid) for uid in who.user_ids])


def _details(ctx: AppContext, s: dict, people: dict[str, str]) -> list[str]:
    lead = ctx.tr.format_timedelta(timedelta(minutes=s["lead_minutes"]), granularity="minute")
    photos = s["photos_required"]
    lines = [when_text(ctx, s),
             # Translators: how long before its due time a recurring task appears on the board.
             ctx._("On the board {duration} before", duration=lead) if s["lead_minutes"] else "",
             ctx._(TASK_KIND_LABELS.get(s["kind"], s["kind"])),
             ctx._("Who does it: {who}", who=who_text(ctx, s["assignees"], people)),
             ctx.tr.ngettext("{count} photo needed", "{count} photos needed", photos,
                             count=ctx.tr.format_number(photos)) if photos else ctx._("No photo needed"),
             ctx._("Checklist: {items}", items=ctx.tr.format_list(s["checklist"])) if s["checklist"] else "",
             s["instructions"]]
    return [line for line in lines if line]


async def _pause(ctx: AppContext, state: SchedulesState, s: dict) -> None:
    """Pause or resume: the schedule as it is, with ``paused`` turned over."""
    try:
        body = checked(s["store_id"], {**{k: s[k] for k in TaskScheduleIn.model_fields}, "paused": not s["paused"]})
    except ValueError:
        ctx.notify(ctx._("Please check what you entered."), error=True)
        return
    answer, problem = await online_call(ctx, lambda: change_task_schedule(ctx.api, s["store_id"], s["id"], body))
    if answer is None:
        ctx.notify(problem, error=True)
        return
    state.schedules = [answer if x["id"] == s["id"] else x for x in state.schedules or []]  # redraws
    ctx.notify(ctx._("Paused: no new tasks until it is resumed.") if answer["paused"]
               else ctx._("Resumed: its tasks come back to the board."))


async def _delete(ctx: AppContext, state: SchedulesState, s: dict) -> None:
    _answer, problem = await online_call(ctx, lambda: delete_task_schedule(ctx.api, s["store_id"], s["id"]))
    if problem:
        ctx.notify(problem, error=True)
        return
    state.schedules = [x for x in state.schedules or [] if x["id"] != s["id"]]  # redraws
    ctx.notify(ctx._("Recurring task deleted. Tasks already on the board stay."))


def _form(ctx: AppContext, s: dict | None) -> None:
    """The form: for a new schedule, or filled with ``s`` to edit it."""
    from app.ui.screens import task_schedule_new  # (it imports this module)

    if s:
        task_schedule_new.edit(ctx, s)
    else:
        task_schedule_new.start_new(ctx)


def _card(ctx: AppContext, state: SchedulesState, s: dict, people: dict[str, str]) -> ft.Control:
    t = ctx.typo
    rows: list[ft.Control] = [t.text(line, 14) for line in _details(ctx, s, people)]
    if s["paused"]:
        rows.insert(0, t.text(ctx._("Paused"), 15, color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD))
    question = ctx._("Delete the recurring task {title}? Tasks already on the board stay.", title=s["title"])
    rows.append(ft.Row([
        big_button(ctx, ctx._("Edit"), lambda e: _form(ctx, s), icon=ft.Icons.EDIT, filled=False),
        big_button(ctx, ctx._("Resume") if s["paused"] else ctx._("Pause"),
                   lambda e: ctx.page.run_task(_pause, ctx, state, s),
                   icon=ft.Icons.PLAY_ARROW if s["paused"] else ft.Icons.PAUSE, filled=False),
        big_button(ctx, ctx._("Delete"), lambda e: confirm(
            ctx, ctx._("Delete recurring task"), question, ctx._("Delete"),
            lambda: ctx.page.run_task(_delete, ctx, state, s)), icon=ft.Icons.DELETE_OUTLINE, filled=False),
    ], wrap=True))
    return section(ctx, s["title"], rows)


def _listing(ctx: AppContext, state: SchedulesState) -> list[ft.Control]:
    t = ctx.typo
    if state.problem:
        return [t.text(state.problem, 15, color=ft.Colors.RED_900),
                big_button(ctx, ctx._("Try again"), lambda e: ctx.page.run_task(load, ctx, state),
                           icon=ft.Icons.REFRESH, filled=False)]
    if state.schedules is None:
        return [t.text(ctx._("Loading…"), 15)]
    with ctx.store.reading() as db:
        people = dict(people_at(db, state.store_id))
    return [_card(ctx, state, s, people) for s in state.schedules] or [
        t.text(ctx._("No recurring tasks yet."), 15)]


def view(ctx: AppContext) -> ft.View:
    t, state = ctx.typo, state_of(ctx)
    stores = managed_stores(ctx)
    if state.store_id not in stores:
        state.store_id = stores[0] if stores else ""
    if state.asked.store_id != state.store_id:
        state.asked.store_id = state.store_id
        ctx.page.run_task(load, ctx, state)
    with ctx.store.reading() as db:
        names = queries.store_names(db)

    def chose(e) -> None:
        if e.control.value and e.control.value != state.store_id:
            state.schedules, state.problem = None, None
            state.store_id = e.control.value  # redraws, and asks for that store's list

    body: list[ft.Control] = [t.text(ctx._("Tasks that come back by themselves: the server puts each one on the "
                                           "board before it is due."), 15)]
    if not ctx.status.online:
        body.append(t.text(offline_text(ctx), 15, color=ft.Colors.RED_900))
    if len(stores) > 1:
        body.append(menu(ctx._("Store"), value=state.store_id, on_select=chose,
                         options=[ft.DropdownOption(key=s, text=names.get(s, s)) for s in stores]))
    body += _listing(ctx, state)
    body.append(big_button(ctx, ctx._("New recurring task"), lambda e: _form(ctx, None),
                           icon=ft.Icons.EVENT_REPEAT, disabled=not state.store_id))
    refresh = icon_button(ft.Icons.REFRESH, ctx._("Refresh"), lambda e: ctx.page.run_task(load, ctx, state))
    return frame(ctx, ROUTE, ctx._("Recurring tasks"), body, back=True, actions=[refresh])
