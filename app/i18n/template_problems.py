"""Issue 12, inspbuild: why an inspection template was refused, in the reader's language.

``inspection_bad_template`` carries ``details.problem`` (``app.domain.inspections.templates.
TemplateProblem``) and the section and item it is about; the template builder shows the message
beside that field. Numbers come from the domain's limits, so a message never states another rule.
"""

from __future__ import annotations

from app.domain.inspections import templates as t

from .markers import MessageMap, N_

PROBLEM_MESSAGES = MessageMap({
    "name": N_("Write a name of at most {max_label} characters."),
    "pass_mark": N_("The pass mark is a percentage from 0 to 100."),
    "section_count": N_("A template has 1 to {max_sections} sections."),
    "nothing_scored": N_("Add at least one item that passes or fails (yes/no, score, number or choice)."),
    "too_many_items": N_("A template has at most {max_items} items."),
    "duplicate_id": N_("Two sections or items have the same id. Remove one and add it again."),
    "empty_section": N_("This section has no items. Add one or remove the section."),
    "section_title": N_("Write a section title of at most {max_label} characters."),
    "item_label": N_("Write what to check, in at most {max_label} characters."),
    "weight": N_("The weight must be above 0 and at most {max_weight}."),
    "critical_not_scored": N_("Only an item that passes or fails can be critical."),
    "max_score": N_("The top score must be from 1 to {max_score}."),
    "pass_score": N_("The passing score must be from 0 to the top score."),
    "range_missing": N_("Give the lowest or the highest acceptable number, or both."),
    "range_reversed": N_("The lowest acceptable number is above the highest."),
    "choices": N_("Give 2 to {max_choices} different options."),
    "passing_choices": N_("At least one option must pass: untick \"fails\" on it."),
    "area": N_("No store is in this area. Choose another area."),
}, default=N_("This template cannot be used yet. Check its sections, items, ranges and choices."))

#: A number field that is not a number (the builder's own, before any rule is checked).
NOT_A_NUMBER = N_("Write a number.")
NOT_A_WHOLE_NUMBER = N_("Write a whole number.")

_LIMITS = {"max_label": t.MAX_LABEL, "max_sections": t.MAX_SECTIONS, "max_items": t.MAX_ITEMS,
           "max_weight": t.MAX_WEIGHT, "max_score": t.MAX_SCORE, "max_choices": t.MAX_CHOICES}


def problem_message(translator, problem: str | None) -> str:
    """The message for a ``TemplateProblem`` value (an unknown one: the general message)."""
    limits = {k: translator.format_number(v) for k, v in _LIMITS.items()}
    return PROBLEM_MESSAGES.text(translator, problem or "", **limits)
