"""Issue 12, inspscore: checking and scoring one inspection's answers against its template.

Score = the weighted percentage of the applicable scored items: each item earns its weight times
how much of it passed (a score item earns value/top, the others all or nothing); items answered
"not applicable" count neither way. Each section is scored the same way on its own. Any failed
critical item fails the whole inspection whatever its score; otherwise it passes at the
template's pass mark. A failed item is a finding (later a corrective task); a finding is
"repeated" when the same item also failed in one of the store's last 3 inspections with that
template. Arithmetic is exact (fractions), so the score never depends on the order of items.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from app.domain.access import AccessDenied
from app.domain.inspections.templates import Item, ItemKind, Template

REASON_BAD_ANSWER = "inspection_bad_answer"
REASON_UNANSWERED = "inspection_unanswered"
REASON_PHOTO_REQUIRED = "inspection_photo_required"
REASON_NOTE_REQUIRED = "inspection_note_required"

#: How many earlier inspections of a store a failure is looked for in.
REPEAT_WINDOW = 3
MAX_NOTE = 2000
MAX_PHOTOS = 10


@dataclass(frozen=True)
class Answer:
    """The answer to one item. ``value``: yes/no a bool, score an int, number a number, choice
    one of its choices, text a string, photo nothing (its ``photos`` are the answer)."""

    item_id: str
    value: bool | int | float | str | None = None
    not_applicable: bool = False
    note: str = ""
    photos: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A failed item: what failed, with the inspector's note and photos."""

    item_id: str
    section_id: str
    label: str
    critical: bool
    note: str
    photos: tuple[str, ...]
    repeated: bool = False


@dataclass(frozen=True)
class Score:
    """An inspection's result. ``percent`` (0..100, 2 decimals) and ``sections`` are None where
    nothing was applicable."""

    percent: float | None
    sections: dict[str, float | None]
    passed: bool
    critical_failed: tuple[str, ...]
    findings: tuple[Finding, ...]


def answer_problem(item: Item, answer: Answer) -> str | None:
    """What is wrong with ``answer`` as an answer to ``item`` (None: nothing)."""
    if len(answer.note) > MAX_NOTE or len(answer.photos) > MAX_PHOTOS:
        return f"Item {item.id}: at most {MAX_NOTE} characters of note and {MAX_PHOTOS} photos."
    if answer.not_applicable:
        return None if answer.value is None else f"Item {item.id}: a not-applicable item has no value."
    value, kind = answer.value, item.kind
    if kind is ItemKind.YES_NO and not isinstance(value, bool):
        return f"Item {item.id}: answer yes or no."
    if kind is ItemKind.SCORE and (isinstance(value, bool) or not isinstance(value, int)
                                   or not 0 <= value <= (item.max_score or 0)):
        return f"Item {item.id}: give a score from 0 to {item.max_score}."
    if kind is ItemKind.NUMBER and (isinstance(value, bool) or not isinstance(value, (int, float))
                                    or value != value or value in (float("inf"), float("-inf"))):
        return f"Item {item.id}: give a number."
    if kind is ItemKind.CHOICE and value not in item.choices:
        return f"Item {item.id}: choose one of {', '.join(item.choices)}."
    if kind is ItemKind.TEXT and not isinstance(value, str | None):
        return f"Item {item.id}: write text."
    if kind is ItemKind.PHOTO and (value is not None or not answer.photos):
        return f"Item {item.id}: take a photo."
    return None


def passed(item: Item, answer: Answer) -> bool | None:
    """Whether the item passed (None: not scored, or not applicable)."""
    if not item.scored or answer.not_applicable:
        return None
    value = answer.value
    if item.kind is ItemKind.YES_NO:
        return value is True
    if item.kind is ItemKind.SCORE:
        return value >= (item.max_score if item.pass_score is None else item.pass_score)
    if item.kind is ItemKind.NUMBER:
        return ((item.min_value is None or value >= item.min_value)
                and (item.max_value is None or value <= item.max_value))
    return value in item.passing_choices


def _earned(item: Item, answer: Answer) -> Fraction:
    """The share of the item's weight earned (0..1)."""
    if item.kind is ItemKind.SCORE:
        return Fraction(answer.value, item.max_score)
    return Fraction(int(bool(passed(item, answer))))


