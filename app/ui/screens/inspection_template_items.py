"""Issue 12, inspbuild: one item of the template builder: what to check, its kind (yes/no, a score
0..n, a number with an acceptable range, a choice with the options that fail, text, a photo), its
weight, "critical", and whether a failure needs a photo or a note; move up/down, remove. What is
typed goes into the draft (``inspection_template_form``) at once; whether it is a usable item is
for ``check_template`` to say when saving (shown here, beside the item).
"""

import flet as ft

from app.domain.inspections.templates import ItemKind
from app.ui.chrome import big_button, icon_button, menu
from app.ui.context import AppContext
from app.ui.screens import inspection_template_form as f


def _kinds(ctx: AppContext) -> dict[ItemKind, str]:
    return {ItemKind.YES_NO: ctx._("Yes / No"), ItemKind.SCORE: ctx._("Score 0 to n"),
            ItemKind.NUMBER: ctx._("Number in a range"), ItemKind.CHOICE: ctx._("Choice"),
            ItemKind.TEXT: ctx._("Text"), ItemKind.PHOTO: ctx._("Photo")}


def typed_field(ctx: AppContext, owner, name: str, label: str, *, number: bool = False,
                error: str | None = None, **kw) -> ft.TextField:
    """A text field kept in ``owner.name`` as typed (typing redraws nothing)."""
    return ft.TextField(label=label, value=getattr(owner, name), text_style=ctx.typo.style(15), dense=True,
                        keyboard_type=ft.KeyboardType.NUMBER if number else None, error=error,
                        on_change=lambda e: setattr(owner, name, e.control.value or ""), **kw)


def ticked(ctx: AppContext, owner, name: str, label: str) -> ft.Checkbox:
    return ft.Checkbox(label=label, value=getattr(owner, name), label_style=ctx.typo.style(15),
                       on_change=lambda e: setattr(owner, name, bool(e.control.value)))


def _choices(ctx: AppContext, state, item: f.ItemForm) -> list[ft.Control]:
    def add(e) -> None:
        item.choices.append(f.ChoiceForm())
        state.revision += 1

    def remove(index: int) -> None:
        del item.choices[index]
        state.revision += 1

    rows: list[ft.Control] = []
    for n, choice in enumerate(item.choices):
        label = ctx._("Option {n}", n=ctx.tr.format_number(n + 1))
        rows.append(ft.Row([ft.Container(typed_field(ctx, choice, "text", label), expand=True),
                            ticked(ctx, choice, "fails", ctx._("Fails")),
                            icon_button(ft.Icons.CLOSE, ctx._("Remove {option}", option=label),
                                        lambda e, i=n: remove(i))], wrap=False))
    rows.append(big_button(ctx, ctx._("Add option"), add, icon=ft.Icons.ADD, filled=False))
    return rows


def _kind_fields(ctx: AppContext, state, item: f.ItemForm, bad: str | None, message: str | None) -> list[ft.Control]:
    """The fields of the item's kind; ``bad``: the field named by the last refusal."""
    def err(name: str) -> str | None:
        return message if bad == name else None

    if item.kind is ItemKind.SCORE:
        return [ft.Row([ft.Container(typed_field(ctx, item, "max_score", ctx._("Top score"), number=True,
                                                 error=err("max_score")), expand=True),
                        ft.Container(typed_field(ctx, item, "pass_score", ctx._("Passes from (empty: the top score)"),
                                                 number=True, error=err("pass_score")), expand=True)], wrap=True)]
    if item.kind is ItemKind.NUMBER:
        return [ft.Row([ft.Container(typed_field(ctx, item, "min_value", ctx._("Lowest acceptable"), number=True,
                                                 error=err("min_value")), expand=True),
                        ft.Container(typed_field(ctx, item, "max_value", ctx._("Highest acceptable"), number=True,
                                                 error=err("max_value")), expand=True)], wrap=True),
                ctx.typo.text(ctx._("Leave one side empty for no limit on that side."), 13)]
    if item.kind is ItemKind.CHOICE:
        return _choices(ctx, state, item)
    return []


def item_card(ctx: AppContext, state, section: f.SectionForm, index: int, refusal) -> ft.Control:
    """The item ``section.items[index]``; ``refusal``: the last save's refusal when it is about it."""
    item, t = section.items[index], ctx.typo

    def moved(step: int) -> None:
        f.move(section.items, index, step)
        state.revision += 1

    def removed(e) -> None:
        del section.items[index]
        state.revision += 1

    def kind_chosen(e) -> None:
        if e.control.value:
            item.kind = ItemKind(e.control.value)
            state.revision += 1

    number = ctx.tr.format_number(index + 1)
    bad, message = (refusal.field, refusal.message) if refusal is not None else (None, None)
    controls: list[ft.Control] = [
        ft.Row([t.text(ctx._("Item {n}", n=number), 15, weight=ft.FontWeight.BOLD, expand=True),
                icon_button(ft.Icons.ARROW_UPWARD, ctx._("Move item {n} up", n=number), lambda e: moved(-1)),
                icon_button(ft.Icons.ARROW_DOWNWARD, ctx._("Move item {n} down", n=number), lambda e: moved(1)),
                icon_button(ft.Icons.DELETE_OUTLINE, ctx._("Remove item {n}", n=number), removed)], wrap=False),
        typed_field(ctx, item, "label", ctx._("What to check")),
        menu(ctx._("Kind of answer"), value=item.kind.value, text_style=t.style(15),
             options=[ft.dropdown.Option(key=k.value, text=name) for k, name in _kinds(ctx).items()],
             on_select=kind_chosen),
        *_kind_fields(ctx, state, item, bad, message),
        typed_field(ctx, item, "weight", ctx._("Weight"), number=True, error=message if bad == "weight" else None),
        ticked(ctx, item, "critical", ctx._("Critical: failing it fails the whole inspection")),
        ticked(ctx, item, "photo_required_when_failed", ctx._("Photo required when failed")),
        ticked(ctx, item, "note_required_when_failed", ctx._("Note required when failed")),
    ]
    if refusal is not None and bad is None:
        controls.insert(1, t.text(refusal.message, 14, color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD))
    return ft.Container(ft.Column(controls, spacing=6), padding=ft.Padding.only(left=8, top=4, bottom=8),
                        border=ft.Border.only(left=ft.BorderSide(3, ft.Colors.RED_900 if refusal else ft.Colors.GREY_700)))
