"""Issue 11, bccheck: an urgent broadcast's optional one-question check.

The sender of an urgent broadcast may ask one question with 2 to 4 choices and mark the right
one; an acknowledgement counts only with the right answer. Pure rules: the phone checks the
check before queueing it and the answer before recording the acknowledgement (offline too), and
the server checks both again with these same functions (the phone is never trusted).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.access import AccessDenied
from app.domain.broadcasts import URGENT

MAX_QUESTION = 200
MAX_CHOICE = 100
MIN_CHOICES, MAX_CHOICES = 2, 4

REASON_BAD_CHECK = "broadcast_bad_check"
REASON_WRONG_ANSWER = "broadcast_wrong_answer"


@dataclass(frozen=True)
class Check:
    """One question, its choices (in the order shown) and the index of the right one."""

    question: str
    choices: tuple[str, ...]
    right: int

    def as_dict(self) -> dict:
        """As stored and sent: {question, choices, right}."""
        return {"question": self.question, "choices": list(self.choices), "right": self.right}

    @classmethod
    def from_dict(cls, data: Mapping | None) -> "Check | None":
        """The check stored as ``as_dict`` wrote it (None: the broadcast asks nothing)."""
        if not data:
            return None
        return cls(str(data["question"]), tuple(str(c) for c in data["choices"]), int(data["right"]))


def _problem(check: Check, kind: str) -> str | None:
    """What is wrong with ``check`` on a broadcast of ``kind`` (None: nothing)."""
    if kind != URGENT:
        return "Only an urgent broadcast can ask a check question."
    if not check.question.strip() or len(check.question) > MAX_QUESTION:
        return f"Write a check question of at most {MAX_QUESTION} characters."
    if not MIN_CHOICES <= len(check.choices) <= MAX_CHOICES:
        return f"A check question has {MIN_CHOICES} to {MAX_CHOICES} choices."
    if any(not c.strip() or len(c) > MAX_CHOICE for c in check.choices):
        return f"Each choice needs a text of at most {MAX_CHOICE} characters."
    if len({c.strip().casefold() for c in check.choices}) != len(check.choices):
        return "Two choices are the same."
    if isinstance(check.right, bool) or not 0 <= check.right < len(check.choices):
        return "Mark the right choice."
    return None


def check_valid(check: Check | None, kind: str) -> None:
    """Refuse (AccessDenied, ``broadcast_bad_check``) a check that cannot be answered fairly:
    an empty or too long question or choice, fewer than 2 or more than 4 choices, two the same,
    no right one among them, or a check on a broadcast that is not urgent."""
    if check is None:
        return
    problem = _problem(check, kind)
    if problem:
        raise AccessDenied(REASON_BAD_CHECK, problem)


def answer_is_right(check: Check | None, answer: int | None) -> bool:
    """Whether ``answer`` (the index of the choice picked) is the right one; with no check,
    nothing is asked and any acknowledgement counts."""
    if check is None:
        return True
    return isinstance(answer, int) and not isinstance(answer, bool) and answer == check.right


def check_answer(check: Check | None, answer: int | None) -> None:
    """Refuse (AccessDenied, ``broadcast_wrong_answer``) an acknowledgement without the right answer."""
    if not answer_is_right(check, answer):
        raise AccessDenied(REASON_WRONG_ANSWER, "That is not the right answer. Read the message again and try again.")


__all__ = ["Check", "MAX_CHOICE", "MAX_CHOICES", "MAX_QUESTION", "MIN_CHOICES", "REASON_BAD_CHECK",
           "REASON_WRONG_ANSWER", "answer_is_right", "check_answer", "check_valid"]
