"""Issue 12, taskboard: every failed item of a recorded inspection puts a corrective task on the
store's board (SQLite and PostgreSQL, through the real API): linked to the finding, for the store's
manager, due by the chain's setting (24 h unless HQ changes it), a cleaning check for a cleaning
item, closed only with an "after" photo; the same inspection sent again adds no task."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backend_stub import db
from tests.test_api_inspections import CWB_MANAGER, HQ, _create, _inspect, _with
from tests.test_api_push import bearer
from tests.test_api_tasks import Board


def _corrective(api) -> list[dict]:
    with api.engine.connect() as conn:
        rows = conn.execute(select(db.tasks).where(db.tasks.c.inspection_id.is_not(None))
                            .order_by(db.tasks.c.finding_item_id)).mappings()
        return [dict(r) for r in rows]


def test_failed_items_become_corrective_tasks_closed_with_an_after_photo(api):
    """Two failed items: two tasks on Causeway Bay's board for its manager, due 24 h after the
    inspection, linked to inspection and item; completing one needs a photo; sent again: no more."""
    template = _create(api).json()
    finished = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    answers = _with(clean=False, exit=False)
    answers = [{**a, "photos": ["ab" * 32], "note": "Boxes in the aisle"} if a["item_id"] == "clean" else a
               for a in answers]
    resp = _inspect(api, template, answers, finished_at=finished)
    assert resp.status_code == 201, resp.text
    assert _inspect(api, template, answers, finished_at=finished).status_code in (200, 201)

    tasks = _corrective(api)
    assert [(t["inspection_id"], t["finding_item_id"]) for t in tasks] == [("insp-1", "clean"), ("insp-1", "exit")]
    clean, exit_ = tasks
    assert (clean["kind"], exit_["kind"]) == ("cleaning_check", "other")
    assert clean["title"] == "Floor is clean" and clean["description"] == "Boxes in the aisle"
    assert db.aware(clean["due_at"]) == finished + timedelta(hours=24)
    assert clean["after_photo_required"] and clean["assignees"] == '{"user_ids": ["u-sm-cwb"], "role": null, "on_shift": false}'

    b = Board(api)
    board = {t["id"]: t for t in b.board().json()}
    assert board[clean["id"]]["shown_status"] == "to_do" and board[clean["id"]]["finding_item_id"] == "clean"
    _refused = b.complete([], task_id=clean["id"], user_id=CWB_MANAGER, ticks=())
    assert (_refused["status"], _refused["reason"]) == ("rejected", "task_photo_count")
    after = b.upload(CWB_MANAGER)
    assert b.complete([after], task_id=clean["id"], user_id=CWB_MANAGER, ticks=())["status"] == "applied"
    # The store manager does not review their own fix: the area manager does.
    own = b.review(True, task_id=clean["id"])
    assert (own["status"], own["reason"]) == ("rejected", "task_own_work")
    assert b.review(True, task_id=clean["id"], user_id="u-am-hk")["status"] == "applied"


def test_the_chain_sets_when_a_corrective_task_is_due(api):
    """HQ sets 48 hours: the next inspection's tasks are due 48 h after it; a bad value is refused
    whole and only HQ may change it."""
    settings = "/v1/chain/settings/tasks"
    assert api.put(settings, json={"corrective_due_hours": 0}, headers=bearer(api, HQ)).status_code == 400
    assert api.put(settings, json={"corrective_due_hours": 48}, headers=bearer(api, CWB_MANAGER)).status_code == 403
    assert api.put(settings, json={"corrective_due_hours": 48}, headers=bearer(api, HQ)).status_code == 200
    assert api.get("/v1/chain/settings", headers=bearer(api, CWB_MANAGER)).json()["tasks"] == {
        "corrective_due_hours": 48}
    template = _create(api).json()
    finished = datetime.now(UTC).replace(microsecond=0)
    assert _inspect(api, template, _with(exit=False), finished_at=finished).status_code == 201
    [task] = _corrective(api)
    assert db.aware(task["due_at"]) == finished + timedelta(hours=48)


def test_the_manager_on_duty_gets_the_corrective_task(api):
    """Causeway Bay has two store managers: the one with a shift running when the inspection
    finished gets the task; with nobody on duty, both do."""
    with api.engine.begin() as conn:
        pin_hash = conn.execute(select(db.users.c.pin_hash).where(db.users.c.id == CWB_MANAGER)).scalar()
        conn.execute(db.users.insert().values(id="u-sm-cwb2", staff_no="M2009", name="Second manager",
                                              role="store_manager", pin_hash=pin_hash, home_store_id="st-cwb",
                                              locale="en", active=True))
        conn.execute(db.user_stores.insert().values(user_id="u-sm-cwb2", store_id="st-cwb"))
    template = _create(api).json()
    finished = datetime.now(UTC).replace(microsecond=0)
    assert _inspect(api, template, _with(exit=False), finished_at=finished, inspection_id="insp-off").status_code == 201
    with api.engine.begin() as conn:
        conn.execute(db.shifts.insert().values(id="sh-duty", store_id="st-cwb", user_id="u-sm-cwb2",
                                               starts_at=finished - timedelta(hours=2),
                                               ends_at=finished + timedelta(hours=2), position="Manager",
                                               status="published"))
    assert _inspect(api, template, _with(exit=False), finished_at=finished + timedelta(minutes=1),
                    inspection_id="insp-on").status_code == 201
    by_inspection = {t["inspection_id"]: json.loads(t["assignees"])["user_ids"] for t in _corrective(api)}
    assert by_inspection == {"insp-off": ["u-sm-cwb", "u-sm-cwb2"], "insp-on": ["u-sm-cwb2"]}
