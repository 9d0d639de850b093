"""Doing an inspection (issue 12, insprun), item by item: yes/no, a score, a number, a choice,
text or a photo, "not applicable", a note and photos (asked for where the template needs them
when the item failed). Every answer is saved on the phone at once (closing the app loses
nothing). At the top, the live score (``app.domain.inspections.progress``: sections, the
critical-failure verdict, pass/fail so far); Finish takes a location fix (the clock-in geofence
rules, recorded with it) and queues the inspection; the server scores it again. No rule here.
"""

from dataclasses import dataclass, field

import flet as ft

from app.domain.access import AccessDenied
from app.domain.geofence import Fix
from app.domain.inspections.progress import Progress
from app.domain.inspections.templates import Item, ItemKind, Template
from app.store import inspection_queries as q
from app.ui.capture import CaptureError, camera_photo, location_fix
from app.ui.chrome import big_button, frame, menu, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.screen_state import screen_state
from app.ui.screens.inspections import ROUTE, score_text, verdict_text


@dataclass
class Typed:
    """What is being typed, per item (typing redraws nothing; leaving the field saves it)."""

    values: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


@ft.observable
@dataclass
class RunState:
    """A change (a saved answer) redraws the screen."""

    saved: int = 0
    typed: Typed = field(default_factory=Typed)


def _save(ctx: AppContext, state: RunState, do) -> bool:
    """Save one change on the phone; a refusal (a value that does not fit) is shown, not saved."""
    try:
        do()
    except AccessDenied as exc:
        ctx.notify(ctx.reason_text(exc.reason, exc.message), error=True)
        return False
    except ValueError:
        ctx.notify(ctx._("Please check what you entered."), error=True)
        return False
    state.saved += 1  # redraws
    return True


def _number(text: str, item: Item) -> int | float:
    """The typed value as the item's kind takes it (ValueError: not a number)."""
    value = float(text.strip().replace(",", "."))
    return int(value) if item.kind is ItemKind.SCORE or value.is_integer() else value


def _typed_box(ctx: AppContext, state: RunState, draft_id: str, item: Item, label: str, kind: str, shown: str):
    store = state.typed.values if kind == "value" else state.typed.notes

    def typed(e) -> None:
        store[item.id] = e.control.value or ""

    def left(e) -> None:
        text = store.pop(item.id, None)
        if text is None:
            return
        if kind == "note":
            _save(ctx, state, lambda: ctx.actions.answer_item(draft_id, item.id, note=text))
        elif item.kind is ItemKind.TEXT:
            _save(ctx, state, lambda: ctx.actions.answer_item(draft_id, item.id, text))
        elif text.strip():
            _save(ctx, state, lambda: ctx.actions.answer_item(draft_id, item.id, _number(text, item)))

    number = kind == "value" and item.kind is ItemKind.NUMBER
    return ft.TextField(label=label, value=store.get(item.id, shown), on_change=typed, on_blur=left, on_submit=left,
                        multiline=kind == "note" or item.kind is ItemKind.TEXT,
                        keyboard_type=ft.KeyboardType.NUMBER if number else None)


def _value_controls(ctx: AppContext, state: RunState, draft_id: str, item: Item, answer) -> list[ft.Control]:
    value = None if answer is None or answer.not_applicable else answer.value
    put = lambda v: _save(ctx, state, lambda: ctx.actions.answer_item(draft_id, item.id, v))  # noqa: E731
    if item.kind is ItemKind.YES_NO:
        return [ft.Row([ft.Semantics(selected=value is chosen, content=big_button(
            ctx, label, lambda e, v=chosen: put(v), filled=value is chosen))  # the chosen one: filled, "selected"
            for label, chosen in ((ctx._("Yes"), True), (ctx._("No"), False))], wrap=True)]
    if item.kind is ItemKind.SCORE:
        return [menu(ctx._("Score (0 to {top})", top=ctx.tr.format_number(item.max_score)),
                     value=None if value is None else str(value),
                     options=[ft.dropdown.Option(key=str(n), text=ctx.tr.format_number(n))
                              for n in range((item.max_score or 0) + 1)],
                     on_select=lambda e: e.control.value is not None and put(int(e.control.value)))]
    if item.kind is ItemKind.CHOICE:
        return [menu(ctx._("Choose"), value=value, options=[ft.dropdown.Option(key=c, text=c) for c in item.choices],
                     on_select=lambda e: e.control.value and put(e.control.value))]
    if item.kind is ItemKind.NUMBER:
        return [_typed_box(ctx, state, draft_id, item, ctx._("Number"), "value",
                           "" if value is None else ctx.tr.format_decimal(value))]
    if item.kind is ItemKind.TEXT:
        return [_typed_box(ctx, state, draft_id, item, ctx._("Text"), "value", value or "")]
    return []


