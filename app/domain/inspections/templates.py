"""Issue 12, inspscore: inspection templates: sections of items, versioned.

An item is one of six kinds: yes/no, a score 0..n, a number with an acceptable range, a choice
(some choices pass), free text or a photo. The first four are scored (each with a weight and
possibly "critical"); text and photo items are records only. Any item may say that a failure
needs a photo and/or a note. A template is never changed in place: an edit is a new version
(``next_version``), and an inspection keeps the version it was done with, so its score stays
what it was. Item ids stay the same across versions: that is how a failure repeats.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from fractions import Fraction

from app.domain.access import AccessDenied
from app.domain.roles import Role

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


class TemplateProblem(StrEnum):
    """Which rule a refused template breaks (sent as ``details.problem`` of
    ``inspection_bad_template``, with the section and item it is about, so a screen can show it in
    the reader's language beside the field)."""

    NAME = "name"
    PASS_MARK = "pass_mark"
    SECTION_COUNT = "section_count"
    NOTHING_SCORED = "nothing_scored"
    TOO_MANY_ITEMS = "too_many_items"
    DUPLICATE_ID = "duplicate_id"
    EMPTY_SECTION = "empty_section"
    SECTION_TITLE = "section_title"
    ITEM_LABEL = "item_label"
    WEIGHT = "weight"
    CRITICAL_NOT_SCORED = "critical_not_scored"
    MAX_SCORE = "max_score"
    PASS_SCORE = "pass_score"
    RANGE_MISSING = "range_missing"
    RANGE_REVERSED = "range_reversed"
    CHOICES = "choices"
    PASSING_CHOICES = "passing_choices"
    AREA = "area"  # the server's: an area with no store


class TemplateRefused(AccessDenied):
    """``inspection_bad_template``: ``problem`` is the rule broken, ``section_id``/``item_id``
    where (None: the template as a whole)."""

    def __init__(self, problem: TemplateProblem, message: str, section_id: str | None = None,
                 item_id: str | None = None) -> None:
        super().__init__(REASON_BAD_TEMPLATE, message)
        self.problem, self.section_id, self.item_id = problem, section_id, item_id

    @property
    def details(self) -> dict:
        """As sent in the error body's ``details``."""
        return {"problem": self.problem.value, "section_id": self.section_id, "item_id": self.item_id}


P = TemplateProblem
Found = tuple[TemplateProblem, str] | None


def _score_problem(item: Item) -> Found:
    if item.max_score is None or not 1 <= item.max_score <= MAX_SCORE:
        return P.MAX_SCORE, f"Item {item.id}: a score item needs a top score from 1 to {MAX_SCORE}."
    if item.pass_score is not None and not 0 <= item.pass_score <= item.max_score:
        return P.PASS_SCORE, f"Item {item.id}: the passing score must be from 0 to {item.max_score}."
    return None


def _number_problem(item: Item) -> Found:
    if item.min_value is None and item.max_value is None:
        return P.RANGE_MISSING, f"Item {item.id}: a number item needs an acceptable range."
    if item.min_value is not None and item.max_value is not None and item.min_value > item.max_value:
        return P.RANGE_REVERSED, f"Item {item.id}: the lowest acceptable number is above the highest."
    return None


def _choice_problem(item: Item) -> Found:
    if not 2 <= len(item.choices) <= MAX_CHOICES or len(set(item.choices)) != len(item.choices):
        return P.CHOICES, f"Item {item.id}: a choice item needs 2 to {MAX_CHOICES} different choices."
    if not item.passing_choices or not set(item.passing_choices) <= set(item.choices):
        return P.PASSING_CHOICES, f"Item {item.id}: mark which of its choices pass."
    return None


_KIND_PROBLEMS = {ItemKind.SCORE: _score_problem, ItemKind.NUMBER: _number_problem, ItemKind.CHOICE: _choice_problem}


def _item_problem(item: Item) -> Found:
    """What is wrong with one item (None: nothing)."""
    if not item.label.strip() or len(item.label) > MAX_LABEL:
        return P.ITEM_LABEL, f"Item {item.id}: write a label of at most {MAX_LABEL} characters."
    if item.scored and not 0 < item.weight <= MAX_WEIGHT:
        return P.WEIGHT, f"Item {item.id}: the weight must be above 0 and at most {MAX_WEIGHT}."
    if item.critical and not item.scored:
        return P.CRITICAL_NOT_SCORED, f"Item {item.id}: only an item that can fail can be critical."
    kind_check = _KIND_PROBLEMS.get(item.kind)
    return kind_check(item) if kind_check else None


def _whole_problem(template: Template) -> Found:
    """What is wrong with the template as a whole (None: nothing)."""
    if not template.name.strip() or len(template.name) > MAX_LABEL:
        return P.NAME, f"Write a template name of at most {MAX_LABEL} characters."
    if not 0 <= template.pass_mark <= 100:
        return P.PASS_MARK, "The pass mark must be from 0 to 100."
    if not 1 <= len(template.sections) <= MAX_SECTIONS:
        return P.SECTION_COUNT, f"A template has 1 to {MAX_SECTIONS} sections."
    items = [item for _section, item in template.items()]
    if not any(item.scored for item in items):
        return P.NOTHING_SCORED, "A template needs at least one item that is scored."
    if len(items) > MAX_ITEMS:
        return P.TOO_MANY_ITEMS, f"A template has at most {MAX_ITEMS} items."
    ids = [s.id for s in template.sections] + [i.id for i in items]
    if len(set(ids)) != len(ids) or not all(ids):
        return P.DUPLICATE_ID, "Every section and item needs its own id."
    return None


def _problem(template: Template) -> TemplateRefused | None:
    whole = _whole_problem(template)
    if whole:
        return TemplateRefused(*whole)
    for section in template.sections:
        if not section.items:
            return TemplateRefused(P.EMPTY_SECTION, f"Section {section.id} has no items.", section.id)
        if not section.title.strip() or len(section.title) > MAX_LABEL:
            return TemplateRefused(P.SECTION_TITLE, f"Section {section.id}: write a title of at most {MAX_LABEL} "
                                   "characters.", section.id)
        for item in section.items:
            found = _item_problem(item)
            if found:
                return TemplateRefused(*found, section.id, item.id)
    return None


def check_template(template: Template) -> None:
    """Refuse (``TemplateRefused``: ``inspection_bad_template``, saying which rule and where) a
    template that cannot be used."""
    problem = _problem(template)
    if problem:
        raise problem


#: Issue 12, inspbuild: who writes templates (the server's scope and the app's builder).
WRITERS = frozenset({Role.AREA_MANAGER, Role.HQ_ADMIN})


def may_write(role: Role, area: str | None, own_areas: Iterable[str]) -> bool:
    """HQ writes templates for any area and the whole chain (``area`` None); an area manager for an
    area of their stores (``own_areas``)."""
    return role is Role.HQ_ADMIN or (role is Role.AREA_MANAGER and area is not None and area in set(own_areas))


def writable_areas(role: Role, own_areas: Iterable[str], all_areas: Iterable[str]) -> list[str | None]:
    """The areas a person may write templates for, sorted (None first: the whole chain, HQ only)."""
    areas = sorted(set(all_areas) if role is Role.HQ_ADMIN else set(own_areas))
    return [a for a in [None, *areas] if may_write(role, a, own_areas if role is not Role.HQ_ADMIN else areas)]


def next_version(current: Template, edited: Template) -> Template:
    """The edited template as the version after ``current`` (same id); ``current`` is unchanged."""
    new = replace(edited, id=current.id, version=current.version + 1)
    check_template(new)
    return new
