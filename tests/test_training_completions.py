"""Issue 13, trainquiz: courses (app.domain.training.courses) and completions
(app.domain.training.completions): validity and expiry, the matrix statuses at their boundaries,
reminders 30 and 7 days before expiry, the skills a person holds, and that those skills make
someone eligible for a shift through the existing shift rules (and an expired one does not)."""

from datetime import datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.attendance.common import HONG_KONG
from app.domain.shift_rules import Person, RosterIndex, Shift, ShiftTradeSettings, who_can_take
from app.domain.training import completions as c
from app.domain.training.completions import (Completion, Trainee, TrainingStatus, due_reminders, record_attendance,
                                             record_pass, skills_at, status_of, training_matrix, with_training)
from app.domain.training.courses import (Catalogue, Course, REASON_BAD_COURSE, add_months, check_course,
                                         course_from_dict)
from app.domain.training.quizzes import QuizResult

T0 = datetime(2026, 1, 15, 10, tzinfo=HONG_KONG)
DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
HYGIENE = Course("food-hygiene", "Food hygiene", "food_handler", validity_months=12, quiz_id="fh-quiz")
FIRE = Course("fire-safety", "Fire safety", "fire_warden", validity_months=None, sign_out_required=True)
INDUCTION = Course("induction", "Induction", "inducted")
CATALOGUE = Catalogue((HYGIENE, FIRE, INDUCTION))


def refused(code: str, call, *args, **kw) -> AccessDenied:
    with pytest.raises(AccessDenied) as err:
        call(*args, **kw)
    assert err.value.reason == code
    return err.value


def result(passed: bool = True, quiz_id: str = "fh-quiz") -> QuizResult:
    correct = 5 if passed else 2
    return QuizResult(quiz_id, 1, 1, correct, 5, passed, {}, 2)


def done(person: str = "u-1", course: Course = HYGIENE, at: datetime = T0) -> Completion:
    return Completion(person, course.id, at, course.expires_at(at))


# -- courses -----------------------------------------------------------------------------------


def test_validity_is_counted_in_hong_kong_calendar_months_clamped_to_the_months_end():
    """12 months after 15 Jan 2026 10:00 is 15 Jan 2027 10:00; 31 Jan + 1 month is 28 Feb; a UTC time counts by its HK date."""
    assert HYGIENE.expires_at(T0) == datetime(2027, 1, 15, 10, tzinfo=HONG_KONG)
    assert add_months(datetime(2026, 1, 31, 9, tzinfo=HONG_KONG), 1) == datetime(2026, 2, 28, 9, tzinfo=HONG_KONG)
    assert add_months(datetime(2027, 12, 31, 9, tzinfo=HONG_KONG), 2) == datetime(2028, 2, 29, 9, tzinfo=HONG_KONG)
    from datetime import UTC
    late_utc = datetime(2026, 1, 31, 20, tzinfo=UTC)  # already 1 Feb 04:00 in Hong Kong
    assert add_months(late_utc, 1) == datetime(2026, 3, 1, 4, tzinfo=HONG_KONG)
    assert FIRE.expires_at(T0) is None


@pytest.mark.parametrize("course, says", [
    (Course("", "T", "s"), "id"),
    (Course("has space", "T", "s"), "id"),
    (Course("c", " ", "s"), "title"),
    (Course("c", "x" * 201, "s"), "title"),
    (Course("c", "T", ""), "skill"),
    (Course("c", "T", "food handler"), "skill"),
    (Course("c", "T", "s", validity_months=0), "months"),
    (Course("c", "T", "s", validity_months=121), "months"),
    (Course("c", "T", "s", validity_months=True), "months"),
    (Course("c", "T", "s", validity_months=1.5), "months"),
    (Course("c", "T", "s", sign_out_required="yes"), "sign-out"),
    (Course("c", "T", "s", quiz_id="no spaces"), "quiz"),
])
def test_a_bad_course_is_refused_saying_what(course, says):
    """Each broken rule of a course is refused with training_bad_course and a message naming it."""
    assert says in refused(REASON_BAD_COURSE, check_course, course).message


def test_course_round_trips_and_a_malformed_body_is_refused():
    """as_dict/course_from_dict keep a course; a non-object or missing title is training_bad_course."""
    assert course_from_dict(HYGIENE.as_dict()) == HYGIENE
    refused(REASON_BAD_COURSE, course_from_dict, ["food-hygiene"])
    assert "title" in refused(REASON_BAD_COURSE, course_from_dict, {"id": "x", "skill": "s"}).message


