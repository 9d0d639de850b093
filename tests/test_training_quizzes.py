"""Issue 13, trainquiz: quizzes (app.domain.training.quizzes): checking a quiz, the public view a
staff device holds (no key, nothing the key can be derived from), and grading on the server with
each refusal's reason code."""

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.access import AccessDenied
from app.domain.training import quizzes as q
from app.domain.training.quizzes import (FALSE, TRUE, AnswerSheet, Choice, Question, QuestionKind, Quiz,
                                         attempt_seed, check_quiz, grade, public_view, quiz_from_dict,
                                         sheet_from_dict)

SECRET = b"server-only-secret"
# Authored ids chosen so that any leak is visible in the JSON.
RIGHT = "right-choice-id"


def mcq(qid: str, answer: str = RIGHT) -> Question:
    choices = (Choice(RIGHT, f"{qid} 75 C"), Choice("wrong-a", f"{qid} 50 C"), Choice("wrong-b", f"{qid} 60 C"),
               Choice("wrong-c", f"{qid} 5 C"))
    return Question(qid, QuestionKind.SINGLE_CHOICE, f"{qid}: safe core temperature?", answer, choices)


def tf(qid: str, answer: str = TRUE) -> Question:
    return Question(qid, QuestionKind.TRUE_FALSE, f"{qid}: wash hands before handling food?", answer)


def quiz(**kw) -> Quiz:
    base = dict(id="food-hygiene", title="Food hygiene", version=2,
                questions=(mcq("q1"), mcq("q2"), tf("q3"), tf("q4", FALSE), mcq("q5")), pass_mark=80,
                attempts_allowed=3)
    return Quiz(**{**base, **kw})


def seed(attempt: int = 1, person: str = "u-1", quiz_: Quiz | None = None) -> str:
    quiz_ = quiz_ or quiz()
    return attempt_seed(SECRET, person, quiz_.id, quiz_.version, attempt)


def refused(code: str, call, *args, **kw) -> AccessDenied:
    with pytest.raises(AccessDenied) as err:
        call(*args, **kw)
    assert err.value.reason == code
    return err.value


def public_answers(view, pick) -> dict[str, str]:
    """Answers by public choice id, ``pick(question_id, public_choices)`` choosing one."""
    return {question.id: pick(question.id, question.choices) for question in view.questions}


def key_answers(quiz_: Quiz, s: str, wrong: frozenset[str] = frozenset()) -> dict[str, str]:
    """The sheet a person knowing the key would send (test side: maps authored -> public via the server's mapping)."""
    answers = {}
    for question in quiz_.questions:
        places = q._places(question, s)
        wanted = [p for p, authored in places.items() if (authored == question.answer) != (question.id in wrong)]
        answers[question.id] = wanted[0]
    return answers


def sheet(answers, attempt=1, version=2, quiz_id="food-hygiene") -> AnswerSheet:
    return AnswerSheet(quiz_id, version, attempt, answers)


# -- checking a quiz ---------------------------------------------------------------------------


def test_a_good_quiz_passes_the_check_and_round_trips_through_its_stored_form():
    """A quiz with multiple-choice and true/false questions is valid, and as_dict/quiz_from_dict keep it whole."""
    check_quiz(quiz())
    assert quiz_from_dict(json.loads(json.dumps(quiz().as_dict()))) == quiz()


@pytest.mark.parametrize("change, says", [
    (dict(title=" "), "title"),
    (dict(version=0), "version"),
    (dict(pass_mark=101), "pass mark"),
    (dict(pass_mark=True), "pass mark"),
    (dict(pass_mark=79.5), "pass mark"),
    (dict(attempts_allowed=0), "attempts"),
    (dict(attempts_allowed=11), "attempts"),
    (dict(questions=()), "1 to 50 questions"),
    (dict(questions=(mcq("q1"), tf("q1"))), "own id"),
    (dict(questions=(Question("q1", QuestionKind.SINGLE_CHOICE, "?", "a", (Choice("a", "A"),)),)), "2 to 8"),
    (dict(questions=(Question("q1", QuestionKind.SINGLE_CHOICE, "?", "a",
                              (Choice("a", "A"), Choice("a", "B"))),)), "every choice"),
    (dict(questions=(Question("q1", QuestionKind.SINGLE_CHOICE, "?", "a",
                              (Choice("a", "Same"), Choice("b", "Same"))),)), "all different"),
    (dict(questions=(Question("q1", QuestionKind.SINGLE_CHOICE, "?", "z",
                              (Choice("a", "A"), Choice("b", "B"))),)), "right choice"),
    (dict(questions=(Question("q1", QuestionKind.TRUE_FALSE, "?", "yes"),)), "true or false"),
    (dict(questions=(Question("q1", QuestionKind.TRUE_FALSE, "?", TRUE, (Choice("a", "A"),)),)), "no choices"),
    (dict(questions=(Question("q1", "essay", "?", TRUE),)), "single_choice or true_false"),
    (dict(questions=(Question("q1", QuestionKind.TRUE_FALSE, " ", TRUE),)), "write the question"),
])
def test_a_bad_quiz_is_refused_saying_what(change, says):
    """Each broken rule of a quiz is refused with training_bad_quiz and a message naming it."""
    err = refused(q.REASON_BAD_QUIZ, check_quiz, quiz(**change))
    assert says in err.message


