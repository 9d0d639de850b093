"""Issue 13, trainquiz: the catalogue of training courses.

A course grants one skill: the same plain string a shift asks for (``Shift.role``) and a person
holds (``Person.roles``) in ``app.domain.shift_rules``, so a valid completion of the course makes
someone eligible for shifts that need it. ``validity_months``: how long a completion lasts in
calendar months (12: food hygiene yearly), or None for never expiring. ``quiz_id``: the quiz to
pass for a completion; without one, attending (and signing out when ``sign_out_required``) is
enough. Months are counted on the Hong Kong calendar; the 31st plus one month is the month's
last day (31 Jan + 1 month = 28 or 29 Feb).

A bad course is refused with ``training_bad_course`` saying what is wrong; the catalogue it was
meant for is left as it was (every change returns a new ``Catalogue``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from app.domain.access import AccessDenied
from app.domain.attendance.common import HONG_KONG, _require_aware

REASON_BAD_COURSE = "training_bad_course"

MAX_TITLE = 200
MAX_VALIDITY_MONTHS = 120
MAX_COURSES = 500
#: Ids and skills: short machine words (they travel in URLs, shift roles and exports).
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months in Hong Kong, clamped to the month's last day."""
    _require_aware("moment", moment)
    local = moment.astimezone(HONG_KONG)
    years, month0 = divmod(local.month - 1 + months, 12)
    year, month = local.year + years, month0 + 1
    return local.replace(year=year, month=month, day=min(local.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Course:
    """One course of the catalogue (see the module docstring)."""

    id: str
    title: str
    skill: str
    validity_months: int | None = None
    sign_out_required: bool = False
    quiz_id: str | None = None

    def expires_at(self, completed_at: datetime) -> datetime | None:
        """When a completion made at ``completed_at`` stops counting (None: never)."""
        return None if self.validity_months is None else add_months(completed_at, self.validity_months)

    def as_dict(self) -> dict:
        """As stored and sent (JSON-ready)."""
        return asdict(self)


def _word(value: object) -> bool:
    return isinstance(value, str) and _WORD.fullmatch(value) is not None


def course_problem(course: Course) -> str | None:
    """What is wrong with ``course`` (None: nothing)."""
    if not _word(course.id):
        return "A course needs an id of letters, digits, '-', '_' or '.' (at most 64)."
    if not isinstance(course.title, str) or not course.title.strip() or len(course.title) > MAX_TITLE:
        return f"Course {course.id}: write a title of at most {MAX_TITLE} characters."
    if not _word(course.skill):
        return f"Course {course.id}: name the skill it grants (letters, digits, '-', '_' or '.', at most 64)."
    months = course.validity_months
    if months is not None and (isinstance(months, bool) or not isinstance(months, int)
                               or not 1 <= months <= MAX_VALIDITY_MONTHS):
        return f"Course {course.id}: a completion lasts 1 to {MAX_VALIDITY_MONTHS} months, or never expires."
    if not isinstance(course.sign_out_required, bool):
        return f"Course {course.id}: say whether sign-out is required (true or false)."
    if course.quiz_id is not None and not _word(course.quiz_id):
        return f"Course {course.id}: the quiz id is not valid."
    return None


def check_course(course: Course) -> None:
    """Refuse (``training_bad_course``, saying what) a course that cannot be used."""
    problem = course_problem(course)
    if problem:
        raise AccessDenied(REASON_BAD_COURSE, problem)


def course_from_dict(data: Mapping) -> Course:
    """A course as ``Course.as_dict`` wrote it (or a create/update body), checked."""
    if not isinstance(data, Mapping):
        raise AccessDenied(REASON_BAD_COURSE, "A course is an object with an id, a title and a skill.")
    missing = [key for key in ("id", "title", "skill") if key not in data]
    if missing:
        raise AccessDenied(REASON_BAD_COURSE, f"A course needs: {', '.join(missing)}.")
    course = Course(data["id"], data["title"], data["skill"], data.get("validity_months"),
                    data.get("sign_out_required", False), data.get("quiz_id"))
    check_course(course)
    return course


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The chain's courses, each id once, in the order they were added."""

    courses: tuple[Course, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "courses", tuple(self.courses))
        ids = [course.id for course in self.courses]
        if len(set(ids)) != len(ids):
            raise AccessDenied(REASON_BAD_COURSE, "Each course of the catalogue needs its own id.")
        if len(ids) > MAX_COURSES:
            raise AccessDenied(REASON_BAD_COURSE, f"A catalogue holds at most {MAX_COURSES} courses.")
        for course in self.courses:
            check_course(course)

    def __iter__(self) -> Iterator[Course]:
        return iter(self.courses)

    def __len__(self) -> int:
        return len(self.courses)

    def get(self, course_id: str) -> Course | None:
        return next((c for c in self.courses if c.id == course_id), None)

    def with_course(self, course: Course) -> Catalogue:
        """The catalogue with ``course`` added, or replacing the course with its id (same place)."""
        check_course(course)
        if self.get(course.id) is None:
            return Catalogue(self.courses + (course,))
        return Catalogue(tuple(course if c.id == course.id else c for c in self.courses))

    def without(self, course_id: str) -> Catalogue:
        """The catalogue less one course (its completions then grant nothing)."""
        return Catalogue(tuple(c for c in self.courses if c.id != course_id))

    def skill_of(self, course_id: str) -> str | None:
        course = self.get(course_id)
        return None if course is None else course.skill

    @property
    def skills(self) -> frozenset[str]:
        """Every skill some course grants."""
        return frozenset(c.skill for c in self.courses)
