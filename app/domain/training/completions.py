"""Issue 13, trainquiz: completions, what they grant, when they expire, and who is trained on what.

A completion is recorded when someone passes a course's quiz (``record_pass``) or attends a
course without a quiz, signed out when the course asks for it (``record_attendance``). It lasts
until ``expires_at`` (the course's validity, or forever). Only the person's best completion of a
course counts: the one that lasts longest (a renewal replaces the old one).

At a time T a course is, for one person: ``missing`` (never completed), ``expired`` (T is at or
after expiry, to the second), ``expiring`` (expiry is at most 30 days after T: exactly 30 days
counts) or ``done``. Only a completion not yet expired grants the course's skill, in the form the
shift rules take (``Person.roles``). Reminders are due 30 and 7 days before expiry; each has a
stable key so a job sends it once, and a renewal cancels those of the old completion.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.access import AccessDenied
from app.domain.attendance.common import _require_aware
from app.domain.shift_rules.model import Person
from app.domain.training.courses import Catalogue, Course
from app.domain.training.quizzes import QuizResult

REASON_NOT_PASSED = "training_quiz_not_passed"
REASON_QUIZ_REQUIRED = "training_quiz_required"
REASON_SIGN_OUT_MISSING = "training_sign_out_missing"

#: A completion expiring within this long after T is "expiring" (the manager's matrix).
EXPIRING_WITHIN = timedelta(days=30)
#: Reminders before expiry, earliest first.
REMINDER_DAYS = (30, 7)

VIA_QUIZ = "quiz"
VIA_ATTENDANCE = "attendance"


class TrainingStatus(StrEnum):
    DONE = "done"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Completion:
    """One person's completion of one course. ``via``: ``quiz`` (with its ``score`` in percent)
    or ``attendance``."""

    person_id: str
    course_id: str
    completed_at: datetime
    expires_at: datetime | None
    via: str = VIA_ATTENDANCE
    score: int | None = None

    def __post_init__(self) -> None:
        _require_aware("completed_at", self.completed_at)
        if self.expires_at is not None:
            _require_aware("expires_at", self.expires_at)

    def valid_at(self, at: datetime) -> bool:
        """Completed by ``at`` and not expired at ``at`` (expiry is exclusive: at the second it ends)."""
        return self.completed_at <= at and (self.expires_at is None or at < self.expires_at)


def record_pass(course: Course, person_id: str, result: QuizResult, graded_at: datetime) -> Completion:
    """The completion a graded quiz gives, refused when it failed (``training_quiz_not_passed``).
    It counts from ``graded_at``: when the server graded it (an offline attempt syncs later)."""
    if course.quiz_id != result.quiz_id:
        raise ValueError(f"course {course.id} is not completed by quiz {result.quiz_id}")
    if not result.passed:
        raise AccessDenied(REASON_NOT_PASSED, f"{result.correct} of {result.total} right: not enough to pass.")
    _require_aware("graded_at", graded_at)
    return Completion(person_id, course.id, graded_at, course.expires_at(graded_at), VIA_QUIZ, result.percent)


def record_attendance(course: Course, person_id: str, signed_in_at: datetime,
                      signed_out_at: datetime | None = None) -> Completion:
    """The completion attending gives, refused for a course with a quiz (``training_quiz_required``:
    passing it completes the course) and without the sign-out the course asks for
    (``training_sign_out_missing``). It counts from the sign-out, or the sign-in without one."""
    _require_aware("signed_in_at", signed_in_at)
    if course.quiz_id is not None:
        raise AccessDenied(REASON_QUIZ_REQUIRED, f"Course {course.id} is completed by passing its quiz.")
    if signed_out_at is None and course.sign_out_required:
        raise AccessDenied(REASON_SIGN_OUT_MISSING, f"Course {course.id} is completed by signing out at its end.")
    if signed_out_at is not None:
        _require_aware("signed_out_at", signed_out_at)
        if signed_out_at < signed_in_at:
            raise ValueError("signed out before signing in")
    done = signed_out_at or signed_in_at
    return Completion(person_id, course.id, done, course.expires_at(done), VIA_ATTENDANCE)


def _lasts(completion: Completion) -> tuple[bool, datetime]:
    # Never expiring beats any date; between equal expiries the later completion wins.
    return completion.expires_at is None, completion.expires_at or completion.completed_at


def _counted(mine: Iterable[Completion], at: datetime) -> Completion | None:
    return max((c for c in mine if c.completed_at <= at), key=lambda c: (_lasts(c), c.completed_at), default=None)


def _by_pair(completions: Iterable[Completion]) -> dict[tuple[str, str], list[Completion]]:
    """Completions by (person, course): one pass, so the matrix never rescans them per cell."""
    pairs: dict[tuple[str, str], list[Completion]] = {}
    for c in completions:
        pairs.setdefault((c.person_id, c.course_id), []).append(c)
    return pairs


def best(completions: Iterable[Completion], person_id: str, course_id: str, at: datetime) -> Completion | None:
    """The person's completion of the course that counts at ``at``: made by then and lasting longest."""
    return _counted((c for c in completions if c.person_id == person_id and c.course_id == course_id), at)


