"""Issue 12, inspbuild: the template being written in the builder, as typed (plain dataclasses:
typing redraws nothing), and its conversions: from the server's template, and to a domain
``Template`` (checked by ``app.domain.inspections.templates.check_template``, the server's own
rules) and to the request body. No rule here: a number that cannot be read is named (``Unreadable``,
beside its field); everything else is the domain's to refuse.
"""

from dataclasses import dataclass, field
from uuid import uuid4

from app.domain.inspections.templates import (DEFAULT_PASS_MARK, Item, ItemKind, Section, Template)
from app.protocol.inspections import InspectionTemplateCreate, InspectionTemplateUpdate

#: The whole chain in the area menu (a template's area is None).
WHOLE_CHAIN = ""


def new_id(prefix: str) -> str:
    """An id made on the phone for a new section or item (kept across versions from then on)."""
    return f"{prefix}-{uuid4().hex[:10]}"


@dataclass
class ChoiceForm:
    text: str = ""
    fails: bool = False


@dataclass
class ItemForm:
    """One item as typed; numbers stay text until the template is saved."""

    id: str
    label: str = ""
    kind: ItemKind = ItemKind.YES_NO
    weight: str = "1"
    critical: bool = False
    photo_required_when_failed: bool = False
    note_required_when_failed: bool = False
    max_score: str = "5"
    pass_score: str = ""
    min_value: str = ""
    max_value: str = ""
    choices: list[ChoiceForm] = field(default_factory=lambda: [ChoiceForm(), ChoiceForm()])


@dataclass
class SectionForm:
    id: str
    title: str = ""
    items: list[ItemForm] = field(default_factory=list)


@dataclass
class TemplateForm:
    """``template_id`` None: not saved yet; ``version``: the version it was opened or saved as."""

    template_id: str | None = None
    version: int | None = None
    name: str = ""
    area: str = WHOLE_CHAIN
    pass_mark: str = f"{DEFAULT_PASS_MARK:g}"
    sections: list[SectionForm] = field(default_factory=list)


class Unreadable(ValueError):
    """A number field that is not a number: ``field`` of item ``item_id`` (None: the pass mark)."""

    def __init__(self, field_name: str, item_id: str | None = None, section_id: str | None = None) -> None:
        super().__init__(field_name)
        self.field, self.item_id, self.section_id = field_name, item_id, section_id


def blank_item() -> ItemForm:
    return ItemForm(new_id("i"))


def blank_section() -> SectionForm:
    return SectionForm(new_id("s"), items=[blank_item()])


def blank_template(area: str | None) -> TemplateForm:
    return TemplateForm(area=area or WHOLE_CHAIN, sections=[blank_section()])


def move(rows: list, index: int, step: int) -> None:
    """Move ``rows[index]`` up (-1) or down (+1); at either end it stays."""
    to = index + step
    if 0 <= index < len(rows) and 0 <= to < len(rows):
        rows[index], rows[to] = rows[to], rows[index]


def _text(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _item_form(item: dict) -> ItemForm:
    passing = set(item.get("passing_choices") or ())
    return ItemForm(item["id"], item["label"], ItemKind(item["kind"]), _text(item.get("weight", 1)),
                    bool(item.get("critical")), bool(item.get("photo_required_when_failed")),
                    bool(item.get("note_required_when_failed")), _text(item.get("max_score")) or "5",
                    _text(item.get("pass_score")), _text(item.get("min_value")), _text(item.get("max_value")),
                    [ChoiceForm(c, c not in passing) for c in item.get("choices") or ()]
                    or [ChoiceForm(), ChoiceForm()])


def form_from(public: dict) -> TemplateForm:
    """The server's template (``InspectionTemplatePublic`` as a dict) to edit as its next version."""
    return TemplateForm(public["id"], public["version"], public["name"], public.get("area") or WHOLE_CHAIN,
                        _text(public.get("pass_mark", DEFAULT_PASS_MARK)),
                        [SectionForm(s["id"], s["title"], [_item_form(i) for i in s["items"]])
                         for s in public["sections"]])


def _number(text: str, name: str, item: ItemForm | None, section: SectionForm | None,
            *, whole: bool = False, optional: bool = False) -> float | int | None:
    typed = text.strip().replace(",", ".")
    if not typed and optional:
        return None
    try:
        value = float(typed)
        if whole and not value.is_integer():
            raise ValueError(typed)
    except ValueError:
        raise Unreadable(name, item.id if item else None, section.id if section else None) from None
    return int(value) if whole else value


def _item(form: ItemForm, section: SectionForm) -> Item:
    """The item with only the fields of its kind (the others are left as the domain's defaults)."""
    kind, extra = form.kind, {}
    if kind is ItemKind.SCORE:
        extra = {"max_score": _number(form.max_score, "max_score", form, section, whole=True),
                 "pass_score": _number(form.pass_score, "pass_score", form, section, whole=True, optional=True)}
    elif kind is ItemKind.NUMBER:
        extra = {"min_value": _number(form.min_value, "min_value", form, section, optional=True),
                 "max_value": _number(form.max_value, "max_value", form, section, optional=True)}
    elif kind is ItemKind.CHOICE:
        choices = tuple(c.text.strip() for c in form.choices)
        extra = {"choices": choices,
                 "passing_choices": tuple(c.text.strip() for c in form.choices if not c.fails)}
    return Item(form.id, form.label.strip(), kind, weight=_number(form.weight, "weight", form, section),
                critical=form.critical, photo_required_when_failed=form.photo_required_when_failed,
                note_required_when_failed=form.note_required_when_failed, **extra)


def to_template(form: TemplateForm) -> Template:
    """The form as a domain template (``Unreadable`` when a number field is not a number)."""
    sections = tuple(Section(s.id, s.title.strip(), tuple(_item(i, s) for i in s.items)) for s in form.sections)
    return Template(form.template_id or "new", form.name.strip(), form.version or 1, sections,
                    _number(form.pass_mark, "pass_mark", None, None), form.area or None)


def _wire_item(item: Item) -> dict:
    data = {"id": item.id, "label": item.label, "kind": item.kind.value, "weight": item.weight,
            "critical": item.critical, "photo_required_when_failed": item.photo_required_when_failed,
            "note_required_when_failed": item.note_required_when_failed}
    optional = {"max_score": item.max_score, "pass_score": item.pass_score, "min_value": item.min_value,
                "max_value": item.max_value}
    data |= {k: v for k, v in optional.items() if v is not None}
    if item.kind is ItemKind.CHOICE:
        data |= {"choices": list(item.choices), "passing_choices": list(item.passing_choices)}
    return data


def request_body(template: Template, new: bool) -> InspectionTemplateCreate | InspectionTemplateUpdate:
    """The POST (new) or PUT (next version) body (pydantic ``ValidationError`` if it does not fit)."""
    data = {"name": template.name, "pass_mark": template.pass_mark,
            "sections": [{"id": s.id, "title": s.title, "items": [_wire_item(i) for i in s.items]}
                         for s in template.sections]}
    return InspectionTemplateCreate(**data, area=template.area) if new else InspectionTemplateUpdate(**data)
