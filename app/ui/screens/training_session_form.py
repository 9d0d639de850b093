"""Issue 13, trainmanage: New session / Edit session, for managers (online only). Course (from
the catalogue; its quiz and sign-out come with it), trainer, the store or a training room (its own
fence), day, start and end, sign-in margins, seats, who is invited (people or roles). The server
checks everything (``app.domain.training``) and its refusal is shown in the reader's language."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from app.domain.roles import Role
from app.store.roster_view import people_at
from app.sync import training_api
from app.ui.chrome import big_button, frame, menu, section
from app.ui.context import AppContext, InputError
from app.ui.pickers import date_field, day_and_time, time_field
from app.ui.screen_state import forget_screen_state, screen_state
from app.ui.screens import training_sessions as listing
from app.ui.screens.broadcast_receipts import ask_server

MARGINS = ("early_margin", "late_allowance", "late_margin", "sign_out_early", "sign_out_margin")
INVITED_ROLES = (Role.STAFF.value, Role.STORE_MANAGER.value)


@dataclass
class Typed:
    """What is typed (typing redraws nothing)."""

    day: str = ""
    start: str = "10:00"
    end: str = "11:00"
    capacity: str = ""
    room: str = ""
    latitude: str = ""
    longitude: str = ""
    radius_m: str = "50"
    margins: dict[str, str] = field(default_factory=lambda: dict(zip(MARGINS, ("15", "5", "30", "10", "15"))))
    #: (day, start, end) as shown when editing -> the stored times (to the second), sent back when
    #: untouched: a started session's start must stay exactly as it is.
    stored: dict[tuple[str, str], str] = field(default_factory=dict)


@ft.observable
@dataclass
class SessionDraft:
    """The session being written (a choice redraws the screen)."""

    session_id: str = ""
    course_id: str = ""
    trainer_id: str = ""
    in_room: bool = False
    invite_only: bool = False
    people: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    typed: Typed = field(default_factory=Typed)


def _field(label: str, holder, key: str, **kw) -> ft.TextField:
    """A text field writing ``holder``'s ``key`` (an attribute, or a key of a dict)."""
    get = holder.get if isinstance(holder, dict) else lambda k: getattr(holder, k)

    def changed(e) -> None:
        value = e.control.value or ""
        holder.__setitem__(key, value) if isinstance(holder, dict) else setattr(holder, key, value)

    return ft.TextField(label=label, value=get(key), on_change=changed, **kw)


def from_session(ctx: AppContext, s: dict) -> SessionDraft:
    """A draft holding a listed session as it is (to edit it)."""
    start = ctx.tr.to_local(datetime.fromisoformat(s["starts_at"]))
    end = ctx.tr.to_local(datetime.fromisoformat(s["ends_at"]))
    typed = Typed(day=start.date().isoformat(), start=start.strftime("%H:%M"), end=end.strftime("%H:%M"),
                  capacity="" if s["capacity"] is None else str(s["capacity"]), room=s["room"],
                  latitude=str(s["latitude"]), longitude=str(s["longitude"]), radius_m=str(s["radius_m"]),
                  margins={m: str(s[f"{m}_min"]) for m in MARGINS})
    typed.stored = {(typed.day, typed.start): s["starts_at"], (end.date().isoformat(), typed.end): s["ends_at"]}
    return SessionDraft(s["id"], s["course_id"], s["trainer_id"], bool(s["room"]), s["invite_only"],
                        frozenset(s["invited_user_ids"]), frozenset(s["invited_roles"]), typed)


def _number(ctx: AppContext, text: str, label: str, kind=int):
    try:
        return kind(text.strip().replace(",", "."))
    except ValueError:
        raise InputError(ctx._("{field}: type a number.", field=label)) from None