def test_catalogue_changes_return_a_new_catalogue_and_bad_input_changes_nothing():
    """Adding, replacing and removing give new catalogues; a bad course or a duplicate id is refused and the old one stays."""
    bigger = CATALOGUE.with_course(Course("forklift", "Forklift", "forklift", 36))
    assert [x.id for x in bigger] == ["food-hygiene", "fire-safety", "induction", "forklift"]
    renamed = bigger.with_course(Course("fire-safety", "Fire safety 2", "fire_warden"))
    assert [x.id for x in renamed] == [x.id for x in bigger] and renamed.get("fire-safety").title == "Fire safety 2"
    refused(REASON_BAD_COURSE, bigger.with_course, Course("bad", "", "s"))
    refused(REASON_BAD_COURSE, Catalogue, (HYGIENE, HYGIENE))
    assert len(bigger) == 4 and len(CATALOGUE) == 3
    assert bigger.without("forklift") == CATALOGUE
    assert CATALOGUE.skills == {"food_handler", "fire_warden", "inducted"}


# -- recording completions -------------------------------------------------------------------


def test_passing_the_quiz_records_a_completion_expiring_after_the_validity():
    """A passed result completes the course at the grading time, expiring 12 months later, with its score."""
    done_ = record_pass(HYGIENE, "u-1", result(), T0)
    assert (done_.completed_at, done_.expires_at, done_.via, done_.score) == (
        T0, datetime(2027, 1, 15, 10, tzinfo=HONG_KONG), "quiz", 100)


def test_a_failed_quiz_records_nothing():
    """A failed result is refused: training_quiz_not_passed."""
    refused(c.REASON_NOT_PASSED, record_pass, HYGIENE, "u-1", result(passed=False), T0)


def test_a_result_of_another_quiz_is_a_programming_error():
    """A result of a quiz that is not the course's is a ValueError (the caller picked the wrong course)."""
    with pytest.raises(ValueError):
        record_pass(HYGIENE, "u-1", result(quiz_id="other"), T0)


def test_attending_a_course_with_a_quiz_is_not_enough():
    """Attendance for a course with a quiz is refused: training_quiz_required."""
    refused(c.REASON_QUIZ_REQUIRED, record_attendance, HYGIENE, "u-1", T0, T0 + DAY)


def test_sign_out_is_needed_when_the_course_asks_for_it():
    """Without sign-out: training_sign_out_missing; with it the completion counts from the sign-out, never expiring."""
    refused(c.REASON_SIGN_OUT_MISSING, record_attendance, FIRE, "u-1", T0)
    done_ = record_attendance(FIRE, "u-1", T0, T0 + timedelta(hours=2))
    assert (done_.completed_at, done_.expires_at, done_.via) == (T0 + timedelta(hours=2), None, "attendance")


def test_attending_a_course_without_quiz_or_sign_out_completes_it_at_sign_in():
    """A course with neither quiz nor sign-out completes at sign-in; a sign-out before sign-in is a ValueError."""
    assert record_attendance(INDUCTION, "u-1", T0).completed_at == T0
    with pytest.raises(ValueError):
        record_attendance(INDUCTION, "u-1", T0, T0 - SECOND)


# -- statuses ----------------------------------------------------------------------------------

EXPIRY = datetime(2027, 1, 15, 10, tzinfo=HONG_KONG)


@pytest.mark.parametrize("at, status", [
    (T0 - SECOND, TrainingStatus.MISSING),                      # not completed yet at that time
    (T0, TrainingStatus.DONE),
    (EXPIRY - 30 * DAY - SECOND, TrainingStatus.DONE),          # 30 days and a second left
    (EXPIRY - 30 * DAY, TrainingStatus.EXPIRING),               # exactly 30 days left
    (EXPIRY - SECOND, TrainingStatus.EXPIRING),
    (EXPIRY, TrainingStatus.EXPIRED),                           # expired at the second
    (EXPIRY + 400 * DAY, TrainingStatus.EXPIRED),
])
def test_status_boundaries(at, status):
    """done / expiring (at most 30 days left, exactly 30 included) / expired (at the expiry second) / missing."""
    assert status_of(c.best([done()], "u-1", HYGIENE.id, at), at) == status


def test_never_expiring_completion_stays_done_and_no_completion_is_missing():
    """A course without validity is done forever; nobody's completion is missing."""
    assert status_of(done(course=FIRE), T0 + 4000 * DAY) == TrainingStatus.DONE
    assert status_of(None, T0) == TrainingStatus.MISSING


def test_renewal_counts_over_the_old_completion():
    """After an expired completion, a renewal makes the course done again (the longest-lasting counts)."""
    old, renewed = done(), done(at=EXPIRY + 10 * DAY)
    at = EXPIRY + 11 * DAY
    assert c.best([renewed, old], "u-1", HYGIENE.id, at) == renewed
    assert status_of(c.best([old], "u-1", HYGIENE.id, at), at) == TrainingStatus.EXPIRED


