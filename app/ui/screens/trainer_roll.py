"""Issue 13, traintrainer: the live attendance list on the trainer's code screen, and Add by hand.

Both need the server: the roll is asked for every few seconds while the screen shows (offline it
keeps the last list and says when it was updated); adding someone by hand (with a reason, checked
and logged by the server) is refused on the phone while offline, which then changes nothing."""

from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from app.i18n import N_
from app.platform import offload
from app.store import queries
from app.sync import AuthRequired, RequestRejected, TransientError, trainer_api
from app.ui.chrome import big_button, menu, section
from app.ui.context import AppContext

#: Seconds between two askings of the roll while the screen shows.
ROLL_EVERY_S = 5
OUTCOMES = {"on_time": N_("On time"), "late": N_("Late"),
            # Translators: on the trainer's attendance list: the trainer added this person without the code.
            "manual": N_("Added by hand")}


@dataclass
class AddForm:
    """What the trainer typed and picked (plain fields: typing redraws nothing)."""

    person: str | None = None
    reason: str = ""


@dataclass
class RollState:
    """The roll as last fetched, per session and person, kept in the session's page data."""

    session_id: str
    roll: list[dict] = field(default_factory=list)
    updated_at: datetime | None = None
    offline: bool = False
    problem: str | None = None
    adding: bool = False
    form: AddForm = field(default_factory=AddForm)
    #: The column the list is drawn in, in the latest drawing of the screen (updated in place).
    column: ft.Column | None = None


async def fetch(ctx: AppContext, state: RollState) -> None:
    """Ask the server for the roll and draw it; offline, keep the last one and say so."""
    try:
        state.roll = await offload(trainer_api.attendance, ctx.api, state.session_id)
        state.updated_at, state.offline, state.problem = ctx.store.clock.now(), False, None
    except TransientError:
        state.offline = True
    except AuthRequired:
        state.problem = ctx._("Please log in again.")
    except RequestRejected as exc:
        state.problem = ctx.reason_text(exc.code)
    show(ctx, state)


def show(ctx: AppContext, state: RollState) -> None:
    """Put the current roll into the drawn column, in place (the code above keeps ticking)."""
    if state.column is None:
        return
    state.column.controls = rows(ctx, state)
    try:
        state.column.update()
    except (AssertionError, RuntimeError):  # not on the page (any more): the next drawing shows it
        pass


def rows(ctx: AppContext, state: RollState) -> list[ft.Control]:
    """The people signed in (name, staff number, on time / late / added by hand, when) and when the
    list was last updated."""
    t, tr = ctx.typo, ctx.tr
    out: list[ft.Control] = []
    if state.updated_at is None:
        note = ctx._("You are offline. The list shows when the phone is back online.") if state.offline \
            else ctx._("Loading…")
    else:
        when = tr.format_time(state.updated_at, "short")
        note = ctx._("Offline. Last updated {time}.", time=when) if state.offline \
            else ctx._("Last updated {time}", time=when)
    out.append(t.text(note, 13, color=ft.Colors.ORANGE_900 if state.offline else ft.Colors.GREY_800))
    if state.problem:
        out.append(t.text(state.problem, 14, color=ft.Colors.RED_900))
    for person in state.roll:
        outcome = ctx._(OUTCOMES.get(person["outcome"], OUTCOMES["on_time"]))
        if person["outcome"] == "manual" and person.get("manual_reason"):
            outcome = f"{outcome}: {person['manual_reason']}"
        signed = tr.format_time(datetime.fromisoformat(person["signed_in_at"]), "short")
        out.append(ft.ListTile(leading=ft.Icon(ft.Icons.HOW_TO_REG), dense=True,
                               title=t.text(person.get("name") or person["user_id"], 15),
                               subtitle=t.text(tr.join(person.get("staff_no") or "", outcome, signed), 13)))
    if state.updated_at is not None and not state.roll:
        out.append(t.text(ctx._("Nobody has signed in yet."), 14))
    # Translators: {count} people on the session's attendance list.
    out.insert(1, t.text(tr.ngettext("{count} signed in", "{count} signed in", len(state.roll)), 15))
    return out


def add_section(ctx: AppContext, state: RollState, store_id: str) -> ft.Control:
    """Add by hand: pick a person of the session's store, say why (online only)."""
    t, form = ctx.typo, state.form
    on_roll = {p["user_id"] for p in state.roll}
    with ctx.store.reading() as db:
        people = [p for p in queries.people_of_stores(db, [store_id], ctx.user["id"]) if p["id"] not in on_roll]
    who = menu(ctx._("Person"), value=form.person, text_style=t.style(15),
               options=[ft.dropdown.Option(key=p["id"], text=ctx.tr.join(p["name"], p["staff_no"])) for p in people],
               on_select=lambda e: setattr(form, "person", e.control.value))
    reason = ft.TextField(label=ctx._("Reason"), value=form.reason, max_length=500, text_style=t.style(15),
                          on_change=lambda e: setattr(form, "reason", e.control.value or ""))
    children: list[ft.Control] = [who, reason, big_button(ctx, ctx._("Add by hand"),
                                                          lambda e: ctx.page.run_task(add, ctx, state),
                                                          icon=ft.Icons.PERSON_ADD, disabled=state.adding)]
    if state.offline:
        children.insert(0, t.text(ctx._("Adding someone by hand needs a connection. You are offline."), 14,
                                  color=ft.Colors.ORANGE_900))
    return section(ctx, ctx._("Add someone by hand"), children)


async def add(ctx: AppContext, state: RollState) -> None:
    """Send the addition; the server checks the reason and the session's rules and logs it."""
    form = state.form
    if not form.person:
        ctx.notify(ctx._("Choose the person to add."), error=True)
        return
    state.adding = True
    try:
        await offload(trainer_api.manual_add, ctx.api, state.session_id, form.person, form.reason)
    except TransientError:
        state.offline = True
        ctx.notify(ctx._("You are offline. Nobody was added: try again when the phone is online."), error=True)
        return
    except AuthRequired:
        ctx.notify(ctx._("Please log in again."), error=True)
        return
    except RequestRejected as exc:
        ctx.notify(ctx.reason_text(exc.code, exc.message), error=True)
        return
    finally:
        state.adding = False
    state.form = AddForm()
    ctx.notify(ctx._("Added to the list."))
    await fetch(ctx, state)
    ctx.rerender()