async def _shoot(ctx: AppContext, state: RunState, draft_id: str, item_id: str) -> None:
    try:
        data = await camera_photo(ctx)
    except CaptureError as exc:
        ctx.notify(exc.message, error=True)
        return
    _save(ctx, state, lambda: ctx.actions.add_item_photo(draft_id, item_id, data))


def _state_line(ctx: AppContext, item: Item, p: Progress) -> ft.Control | None:
    s = p.items[item.id]
    needs = {"photo": ctx._("Add a photo: the item failed."), "note": ctx._("Add a note: the item failed.")}
    if s.answer is not None and s.answer.not_applicable:
        words, colour = ctx._("Not applicable"), None
    elif s.passed is None:
        return None
    else:
        words = " ".join([ctx._("Passed") if s.passed else ctx._("Failed"), *(needs[n] for n in s.needs)])
        colour = ft.Colors.GREEN_800 if s.passed else ft.Colors.RED_900
    return ctx.typo.text(words, 14, color=colour, weight=ft.FontWeight.BOLD)


def _item_controls(ctx: AppContext, state: RunState, view: dict, item: Item) -> list[ft.Control]:
    t, draft_id, p = ctx.typo, view["row"]["id"], view["progress"]
    answer = view["answers"].get(item.id)
    marks = [ctx._("critical")] if item.critical else []
    out: list[ft.Control] = [t.text(ctx.tr.join(item.label, *marks), 16, weight=ft.FontWeight.BOLD)]
    out += _value_controls(ctx, state, draft_id, item, answer)
    out.append(ft.Checkbox(label=ctx._("Not applicable"), value=bool(answer and answer.not_applicable),
                           on_change=lambda e: _save(ctx, state, lambda: ctx.actions.answer_item(
                               draft_id, item.id, not_applicable=bool(e.control.value)))))
    out.append(_state_line(ctx, item, p))
    out.append(_typed_box(ctx, state, draft_id, item, ctx._("Note"), "note", answer.note if answer else ""))
    for n, sha in enumerate(answer.photos if answer else (), 1):
        out.append(ft.Row([ft.Icon(ft.Icons.IMAGE), t.text(ctx._("Photo {n}", n=ctx.tr.format_number(n)), 15,
                                                             expand=True),
                           ft.IconButton(ft.Icons.DELETE_OUTLINE, tooltip=ctx._("Remove"),
                                         on_click=lambda e, s=sha: _save(ctx, state, lambda: ctx.actions.remove_item_photo(
                                             draft_id, item.id, s)))]))
    out.append(big_button(ctx, ctx._("Take photo"), lambda e: ctx.page.run_task(_shoot, ctx, state, draft_id, item.id),
                          icon=ft.Icons.PHOTO_CAMERA, filled=False))
    return [c for c in out if c is not None]


def _live(ctx: AppContext, template: Template, p: Progress) -> ft.Control:
    """The score so far, by section, with the verdict (a failed critical item fails it all)."""
    t, live = ctx.typo, p.live
    rows = [t.text(ctx._("{answered} of {total} answered", answered=ctx.tr.format_number(p.answered),
                         total=ctx.tr.format_number(p.to_answer)), 15),
            t.text(ctx.tr.join(score_text(ctx, live.percent), verdict_text(ctx, live.passed),
                               ctx._("Pass mark {mark}%", mark=ctx.tr.format_decimal(template.pass_mark))), 16,
                   weight=ft.FontWeight.BOLD, color=ft.Colors.GREEN_800 if live.passed else ft.Colors.RED_900)]
    labels = {item.id: item.label for _s, item in template.items()}
    if live.critical_failed:
        rows.append(t.text(ctx._("Fails: a critical item failed: {items}",
                                 items=", ".join(labels[i] for i in live.critical_failed)), 15, color=ft.Colors.RED_900))
    rows += [t.text(ctx.tr.join(s.title, score_text(ctx, live.sections.get(s.id))), 14) for s in template.sections]
    return section(ctx, ctx._("Score so far"), rows)


