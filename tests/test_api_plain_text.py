"""Free text people write (task titles, instructions, checklist items, comments, reasons; note and
broadcast titles and texts; inspection template labels) refuses control characters: a NUL (a 500 on
PostgreSQL before) or an ANSI escape is the action's invalid_payload (or a 422), nothing is
written, and the rest of a batch still applies. Line breaks and tabs stay allowed."""

import pytest
from sqlalchemy import func, select

from backend_stub import db
from tests.test_api_inspections import WALK, _create
from tests.test_api_push import mutation, note_add, push
from tests.test_api_tasks import Board

BAD = ("Shelf\x00A", "Shelf\x1b[2JA", "Shelf\x7fA", "Shelf\x85A")


def _count(api, table, *where) -> int:
    with api.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


@pytest.mark.parametrize("bad", BAD, ids=["nul", "ansi", "del", "c1"])
def test_task_text_with_control_characters_is_refused_and_nothing_is_created(api, bad):
    """task.create with a control character in the title, the instructions or a checklist item is
    rejected invalid_payload naming the field; no task row."""
    board = Board(api)
    for field, value in (("title", bad), ("instructions", bad), ("checklist", [bad])):
        result = board.create(f"tk-{field}", **{field: value})
        assert (result["status"], result["reason"]) == ("rejected", "invalid_payload"), result
        assert field in result["message"]
        assert _count(api, db.tasks, db.tasks.c.id == f"tk-{field}") == 0
    fine = board.create("tk-fine", instructions="Front\nthen side\tshelf")
    assert fine["status"] == "applied", fine


def test_note_and_broadcast_text_with_control_characters_is_refused_and_the_batch_goes_on(api):
    """A note body and a broadcast title with a NUL are each rejected invalid_payload; the note
    after them in the same batch applies."""
    resp = push(api, "u-sm-cwb", [
        mutation(1, "note.add", note_add("n-bad", user_id="u-sm-cwb", body="Till\x00short")),
        mutation(2, "broadcast.create", {"broadcast_id": "bc-bad", "store_ids": ["st-cwb"], "title": "Sale\x1b[31m"}),
        mutation(3, "note.add", note_add("n-good", user_id="u-sm-cwb"))], device_id="dev-plain-text")
    assert resp.status_code == 200, resp.text
    assert [(r["status"], r["reason"]) for r in resp.json()["results"]] == [
        ("rejected", "invalid_payload"), ("rejected", "invalid_payload"), ("applied", None)]
    assert _count(api, db.notes, db.notes.c.id == "n-bad") == 0
    assert _count(api, db.broadcasts, db.broadcasts.c.id == "bc-bad") == 0


def test_inspection_template_label_with_a_nul_is_422_and_no_template(api):
    """A template whose item label holds a NUL is 422 validation_error; no template is kept."""
    sections = [{**WALK["sections"][0], "items": [{**WALK["sections"][0]["items"][0], "label": "Floor\x00clean"}]}]
    resp = _create(api, sections=sections)
    assert resp.status_code == 422 and resp.json()["code"] == "validation_error", resp.text
    assert _count(api, db.inspection_templates) == 0


def test_a_title_of_spaces_is_still_refused_with_the_control_character_check(api):
    """Refusing control characters did not loosen the other rules: a task title of spaces is
    stripped to nothing and refused (invalid_payload), as before; no task row."""
    result = Board(api).create("tk-spaces", title="    ")
    assert (result["status"], result["reason"]) == ("rejected", "invalid_payload"), result
    assert _count(api, db.tasks, db.tasks.c.id == "tk-spaces") == 0
