"""Issue 13, trainquiz: quizzes, the view a staff device may hold, and grading (server only).

A question is multiple-choice (2 to 8 choices, exactly one right) or true/false. The pass mark is
a percentage of questions answered right (0..100, inclusive: 80 with 10 questions needs 8), and
a quiz allows 1 to 10 attempts.

The answer key never leaves the server. A device holds only ``public_view(quiz, seed, attempt)``:
questions and choices in an order drawn from the attempt's seed, each choice named by its place
on the screen ("c1", "c2"...), never by its authored id. True/false choices are always "true"
then "false" (both are always there, so neither order nor name says which is right). The view
is computed from the questions, choices and seed only: two quizzes that differ only in which
choice is right give the same view, byte for byte. The seed comes from a server secret
(``attempt_seed``) and is never sent, so the order cannot be undone on the device either.

The server grades a sheet (``grade``) by drawing the same view again from the same seed and
mapping each answered place back to the authored choice. The order is a sort by SHA-256 of the
seed and the ids, not ``random``, so it stays the same across Python versions between the
moment a device pulled a view and the moment its offline answers sync.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.access import AccessDenied

REASON_BAD_QUIZ = "training_bad_quiz"
REASON_BAD_ANSWER = "training_quiz_bad_answer"
REASON_UNANSWERED = "training_quiz_unanswered"
REASON_NO_ATTEMPTS_LEFT = "training_quiz_no_attempts_left"
REASON_QUIZ_CHANGED = "training_quiz_changed"

MAX_QUESTIONS = 50
MIN_CHOICES, MAX_CHOICES = 2, 8
MAX_ATTEMPTS = 10
MAX_TEXT = 500
DEFAULT_PASS_MARK = 80
DEFAULT_ATTEMPTS = 3
#: The two choices of a true/false question (authored and public ids alike).
TRUE, FALSE = "true", "false"


class QuestionKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    TRUE_FALSE = "true_false"


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Question:
    """``answer``: the right choice's id (``TRUE`` or ``FALSE`` for a true/false question, which
    has no ``choices``)."""

    id: str
    kind: QuestionKind
    text: str
    answer: str
    choices: tuple[Choice, ...] = ()

    def choice_ids(self) -> tuple[str, ...]:
        return (TRUE, FALSE) if self.kind == QuestionKind.TRUE_FALSE else tuple(c.id for c in self.choices)


@dataclass(frozen=True, slots=True)
class Quiz:
    """A quiz at one version (an edit is a new version: a sheet answered on another is refused)."""

    id: str
    title: str
    version: int
    questions: tuple[Question, ...]
    pass_mark: int = DEFAULT_PASS_MARK
    attempts_allowed: int = DEFAULT_ATTEMPTS

    def as_dict(self) -> dict:
        """The full quiz WITH its key, as the server stores it. Never send this to a device."""
        return {"id": self.id, "title": self.title, "version": self.version, "pass_mark": self.pass_mark,
                "attempts_allowed": self.attempts_allowed,
                "questions": [{"id": q.id, "kind": str(q.kind), "text": q.text, "answer": q.answer,
                               "choices": [{"id": c.id, "text": c.text} for c in q.choices]}
                              for q in self.questions]}


def _text(value: object, limit: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= limit


def _count(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _question_problem(q: Question) -> str | None:
    if not _text(q.id, 64):
        return "Every question needs its own id."
    if q.kind not in tuple(QuestionKind):
        return f"Question {q.id}: a question is single_choice or true_false."
    if not _text(q.text):
        return f"Question {q.id}: write the question (at most {MAX_TEXT} characters)."
    if q.kind == QuestionKind.TRUE_FALSE:
        if q.choices or q.answer not in (TRUE, FALSE):
            return f"Question {q.id}: a true/false question has no choices and its answer is true or false."
        return None
    if not MIN_CHOICES <= len(q.choices) <= MAX_CHOICES:
        return f"Question {q.id}: give {MIN_CHOICES} to {MAX_CHOICES} choices."
    ids = [c.id for c in q.choices]
    if len(set(ids)) != len(ids) or not all(_text(i, 64) for i in ids):
        return f"Question {q.id}: every choice needs its own id."
    if len({c.text.strip() for c in q.choices if isinstance(c.text, str)}) != len(ids) \
            or not all(_text(c.text) for c in q.choices):
        return f"Question {q.id}: write each choice, all different (at most {MAX_TEXT} characters)."
    if q.answer not in ids:
        return f"Question {q.id}: mark the one right choice."
    return None


def quiz_problem(quiz: Quiz) -> str | None:
    """What is wrong with ``quiz`` (None: nothing)."""
    if not _text(quiz.id, 64) or not _text(quiz.title, 200):
        return "A quiz needs an id and a title of at most 200 characters."
    if not _count(quiz.version, 1, 10**9):
        return "A quiz version is a whole number from 1."
    if not _count(quiz.pass_mark, 0, 100):
        return "The pass mark is a percentage of right answers, from 0 to 100."
    if not _count(quiz.attempts_allowed, 1, MAX_ATTEMPTS):
        return f"A quiz allows 1 to {MAX_ATTEMPTS} attempts."
    if not 1 <= len(quiz.questions) <= MAX_QUESTIONS:
        return f"A quiz has 1 to {MAX_QUESTIONS} questions."
    ids = [q.id for q in quiz.questions]
    if len(set(ids)) != len(ids):
        return "Every question needs its own id."
    return next(filter(None, map(_question_problem, quiz.questions)), None)


def check_quiz(quiz: Quiz) -> None:
    """Refuse (``training_bad_quiz``, saying what) a quiz that cannot be used."""
    problem = quiz_problem(quiz)
    if problem:
        raise AccessDenied(REASON_BAD_QUIZ, problem)


def quiz_from_dict(data: Mapping) -> Quiz:
    """A quiz as ``Quiz.as_dict`` wrote it (or a create/update body), checked."""
    try:
        questions = tuple(
            Question(q["id"], QuestionKind(q["kind"]), q["text"], q["answer"],
                     tuple(Choice(c["id"], c["text"]) for c in q.get("choices") or ()))
            for q in data["questions"])
        quiz = Quiz(data["id"], data["title"], data["version"], questions,
                    data.get("pass_mark", DEFAULT_PASS_MARK), data.get("attempts_allowed", DEFAULT_ATTEMPTS))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise AccessDenied(REASON_BAD_QUIZ, "A quiz needs an id, a title, a version and questions, "
                                            "each with an id, a kind, its text, its answer and choices.") from None
    check_quiz(quiz)
    return quiz


# -- the public view -----------------------------------------------------------------------


def attempt_seed(secret: bytes, person_id: str, quiz_id: str, version: int, attempt: int) -> str:
    """The seed of one person's attempt (server only: ``secret`` never leaves the server)."""
    message = "\x1f".join((person_id, quiz_id, str(version), str(attempt))).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _rank(seed: str, scope: str, item_id: str) -> bytes:
    return hashlib.sha256("\x1f".join((seed, scope, item_id)).encode()).digest()


