"""Issue 13, trainquiz: the rows of the training matrix export (app.reports.training_matrix):
translated headers, a status word and an expiry date per course, one row per person per store."""

from datetime import date, datetime, timedelta

import pytest

from app.domain.attendance.common import HONG_KONG
from app.domain.training.completions import Completion, Trainee, training_matrix
from app.domain.training.courses import Catalogue, Course
from app.i18n import Translator
from app.reports.training_matrix import matrix_rows

T0 = datetime(2026, 1, 15, 10, tzinfo=HONG_KONG)
HYGIENE = Course("food-hygiene", "Food hygiene", "food_handler", validity_months=12)
FIRE = Course("fire-safety", "Fire safety", "fire_warden")
CATALOGUE = Catalogue((HYGIENE, FIRE))
PEOPLE = [Trainee("u-1", frozenset({"s1", "s2"})), Trainee("u-2", frozenset({"s1"}))]
HISTORY = [Completion("u-1", HYGIENE.id, T0, HYGIENE.expires_at(T0)), Completion("u-1", FIRE.id, T0, None),
           Completion("u-2", HYGIENE.id, T0 - timedelta(days=400), HYGIENE.expires_at(T0 - timedelta(days=400)))]
WORDS = dict(names={"u-1": "陳大文", "u-2": "Siti"}, staff_numbers={"u-1": "S001", "u-2": "S002"},
             store_names={"s1": "Mong Kok", "s2": "Sha Tin"})


def rows(locale: str = "en", at: datetime = T0 + timedelta(days=340)):
    return matrix_rows(training_matrix(PEOPLE, CATALOGUE, HISTORY, at), CATALOGUE, Translator(locale), **WORDS)


def test_english_rows_have_a_status_and_an_expiry_date_per_course():
    """Header then one row per person per store: status word and expiry (HK date, empty when never) per course."""
    assert rows() == [
        ["Store", "Staff number", "Name", "Food hygiene", "Food hygiene (expires)", "Fire safety",
         "Fire safety (expires)"],
        ["Mong Kok", "S001", "陳大文", "Expiring", date(2027, 1, 15), "Done", None],
        ["Mong Kok", "S002", "Siti", "Expired", date(2025, 12, 11), "Missing", None],
        ["Sha Tin", "S001", "陳大文", "Expiring", date(2027, 1, 15), "Done", None],
    ]


def test_headers_are_in_the_readers_language_and_course_titles_as_written():
    """In Traditional Chinese the fixed headers are translated; course titles stay as HQ wrote them."""
    t = Translator("zh_Hant_HK")
    head = rows("zh_Hant_HK")[0]
    assert head[:3] == [t._("Store"), t._("Staff number"), t._("Name")]
    assert head[1] != "Staff number" and head[3] == "Food hygiene"


def test_rows_refuse_a_matrix_built_with_another_catalogue():
    """A matrix whose courses differ from the catalogue given would shift columns: ValueError."""
    matrices = training_matrix(PEOPLE, CATALOGUE, HISTORY, T0)
    with pytest.raises(ValueError):
        matrix_rows(matrices, CATALOGUE.without("fire-safety"), Translator("en"))
