"""Broadcast (managers): send a message to stores and follow its read receipts.

Issue 11, broadcasts: what is typed lives in the screen's state (``BroadcastDraft``), never only
in the fields: a redraw (a sync bringing receipts, a language change, a reconnect) builds new
fields, and text kept only in the old ones was lost, once mid-word ("請早15分鐘返工..." arrived
as "箱。Please...": the IME's last character went into the fresh field).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import flet as ft

from app.domain.broadcast_checks import MAX_CHOICE, MAX_CHOICES, MAX_QUESTION, Check
from app.domain.broadcasts import NORMAL, URGENT, addressable_areas
from app.i18n.locales import SUPPORTED_LOCALES
from app.domain.roles import Role
from app.store import queries
from app.ui import broadcast_files, shift_news
from app.ui.chrome import big_button, frame, menu, section
from app.ui.context import AppContext, InputError
from app.ui.dialogs import confirm
from app.ui.pickers import date_field, day_and_time, time_field
from app.ui.screen_state import screen_state
from app.ui.screens import saved_audiences
from app.ui.screens.broadcast_receipts import ask_server

ROUTE = "/broadcast"


@dataclass
class BroadcastDraft:
    """What the sender has typed and chosen so far; typing into it redraws nothing."""

    title: str = ""
    body: str = ""
    stores: dict[str, bool] = field(default_factory=dict)  # store id -> ticked (absent: ticked)
    role: str = "everyone"  # or one Role value, or PEOPLE (the people ticked in ``people``)
    people: dict[str, bool] = field(default_factory=dict)  # person id -> ticked
    urgent: bool = False
    pinned: bool = False
    # Issue 11, bcwrite: every store of an area instead of ticked stores ("": the ticked stores),
    # and the sender's other-language versions (code -> {"title", "body"}).
    area: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # Send later / expire (Hong Kong time, as typed or picked; empty: now / never).
    send_day: str = ""
    send_time: str = ""
    expire_day: str = ""
    expire_time: str = ""
    files: list[tuple[str, bytes]] = field(default_factory=list)  # issue 11, bcattach: (name, bytes)
    # Issue 11, bccheck: an urgent one's check question: its choices (empty ones left out) and
    # the index of the right one among these fields (-1: none marked yet).
    check_on: bool = False
    check_question: str = ""
    check_choices: list[str] = field(default_factory=lambda: [""] * MAX_CHOICES)
    check_right: int = -1

    def reset(self) -> None:
        """Start a new one, in place (the fields on screen hold this object)."""
        self.__init__()


@ft.observable
@dataclass
class BroadcastState:
    draft: BroadcastDraft = field(default_factory=BroadcastDraft)
    counted: "Counted | None" = None  # issue 11: set once per answer (one redraw)


@dataclass(frozen=True)
class Counted:
    """The server's count of an audience (``key``), or why there is none."""

    key: tuple
    people: int | None
    problem: str | None


PEOPLE = "people"


def _audience(ctx: AppContext, draft: BroadcastDraft) -> dict:
    """What the sender chose, as the server takes it (app.protocol BroadcastAudience)."""
    if draft.role == PEOPLE:
        return {"store_ids": [], "area": None, "role": None,
                "user_ids": sorted(uid for uid, on in draft.people.items() if on)}
    stores = [] if draft.area else [sid for sid in ctx.user["store_ids"] if draft.stores.get(sid, True)]
    return {"store_ids": stores, "area": draft.area or None, "role": None if draft.role == "everyone" else draft.role,
            "user_ids": []}


def _key(audience: dict) -> tuple:
    return tuple(audience["store_ids"]), audience["area"], audience["role"], tuple(audience["user_ids"])


async def _count(ctx: AppContext, state: BroadcastState) -> None:
    """Ask the server how many people the chosen audience reaches (online only)."""
    audience = _audience(ctx, state.draft)
    answer, problem = await ask_server(ctx, lambda: ctx.api.broadcast_audience_count(audience))
    state.counted = Counted(_key(audience), answer and answer["people"], problem)  # redraws


def _count_text(ctx: AppContext, state: BroadcastState) -> str | None:
    """What the last count says, if it still counts the audience chosen now."""
    counted = state.counted
    if counted is None or counted.key != _key(_audience(ctx, state.draft)):
        return None
    if counted.people is None:
        return counted.problem
    return ctx.tr.ngettext("Reaches {count} person", "Reaches {count} people", counted.people)