# -- reminders ---------------------------------------------------------------------------------


@pytest.mark.parametrize("at, days", [
    (EXPIRY - 30 * DAY - SECOND, None),     # a second before the 30-day reminder
    (EXPIRY - 30 * DAY, 30),                # the 30-day reminder is due at the second
    (EXPIRY - 7 * DAY - SECOND, 30),        # still the 30-day one's window
    (EXPIRY - 7 * DAY, 7),                  # the 7-day one replaces it (never both at once)
    (EXPIRY - SECOND, 7),
    (EXPIRY, None),                         # expired: no more reminders
])
def test_reminder_windows(at, days):
    """Reminders are due 30 and 7 days before expiry, each until the next one (or expiry)."""
    due = due_reminders([done()], at)
    assert [r.days_before for r in due] == ([] if days is None else [days])


def test_each_reminder_is_sent_once():
    """Once its key is recorded as sent, a reminder is no longer due; the 7-day one is a new key."""
    first = due_reminders([done()], EXPIRY - 20 * DAY)
    assert len(first) == 1 and first[0].expires_at == EXPIRY and first[0].person_id == "u-1"
    assert due_reminders([done()], EXPIRY - 19 * DAY, sent={first[0].key}) == []
    week = due_reminders([done()], EXPIRY - 6 * DAY, sent={first[0].key})
    assert [r.days_before for r in week] == [7] and week[0].key != first[0].key


def test_renewal_silences_the_old_completions_reminders_and_never_expiring_has_none():
    """A renewed course reminds nothing until the new expiry nears; a course without validity never reminds."""
    renewed = done(at=EXPIRY - 20 * DAY)
    assert due_reminders([done(), renewed], EXPIRY - 10 * DAY) == []
    assert due_reminders([done(course=FIRE)], T0 + 4000 * DAY) == []


def test_a_reminder_stands_until_expiry_or_a_renewal_the_phone_holds():
    """Issue 13, trainremind: a pulled reminder is shown while its completion has not expired and no
    completion the phone holds lasts longer (a renewal, or one never expiring); a phone holding none
    of the pair's completions (a manager's, before the pull) keeps showing it."""
    at = EXPIRY - 10 * DAY
    assert c.reminder_stands(EXPIRY, [done()], "u-1", HYGIENE.id, at)
    assert c.reminder_stands(EXPIRY, [], "u-1", HYGIENE.id, at)
    assert not c.reminder_stands(EXPIRY, [done()], "u-1", HYGIENE.id, EXPIRY)
    assert not c.reminder_stands(EXPIRY, [done(), done(at=EXPIRY - 20 * DAY)], "u-1", HYGIENE.id, at)
    assert c.reminder_stands(EXPIRY, [done(), done(at=EXPIRY - 5 * DAY)], "u-1", HYGIENE.id, at)  # not yet made
    forever = Completion("u-1", HYGIENE.id, EXPIRY - 20 * DAY, None, "attendance")
    assert not c.reminder_stands(EXPIRY, [done(), forever], "u-1", HYGIENE.id, at)


# -- skills and the shift rules ---------------------------------------------------------------


def test_skills_held_are_those_of_valid_completions_only():
    """A valid completion grants its course's skill; an expired one, a future one or a removed course grants nothing."""
    history = [done(), done(course=FIRE), done("u-2")]
    assert skills_at(history, CATALOGUE, "u-1", T0) == {"food_handler", "fire_warden"}
    assert skills_at(history, CATALOGUE, "u-1", EXPIRY) == {"fire_warden"}
    assert skills_at(history, CATALOGUE, "u-1", T0 - SECOND) == frozenset()
    assert skills_at(history, CATALOGUE.without("fire-safety"), "u-1", T0) == {"food_handler"}


def _eligible_for_food_shift(person: Person, at: datetime) -> str:
    """The shift rules' verdict on ``person`` claiming an open shift needing the food_handler skill
    ("eligible", or "refused" for the missing skill only)."""
    start = at + 3 * DAY
    open_shift = Shift("open-1", None, "s1", "food_handler", start, start + timedelta(hours=8))
    (candidate,) = who_can_take(open_shift, [person], RosterIndex.build([open_shift]), ShiftTradeSettings(), at)
    if candidate.status == "refused":
        assert [(f.code, f.details) for f in candidate.check.refusals] == [("shift_role_missing",
                                                                           {"role": "food_handler"})]
    return candidate.status