def _shown_questions(quiz: Quiz, seed: str) -> list[Question]:
    return sorted(quiz.questions, key=lambda q: _rank(seed, "question", q.id))


def _places(question: Question, seed: str) -> dict[str, str]:
    """Public choice id -> authored choice id, in the order shown."""
    if question.kind == QuestionKind.TRUE_FALSE:
        return {TRUE: TRUE, FALSE: FALSE}
    shown = sorted(question.choice_ids(), key=lambda cid: _rank(seed, "choice\x1f" + question.id, cid))
    return {f"c{place}": cid for place, cid in enumerate(shown, 1)}


@dataclass(frozen=True, slots=True)
class PublicChoice:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class PublicQuestion:
    """A question as a device shows it: true/false questions carry empty choice texts (the
    screen says "True" and "False" in the reader's language)."""

    id: str
    kind: QuestionKind
    text: str
    choices: tuple[PublicChoice, ...]


@dataclass(frozen=True, slots=True)
class PublicQuiz:
    """What a staff device may hold for one attempt: no key, no seed, no authored choice id."""

    quiz_id: str
    version: int
    attempt: int
    title: str
    pass_mark: int
    attempts_allowed: int
    questions: tuple[PublicQuestion, ...]

    def as_dict(self) -> dict:
        return {"quiz_id": self.quiz_id, "version": self.version, "attempt": self.attempt, "title": self.title,
                "pass_mark": self.pass_mark, "attempts_allowed": self.attempts_allowed,
                "questions": [{"id": q.id, "kind": str(q.kind), "text": q.text,
                               "choices": [{"id": c.id, "text": c.text} for c in q.choices]}
                              for q in self.questions]}


