"""Issue 12, probe12 (a hostile tester on the task board and the inspection report), on both
backends: the person asked to do a task sees its example photo and another store's people do not;
a completion's time is the server's, never a time the phone wrote (1971) nor before the task
existed; a manager cannot take the id of a corrective task an inspection will make; a corrective
task (the inspector's note) reaches the store's managers, not its staff; a report asked for while
every report slot draws is answered 429 with Retry-After at once, no thread waiting."""

from datetime import UTC, datetime, timedelta

from backend_stub.services import inspection_report
from tests.test_api_push import bearer, pull_all
from tests.test_api_tasks import CWB_MANAGER, MK_MANAGER, STAFF, Board, _refused

MK_STAFF = "u-s03"


def test_the_assignee_sees_the_example_photo_and_another_stores_people_do_not(api):
    """Chan (assigned) and Siti (same store) read the example photo the CWB manager took; the
    Mong Kok manager and a Mong Kok staff member are told it does not exist."""
    b = Board(api)
    example = b.upload(CWB_MANAGER)
    assert b.create("tk-example", example_photo_sha256=example)["status"] == "applied"
    photo = f"/v1/photos/{example}"
    for reader in (STAFF, "u-s02", CWB_MANAGER):
        assert api.get(photo, headers=bearer(api, reader)).status_code == 200, reader
    for outsider in (MK_MANAGER, MK_STAFF):
        assert api.get(photo, headers=bearer(api, outsider)).status_code == 404, outsider


def test_a_completion_keeps_the_servers_time_not_the_one_the_phone_wrote(api):
    """Chan's phone says it completed the task in 1971 and said "can't do" in 1970: the board
    keeps the time the server judged (now), never before the task was made."""
    b = Board(api)
    b.create("tk-backdate", photos_required=1, checklist=[])
    before = datetime.now(UTC) - timedelta(seconds=5)
    done = b.push(STAFF, "task.complete", {"task_id": "tk-backdate", "user_id": STAFF,
                                          "completed_at": "1971-01-01T00:00:00+00:00", "comment": "",
                                          "photo_sha256s": [b.upload(STAFF)], "checklist_ticks": []})
    assert done["status"] == "applied", done
    completed = b.task("tk-backdate")["completed_at"]
    assert completed.replace(tzinfo=completed.tzinfo or UTC) >= before
    b.create("tk-backdate-2", checklist=[], photos_required=0)
    cant = b.push(STAFF, "task.cant_do", {"task_id": "tk-backdate-2", "user_id": STAFF,
                                         "reason": "The ladder is broken", "at": "1970-01-01T00:00:00+00:00"})
    assert cant["status"] == "applied", cant
    at = b.task("tk-backdate-2")["completed_at"]
    assert at.replace(tzinfo=at.tzinfo or UTC) >= before


def test_an_id_of_the_inspections_cannot_be_taken_by_a_manager(api):
    """A manager pushing a task whose id starts "ct-" (the corrective tasks' ids, which an
    inspection makes from its id and item) is refused and nothing is kept."""
    b = Board(api)
    _refused(b.create("ct-0123456789abcdef0123456789abcdef"), "invalid_payload")
    _refused(b.create("ct-0123456789abcdef0123456789abcdef", MK_MANAGER, store_id="st-mk",
                      assignees={"role": "staff"}), "invalid_payload")


def test_a_corrective_task_reaches_the_managers_not_the_staff(api):
    """The failed item's task (its note is the inspector's) is pulled by the CWB manager, not by
    CWB staff, who cannot read the inspection either."""
    from tests.test_api_corrective_tasks import _corrective
    from tests.test_api_inspections import _create, _inspect, _with

    answers = [{**a, "photos": ["ab" * 32], "note": "Boxes in the aisle"} if a["item_id"] == "clean" else a
               for a in _with(clean=False)]
    assert _inspect(api, _create(api).json(), answers).status_code == 201
    task_id = _corrective(api)[0]["id"]
    assert any(c["entity"] == "task" and c["id"] == task_id for c in pull_all(api, CWB_MANAGER))
    assert not any(c["entity"] == "task" and c["id"] == task_id for c in pull_all(api, STAFF))


def test_a_report_asked_while_every_slot_draws_is_told_to_come_back(api):
    """Both report slots taken: the next request is answered at once 429 reports_busy with
    Retry-After (no thread waits for a slot, no photo is read); with a slot free it is 404 for an
    unknown id, as before."""
    held = [inspection_report._renders.acquire(blocking=False) for _ in range(inspection_report.MAX_CONCURRENT_RENDERS)]
    try:
        assert all(held)
        busy = api.get("/v1/inspections/insp-any/report.pdf", headers=bearer(api, "u-hq"))
        assert (busy.status_code, busy.json()["code"]) == (429, "reports_busy")
        assert int(busy.headers["Retry-After"]) > 0
    finally:
        for _ in held:
            inspection_report._renders.release()
    assert api.get("/v1/inspections/insp-any/report.pdf", headers=bearer(api, "u-hq")).status_code == 404
