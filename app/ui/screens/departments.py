"""Issue 12, taskadmin: Chain settings -> Departments (HQ): the chain's departments a store can
send an equipment repair to. Shown from the pulled chain setting (offline too); HQ renames,
removes and adds (typing only a name: the id comes from ``app.domain.tasks.departments.new_id``)
and saves the whole list (online only: offline it says so and nothing changes). The list is
checked with the server's own rule (``Departments.from_dict``) before it is sent; the server's
refusal is shown in the user's language."""

from dataclasses import dataclass, field

import flet as ft

from app.domain.tasks.departments import MAX_NAME, Departments, new_id
from app.protocol import Reason
from app.store.task_reminders import department_names
from app.ui.chrome import big_button, frame, icon_button, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens.chain_settings import ROUTE as SETTINGS_ROUTE
from app.ui.screens.task_schedules import offline_text, online_call

ROUTE = SETTINGS_ROUTE + "/departments"


@dataclass
class Typed:
    """Names as typed, by department id, and the new one's name (typing redraws nothing)."""

    names: dict[str, str] = field(default_factory=dict)
    new_name: str = ""
    loaded: bool = False


@ft.observable
@dataclass
class DepartmentsState:
    ids: tuple[str, ...] = ()  # the departments listed, in order (adding or removing redraws)
    typed: Typed = field(default_factory=Typed)


def submitted(state: DepartmentsState) -> dict:
    """The list as it will be sent."""
    return {"departments": [{"id": i, "name": state.typed.names.get(i, "").strip()} for i in state.ids]}


def _add(ctx: AppContext, state: DepartmentsState) -> None:
    name = state.typed.new_name.strip()
    if not name:
        ctx.notify(ctx._("Give the department a name."), error=True)
        return
    made = new_id(name, set(state.ids))
    state.typed.names[made], state.typed.new_name = name, ""
    state.ids = (*state.ids, made)  # redraws


async def save(ctx: AppContext, state: DepartmentsState) -> None:
    data = submitted(state)
    try:
        Departments.from_dict(data)  # the server's rule: names given and different, at most 30
    except ValueError:
        ctx.notify(ctx.reason_text(Reason.CHAIN_SETTINGS_INVALID), error=True)
        return
    answer, problem = await online_call(ctx, lambda: ctx.api.change_departments(data))
    if answer is None:
        ctx.notify(problem, error=True)
        return
    ctx.notify(ctx._("Departments saved. Every phone gets them with its next sync."))
    if ctx.runner:
        ctx.runner.request()


def _row(ctx: AppContext, state: DepartmentsState, department_id: str) -> ft.Control:
    names = state.typed.names
    box = ft.TextField(label=ctx._("Department name"), value=names.get(department_id, ""), max_length=MAX_NAME,
                       dense=True, text_style=ctx.typo.style(15),
                       on_change=lambda e: names.__setitem__(department_id, e.control.value or ""))
    remove = icon_button(ft.Icons.DELETE_OUTLINE, ctx._("Remove {name}", name=names.get(department_id, "")),
                         lambda e: setattr(state, "ids", tuple(i for i in state.ids if i != department_id)))
    return ft.Row([ft.Container(box, expand=True), remove])


def view(ctx: AppContext) -> ft.View:
    t, state = ctx.typo, screen_state(ctx, ROUTE, DepartmentsState)
    typed = state.typed
    if not typed.loaded:
        with ctx.store.reading() as db:
            typed.names, typed.loaded = department_names(db), True
        state.ids = tuple(typed.names)
    body: list[ft.Control] = [t.text(ctx._("Store managers can send an equipment repair to one of these "
                                           "departments."), 15)]
    if not ctx.status.online:
        body.append(t.text(offline_text(ctx), 15, color=ft.Colors.RED_900))
    new = ft.TextField(label=ctx._("New department"), value=typed.new_name, max_length=MAX_NAME, dense=True,
                       text_style=t.style(15), on_change=lambda e: setattr(typed, "new_name", e.control.value or ""))
    body += [
        section(ctx, ctx._("Departments"), [_row(ctx, state, i) for i in state.ids]
                or [t.text(ctx._("No departments yet."), 15)]),
        ft.Row([ft.Container(new, expand=True),
                big_button(ctx, ctx._("Add"), lambda e: _add(ctx, state), icon=ft.Icons.ADD, filled=False)]),
        big_button(ctx, ctx._("Save departments"), lambda e: ctx.page.run_task(save, ctx, state), icon=ft.Icons.SAVE),
    ]
    return frame(ctx, ROUTE, ctx._("Departments"), body, back=True)