@pytest.mark.parametrize("data", [{}, {"id": "x"}, {**quiz().as_dict(), "questions": [{"id": "q1"}]},
                                  {**quiz().as_dict(), "questions": "not a list"}])
def test_a_malformed_stored_quiz_is_refused_not_a_crash(data):
    """quiz_from_dict refuses missing keys or wrong shapes with training_bad_quiz (never KeyError/TypeError)."""
    refused(q.REASON_BAD_QUIZ, quiz_from_dict, data)


# -- the public view -------------------------------------------------------------------------


def test_public_view_serialised_to_json_holds_no_key_material():
    """The JSON a device pulls has no answer key, no authored choice id, no seed and no secret."""
    s = seed()
    text = json.dumps(public_view(quiz(), s, 1).as_dict())
    for leak in ("answer", "correct", RIGHT, "wrong-a", "wrong-b", "wrong-c", s, SECRET.decode()):
        assert leak not in text, leak
    data = json.loads(text)
    assert {question["id"] for question in data["questions"]} == {"q1", "q2", "q3", "q4", "q5"}
    assert set(data) == {"quiz_id", "version", "attempt", "title", "pass_mark", "attempts_allowed", "questions"}
    assert all(set(question) == {"id", "kind", "text", "choices"} for question in data["questions"])


def test_public_view_is_the_same_whichever_choice_is_right():
    """Moving the key (another right choice, true<->false) leaves the view byte-identical: nothing in it depends on the key."""
    moved = quiz(questions=(mcq("q1", "wrong-a"), mcq("q2", "wrong-c"), tf("q3", FALSE), tf("q4", TRUE),
                            mcq("q5", "wrong-b")))
    for attempt in (1, 2, 3):
        assert json.dumps(public_view(quiz(), seed(attempt), attempt).as_dict()) == \
            json.dumps(public_view(moved, seed(attempt), attempt).as_dict())


def test_right_choice_lands_on_every_place_across_attempts():
    """The right choice is not at a fixed place: over many seeds it shows at each of the 4 places."""
    places = set()
    for attempt in range(1, 41):
        s = seed(attempt)
        view = public_view(quiz(), s, attempt)
        q1 = next(question for question in view.questions if question.id == "q1")
        places.add(next(i for i, c in enumerate(q1.choices) if c.text == "q1 75 C"))
    assert places == {0, 1, 2, 3}


def test_choices_are_named_by_place_and_true_false_keeps_its_two_fixed_choices():
    """Multiple-choice ids are c1..cN in the order shown; true/false shows "true" then "false" with no text."""
    view = public_view(quiz(), seed(), 1)
    for question in view.questions:
        ids = [c.id for c in question.choices]
        if question.kind == QuestionKind.TRUE_FALSE:
            assert ids == [TRUE, FALSE] and all(c.text == "" for c in question.choices)
        else:
            assert ids == ["c1", "c2", "c3", "c4"]


def test_order_is_deterministic_per_seed_and_differs_between_attempts_and_people():
    """The same seed gives the same view (the server can map answers back); other attempts or people are shuffled anew."""
    one = public_view(quiz(), seed(1), 1).as_dict()
    assert public_view(quiz(), seed(1), 1).as_dict() == one
    orders = {tuple(question["id"] for question in public_view(quiz(), s, 1).as_dict()["questions"])
              for s in [seed(a) for a in range(1, 11)] + [seed(1, f"u-{n}") for n in range(10)]}
    assert len(orders) > 1


# -- grading -----------------------------------------------------------------------------------


def test_all_right_passes_with_every_question_marked_right():
    """Answering every question right (by public ids) gives 5/5, 100 %, passed, each question right."""
    s = seed()
    result = grade(quiz(), sheet(key_answers(quiz(), s)), s, attempts_used=0)
    assert (result.correct, result.total, result.percent, result.passed) == (5, 5, 100, True)
    assert result.right == {"q1": True, "q2": True, "q3": True, "q4": True, "q5": True}
    assert result.attempts_left == 2