def status_of(completion: Completion | None, at: datetime) -> TrainingStatus:
    """Where one course stands at ``at`` given the completion that counts (see the module docstring)."""
    _require_aware("at", at)
    if completion is None or completion.completed_at > at:
        return TrainingStatus.MISSING
    if completion.expires_at is None:
        return TrainingStatus.DONE
    if at >= completion.expires_at:
        return TrainingStatus.EXPIRED
    return TrainingStatus.EXPIRING if completion.expires_at - at <= EXPIRING_WITHIN else TrainingStatus.DONE


def held_skills(completions: Iterable[Completion], catalogue: Catalogue, person_id: str,
                at: datetime) -> dict[str, datetime | None]:
    """The skills the person's completions grant at ``at``, each with when it ends (None: never;
    of two courses granting one skill the longer lasting counts). Expired completions and courses
    no longer in the catalogue grant nothing. What a colleague's phone is sent (issue 13)."""
    _require_aware("at", at)
    held: dict[str, datetime | None] = {}
    for c in completions:
        skill = catalogue.skill_of(c.course_id)
        if c.person_id != person_id or skill is None or not c.valid_at(at):
            continue
        keep_longest(held, skill, c.expires_at)
    return held


def keep_longest(held: dict[str, datetime | None], skill: str, until: datetime | None) -> None:
    """Hold ``skill`` until ``until`` (None: never) unless it is held as long already."""
    if skill in held and (held[skill] is None or (until is not None and until <= held[skill])):
        return
    held[skill] = until


def skills_at(completions: Iterable[Completion], catalogue: Catalogue, person_id: str, at: datetime) -> frozenset[str]:
    """The skills the person's completions grant at ``at`` (expired ones and courses no longer in
    the catalogue grant nothing), as the shift rules check them (``Shift.role`` in ``Person.roles``)."""
    return frozenset(held_skills(completions, catalogue, person_id, at))


def with_skills(person: Person, held: Mapping[str, datetime | None], catalogue: Catalogue, at: datetime) -> Person:
    """``person`` with the held skills (skill -> until, None: never) still valid at ``at`` and
    granted by a catalogue course added to their roles, for the shift rules.

    Skills a catalogue course grants are taken from training only: a stale copy of an expired
    skill in ``person.roles`` is dropped; roles no course grants (cashier, supervisor) are kept.
    """
    _require_aware("at", at)
    trained = {s for s, until in held.items() if s in catalogue.skills and (until is None or at < until)}
    return replace(person, roles=(person.roles - catalogue.skills) | trained)


def with_training(person: Person, completions: Iterable[Completion], catalogue: Catalogue, at: datetime) -> Person:
    """``person`` with the skills their valid completions grant added to their roles (``with_skills``)."""
    return with_skills(person, held_skills(completions, catalogue, person.id, at), catalogue, at)