def test_a_valid_completion_makes_someone_eligible_for_a_shift_needing_the_skill():
    """Through the existing shift-rule check: trained -> eligible; never trained -> refused for the role."""
    staff = Person("u-1", frozenset({"s1"}), frozenset({"cashier"}))
    at = T0 + 100 * DAY
    assert _eligible_for_food_shift(with_training(staff, [done()], CATALOGUE, at), at) == "eligible"
    assert _eligible_for_food_shift(with_training(staff, [], CATALOGUE, at), at) == "refused"


def test_an_expired_completion_does_not_make_someone_eligible():
    """Three days before the shift the completion expired: the shift rules refuse them for the skill, even
    if a stale copy of the skill was still in their roles; other roles stay."""
    stale = Person("u-1", frozenset({"s1"}), frozenset({"cashier", "food_handler"}))
    at = EXPIRY
    trained = with_training(stale, [done()], CATALOGUE, at)
    assert trained.roles == {"cashier"}
    assert _eligible_for_food_shift(trained, at) == "refused"
    assert _eligible_for_food_shift(with_training(stale, [done()], CATALOGUE, EXPIRY - SECOND), EXPIRY - SECOND) \
        == "eligible"



def test_held_skills_say_until_when_the_longest_lasting_completion_counts():
    """Issue 13, trainskill: what a colleague's phone is sent: each valid skill and when it ends (a
    renewal's later expiry; None for a course that never expires), nothing expired or of someone else."""
    renewed = done(at=T0 + 100 * DAY)
    history = [done(), renewed, done(course=FIRE), done("u-2")]
    assert c.held_skills(history, CATALOGUE, "u-1", T0 + 100 * DAY) == {
        "food_handler": renewed.expires_at, "fire_warden": None}
    assert c.held_skills([done()], CATALOGUE, "u-1", EXPIRY) == {}


def test_held_skills_expire_on_the_phone_by_the_same_rule():
    """``with_skills`` counts a sent skill until its end (exclusive), only while a course grants it,
    and drops a stale copy in the roles, as ``with_training`` does with the completions."""
    staff = Person("u-1", frozenset({"s1"}), frozenset({"cashier", "food_handler"}))
    held = {"food_handler": EXPIRY, "forklift": None}  # no course grants forklift (any more)
    assert c.with_skills(staff, held, CATALOGUE, EXPIRY - SECOND).roles == {"cashier", "food_handler"}
    assert c.with_skills(staff, held, CATALOGUE, EXPIRY).roles == {"cashier"}
    assert _eligible_for_food_shift(c.with_skills(staff, held, CATALOGUE, EXPIRY), EXPIRY) == "refused"

# -- the matrix --------------------------------------------------------------------------------


def test_matrix_groups_people_by_store_with_a_status_per_course():
    """Each store lists its people (sorted) by the catalogue's courses; someone in two stores appears in both."""
    people = [Trainee("u-2", frozenset({"s1"})), Trainee("u-1", frozenset({"s1", "s2"}))]
    history = [done(), done(course=FIRE, at=T0), done("u-2", at=T0 - 340 * DAY)]
    at = T0 + 10 * DAY
    s1, s2 = training_matrix(people, CATALOGUE, history, at)
    assert (s1.store_id, s2.store_id) == ("s1", "s2") and s1.course_ids == ("food-hygiene", "fire-safety", "induction")
    rows = {person: [cell.status for cell in cells] for person, cells in s1.rows}
    assert [person for person, _cells in s1.rows] == ["u-1", "u-2"]
    assert rows["u-1"] == [TrainingStatus.DONE, TrainingStatus.DONE, TrainingStatus.MISSING]
    assert rows["u-2"] == [TrainingStatus.EXPIRING, TrainingStatus.MISSING, TrainingStatus.MISSING]
    assert s1.rows[0][1][0].expires_at == EXPIRY and s1.rows[0][1][2].expires_at is None
    assert [person for person, _cells in s2.rows] == ["u-1"]
    assert s1.count(TrainingStatus.MISSING) == 3


def test_matrix_is_limited_to_the_readers_stores():
    """A manager of s2 sees only the s2 block."""
    people = [Trainee("u-2", frozenset({"s1"})), Trainee("u-1", frozenset({"s1", "s2"}))]
    assert [m.store_id for m in training_matrix(people, CATALOGUE, [], T0, store_ids={"s2"})] == ["s2"]


def test_my_training_modules_are_pure_domain_code():
    """courses, quizzes and completions import no database, network, UI, wire-format or translation module."""
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "app" / "domain" / "training"
    banned = ("sqlite3", "sqlite_utils", "sqlalchemy", "httpx", "flet", "app.store", "app.sync", "app.ui",
              "app.protocol", "app.i18n", "backend_stub", "socket", "requests", "os", "random", "time")
    for name in ("courses.py", "quizzes.py", "completions.py"):
        for node in ast.walk(ast.parse((folder / name).read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] in banned or n.startswith(banned)], (name, names)