def _choose_who(ctx: AppContext, draft: BroadcastDraft, who: str) -> None:
    """Choosing chosen people (or leaving them) shows other checkboxes: redraw then."""
    redraw = (who == PEOPLE) != (draft.role == PEOPLE)
    draft.role = who
    if redraw:
        ctx.rerender()


def _send(ctx: AppContext, state: BroadcastState) -> None:
    draft = state.draft
    audience = _audience(ctx, draft)
    stores = audience["store_ids"]
    if not draft.title.strip() or not (stores or audience["area"] or audience["user_ids"]):
        ctx.notify(ctx._("Add a title and choose at least one person.") if draft.role == PEOPLE
                   else ctx._("Add a title and choose at least one store."), error=True)
        return

    try:
        send_at = day_and_time(ctx, draft.send_day, draft.send_time)
        expires_at = day_and_time(ctx, draft.expire_day, draft.expire_time)
    except InputError as exc:
        ctx.notify(exc.message, error=True)
        return

    def create() -> None:
        ctx.actions.create_broadcast(stores, draft.title.strip(), draft.body, area=audience["area"],
                                     role=audience["role"], user_ids=tuple(audience["user_ids"]),
                                     kind=URGENT if draft.urgent else NORMAL, pinned=draft.pinned,
                                     translations=_written_translations(draft), send_at=send_at,
                                     expires_at=expires_at, attachments=draft.files, check=_written_check(draft))
        state.draft.reset()  # sent: the redraw after it starts a new one

    def send_now() -> None:
        ctx.act(create, ctx._("Broadcast saved. It will be sent when online."))

    reached = stores
    if audience["area"]:  # issue 11, bcwrite: every store of the area
        with ctx.store.reading() as db:
            reached = queries.area_stores(db).get(audience["area"], [])
    if len(reached) < 2:
        send_now()
        return
    # Issue 11: more than one store is a wide audience: ask first, with the count when known.
    question = ctx.tr.ngettext("Send this broadcast to {count} store?", "Send this broadcast to {count} stores?",
                               len(reached))
    confirm(ctx, ctx._("Send"), ctx.tr.join(question, _count_text(ctx, state)), ctx._("Send"), send_now)


def _schedule_fields(ctx: AppContext, draft: BroadcastDraft) -> list[ft.Control]:
    """Issue 11, bcwrite: send later and expire, each a day and a time (the pickers' fields)."""
    today = ctx.tr.to_local(ctx.tr.now()).date()
    last = today + timedelta(days=366)

    def pair(day_label: str, day: str, time_label: str, time_name: str) -> ft.Row:
        return ft.Row([
            date_field(ctx, day_label, getattr(draft, day), lambda text: setattr(draft, day, text), first=today,
                       last=last, dense=True, expand=2),
            time_field(ctx, time_label, getattr(draft, time_name), lambda text: setattr(draft, time_name, text),
                       dense=True, expand=1)])

    return [pair(ctx._("Send later on (YYYY-MM-DD)"), "send_day", ctx._("At (HH:MM)"), "send_time"),
            pair(ctx._("Expires on (YYYY-MM-DD)"), "expire_day", ctx._("At (HH:MM)"), "expire_time")]


def _written_translations(draft: BroadcastDraft) -> dict[str, dict[str, str]]:
    """The other-language versions with a title (an untouched language is left out)."""
    return {code: {"title": t["title"].strip(), "body": t["body"]}
            for code, t in draft.translations.items() if t["title"].strip()}


def _choose(ctx: AppContext, change) -> None:
    """A choice that shows or hides fields (an area, a language added or removed): redraw."""
    change()
    ctx.rerender()


def _translation_fields(ctx: AppContext, draft: BroadcastDraft) -> list[ft.Control]:
    """Issue 11, bcwrite: the title and text in each language the sender added, and a menu to
    add another (each reader sees their language's version)."""
    t, fields = ctx.typo, []
    for code, text in draft.translations.items():
        language = SUPPORTED_LOCALES[code]
        fields += [
            ft.TextField(label=ctx._("Title ({language})", language=language), max_length=200,
                         text_style=t.style(16), value=text["title"],
                         on_change=lambda e, x=text: x.__setitem__("title", e.control.value or "")),
            ft.TextField(label=ctx._("Message ({language})", language=language), multiline=True, min_lines=2,
                         max_length=5000, text_style=t.style(16), value=text["body"],
                         on_change=lambda e, x=text: x.__setitem__("body", e.control.value or "")),
            big_button(ctx, ctx._("Remove"), lambda e, c=code: _choose(ctx, lambda: draft.translations.pop(c, None)),
                       icon=ft.Icons.DELETE_OUTLINE, filled=False)]
    others = [c for c in SUPPORTED_LOCALES if c not in draft.translations]
    add = menu(ctx._("Add a language"), value=None, text_style=t.style(15),
               options=[ft.dropdown.Option(key=c, text=SUPPORTED_LOCALES[c]) for c in others],
               on_select=lambda e: e.control.value and _choose(
                   ctx, lambda: draft.translations.setdefault(e.control.value, {"title": "", "body": ""})))
    return [*fields, add] if others else fields