def _blocking(ctx: AppContext, template: Template, p: Progress) -> list[ft.Control]:
    """Issue 12, inspe2e: why Finish is refused now (the domain's ``blocking``), next to Finish, and
    which failed items still lack their photo or note (each item's ``needs``), by name."""
    if p.blocking is None:
        return []
    t, labels = ctx.typo, {item.id: item.label for _s, item in template.items()}
    lacking = {need: ctx.tr.format_list([labels[i] for i, s in p.items.items() if need in s.needs])
               for need in ("photo", "note")}
    rows = [ctx._("Finish is not possible yet: {reason}", reason=ctx.reason_text(*p.blocking))]
    if lacking["photo"]:
        rows.append(ctx._("Take a photo of: {items}", items=lacking["photo"]))
    if lacking["note"]:
        rows.append(ctx._("Write a note for: {items}", items=lacking["note"]))
    return [t.text(line, 15, color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD) for line in rows]


def finish(ctx: AppContext, draft_id: str, fix: Fix | None) -> bool:
    """Finish with this fix (None: no location): queued, or the refusal shown. True when queued."""
    done: list[int] = []
    ctx.act(lambda: done.append(ctx.actions.finish_inspection(draft_id, fix)))
    if not done:
        return False
    with ctx.store.reading() as db:
        kept = q.one_finished(db, draft_id)
    where = {None: ctx._("Finished without a location."), "inside": ctx._("Finished at the store."),
             "uncertain": ctx._("Finished near the store.")}.get(kept["geofence"])
    if where is None:
        where = ctx._("Finished away from the store ({distance} m): this is recorded with it.",
                      distance=ctx.tr.format_number(round(kept["distance_m"] or 0)))
    ctx.notify(ctx.tr.join(where, ctx._("It will sync when online."), sep=" "))
    ctx.page.navigate(f"{ROUTE}/{draft_id}")
    return True


async def _finish(ctx: AppContext, draft_id: str) -> None:
    try:
        fix = await location_fix(ctx)
    except CaptureError:
        fix = None  # recorded as "no location"; the server judges the same way
    finish(ctx, draft_id, fix)


def _discard(ctx: AppContext, draft_id: str) -> None:
    def gone() -> None:
        ctx.actions.discard_inspection(draft_id)
        ctx.page.navigate(ROUTE)

    confirm(ctx, ctx._("Discard this inspection?"), ctx._("Its answers and photos are deleted from this phone."),
            ctx._("Discard"), gone)


def view(ctx: AppContext, route: str, draft_id: str) -> ft.View:
    t = ctx.typo
    try:
        with ctx.store.reading() as db:
            shown = q.draft_view(db, draft_id)
    except AccessDenied as exc:
        return frame(ctx, route, ctx._("Inspection"), [t.text(ctx.reason_text(exc.reason), 15)], back=True)
    state = screen_state(ctx, f"{ROUTE}/{draft_id}", RunState)
    template, p = shown["template"], shown["progress"]
    body: list[ft.Control] = []
    if shown["refusal"] is not None:
        body.append(t.text(ctx._("Refused: {reason}", reason=ctx.reason_text(shown["refusal"].reason,
                                                                             shown["refusal"].message)),
                           15, color=ft.Colors.RED_900))
    body.append(_live(ctx, template, p))
    for s in template.sections:
        body.append(section(ctx, s.title, [c for item in s.items for c in _item_controls(ctx, state, shown, item)]))
    body += _blocking(ctx, template, p)
    body.append(ft.Row([
        big_button(ctx, ctx._("Finish"), lambda e: ctx.page.run_task(_finish, ctx, draft_id), icon=ft.Icons.DONE_ALL),
        big_button(ctx, ctx._("Discard"), lambda e: _discard(ctx, draft_id), filled=False)], wrap=True))
    return frame(ctx, route, template.name, body, back=True)
