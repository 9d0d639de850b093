"""Issue 12, insprun: an inspection in progress, as the inspector sees it while answering.

The live score is the finished score's arithmetic (``scoring.tally``) over the items answered so
far (an answer that does not fit its item yet counts neither way); ``blocking`` is what
``scoring.check_answers`` would refuse on Finish right now (None: it may be finished). Each item's
``needs``: what a failed item still lacks (its required photo or note). No rule of its own: the
same checks the server runs on the finished inspection.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.access import AccessDenied, require_store
from app.domain.roles import Actor, Role
from app.domain.inspections.scoring import (Answer, Score, answer_problem, check_answers, passed, tally)
from app.domain.inspections.templates import REASON_BAD_TEMPLATE, ItemKind, Template


#: Who inspects stores (and writes templates): the server's ``POST /v1/inspections`` scope too.
INSPECTORS = frozenset({Role.AREA_MANAGER, Role.HQ_ADMIN})


def require_may_inspect(actor: Actor, store_id: str, template: Template, store_area: str | None) -> None:
    """An area manager covering the store, or HQ, with a template for the whole chain or the
    store's area (the phone's check before starting; the server checks again on record)."""
    if actor.role not in INSPECTORS:
        raise AccessDenied("forbidden_role", "Only area managers and HQ inspect stores.")
    require_store(actor, store_id)
    if template.area is not None and template.area != store_area:
        raise AccessDenied(REASON_BAD_TEMPLATE, "This template is for another area's stores.")


@dataclass(frozen=True)
class ItemState:
    """One item: its answer so far (None: none), whether it passed (None: not scored, not
    applicable or unanswered) and what a failure still needs (``photo``, ``note``)."""

    answer: Answer | None
    passed: bool | None
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    """``answered`` of ``to_answer`` (scored and photo items, which must be answered); ``live``
    the score so far (sections, pass/fail with the critical-failure verdict); ``blocking`` the
    refusal Finish would meet now as (reason, message), None when it may finish."""

    answered: int
    to_answer: int
    live: Score
    items: dict[str, ItemState]
    blocking: tuple[str, str] | None


def _needs(item, answer: Answer, verdict: bool | None) -> tuple[str, ...]:
    if verdict is not False:
        return ()
    return tuple(need for need, required, has in (
        ("photo", item.photo_required_when_failed, bool(answer.photos)),
        ("note", item.note_required_when_failed, bool(answer.note.strip()))) if required and not has)


def progress(template: Template, answers: Iterable[Answer]) -> Progress:
    """Where an inspection stands with the answers given so far (the last answer to an item wins)."""
    by_item = {a.item_id: a for a in answers}
    fitting, items, answered, to_answer = {}, {}, 0, 0
    for _section, item in template.items():
        answer = by_item.get(item.id)
        must = item.scored or item.kind is ItemKind.PHOTO
        to_answer += must
        if answer is None or answer_problem(item, answer) is not None:
            items[item.id] = ItemState(answer, None, ())
            continue
        fitting[item.id] = answer
        answered += must
        verdict = passed(item, answer)
        items[item.id] = ItemState(answer, verdict, _needs(item, answer, verdict))
    try:
        check_answers(template, [a for a in by_item.values() if a.item_id in items])
        blocking = None
    except AccessDenied as exc:
        blocking = (exc.reason, exc.message)
    return Progress(answered, to_answer, tally(template, fitting), items, blocking)
