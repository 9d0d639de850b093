"""Issue 12, taskadmin: on an equipment repair's screen, a manager of its store sends it to
another department of the chain (the departments HQ keeps, as pulled), or takes it back. Online
only: offline the part says so and nothing is sent. Checked first with the server's own rule
(``app.domain.tasks.departments.check_send``); the server's refusal (a department HQ removed
since this phone last synced, a task closed meanwhile) is shown in the user's language. The
server's answer shows at once; the phone's copy of the task follows with the next sync."""

from dataclasses import dataclass, field

import flet as ft

from app.domain.access import AccessDenied, require_manager_of
from app.domain.tasks.departments import Department, Departments, check_send
from app.domain.tasks.model import TaskKind
from app.store.task_reminders import department_names
from app.ui.chrome import big_button, menu, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens.task_schedules import offline_text, online_call
from app.ui.screens.tasks import ROUTE as TASKS_ROUTE


@ft.observable
@dataclass
class SendState:
    chosen: str = ""  # the department chosen in the menu
    #: task id -> the department the server answered, shown until this phone's copy says the same.
    answered: dict[str, str | None] = field(default_factory=dict)


def state_of(ctx: AppContext, task_id: str) -> SendState:
    return screen_state(ctx, f"{TASKS_ROUTE}/{task_id}/department", SendState)


def _departments(ctx: AppContext) -> Departments:
    with ctx.store.reading() as db:
        names = department_names(db)
    return Departments(tuple(Department(i, n) for i, n in names.items()))


async def send(ctx: AppContext, state: SendState, item: dict, department_id: str | None) -> None:
    """Send the repair to ``department_id`` (None: take it back); nothing is sent when the rule refuses."""
    task, departments = item["task"], _departments(ctx)
    if department_id == "":
        ctx.notify(ctx._("Choose a department first."), error=True)
        return
    try:
        check_send(task, departments, department_id)
    except AccessDenied as exc:
        ctx.notify(ctx.reason_text(exc.reason, exc.message), error=True)
        return
    answer, problem = await online_call(
        ctx, lambda: ctx.api.send_task_to_department(task.store_id, task.id, department_id))
    if answer is None:
        ctx.notify(problem, error=True)
        return
    state.answered = {**state.answered, task.id: answer["department_id"]}  # redraws
    name = answer.get("department_name") or departments.name_of(department_id) or ""
    ctx.notify(ctx._("Sent to {department}", department=name) if department_id else ctx._("Taken back by the store."))
    if ctx.runner:
        ctx.runner.request()  # the phone's copy of the task follows


def _sent_to(state: SendState, item: dict) -> str | None:
    """Where the repair is now: the server's last answer here, else the phone's copy."""
    task_id, current = item["task"].id, item["row"].get("department_id")
    if task_id in state.answered:
        if state.answered[task_id] != current:
            return state.answered[task_id]
        del state.answered[task_id]  # the phone caught up (no redraw needed)
    return current


def part(ctx: AppContext, item: dict) -> list[ft.Control]:
    """The section, for a manager of the task's store on an equipment repair ([] otherwise)."""
    task = item["task"]
    try:
        require_manager_of(ctx.actor, [task.store_id])
    except AccessDenied:
        return []
    if task.kind is not TaskKind.EQUIPMENT_REPAIR:
        return []
    t, state, departments = ctx.typo, state_of(ctx, task.id), _departments(ctx)
    current = _sent_to(state, item)
    rows: list[ft.Control] = []
    if current:
        # Translators: a task on the board; {department} is a department of the chain, e.g. "Facilities".
        rows.append(t.text(ctx._("Sent to {department}", department=departments.name_of(current) or current), 15,
                           weight=ft.FontWeight.BOLD))
    if not item["open"]:
        return [section(ctx, ctx._("Another department"), rows)] if rows else []
    if not ctx.status.online:
        rows.append(t.text(offline_text(ctx), 15, color=ft.Colors.RED_900))
    if current:
        rows.append(big_button(ctx, ctx._("Take back"), lambda e: ctx.page.run_task(send, ctx, state, item, None),
                               icon=ft.Icons.UNDO, filled=False))
    elif departments.items:
        rows += [menu(ctx._("Department"), value=state.chosen or None,
                      options=[ft.DropdownOption(key=d.id, text=d.name) for d in departments.items],
                      on_select=lambda e: setattr(state, "chosen", e.control.value or "")),
                 big_button(ctx, ctx._("Send to department"),
                            lambda e: ctx.page.run_task(send, ctx, state, item, state.chosen),
                            icon=ft.Icons.SEND, filled=False)]
    else:
        rows.append(t.text(ctx._("HQ has not set up any departments yet."), 15))
    return [section(ctx, ctx._("Another department"), rows)]