def body_of(ctx: AppContext, draft: SessionDraft, store_id: str, version: int | None) -> dict:
    """The request: ``SessionCreate`` (version None) or ``SessionEdit`` (on ``version``)."""
    t = draft.typed
    starts, ends = day_and_time(ctx, t.day, t.start), day_and_time(ctx, t.day, t.end)
    if starts is None or ends is None:
        raise InputError(ctx._("Type the day and the start and end times."))
    body = {"trainer_id": draft.trainer_id, "starts_at": t.stored.get((t.day, t.start), starts.isoformat()),
            "ends_at": t.stored.get((t.day, t.end), ends.isoformat()),
            "capacity": _number(ctx, t.capacity, ctx._("Seats")) if t.capacity.strip() else None,
            "invite_only": draft.invite_only, "invited_user_ids": sorted(draft.people),
            "invited_roles": sorted(draft.roles), "room": None}
    body |= {f"{m}_min": _number(ctx, t.margins[m], ctx._("Minutes")) for m in MARGINS}
    if draft.in_room:
        body["room"] = {"name": t.room.strip(), "latitude": _number(ctx, t.latitude, ctx._("Latitude"), float),
                        "longitude": _number(ctx, t.longitude, ctx._("Longitude"), float),
                        "radius_m": _number(ctx, t.radius_m, ctx._("Radius (m)"), float)}
    if version is None:
        return {"id": "ts-" + uuid.uuid4().hex[:16], "course_id": draft.course_id, "store_id": store_id, **body}
    return {"base_version": version, **body}


async def save(ctx: AppContext, draft: SessionDraft, route: str, store_id: str, version: int | None) -> None:
    try:
        body = body_of(ctx, draft, store_id, version)
    except InputError as exc:
        ctx.notify(exc.message, error=True)
        return
    call = (lambda: training_api.create_session(ctx.api, body)) if version is None else (
        lambda: training_api.edit_session(ctx.api, draft.session_id, body))
    answer, problem = await ask_server(ctx, call)
    if answer is None:
        ctx.notify(problem, error=True)
        return
    ctx.notify(ctx._("Session saved. The store's phones get it when they sync."))
    forget_screen_state(ctx, route)
    listing.state_of(ctx).sessions = None  # the list asks again
    ctx.page.navigate(listing.ROUTE)


def _course_part(ctx: AppContext, draft: SessionDraft, courses: list[dict], editing: bool) -> list[ft.Control]:
    course = next((c for c in courses if c["id"] == draft.course_id), None)
    rows: list[ft.Control] = []
    if not editing:
        rows.append(menu(ctx._("Course"), value=draft.course_id or None,
                         options=[ft.DropdownOption(key=c["id"], text=c["title"]) for c in courses],
                         on_select=lambda e: setattr(draft, "course_id", e.control.value or draft.course_id)))
    elif course:
        rows.append(ctx.typo.text(course["title"], 17, weight=ft.FontWeight.BOLD))
    if course:
        rows.append(ctx.typo.text(ctx._("With a quiz") if course["quiz_id"] else ctx._("No quiz"), 14))
        rows.append(ctx.typo.text(ctx._("Sign-out at the end required") if course["sign_out_required"]
                                  else ctx._("No sign-out needed"), 14))
    return rows


def _place_part(ctx: AppContext, draft: SessionDraft) -> list[ft.Control]:
    t = draft.typed
    rows: list[ft.Control] = [ft.Switch(label=ctx._("In a training room (its own location)"), value=draft.in_room,
                                        on_change=lambda e: setattr(draft, "in_room", bool(e.control.value)))]
    if draft.in_room:
        rows += [_field(ctx._("Room name"), t, "room", max_length=200),
                 ft.Row([_field(ctx._("Latitude"), t, "latitude", expand=1),
                         _field(ctx._("Longitude"), t, "longitude", expand=1)]),
                 _field(ctx._("Radius (m)"), t, "radius_m")]
    return rows