def _area_picker(ctx: AppContext, draft: BroadcastDraft, names: dict[str, str]) -> list[ft.Control]:
    """Issue 11, bcwrite: every store of an area (one all of whose stores I manage), shown by its
    stores' names."""
    with ctx.store.reading() as db:
        areas = queries.area_stores(db)
    mine = addressable_areas(ctx.user["store_ids"], areas)
    if not mine:
        return []
    options = [ft.dropdown.Option(key="", text=ctx._("The stores ticked below"))]
    options += [ft.dropdown.Option(key=a, text=ctx.tr.join(*(names.get(s, s) for s in areas[a]))) for a in mine]
    return [menu(ctx._("Area"), value=draft.area if draft.area in mine else "", options=options,
                 text_style=ctx.typo.style(15),
                 on_select=lambda e: _choose(ctx, lambda: setattr(draft, "area", e.control.value or "")))]


def _compose(ctx: AppContext, state: BroadcastState, names: dict[str, str]) -> list[ft.Control]:
    t, draft = ctx.typo, state.draft
    title = ft.TextField(label=ctx._("Title"), max_length=200, text_style=t.style(16), value=draft.title,
                         on_change=lambda e: setattr(draft, "title", e.control.value or ""))
    body = ft.TextField(label=ctx._("Message"), multiline=True, min_lines=3, max_length=5000,
                        text_style=t.style(16), value=draft.body,
                        on_change=lambda e: setattr(draft, "body", e.control.value or ""))
    roles = {"everyone": ctx._("Everyone"), Role.STAFF.value: ctx._("Staff"),
             Role.STORE_MANAGER.value: ctx._("Store managers"), PEOPLE: ctx._("Chosen people")}
    role = menu(ctx._("Who"), value=draft.role, text_style=t.style(15),
                options=[ft.dropdown.Option(key=k, text=v) for k, v in roles.items()],
                on_select=lambda e: _choose_who(ctx, draft, e.control.value or "everyone"))
    if draft.role == PEOPLE:  # issue 11: named people of my stores instead of stores
        with ctx.store.reading() as db:
            people = queries.people_of_stores(db, ctx.user["store_ids"], ctx.user["id"])
        picks = [ft.Checkbox(label=p["name"], value=draft.people.get(p["id"], False), label_style=t.style(15),
                             on_change=lambda e, uid=p["id"]: draft.people.__setitem__(uid, bool(e.control.value)))
                 for p in people]
    elif draft.area:
        picks = []
    else:
        picks = [ft.Checkbox(label=names.get(sid, sid), value=draft.stores.get(sid, True), label_style=t.style(15),
                             on_change=lambda e, sid=sid: draft.stores.__setitem__(sid, bool(e.control.value)))
                 for sid in ctx.user["store_ids"]]
    switches = [ft.Switch(label=ctx._("Urgent: everyone must acknowledge it"), value=draft.urgent,
                          label_text_style=t.style(15),  # issue 11, bccheck: shows the check question's part
                          on_change=lambda e: _choose(ctx, lambda: setattr(draft, "urgent", bool(e.control.value)))),
                ft.Switch(label=ctx._("Pin to the top"), value=draft.pinned, label_text_style=t.style(15),
                          on_change=lambda e: setattr(draft, "pinned", bool(e.control.value)))]
    counted = _count_text(ctx, state)
    where = [] if draft.role == PEOPLE else _area_picker(ctx, draft, names)
    return [title, body, *_translation_fields(ctx, draft), *_saved_audience(ctx, draft), role, *where, *picks,
            *switches, *_check_fields(ctx, draft), *_schedule_fields(ctx, draft), *_attach_part(ctx, draft),
            ft.Row([big_button(ctx, ctx._("Count people"), lambda e: ctx.page.run_task(_count, ctx, state),
                               icon=ft.Icons.GROUPS, filled=False),
                    *([t.text(counted, 15)] if counted else [])], wrap=True),
            big_button(ctx, ctx._("Send"), lambda e: _send(ctx, state), icon=ft.Icons.SEND)]


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    state = screen_state(ctx, ROUTE, BroadcastState)
    with ctx.store.reading() as db:
        names = queries.store_names(db)
        sent = queries.broadcasts(db, ctx.user["id"])[:20]
        receipts = {b.id: queries.read_receipts(db, b.id) for b in sent}
    history = []
    for b in sent:
        r = receipts[b.id]
        history.append(ft.ListTile(
            title=t.text(shift_news.title(ctx, b), 15),  # issue 10, shiftnews
            # Translators: read receipts of a broadcast: {read} staff have read it, of {total} who got it.
            subtitle=t.text(ctx._("Read by {read} of {total}", read=ctx.tr.format_number(r.read),
                                  total=ctx.tr.format_number(r.audience)), 13),
            # Issue 11: receipts per store and per person, from the server.
            on_click=lambda e, bid=b.id: ctx.page.navigate(f"{ROUTE}/{bid}")))
    return frame(ctx, ROUTE, ctx._("Broadcast"), [
        section(ctx, ctx._("New broadcast"), _compose(ctx, state, names)),
        section(ctx, ctx._("Recent broadcasts"), history or [t.text(ctx._("Nothing sent yet."), 15)]),
    ])