def test_pass_mark_is_a_percentage_of_right_answers_inclusive():
    """Pass mark 80 % of 5 questions: 4 right (exactly 80 %) passes, 3 right (60 %) fails; wrong ones are marked."""
    s = seed()
    four = grade(quiz(), sheet(key_answers(quiz(), s, frozenset({"q3"}))), s, 0)
    assert (four.correct, four.percent, four.passed, four.right["q3"]) == (4, 80, True, False)
    three = grade(quiz(), sheet(key_answers(quiz(), s, frozenset({"q1", "q4"}))), s, 0)
    assert (three.correct, three.percent, three.passed) == (3, 60, False)


def test_shown_percent_rounds_down_so_it_never_shows_a_pass_that_failed():
    """2 of 3 right is 66.67 %: shown as 66; a pass mark of 67 fails it, 66 passes it."""
    three = quiz(questions=(tf("a"), tf("b"), tf("c")))
    s = seed(quiz_=three)
    answers = key_answers(three, s, frozenset({"c"}))
    assert grade(replace(three, pass_mark=67), sheet(answers), s, 0).passed is False
    result = grade(replace(three, pass_mark=66), sheet(answers), s, 0)
    assert (result.percent, result.passed) == (66, True)


def test_answers_from_another_attempts_view_are_graded_with_that_attempts_seed():
    """The sheet of attempt 2 is mapped back with attempt 2's seed: the same places mean other choices than in attempt 1."""
    s2 = seed(2)
    result = grade(quiz(), sheet(key_answers(quiz(), s2), attempt=2), s2, attempts_used=1)
    assert result.passed and result.attempts_left == 1


def test_result_for_staff_holds_no_key():
    """The graded result says right/wrong per question but never which choice was right."""
    s = seed()
    text = json.dumps(grade(quiz(), sheet(key_answers(quiz(), s, frozenset({"q1"}))), s, 0).as_dict())
    assert RIGHT not in text and "answer" not in text and '"q1": false' in text


def test_unknown_question_is_refused():
    """An answer to a question not in the quiz: training_quiz_bad_answer."""
    s = seed()
    refused(q.REASON_BAD_ANSWER, grade, quiz(), sheet({**key_answers(quiz(), s), "q9": "c1"}), s, 0)


@pytest.mark.parametrize("bad_choice", ["c5", "c0", RIGHT, "wrong-a", "", "maybe"])
def test_unknown_choice_is_refused_authored_ids_included(bad_choice):
    """A choice not on the screen (out of range, or an authored id guessed): training_quiz_bad_answer."""
    s = seed()
    refused(q.REASON_BAD_ANSWER, grade, quiz(), sheet({**key_answers(quiz(), s), "q1": bad_choice}), s, 0)


def test_true_false_answer_must_be_true_or_false():
    """A true/false question answered "c1": training_quiz_bad_answer."""
    s = seed()
    refused(q.REASON_BAD_ANSWER, grade, quiz(), sheet({**key_answers(quiz(), s), "q3": "c1"}), s, 0)


def test_missing_answer_is_refused():
    """A question left unanswered: training_quiz_unanswered."""
    s = seed()
    answers = key_answers(quiz(), s)
    del answers["q2"]
    refused(q.REASON_UNANSWERED, grade, quiz(), sheet(answers), s, 0)


def test_no_attempt_left_is_refused():
    """A fourth sheet when 3 attempts are allowed and used: training_quiz_no_attempts_left."""
    s = seed(4)
    refused(q.REASON_NO_ATTEMPTS_LEFT, grade, quiz(), sheet(key_answers(quiz(), s), attempt=4), s, attempts_used=3)


def test_attempt_out_of_turn_is_refused():
    """A sheet for attempt 3 when only 1 is graded (the next is 2): training_quiz_bad_answer."""
    s = seed(3)
    refused(q.REASON_BAD_ANSWER, grade, quiz(), sheet(key_answers(quiz(), s), attempt=3), s, attempts_used=1)


def test_sheet_answered_on_an_older_version_is_refused():
    """A sheet for version 1 of a quiz now at version 2: training_quiz_changed (the places may mean other choices)."""
    s = seed()
    refused(q.REASON_QUIZ_CHANGED, grade, quiz(), sheet(key_answers(quiz(), s), version=1), s, 0)


def test_sheet_for_another_quiz_is_refused():
    """A sheet naming another quiz: training_quiz_bad_answer."""
    s = seed()
    refused(q.REASON_BAD_ANSWER, grade, quiz(), sheet(key_answers(quiz(), s), quiz_id="fire-safety"), s, 0)


