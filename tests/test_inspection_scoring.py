"""Issue 12, inspscore: inspection scoring rules (app.domain.inspections), table and property tests.

Score = weighted percentage of applicable items (N/A excluded); a failed critical item fails the
inspection whatever the score; per-section scores; failures needing a photo or a note are refused
without them; a finding repeats when the item failed in one of the store's last 3 inspections."""

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.access import AccessDenied
from app.domain.inspections.scoring import Answer, mark_repeated, score, score_finished
from app.domain.inspections.templates import Item, ItemKind, Section, Template, check_template, next_version


def _template(*sections: Section, pass_mark: float = 80) -> Template:
    return Template("tpl-1", "Store walk", 1, tuple(sections), pass_mark)


FLOOR = Section("floor", "Shop floor", (
    Item("clean", "Floor is clean", ItemKind.YES_NO, weight=2),
    Item("promo", "Promotion shelf set up", ItemKind.SCORE, weight=1, max_score=4, pass_score=3),
    Item("exit", "Fire exit clear", ItemKind.YES_NO, weight=1, critical=True),
))
FRIDGE = Section("fridge", "Chiller", (
    Item("temp", "Chiller temperature (C)", ItemKind.NUMBER, weight=3, min_value=0, max_value=5),
    Item("label", "Price labels", ItemKind.CHOICE, choices=("all", "some", "none"), passing_choices=("all",)),
    Item("remark", "Remarks", ItemKind.TEXT),
))
WALK = _template(FLOOR, FRIDGE)
ALL_GOOD = [Answer("clean", True), Answer("promo", 4), Answer("exit", True), Answer("temp", 3.5),
            Answer("label", "all")]


def _with(*changed: Answer) -> list[Answer]:
    ids = {a.item_id for a in changed}
    return [a for a in ALL_GOOD if a.item_id not in ids] + list(changed)


@pytest.mark.parametrize("answers, percent, floor, fridge, ok", [
    (ALL_GOOD, 100.0, 100.0, 100.0, True),
    # weights: the 2-weight floor item failing costs 2 of 8
    (_with(Answer("clean", False)), 75.0, 50.0, 100.0, False),
    # N/A is left out of both sides: 6 of 6 applicable
    (_with(Answer("clean", value=None, not_applicable=True)), 100.0, 100.0, 100.0, True),
    # a score item earns its share: 2 of 4 is half of weight 1 (and fails under pass_score 3)
    (_with(Answer("promo", 2)), 93.75, 87.5, 100.0, True),
    # ranges are inclusive: 0 and 5 pass, 5.1 and -0.5 fail (weight 3 of 8)
    (_with(Answer("temp", 5)), 100.0, 100.0, 100.0, True),
    (_with(Answer("temp", 0)), 100.0, 100.0, 100.0, True),
    (_with(Answer("temp", 5.1)), 62.5, 100.0, 25.0, False),
    (_with(Answer("temp", -0.5)), 62.5, 100.0, 25.0, False),
    (_with(Answer("label", "some")), 87.5, 100.0, 75.0, True),
    # a failed critical item fails everything, even at 87.5 %
    (_with(Answer("exit", False)), 87.5, 75.0, 100.0, False),
    # a whole section N/A has no score of its own and does not count
    (_with(Answer("temp", None, True), Answer("label", None, True)), 100.0, 100.0, None, True),
])
def test_scoring_table(answers, percent, floor, fridge, ok):
    """Weighted percentage of applicable items, per-section scores and pass/fail, case by case."""
    result = score(WALK, answers)
    assert (result.percent, result.sections, result.passed) == (percent, {"floor": floor, "fridge": fridge}, ok)


def test_a_failed_critical_item_fails_whatever_the_score_and_is_a_finding():
    """Only the fire exit fails (critical): 87.5 % is above the pass mark but the inspection fails."""
    result = score(WALK, _with(Answer("exit", False, note="Boxes in front")))
    assert result.critical_failed == ("exit",) and not result.passed
    assert [(f.item_id, f.section_id, f.critical, f.note) for f in result.findings] == [
        ("exit", "floor", True, "Boxes in front")]


@pytest.mark.parametrize("flag, answer, reason", [
    ("photo_required_when_failed", Answer("clean", False, note="dirty"), "inspection_photo_required"),
    ("note_required_when_failed", Answer("clean", False, photos=("a" * 64,)), "inspection_note_required"),
])
def test_a_failure_without_its_required_photo_or_note_is_refused(flag, answer, reason):
    """A failed item that needs a photo (or a note) is refused without it, and accepted with both."""
    needy = _template(replace(FLOOR, items=(replace(FLOOR.items[0], **{flag: True}), *FLOOR.items[1:])), FRIDGE)
    with pytest.raises(AccessDenied) as refused:
        score(needy, _with(answer))
    assert refused.value.reason == reason
    full = Answer("clean", False, note="dirty", photos=("a" * 64,))
    assert score(needy, _with(full)).findings[0].photos == ("a" * 64,)
    assert score(needy, _with(Answer("clean", True))).passed  # a passed item needs neither


@pytest.mark.parametrize("answers, reason", [
    ([a for a in ALL_GOOD if a.item_id != "temp"], "inspection_unanswered"),
    (_with(Answer("promo", 5)), "inspection_bad_answer"),
    (_with(Answer("clean", 1)), "inspection_bad_answer"),
    (_with(Answer("label", "maybe")), "inspection_bad_answer"),
    (_with(Answer("temp", float("nan"))), "inspection_bad_answer"),
    ([*ALL_GOOD, Answer("ghost", True)], "inspection_bad_answer"),
    ([*ALL_GOOD, Answer("clean", True)], "inspection_bad_answer"),
])
def test_answers_that_cannot_be_scored_are_refused(answers, reason):
    """Missing, out of range, of the wrong kind, unknown or doubled answers are refused with a reason."""
    with pytest.raises(AccessDenied) as refused:
        score(WALK, answers)
    assert refused.value.reason == reason