# -- Issue 11, bcattach: "Attach": photos and PDF files sent with the broadcast ------------------


def _attach_part(ctx: AppContext, draft: BroadcastDraft) -> list[ft.Control]:
    """The files chosen (kept in the draft across redraws) and Add photo / Add PDF."""
    return broadcast_files.attach_controls(ctx, draft.files)


# -- Issue 11, bcsaved: saved audiences (app/ui/screens/saved_audiences.py) ------------------------

def _saved_audience(ctx: AppContext, draft: BroadcastDraft) -> list[ft.Control]:
    """Choose a saved audience (it fills the stores, area, role and people), or save this one."""
    return saved_audiences.part(ctx, draft, lambda: _audience(ctx, draft))


# -- Issue 11, bcsaved: the same language fields when editing a sent broadcast (Broadcasts) ------------
translation_fields = _translation_fields
written_translations = _written_translations


# -- Issue 11, bccheck: an urgent broadcast's check question ---------------------------------------

def _written_check(draft: BroadcastDraft) -> Check | None:
    """The check question as written (None: not urgent, or none asked). Empty choices are left
    out; the right one is counted among those kept (-1 when it was an empty one: refused by
    app.domain.broadcast_checks with a clear message)."""
    if not (draft.urgent and draft.check_on):
        return None
    kept = [i for i, text in enumerate(draft.check_choices) if text.strip()]
    right = kept.index(draft.check_right) if draft.check_right in kept else -1
    return Check(draft.check_question.strip(), tuple(draft.check_choices[i].strip() for i in kept), right)


def _check_fields(ctx: AppContext, draft: BroadcastDraft) -> list[ft.Control]:
    """For an urgent broadcast: "Ask a check question", then the question, up to 4 choices and
    which one is right (everyone must pick it before Acknowledge counts)."""
    if not draft.urgent:
        return []
    t = ctx.typo
    ask = ft.Switch(label=ctx._("Ask a check question before Acknowledge"), value=draft.check_on,
                    label_text_style=t.style(15),
                    on_change=lambda e: _choose(ctx, lambda: setattr(draft, "check_on", bool(e.control.value))))
    if not draft.check_on:
        return [ask]
    question = ft.TextField(label=ctx._("Check question"), max_length=MAX_QUESTION, text_style=t.style(16),
                            value=draft.check_question,
                            on_change=lambda e: setattr(draft, "check_question", e.control.value or ""))
    names = [ctx._("Choice {number}", number=ctx.tr.format_number(i + 1)) for i in range(MAX_CHOICES)]
    choices = [ft.TextField(label=name, max_length=MAX_CHOICE, text_style=t.style(15), value=draft.check_choices[i],
                            on_change=lambda e, i=i: draft.check_choices.__setitem__(i, e.control.value or ""))
               for i, name in enumerate(names)]
    right = menu(ctx._("Right answer"), text_style=t.style(15),
                 value=str(draft.check_right) if draft.check_right >= 0 else None,
                 options=[ft.dropdown.Option(key=str(i), text=name) for i, name in enumerate(names)],
                 on_select=lambda e: setattr(draft, "check_right", int(e.control.value or -1)))
    return [ask, question, *choices,
            # Translators: under the choices of a check question: empty choices are left out.
            t.text(ctx._("Give 2 to 4 choices; empty ones are left out."), 13, color=ft.Colors.GREY_800), right]