def public_view(quiz: Quiz, seed: str, attempt: int) -> PublicQuiz:
    """The quiz for one attempt as a staff device may hold it (see the module docstring)."""
    questions = []
    for q in _shown_questions(quiz, seed):
        texts = {c.id: c.text for c in q.choices}
        choices = tuple(PublicChoice(public, texts.get(cid, "")) for public, cid in _places(q, seed).items())
        questions.append(PublicQuestion(q.id, q.kind, q.text, choices))
    return PublicQuiz(quiz.id, quiz.version, attempt, quiz.title, quiz.pass_mark, quiz.attempts_allowed,
                      tuple(questions))


# -- grading (server only) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerSheet:
    """A person's answers to one attempt: question id -> public choice id ("c2", "true")."""

    quiz_id: str
    version: int
    attempt: int
    answers: Mapping[str, str]


def sheet_from_dict(data: Mapping) -> AnswerSheet:
    """An answer sheet as a device sends it: {quiz_id, version, attempt, answers: {question: choice}}."""
    try:
        answers = data["answers"]
        sheet = AnswerSheet(data["quiz_id"], data["version"], data["attempt"], dict(answers))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise AccessDenied(REASON_BAD_ANSWER, "An answer sheet names its quiz, version, attempt and answers.") from None
    if (not isinstance(sheet.quiz_id, str) or not _count(sheet.version, 1, 10**9)
            or not _count(sheet.attempt, 1, 10**6) or not isinstance(answers, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in sheet.answers.items())):
        raise AccessDenied(REASON_BAD_ANSWER, "An answer sheet names its quiz, version, attempt and answers.")
    return sheet


@dataclass(frozen=True, slots=True)
class QuizResult:
    """A graded attempt, as shown to the person: how many right, whether they passed, and which
    questions were right or wrong (never which choice was right)."""

    quiz_id: str
    version: int
    attempt: int
    correct: int
    total: int
    passed: bool
    right: Mapping[str, bool]
    attempts_left: int

    @property
    def percent(self) -> int:
        """The score in whole percent, rounded down (so a shown 80 % always passes a pass mark of 80)."""
        return self.correct * 100 // self.total

    def as_dict(self) -> dict:
        return {"quiz_id": self.quiz_id, "version": self.version, "attempt": self.attempt,
                "correct": self.correct, "total": self.total, "percent": self.percent, "passed": self.passed,
                "right": dict(self.right), "attempts_left": self.attempts_left}


