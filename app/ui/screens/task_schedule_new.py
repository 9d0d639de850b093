"""Issue 12, taskadmin: Recurring tasks -> New recurring task (managers), for the store chosen
on Recurring tasks; the same form edits one (Edit on the list). Start from a daily opening or
closing checklist or a weekly promotion set-up, or from nothing: title, instructions, kind,
every day or weekly on chosen days, due time, how long before it appears on the board, who does
it (as a one-off task), checklist and photos.
Online only: offline it says so and nothing is sent. Checked first with the server's own rules
(``task_schedules.checked``); the server's refusal is shown in the user's language."""

from dataclasses import dataclass, field

import flet as ft

from app.domain.access import AccessDenied
from app.domain.tasks.model import Assignees, TaskKind
from app.domain.tasks.schedules import Recurrence
from app.i18n import N_
from app.i18n.common_strings import TASK_KIND_LABELS
from app.ui.chrome import big_button, frame, menu, section
from app.ui.context import AppContext, InputError
from app.ui.pickers import parse_time, time_field
from app.ui.screen_state import forget_screen_state, screen_state
from app.sync.task_admin_api import change_task_schedule
from app.ui.screens.task_new import ON_SHIFT, PEOPLE, ROLE, assignees_of, photos_part, who_part
from app.ui.screens.task_schedules import NEW_ROUTE as ROUTE
from app.ui.screens.task_schedules import ROUTE as LIST_ROUTE
from app.ui.screens.task_schedules import checked, offline_text, online_call, state_of


@dataclass
class Typed:
    """What is typed (typing redraws nothing)."""

    title: str = ""
    instructions: str = ""
    checklist: str = ""
    due_time: str = "09:00"
    lead_hours: str = "2"
    paused: bool = False  # kept as it was when editing


@ft.observable
@dataclass
class NewSchedule:
    """The recurring task being written (a choice redraws the screen). ``store_id``, ``who``,
    ``people`` and ``photos`` as the one-off task form has them (its parts are reused)."""

    store_id: str = ""
    kind: str = TaskKind.OTHER.value
    recurrence: str = Recurrence.DAILY.value
    weekdays: frozenset[int] = frozenset()
    who: str = PEOPLE
    people: frozenset[str] = frozenset()
    photos: int = 0
    typed: Typed = field(default_factory=Typed)
    editing: str = ""  # the id of the schedule being edited ("": a new one)


def start_new(ctx: AppContext) -> None:
    """Open the form for a new schedule (a half-written new one is kept; an edit left unsaved is not)."""
    if screen_state(ctx, ROUTE, NewSchedule).editing:
        forget_screen_state(ctx, ROUTE)
    ctx.page.navigate(ROUTE)


def edit(ctx: AppContext, s: dict) -> None:
    """Open the form filled with the schedule ``s`` (as the server holds it), to change it."""
    who = Assignees.from_dict(s["assignees"])
    forget_screen_state(ctx, ROUTE)
    screen_state(ctx, ROUTE, lambda: NewSchedule(
        store_id=s["store_id"], kind=s["kind"], recurrence=s["recurrence"], weekdays=frozenset(s["weekdays"]),
        who=ON_SHIFT if who.on_shift else ROLE if who.role else PEOPLE, people=frozenset(who.user_ids),
        photos=s["photos_required"], editing=s["id"],
        typed=Typed(title=s["title"], instructions=s["instructions"], checklist="\n".join(s["checklist"]),
                    due_time=s["due_time"], lead_hours=f"{s['lead_minutes'] / 60:g}", paused=s["paused"])))
    ctx.page.navigate(ROUTE)


#: Starting points (issue 12): title (msgid), kind, recurrence, weekdays, due time, photos.
PRESETS = ((N_("Opening checklist"), TaskKind.CLEANING_CHECK, Recurrence.DAILY, (), "10:00", 0),
           (N_("Closing checklist"), TaskKind.CLEANING_CHECK, Recurrence.DAILY, (), "22:00", 0),
           (N_("Promotion set-up"), TaskKind.PROMOTION_SETUP, Recurrence.WEEKLY, (0,), "11:00", 1))


def _use_preset(ctx: AppContext, draft: NewSchedule, preset: tuple) -> None:
    title, kind, recurrence, weekdays, due, photos = preset
    draft.typed.title, draft.typed.due_time = ctx._(title), due
    draft.kind, draft.recurrence = kind.value, recurrence.value
    draft.weekdays, draft.photos = frozenset(weekdays), photos
    ctx.rerender()  # the typed fields too, when no choice changed


def _lead_minutes(ctx: AppContext, text: str) -> int:
    try:
        return round(float(text.strip().replace(",", ".")) * 60)
    except ValueError:
        raise InputError(ctx._("Write the hours as a number, for example 2.")) from None


def _body(ctx: AppContext, draft: NewSchedule) -> dict:
    """The schedule as the server takes it (``InputError`` for a malformed time or number)."""
    typed = draft.typed
    weekly = draft.recurrence == Recurrence.WEEKLY
    return {"title": typed.title.strip(), "instructions": typed.instructions.strip(), "kind": draft.kind,
            "assignees": assignees_of(draft).as_dict(),
            "checklist": [line.strip() for line in typed.checklist.splitlines() if line.strip()],
            "photos_required": draft.photos, "recurrence": draft.recurrence,
            "weekdays": sorted(draft.weekdays) if weekly else [],
            "due_time": parse_time(ctx, typed.due_time).strftime("%H:%M"),
            "lead_minutes": _lead_minutes(ctx, typed.lead_hours), "paused": typed.paused}