def check_answers(template: Template, answers: Iterable[Answer]) -> dict[str, Answer]:
    """The answers by item id, refused when they cannot be scored: an answer to no item of the
    template or one that does not fit its item (``inspection_bad_answer``), a scored or photo
    item left unanswered (``inspection_unanswered``), a failed item without the photo or the
    note it needs (``inspection_photo_required``, ``inspection_note_required``)."""
    items = {item.id: item for _section, item in template.items()}
    by_item: dict[str, Answer] = {}
    for answer in answers:
        if answer.item_id not in items or answer.item_id in by_item:
            raise AccessDenied(REASON_BAD_ANSWER, f"Item {answer.item_id} is not in this template, or answered twice.")
        by_item[answer.item_id] = answer
    for item_id, item in items.items():
        answer = by_item.get(item_id)
        if answer is None:
            if item.scored or item.kind is ItemKind.PHOTO:
                raise AccessDenied(REASON_UNANSWERED, f"Answer item {item_id}: {item.label}")
            continue
        problem = answer_problem(item, answer)
        if problem:
            raise AccessDenied(REASON_BAD_ANSWER, problem)
        if passed(item, answer) is False:
            if item.photo_required_when_failed and not answer.photos:
                raise AccessDenied(REASON_PHOTO_REQUIRED, f"Item {item_id} failed: add a photo of it. {item.label}")
            if item.note_required_when_failed and not answer.note.strip():
                raise AccessDenied(REASON_NOTE_REQUIRED, f"Item {item_id} failed: add a note. {item.label}")
    return by_item


def _percent(earned: Fraction, possible: Fraction) -> float | None:
    return None if possible == 0 else round(float(earned * 100 / possible), 2)


def score(template: Template, answers: Iterable[Answer]) -> Score:
    """Check the answers (``check_answers``) and score them."""
    return tally(template, check_answers(template, answers))


def tally(template: Template, by_item: Mapping[str, Answer]) -> Score:
    """Score answers already checked (by item id; items without one count neither way: the
    live score of an inspection in progress, ``app.domain.inspections.progress``)."""
    total_earned = total_possible = Fraction(0)
    sections: dict[str, float | None] = {}
    critical_failed: list[str] = []
    findings: list[Finding] = []
    for section in template.sections:
        earned = possible = Fraction(0)
        for item in section.items:
            answer = by_item.get(item.id)
            verdict = None if answer is None else passed(item, answer)
            if verdict is None:
                continue
            earned += item.exact_weight * _earned(item, answer)
            possible += item.exact_weight
            if not verdict:
                findings.append(Finding(item.id, section.id, item.label, item.critical, answer.note, answer.photos))
                if item.critical:
                    critical_failed.append(item.id)
        sections[section.id] = _percent(earned, possible)
        total_earned, total_possible = total_earned + earned, total_possible + possible
    percent = _percent(total_earned, total_possible)
    ok = not critical_failed and (percent is None or percent >= template.pass_mark)
    return Score(percent, sections, ok, tuple(critical_failed), tuple(findings))


def mark_repeated(result: Score, earlier_failures: Sequence[Iterable[str]]) -> Score:
    """``result`` with each finding marked repeated when its item failed in one of the store's
    last ``REPEAT_WINDOW`` inspections (``earlier_failures``: their failed item ids, newest first)."""
    recent = {item_id for failed in earlier_failures[:REPEAT_WINDOW] for item_id in failed}
    return replace(result, findings=tuple(replace(f, repeated=f.item_id in recent) for f in result.findings))


def score_finished(versions: Mapping[int, Template], version: int, answers: Iterable[Answer]) -> Score:
    """A finished inspection's score: always by the template version it was done with, whatever
    versions came after."""
    return score(versions[version], answers)


def answer_from_dict(data: Mapping) -> Answer:
    """An answer as stored and sent: {item_id, value, not_applicable, note, photos}."""
    return Answer(str(data["item_id"]), data.get("value"), bool(data.get("not_applicable", False)),
                  str(data.get("note") or ""), tuple(data.get("photos") or ()))
