"""Issue 12, inspscore: inspection templates: sections of items, versioned.

An item is one of six kinds: yes/no, a score 0..n, a number with an acceptable range, a choice
(some choices pass), free text or a photo. The first four are scored (each with a weight and
possibly "critical"); text and photo items are records only. Any item may say that a failure
needs a photo and/or a note. A template is never changed in place: an edit is a new version
(``next_version``), and an inspection keeps the version it was done with, so its score stays
what it was. Item ids stay the same across versions: that is how a failure repeats.
"""

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from fractions import Fraction

from app.domain.access import AccessDenied

REASON_BAD_TEMPLATE = "inspection_bad_template"

MAX_SECTIONS = 40
MAX_ITEMS = 400
MAX_LABEL = 200
MAX_SCORE = 100
MAX_WEIGHT = 100
MAX_CHOICES = 20
MAX_VERSION = 1_000_000
DEFAULT_PASS_MARK = 80


class ItemKind(StrEnum):
    """What an item asks for."""

    YES_NO = "yes_no"
    SCORE = "score"
    NUMBER = "number"
    CHOICE = "choice"
    TEXT = "text"
    PHOTO = "photo"


#: Kinds that pass or fail and count towards the score.
SCORED_KINDS = frozenset({ItemKind.YES_NO, ItemKind.SCORE, ItemKind.NUMBER, ItemKind.CHOICE})


@dataclass(frozen=True)
class Item:
    """One question of a template. ``max_score``/``pass_score``: score items (0..max_score, at
    least pass_score passes; default all of it). ``min_value``/``max_value``: number items (inclusive,
    either side may be open). ``choices``/``passing_choices``: choice items."""

    id: str
    label: str
    kind: ItemKind
    weight: float = 1
    critical: bool = False
    photo_required_when_failed: bool = False
    note_required_when_failed: bool = False
    max_score: int | None = None
    pass_score: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    choices: tuple[str, ...] = ()
    passing_choices: tuple[str, ...] = ()

    @property
    def scored(self) -> bool:
        return self.kind in SCORED_KINDS

    @property
    def exact_weight(self) -> Fraction:
        """The weight as an exact fraction: sums do not depend on the order items are added in."""
        return Fraction(str(self.weight))


@dataclass(frozen=True)
class Section:
    """A titled group of items (scored on its own too)."""

    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Template:
    """A template at one version. ``area``: the area it is for (None: the whole chain).
    ``pass_mark``: the lowest passing score, in percent."""

    id: str
    name: str
    version: int
    sections: tuple[Section, ...]
    pass_mark: float = DEFAULT_PASS_MARK
    area: str | None = None

    def items(self) -> Iterator[tuple[Section, Item]]:
        """Every item with its section, in order."""
        for section in self.sections:
            for item in section.items:
                yield section, item

    def as_dict(self) -> dict:
        """As stored and sent (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "Template":
        """A template as ``as_dict`` wrote it (or a create/update body with id and version added)."""
        sections = tuple(
            Section(str(s["id"]), str(s["title"]), tuple(_item(i) for i in s["items"])) for s in data["sections"])
        return cls(str(data["id"]), str(data["name"]), int(data["version"]), sections,
                   data.get("pass_mark", DEFAULT_PASS_MARK), data.get("area"))


def _item(data: Mapping) -> Item:
    values = {k: v for k, v in data.items() if k in Item.__dataclass_fields__}
    values["kind"] = ItemKind(values["kind"])
    for key in ("choices", "passing_choices"):
        values[key] = tuple(values.get(key) or ())
    return Item(**values)


def _item_problem(item: Item) -> str | None:
    """What is wrong with one item (None: nothing)."""
    if not item.label.strip() or len(item.label) > MAX_LABEL:
        return f"Item {item.id}: write a label of at most {MAX_LABEL} characters."
    if item.scored and not 0 < item.weight <= MAX_WEIGHT:
        return f"Item {item.id}: the weight must be above 0 and at most {MAX_WEIGHT}."
    if item.critical and not item.scored:
        return f"Item {item.id}: only an item that can fail can be critical."
    if item.kind is ItemKind.SCORE:
        if item.max_score is None or not 1 <= item.max_score <= MAX_SCORE:
            return f"Item {item.id}: a score item needs a top score from 1 to {MAX_SCORE}."
        if item.pass_score is not None and not 0 <= item.pass_score <= item.max_score:
            return f"Item {item.id}: the passing score must be from 0 to {item.max_score}."
    if item.kind is ItemKind.NUMBER:
        if item.min_value is None and item.max_value is None:
            return f"Item {item.id}: a number item needs an acceptable range."
        if item.min_value is not None and item.max_value is not None and item.min_value > item.max_value:
            return f"Item {item.id}: the lowest acceptable number is above the highest."
    if item.kind is ItemKind.CHOICE:
        if not 2 <= len(item.choices) <= MAX_CHOICES or len(set(item.choices)) != len(item.choices):
            return f"Item {item.id}: a choice item needs 2 to {MAX_CHOICES} different choices."
        if not item.passing_choices or not set(item.passing_choices) <= set(item.choices):
            return f"Item {item.id}: mark which of its choices pass."
    return None


def _problem(template: Template) -> str | None:
    if not template.name.strip() or len(template.name) > MAX_LABEL:
        return f"Write a template name of at most {MAX_LABEL} characters."
    if not 0 <= template.pass_mark <= 100:
        return "The pass mark must be from 0 to 100."
    if not 1 <= len(template.sections) <= MAX_SECTIONS:
        return f"A template has 1 to {MAX_SECTIONS} sections."
    items = [item for _section, item in template.items()]
    if not any(item.scored for item in items):
        return "A template needs at least one item that is scored."
    if len(items) > MAX_ITEMS:
        return f"A template has at most {MAX_ITEMS} items."
    ids = [s.id for s in template.sections] + [i.id for i in items]
    if len(set(ids)) != len(ids) or not all(ids):
        return "Every section and item needs its own id."
    for section in template.sections:
        if not section.items:
            return f"Section {section.id} has no items."
        if not section.title.strip() or len(section.title) > MAX_LABEL:
            return f"Section {section.id}: write a title of at most {MAX_LABEL} characters."
    return next(filter(None, map(_item_problem, items)), None)


def check_template(template: Template) -> None:
    """Refuse (``inspection_bad_template``, saying what) a template that cannot be used."""
    problem = _problem(template)
    if problem:
        raise AccessDenied(REASON_BAD_TEMPLATE, problem)


def next_version(current: Template, edited: Template) -> Template:
    """The edited template as the version after ``current`` (same id); ``current`` is unchanged."""
    new = replace(edited, id=current.id, version=current.version + 1)
    check_template(new)
    return new