@pytest.mark.parametrize("bad", [
    _template(Section("s", "S", (Item("a", "A", ItemKind.NUMBER, min_value=5, max_value=1),))),
    _template(Section("s", "S", (Item("a", "A", ItemKind.SCORE),))),
    _template(Section("s", "S", (Item("a", "A", ItemKind.CHOICE, choices=("x", "y"), passing_choices=("z",)),))),
    _template(Section("s", "S", (Item("a", "A", ItemKind.YES_NO, weight=0),))),
    _template(Section("s", "S", (Item("a", "A", ItemKind.TEXT, critical=True), Item("b", "B", ItemKind.YES_NO)))),
    _template(Section("s", "S", (Item("a", "A", ItemKind.YES_NO), Item("a", "B", ItemKind.YES_NO)))),
    _template(Section("s", "S", ())),
    _template(Section("s", "S", (Item("a", "A", ItemKind.TEXT),))),
])
def test_templates_that_cannot_be_used_are_refused(bad):
    """Reversed ranges, a score item without a top, no passing choice, zero weight, a critical text
    item, doubled ids, an empty section or nothing scored: inspection_bad_template."""
    with pytest.raises(AccessDenied) as refused:
        check_template(bad)
    assert refused.value.reason == "inspection_bad_template"


def test_a_finding_repeats_when_it_failed_in_one_of_the_last_3_inspections():
    """"clean" failed 3 inspections ago: repeated; "label" failed only 4 inspections ago: not."""
    result = score(WALK, _with(Answer("clean", False), Answer("label", "none")))
    marked = mark_repeated(result, [set(), {"temp"}, {"clean"}, {"label"}])
    assert {f.item_id: f.repeated for f in marked.findings} == {"clean": True, "label": False}


# ---- properties -----------------------------------------------------------------------------

def _item(draw, n: int) -> tuple[Item, Answer]:
    kind = draw(st.sampled_from([ItemKind.YES_NO, ItemKind.SCORE, ItemKind.NUMBER, ItemKind.CHOICE]))
    weight = draw(st.sampled_from([0.5, 1, 1.5, 2, 3, 7, 100]))
    critical = draw(st.booleans())
    na = draw(st.booleans())
    if kind is ItemKind.YES_NO:
        item, value = Item(f"i{n}", "Q", kind, weight, critical), draw(st.booleans())
    elif kind is ItemKind.SCORE:
        top = draw(st.integers(1, 10))
        item, value = Item(f"i{n}", "Q", kind, weight, critical, max_score=top), draw(st.integers(0, top))
    elif kind is ItemKind.NUMBER:
        item = Item(f"i{n}", "Q", kind, weight, critical, min_value=-5, max_value=5)
        value = draw(st.floats(-1e6, 1e6, allow_nan=False))
    else:
        item = Item(f"i{n}", "Q", kind, weight, critical, choices=("a", "b", "c"), passing_choices=("a",))
        value = draw(st.sampled_from(["a", "b", "c"]))
    return item, Answer(item.id, None if na else value, not_applicable=na)


@st.composite
def inspections(draw) -> tuple[Template, list[Answer]]:
    """A random valid template (1-4 sections of 1-6 scored items) and a complete answer set."""
    sections, answers, n = [], [], 0
    for s in range(draw(st.integers(1, 4))):
        items = []
        for _ in range(draw(st.integers(1, 6))):
            item, answer = _item(draw, n)
            items.append(item)
            answers.append(answer)
            n += 1
        sections.append(Section(f"s{s}", "Section", tuple(items)))
    return _template(*sections), answers


@settings(max_examples=300, deadline=None)
@given(inspections(), st.randoms())
def test_score_is_0_to_100_and_does_not_depend_on_item_order(drawn, rnd: random.Random):
    """Any valid inspection scores 0..100 (sections too), the same whatever order its answers
    and its items (within and across sections) come in."""
    template, answers = drawn
    result = score(template, answers)
    assert all(0 <= p <= 100 for p in [result.percent, *result.sections.values()] if p is not None)
    shuffled_answers = rnd.sample(answers, len(answers))
    sections = [replace(s, items=tuple(rnd.sample(s.items, len(s.items)))) for s in template.sections]
    reordered = replace(template, sections=tuple(rnd.sample(sections, len(sections))))
    again = score(reordered, shuffled_answers)
    assert (again.percent, again.sections, again.passed) == (result.percent, result.sections, result.passed)
    assert {f.item_id for f in again.findings} == {f.item_id for f in result.findings}


@settings(max_examples=200, deadline=None)
@given(inspections(), inspections())
def test_a_template_edit_never_changes_a_finished_inspections_score(done, edit):
    """An inspection finished with version 1 keeps its score after any edit (version 2: other
    items, weights, ranges, pass mark), and version 1 itself is left as it was."""
    template, answers = done
    before = score(template, answers)
    edited = next_version(template, replace(edit[0], pass_mark=50))
    assert (edited.id, edited.version) == (template.id, 2)
    after = score_finished({1: template, 2: edited}, 1, answers)
    assert after == before
    assert template.version == 1 and Template.from_dict(template.as_dict()) == template
