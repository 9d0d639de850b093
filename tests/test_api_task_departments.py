"""Issue 12, taskrecur: an equipment repair sent to another department, through the API (SQLite
and PostgreSQL). HQ keeps the chain's departments (PUT /v1/chain/settings/departments; others
403, a bad list 400 chain_settings_invalid); a manager of the store sends an open equipment
repair to "Facilities" (PUT /v1/stores/{id}/tasks/{task_id}/department): the board shows
department_name "Facilities" and the store's phones pull the task with its department_id; it is
taken back with null. Refused: another kind (400 task_not_repair), an unknown department (400
task_unknown_department), a closed task (409 task_not_open), staff and other stores' managers (403),
a task of another store (404)."""

from datetime import UTC, datetime

from tests.test_api_push import bearer, pull_all
from tests.test_api_tasks import Board

DEPARTMENTS = {"departments": [{"id": "facilities", "name": "Facilities"}, {"id": "it", "name": "IT"}]}


def test_hq_keeps_the_departments(api):
    """Only HQ changes the list; a bad list is refused whole; everyone reads it in the chain settings."""
    url = "/v1/chain/settings/departments"
    assert api.put(url, json=DEPARTMENTS, headers=bearer(api, "u-sm-cwb")).status_code == 403
    twice = {"departments": [{"id": "a", "name": "Facilities"}, {"id": "b", "name": "facilities"}]}
    for bad in (twice, {"departments": [{"id": "Bad Id", "name": "X"}]}, {"other": []}):
        resp = api.put(url, json=bad, headers=bearer(api, "u-hq"))
        assert (resp.status_code, resp.json()["code"]) == (400, "chain_settings_invalid"), bad
    assert api.put(url, json=DEPARTMENTS, headers=bearer(api, "u-hq")).status_code == 200
    assert api.get("/v1/chain/settings", headers=bearer(api, "u-s01")).json()["departments"] == DEPARTMENTS


def test_a_repair_is_sent_to_facilities_and_taken_back(api):
    """Sent: the board says Facilities, phones pull department_id; every refusal leaves it as it was."""
    assert api.put("/v1/chain/settings/departments", json=DEPARTMENTS, headers=bearer(api, "u-hq")).status_code == 200
    board = Board(api)
    assert board.create("tk-fridge", kind="equipment_repair", title="Fridge 2 is warm", photos_required=0,
                        checklist=[])["status"] == "applied"
    assert board.create("tk-shelf", kind="display", photos_required=0, checklist=[])["status"] == "applied"
    url = "/v1/stores/st-cwb/tasks/{}/department"
    refusals = [("u-sm-cwb", "tk-shelf", "facilities", 400, "task_not_repair"),
                ("u-sm-cwb", "tk-fridge", "plumbing", 400, "task_unknown_department"),
                ("u-s01", "tk-fridge", "facilities", 403, "forbidden_role"),
                ("u-sm-mk", "tk-fridge", "facilities", 403, "forbidden_role")]
    for user_id, task_id, department, status, code in refusals:
        resp = api.put(url.format(task_id), json={"department_id": department}, headers=bearer(api, user_id))
        assert (resp.status_code, resp.json()["code"]) == (status, code), resp.text
    other = api.put("/v1/stores/st-mk/tasks/tk-fridge/department", json={"department_id": "facilities"},
                    headers=bearer(api, "u-hq"))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    assert board.task("tk-fridge")["department_id"] is None

    sent = api.put(url.format("tk-fridge"), json={"department_id": "facilities"}, headers=bearer(api, "u-am-hk"))
    assert sent.status_code == 200, sent.text
    assert (sent.json()["department_id"], sent.json()["department_name"]) == ("facilities", "Facilities")
    (row,) = [t for t in board.board().json() if t["id"] == "tk-fridge"]
    assert row["department_name"] == "Facilities"
    pulled = [c for c in pull_all(api, "u-s01") if c["entity"] == "task" and c["id"] == "tk-fridge"]
    assert pulled[-1]["data"]["department_id"] == "facilities"

    back = api.put(url.format("tk-fridge"), json={"department_id": None}, headers=bearer(api, "u-sm-cwb"))
    assert (back.status_code, back.json()["department_name"]) == (200, None)

    cant = {"task_id": "tk-fridge", "user_id": "u-s01", "reason": "No key to the back room",
            "at": datetime.now(UTC).isoformat()}
    assert board.push("u-s01", "task.cant_do", cant)["status"] == "applied"
    closed = api.put(url.format("tk-fridge"), json={"department_id": "facilities"}, headers=bearer(api, "u-sm-cwb"))
    assert (closed.status_code, closed.json()["code"]) == (409, "task_not_open")