def _check_sheet(quiz: Quiz, sheet: AnswerSheet, attempts_used: int) -> None:
    if sheet.quiz_id != quiz.id:
        raise AccessDenied(REASON_BAD_ANSWER, f"These answers are for quiz {sheet.quiz_id}, not {quiz.id}.")
    if sheet.version != quiz.version:
        raise AccessDenied(REASON_QUIZ_CHANGED, "The quiz was changed since it was opened. Take it again.")
    if attempts_used >= quiz.attempts_allowed:
        raise AccessDenied(REASON_NO_ATTEMPTS_LEFT, f"All {quiz.attempts_allowed} attempts are used.")
    if sheet.attempt != attempts_used + 1:
        raise AccessDenied(REASON_BAD_ANSWER, f"These answers are for attempt {sheet.attempt}; "
                                              f"the next attempt is {attempts_used + 1}.")
    _check_answered([q.id for q in quiz.questions], sheet.answers)


def _check_answered(question_ids: list[str], answers: Mapping[str, str]) -> None:
    """Every question answered, and no answer to a question that is not there."""
    unknown = sorted(set(answers) - set(question_ids))
    if unknown:
        raise AccessDenied(REASON_BAD_ANSWER, f"No question {unknown[0]} in this quiz.")
    missing = [qid for qid in question_ids if qid not in answers]
    if missing:
        raise AccessDenied(REASON_UNANSWERED, f"Answer every question ({len(missing)} left).")


def check_view_answers(view: PublicQuiz, answers: Mapping[str, str]) -> None:
    """Issue 13, trainstaff: the phone's check of answers to the view it holds, before queueing
    them (the server grades and checks again): each a choice on the screen, every question answered."""
    shown = {q.id: {c.id for c in q.choices} for q in view.questions}
    wrong = sorted(qid for qid, choice in answers.items() if qid in shown and choice not in shown[qid])
    if wrong:
        raise AccessDenied(REASON_BAD_ANSWER, f"Question {wrong[0]}: that choice is not on the screen.")
    _check_answered([q.id for q in view.questions], answers)


def grade(quiz: Quiz, sheet: AnswerSheet, seed: str, attempts_used: int) -> QuizResult:
    """Grade one attempt (server only). ``seed``: the seed of ``sheet.attempt`` (``attempt_seed``);
    ``attempts_used``: the person's attempts already graded. Refused, grading nothing: another
    quiz or an answer to no question or no choice of it, an attempt out of turn
    (``training_quiz_bad_answer``), an older version (``training_quiz_changed``), no attempt left
    (``training_quiz_no_attempts_left``), a question left unanswered (``training_quiz_unanswered``)."""
    _check_sheet(quiz, sheet, attempts_used)
    right: dict[str, bool] = {}
    for question in _shown_questions(quiz, seed):
        places = _places(question, seed)
        chosen = places.get(sheet.answers[question.id])
        if chosen is None:
            raise AccessDenied(REASON_BAD_ANSWER, f"Question {question.id}: choose one of its choices.")
        right[question.id] = chosen == question.answer
    correct, total = sum(right.values()), len(right)
    return QuizResult(quiz.id, quiz.version, sheet.attempt, correct, total,
                      passed=correct * 100 >= quiz.pass_mark * total, right=right,
                      attempts_left=quiz.attempts_allowed - sheet.attempt)


# -- the server's two entry points (the seed is derived, never handled by the caller) -----------


def views_for(quiz: Quiz, secret: bytes, person_id: str, attempts_used: int) -> tuple[PublicQuiz, ...]:
    """The views of the person's attempts still allowed, one per attempt, for a device to hold
    (so several attempts can be taken offline, each shuffled on its own)."""
    return tuple(public_view(quiz, attempt_seed(secret, person_id, quiz.id, quiz.version, n), n)
                 for n in range(attempts_used + 1, quiz.attempts_allowed + 1))


def grade_for(quiz: Quiz, sheet: AnswerSheet, secret: bytes, person_id: str, attempts_used: int) -> QuizResult:
    """``grade`` with the seed of the person's attempt ``sheet.attempt`` (refusals as ``grade``)."""
    return grade(quiz, sheet, attempt_seed(secret, person_id, quiz.id, quiz.version, sheet.attempt), attempts_used)