@pytest.mark.parametrize("data", [
    {}, {"quiz_id": "food-hygiene", "version": 2, "attempt": 1, "answers": ["c1"]},
    {"quiz_id": "food-hygiene", "version": 2, "attempt": 1, "answers": {"q1": 3}},
    {"quiz_id": "food-hygiene", "version": "2", "attempt": 1, "answers": {}},
    {"quiz_id": "food-hygiene", "version": 2, "attempt": 0, "answers": {}},
    {"quiz_id": 7, "version": 2, "attempt": 1, "answers": {}},
])
def test_malformed_sheet_from_a_device_is_refused(data):
    """sheet_from_dict refuses a body of the wrong shape with training_quiz_bad_answer (never a crash)."""
    refused(q.REASON_BAD_ANSWER, sheet_from_dict, data)


def test_sheet_from_a_device_round_trips_and_grades():
    """A well-formed body becomes a sheet the server grades."""
    s = seed()
    body = json.loads(json.dumps({"quiz_id": "food-hygiene", "version": 2, "attempt": 1,
                                  "answers": key_answers(quiz(), s)}))
    assert grade(quiz(), sheet_from_dict(body), s, 0).passed


def test_device_answering_from_the_public_view_alone_is_graded():
    """A device that only has the public view picks choices by their text; the server grades those picks."""
    s = seed()
    view = public_view(quiz(), s, 1)
    pick = public_answers(view, lambda qid, choices: next(
        (c.id for c in choices if c.text.endswith("75 C")), TRUE if qid == "q3" else FALSE))
    assert grade(quiz(), sheet(pick), s, 0).correct == 5


# -- properties --------------------------------------------------------------------------------


@st.composite
def quizzes_with_two_keys(draw):
    """A random quiz, and the same quiz with every right answer moved at random (same questions and choices)."""
    questions, moved = [], []
    for n in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            answer, other = draw(st.permutations([TRUE, FALSE]))
            questions.append(Question(f"q{n}", QuestionKind.TRUE_FALSE, f"statement {n}", answer))
            moved_answer = draw(st.sampled_from([answer, other]))
            moved.append(Question(f"q{n}", QuestionKind.TRUE_FALSE, f"statement {n}", moved_answer))
            continue
        ids = draw(st.lists(st.text("abcxyz0123", min_size=1, max_size=6), min_size=2, max_size=8, unique=True))
        choices = tuple(Choice(cid, f"choice {cid}") for cid in ids)
        for into in (questions, moved):
            into.append(Question(f"q{n}", QuestionKind.SINGLE_CHOICE, f"question {n}", draw(st.sampled_from(ids)),
                                 choices))
    return quiz(questions=tuple(questions)), quiz(questions=tuple(moved))


@settings(max_examples=200, deadline=None)
@given(quizzes_with_two_keys(), st.integers(1, 3), st.text(min_size=1, max_size=8))
def test_property_view_never_depends_on_the_key_and_the_key_maps_back(pair, attempt, person):
    """For any quiz, person and attempt: moving the key leaves the public view identical, and the
    answers a key holder picks on that view grade full marks (so the server's mapping is exact)."""
    original, moved = pair
    check_quiz(original)
    s = seed(attempt, person, original)
    view = public_view(original, s, attempt)
    assert view == public_view(moved, s, attempt)
    answers = key_answers(original, s)
    assert set(answers[question.id] for question in view.questions) <= {c.id for question in view.questions
                                                                        for c in question.choices}
    result = grade(original, sheet(answers, attempt=attempt), s, attempts_used=attempt - 1)
    assert result.correct == result.total and result.passed


def test_server_entry_points_hand_out_the_remaining_views_and_grade_with_their_seeds():
    """views_for gives one view per attempt still allowed (attempts 2 and 3 after one); grade_for grades a
    sheet answered on view 2 with that view's seed, for that person only."""
    views = q.views_for(quiz(), SECRET, "u-1", attempts_used=1)
    assert [v.attempt for v in views] == [2, 3] and views[0] == public_view(quiz(), seed(2), 2)
    assert q.views_for(quiz(), SECRET, "u-1", attempts_used=3) == ()
    answers = key_answers(quiz(), seed(2))
    assert q.grade_for(quiz(), sheet(answers, attempt=2), SECRET, "u-1", attempts_used=1).passed
    other = q.grade_for(quiz(), sheet(answers, attempt=2), SECRET, "u-2", attempts_used=1)
    assert other.correct < other.total  # another person's seed maps the same places to other choices