async def save(ctx: AppContext, draft: NewSchedule) -> None:
    """Check, send, and back to the list with the new one in it; nothing is sent when a check fails."""
    try:
        body = checked(draft.store_id, _body(ctx, draft))
    except AccessDenied as exc:
        ctx.notify(ctx.reason_text(exc.reason, exc.message), error=True)
        return
    except InputError as exc:
        ctx.notify(exc.message, error=True)
        return
    except ValueError:
        ctx.notify(ctx._("Please check what you entered."), error=True)
        return
    store_id, editing = draft.store_id, draft.editing
    answer, problem = await online_call(ctx, lambda: change_task_schedule(ctx.api, store_id, editing, body) if editing
                                        else ctx.api.add_task_schedule(store_id, body))
    if answer is None:
        ctx.notify(problem, error=True)
        return
    listing = state_of(ctx)
    if listing.store_id == store_id and listing.schedules is not None:
        listing.schedules = [*(x for x in listing.schedules if x["id"] != answer["id"]), answer]
    forget_screen_state(ctx, ROUTE)  # the next one starts empty
    ctx.notify(ctx._("Recurring task saved. Its tasks appear on the board before they are due."))
    ctx.page.navigate(LIST_ROUTE)


def _when_part(ctx: AppContext, draft: NewSchedule) -> list[ft.Control]:
    typed = draft.typed

    def tick(day: int, on: bool) -> None:
        draft.weekdays = draft.weekdays | {day} if on else draft.weekdays - {day}

    rows: list[ft.Control] = [ft.RadioGroup(ft.Column([
        ft.Radio(value=Recurrence.DAILY.value, label=ctx._("Every day")),
        ft.Radio(value=Recurrence.WEEKLY.value, label=ctx._("Weekly, on the days chosen"))], spacing=0),
        value=draft.recurrence, on_change=lambda e: setattr(draft, "recurrence", e.control.value or draft.recurrence))]
    if draft.recurrence == Recurrence.WEEKLY:
        names = ctx.tr.babel_locale.days["format"]["wide"]  # 0 = Monday, as the schedules count
        rows.append(ft.Row([ft.Checkbox(label=names[d], value=d in draft.weekdays,
                                        on_change=lambda e, d=d: tick(d, bool(e.control.value))) for d in range(7)],
                           wrap=True))
    rows.append(ft.Row([
        time_field(ctx, ctx._("Due at (HH:MM)"), typed.due_time, lambda s: setattr(typed, "due_time", s),
                   dense=True, expand=1),
        ft.TextField(label=ctx._("On the board (hours before)"), value=typed.lead_hours, dense=True, expand=1,
                     keyboard_type=ft.KeyboardType.NUMBER, text_style=ctx.typo.style(15),
                     on_change=lambda e: setattr(typed, "lead_hours", e.control.value or ""))]))
    return rows


def _text(label: str, typed: Typed, name: str, **kw) -> ft.TextField:
    return ft.TextField(label=label, value=getattr(typed, name),
                        on_change=lambda e: setattr(typed, name, e.control.value or ""), **kw)


def view(ctx: AppContext) -> ft.View:
    draft = screen_state(ctx, ROUTE, NewSchedule)
    store_id = state_of(ctx).store_id  # the store chosen on Recurring tasks
    if draft.store_id != store_id:  # (assigning an observable field redraws: only when it changes)
        draft.store_id, draft.people, draft.editing = store_id, frozenset(), ""
    typed, t = draft.typed, ctx.typo
    body: list[ft.Control] = []
    if not ctx.status.online:
        body.append(t.text(offline_text(ctx), 15, color=ft.Colors.RED_900))
    body += [
        section(ctx, ctx._("Start from"), [ft.Row([
            big_button(ctx, ctx._(p[0]), lambda e, p=p: _use_preset(ctx, draft, p), filled=False) for p in PRESETS],
            wrap=True)]),
        _text(ctx._("Title"), typed, "title", max_length=200),
        _text(ctx._("Instructions"), typed, "instructions", multiline=True, min_lines=2),
        menu(ctx._("Kind"), value=draft.kind,
             options=[ft.DropdownOption(key=k.value, text=ctx._(TASK_KIND_LABELS[k.value])) for k in TaskKind],
             on_select=lambda e: setattr(draft, "kind", e.control.value or draft.kind)),
        section(ctx, ctx._("When"), _when_part(ctx, draft)),
        section(ctx, ctx._("Who does it"), who_part(ctx, draft)),
        _text(ctx._("Checklist (one item a line)"), typed, "checklist", multiline=True, min_lines=2),
        photos_part(ctx, draft),
        big_button(ctx, ctx._("Save recurring task"), lambda e: ctx.page.run_task(save, ctx, draft),
                   icon=ft.Icons.EVENT_REPEAT),
    ]
    title = ctx._("Edit recurring task") if draft.editing else ctx._("New recurring task")
    return frame(ctx, ROUTE, title, body, back=True)