# -- reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder due to ``person_id`` (and shown to their manager): ``days_before`` expiry."""

    person_id: str
    course_id: str
    days_before: int
    due_at: datetime
    expires_at: datetime

    @property
    def key(self) -> str:
        """Stable per completion and reminder: the job records it once sent."""
        return f"{self.person_id}|{self.course_id}|{self.expires_at.isoformat()}|{self.days_before}"


def _reminder_for(completion: Completion, at: datetime) -> Reminder | None:
    """The completion's reminder whose window holds ``at``: from its day until the next reminder's
    (or expiry). A job down for a whole window skips that reminder rather than send two at once."""
    expires = completion.expires_at
    if expires is None or at >= expires:
        return None
    for days, next_days in zip(REMINDER_DAYS, REMINDER_DAYS[1:] + (0,)):
        due = expires - timedelta(days=days)
        if due <= at < expires - timedelta(days=next_days):
            return Reminder(completion.person_id, completion.course_id, days, due, expires)
    return None


def due_reminders(completions: Iterable[Completion], at: datetime, sent: Collection[str] = ()) -> list[Reminder]:
    """Reminders due at ``at`` not sent yet (``sent``: the keys of those sent), for the completion
    that counts of each person and course only (a renewal silences the old completion)."""
    _require_aware("at", at)
    due = []
    for mine in _by_pair(completions).values():
        counted = _counted(mine, at)
        reminder = None if counted is None else _reminder_for(counted, at)
        if reminder is not None and reminder.key not in sent:
            due.append(reminder)
    return due


def reminder_stands(expires_at: datetime, completions: Iterable[Completion], person_id: str, course_id: str,
                    at: datetime) -> bool:
    """Issue 13, trainremind: a reminder of the completion expiring at ``expires_at`` still stands
    at ``at``: not expired yet and not renewed (no completion of the pair counting at ``at`` lasts
    longer; a phone that holds none of the pair's completions keeps it)."""
    _require_aware("at", at)
    if at >= expires_at:
        return False
    counted = best(completions, person_id, course_id, at)
    return counted is None or (counted.expires_at is not None and counted.expires_at <= expires_at)


# -- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trainee:
    """A person in the matrix, with the stores they work at (they appear under each)."""

    id: str
    store_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class Cell:
    status: TrainingStatus
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoreMatrix:
    """One store's people (sorted by id) by the catalogue's courses (in catalogue order)."""

    store_id: str
    course_ids: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]

    def count(self, status: TrainingStatus) -> int:
        return sum(cell.status == status for _person, cells in self.rows for cell in cells)


def training_matrix(trainees: Iterable[Trainee], catalogue: Catalogue, completions: Iterable[Completion],
                    at: datetime, store_ids: Collection[str] | None = None) -> tuple[StoreMatrix, ...]:
    """People x courses -> status at ``at``, one block per store (sorted by store id); ``store_ids``
    limits it to the stores the reader manages (None: every store)."""
    _require_aware("at", at)
    trainees, pairs = list(trainees), _by_pair(completions)
    course_ids = tuple(c.id for c in catalogue)
    stores = sorted({s for t in trainees for s in t.store_ids if store_ids is None or s in store_ids})
    cells = {t.id: _cells(t.id, course_ids, pairs, at) for t in trainees}
    return tuple(StoreMatrix(store, course_ids,
                             tuple((t.id, cells[t.id]) for t in sorted(trainees, key=lambda t: t.id)
                                   if store in t.store_ids))
                 for store in stores)


def _cells(person_id: str, course_ids: tuple[str, ...], pairs: dict[tuple[str, str], list[Completion]],
           at: datetime) -> tuple[Cell, ...]:
    row = []
    for course_id in course_ids:
        counted = _counted(pairs.get((person_id, course_id), ()), at)
        row.append(Cell(status_of(counted, at), None if counted is None else counted.expires_at))
    return tuple(row)