def _when_part(ctx: AppContext, draft: SessionDraft, sign_out: bool) -> list[ft.Control]:
    t, today = draft.typed, ctx.tr.to_local(ctx.tr.now()).date()
    labels = {"early_margin": ctx._("Sign-in opens (minutes before)"),
              "late_allowance": ctx._("On time until (minutes after start)"),
              "late_margin": ctx._("Sign-in closes (minutes after start)"),
              "sign_out_early": ctx._("Sign-out opens (minutes before end)"),
              "sign_out_margin": ctx._("Sign-out closes (minutes after end)")}
    shown = MARGINS if sign_out else MARGINS[:3]
    return [date_field(ctx, ctx._("Day (YYYY-MM-DD)"), t.day, lambda s: setattr(t, "day", s), first=today,
                       last=today.replace(year=today.year + 1), dense=True),
            ft.Row([time_field(ctx, ctx._("Starts (HH:MM)"), t.start, lambda s: setattr(t, "start", s), expand=1),
                    time_field(ctx, ctx._("Ends (HH:MM)"), t.end, lambda s: setattr(t, "end", s), expand=1)]),
            *[_field(labels[m], t.margins, m) for m in shown]]


def _who_part(ctx: AppContext, draft: SessionDraft, people: list[tuple[str, str]]) -> list[ft.Control]:
    def toggle(attr: str, key: str, on: bool) -> None:
        now = getattr(draft, attr)
        setattr(draft, attr, now | {key} if on else now - {key})

    rows: list[ft.Control] = [
        _field(ctx._("Seats (empty: no limit)"), draft.typed, "capacity"),
        ft.Switch(label=ctx._("Invited people only"), value=draft.invite_only,
                  on_change=lambda e: setattr(draft, "invite_only", bool(e.control.value)))]
    if draft.invite_only:
        role_names = {Role.STAFF.value: ctx._("All staff"), Role.STORE_MANAGER.value: ctx._("All store managers")}
        rows += [ft.Checkbox(label=role_names[r], value=r in draft.roles,
                             on_change=lambda e, r=r: toggle("roles", r, bool(e.control.value))) for r in INVITED_ROLES]
        rows += [ft.Checkbox(label=name, value=uid in draft.people,
                             on_change=lambda e, uid=uid: toggle("people", uid, bool(e.control.value)))
                 for uid, name in people]
    return rows


def view(ctx: AppContext, route: str, session_id: str) -> ft.View:
    state = listing.state_of(ctx)
    editing = session_id != listing.NEW
    title = ctx._("Edit session") if editing else ctx._("New session")
    if not ctx.status.online:
        return frame(ctx, route, title, [listing.offline_note(ctx)], back=True)
    if state.sessions is None:
        if not state.loading and state.problem is None:
            state.loading = True
            ctx.page.run_task(listing.load, ctx, state)
        return frame(ctx, route, title, [ctx.typo.text(state.problem or ctx._("Loading…"), 15)], back=True)
    listed = next((s for s in state.sessions if s["id"] == session_id), None)
    if editing and listed is None:
        return frame(ctx, route, title, [ctx.typo.text(ctx.reason_text("not_found"), 15)], back=True)
    draft = screen_state(ctx, route, lambda: from_session(ctx, listed) if listed else SessionDraft(
        trainer_id=ctx.user["id"], course_id=state.courses[0]["id"] if state.courses else ""))
    with ctx.store.reading() as db:
        people = people_at(db, state.store_id)
    trainers = dict(people) | {ctx.user["id"]: ctx.user.get("name") or ctx.user["id"]}
    course = next((c for c in state.courses if c["id"] == draft.course_id), None)
    body = [section(ctx, ctx._("Course"), _course_part(ctx, draft, state.courses, editing)),
            menu(ctx._("Trainer"), value=draft.trainer_id, options=[
                ft.DropdownOption(key=uid, text=name) for uid, name in sorted(trainers.items(), key=lambda p: p[1])],
                on_select=lambda e: setattr(draft, "trainer_id", e.control.value or draft.trainer_id)),
            section(ctx, ctx._("Where"), _place_part(ctx, draft)),
            section(ctx, ctx._("When"), _when_part(ctx, draft, bool(course and course["sign_out_required"]))),
            section(ctx, ctx._("Who comes"), _who_part(ctx, draft, people)),
            big_button(ctx, ctx._("Save session"), lambda e: ctx.page.run_task(
                save, ctx, draft, route, state.store_id, listed["version"] if listed else None), icon=ft.Icons.SAVE)]
    return frame(ctx, route, title, body, back=True)
