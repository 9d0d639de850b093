"""A manager puts a new task on a store's board (issue 12, taskboard): title, instructions, kind,
due day and time, who does it (chosen people, everyone of a role, or whoever is on shift), a
checklist (one item a line) and how many photos prove it. Saved on the phone at once and synced;
the rules (one form of assignees, photo count, lengths) are the shared ones
(``app.domain.tasks`` through ``ctx.actions.create_task``)."""

from dataclasses import dataclass, field

import flet as ft

from app.domain.roles import Role
from app.domain.tasks.model import MAX_PHOTOS, Assignees, TaskKind
from app.i18n.common_strings import TASK_KIND_LABELS
from app.store import queries
from app.store.roster_view import people_at
from app.ui.chrome import big_button, frame, icon_button, menu, section
from app.ui.context import AppContext
from app.ui.pickers import date_field, day_and_time, time_field
from app.ui.screen_state import forget_screen_state, screen_state
from app.ui.screens.tasks import NEW_ROUTE as ROUTE
PEOPLE, ROLE, ON_SHIFT = "people", "role", "on_shift"


@dataclass
class Typed:
    """What is typed (typing redraws nothing)."""

    title: str = ""
    instructions: str = ""
    checklist: str = ""
    due_day: str = ""
    due_time: str = "18:00"


@ft.observable
@dataclass
class NewTask:
    """The task being written on this phone (a choice redraws the screen)."""

    store_id: str = ""
    kind: str = TaskKind.OTHER.value
    who: str = PEOPLE
    people: frozenset[str] = frozenset()
    photos: int = 0
    typed: Typed = field(default_factory=Typed)


def _text(label: str, typed: Typed, name: str, **kw) -> ft.TextField:
    def changed(e) -> None:
        setattr(typed, name, e.control.value or "")

    return ft.TextField(label=label, value=getattr(typed, name), on_change=changed, **kw)


def assignees_of(draft: NewTask) -> Assignees:
    if draft.who == ROLE:
        return Assignees(role=Role.STAFF.value)
    if draft.who == ON_SHIFT:
        return Assignees(on_shift=True)
    return Assignees(user_ids=tuple(sorted(draft.people)))


def who_part(ctx: AppContext, draft: NewTask) -> list[ft.Control]:
    def picked(e) -> None:
        draft.who = e.control.value or PEOPLE

    def toggle(user_id: str, on: bool) -> None:
        draft.people = draft.people | {user_id} if on else draft.people - {user_id}

    rows: list[ft.Control] = [ft.RadioGroup(ft.Column([
        ft.Radio(value=PEOPLE, label=ctx._("Chosen people")),
        ft.Radio(value=ROLE, label=ctx._("All staff of the store")),
        ft.Radio(value=ON_SHIFT, label=ctx._("Whoever is on shift"))], spacing=0), value=draft.who, on_change=picked)]
    if draft.who == PEOPLE:
        with ctx.store.reading() as db:
            people = people_at(db, draft.store_id)
        rows += [ft.Checkbox(label=name, value=uid in draft.people,
                             on_change=lambda e, uid=uid: toggle(uid, bool(e.control.value))) for uid, name in people]
    return rows


def photos_part(ctx: AppContext, draft: NewTask) -> ft.Control:
    def step(by: int) -> None:
        draft.photos = min(max(draft.photos + by, 0), MAX_PHOTOS)

    def stepper(icon, name: str, by: int) -> ft.IconButton:
        return icon_button(icon, name, lambda e: step(by))

    count = ctx._("Photos to prove it: {count}", count=ctx.tr.format_number(draft.photos))
    return ft.Row([stepper(ft.Icons.REMOVE, ctx._("One photo fewer"), -1), ctx.typo.text(count, 15),
                   stepper(ft.Icons.ADD, ctx._("One photo more"), 1)])


def _save(ctx: AppContext, draft: NewTask) -> None:
    typed = draft.typed
    ctx.actions.create_task(draft.store_id, typed.title.strip(), assignees=assignees_of(draft),
                            instructions=typed.instructions.strip(),
                            due_at=day_and_time(ctx, typed.due_day, typed.due_time), kind=TaskKind(draft.kind),
                            checklist=[line.strip() for line in typed.checklist.splitlines() if line.strip()],
                            photos_required=draft.photos)
    forget_screen_state(ctx, ROUTE)  # the next task starts empty
    ctx.page.navigate("/tasks")


def view(ctx: AppContext) -> ft.View:
    draft = screen_state(ctx, ROUTE, NewTask)
    stores = sorted(ctx.user["store_ids"])
    if draft.store_id not in stores:  # (assigning an observable field redraws: only when it changes)
        draft.store_id = stores[0] if stores else ""
    with ctx.store.reading() as db:
        names = queries.store_names(db)
    today = ctx.tr.to_local(ctx.tr.now()).date()
    typed = draft.typed

    def set_field(name: str, text: str) -> None:
        setattr(typed, name, text)

    body: list[ft.Control] = []
    if len(stores) > 1:
        body.append(menu(ctx._("Store"), value=draft.store_id,
                         options=[ft.DropdownOption(key=s, text=names.get(s, s)) for s in stores],
                         on_select=lambda e: setattr(draft, "store_id", e.control.value or draft.store_id)))
    body += [
        _text(ctx._("Title"), typed, "title", max_length=200),
        _text(ctx._("Instructions"), typed, "instructions", multiline=True, min_lines=2),
        menu(ctx._("Kind"), value=draft.kind,
             options=[ft.DropdownOption(key=k.value, text=ctx._(TASK_KIND_LABELS[k.value])) for k in TaskKind],
             on_select=lambda e: setattr(draft, "kind", e.control.value or draft.kind)),
        ft.Row([date_field(ctx, ctx._("Due on (YYYY-MM-DD)"), typed.due_day, lambda s: set_field("due_day", s),
                           first=today, last=today.replace(year=today.year + 1), dense=True, expand=2),
                time_field(ctx, ctx._("At (HH:MM)"), typed.due_time, lambda s: set_field("due_time", s),
                           dense=True, expand=1)]),
        section(ctx, ctx._("Who does it"), who_part(ctx, draft)),
        _text(ctx._("Checklist (one item a line)"), typed, "checklist", multiline=True, min_lines=2),
        photos_part(ctx, draft),
        big_button(ctx, ctx._("Put on the board"), lambda e: ctx.act(
            lambda: _save(ctx, draft), ctx._("Task saved. It will sync when online.")), icon=ft.Icons.ADD_TASK),
    ]
    return frame(ctx, ROUTE, ctx._("New task"), body, back=True)
