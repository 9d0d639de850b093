"""Issue 12, taskboard: the task board through the API (SQLite and PostgreSQL): a manager creates
a task needing 2 photos and a checklist; only an assignee completes it, with their own photos and
every item ticked; the manager sends one photo back, the redo sends just that one, the manager
approves; undo before review, can't do with a reason; the board (GET /v1/stores/{id}/tasks) for the
store's managers only, with "overdue" derived; every refusal with its reason and nothing changed."""

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import select

from backend_stub import db
from tests.test_api_photos import image, sha
from tests.test_api_push import bearer, mutation, pull_all, push

CWB_MANAGER, MK_MANAGER, HK_AREA, STAFF, COLLEAGUE = "u-sm-cwb", "u-sm-mk", "u-am-hk", "u-s01", "u-s02"
_SIZES = count(20)


class Board:
    """Pushes for several people, each from their own device with its own numbers."""

    def __init__(self, api) -> None:
        self.api, self.seqs = api, {}

    def push(self, user_id: str, type_: str, payload: dict) -> dict:
        seq = self.seqs[user_id] = self.seqs.get(user_id, 0) + 1
        resp = push(self.api, user_id, [mutation(seq, type_, payload)], device_id=f"dev-{user_id}")
        assert resp.status_code == 200, resp.text
        return resp.json()["results"][0]

    def upload(self, user_id: str) -> str:
        data = image("JPEG", size=next(_SIZES), noise=True)
        resp = self.api.put(f"/v1/photos/{sha(data)}", content=data, headers=bearer(self.api, user_id, f"dev-{user_id}"))
        assert resp.status_code in (200, 201), resp.text
        return sha(data)

    def create(self, task_id: str = "tk-promo", user_id: str = CWB_MANAGER, **changes) -> dict:
        body = {"task_id": task_id, "store_id": "st-cwb", "title": "Photograph the promotion shelf",
                "instructions": "Front and side", "kind": "promotion_setup", "assignees": {"user_ids": [STAFF]},
                "checklist": ["Price tags", "Posters"], "photos_required": 2,
                "due_at": (datetime.now(UTC) + timedelta(hours=3)).isoformat(), **changes}
        return self.push(user_id, "task.create", body)

    def complete(self, photos: list[str], task_id: str = "tk-promo", user_id: str = STAFF, ticks=(0, 1)) -> dict:
        return self.push(user_id, "task.complete", {
            "task_id": task_id, "user_id": user_id, "completed_at": datetime.now(UTC).isoformat(),
            "comment": "Done before opening", "photo_sha256s": photos, "checklist_ticks": list(ticks)})

    def review(self, approve: bool, rejected: dict | None = None, user_id: str = CWB_MANAGER,
               task_id: str = "tk-promo") -> dict:
        return self.push(user_id, "task.review", {"task_id": task_id, "approve": approve, "rejected": rejected or {}})

    def task(self, task_id: str = "tk-promo") -> dict:
        with self.api.engine.connect() as conn:
            return dict(conn.execute(select(db.tasks).where(db.tasks.c.id == task_id)).mappings().one())

    def board(self, user_id: str = CWB_MANAGER, store_id: str = "st-cwb", **params):
        return self.api.get(f"/v1/stores/{store_id}/tasks", params=params, headers=bearer(self.api, user_id))


def _refused(result: dict, reason: str) -> None:
    assert (result["status"], result["reason"]) == ("rejected", reason), result


def test_create_complete_send_back_redo_approve(api):
    """The whole round: 2 photos + checklist, one photo sent back with a comment, the redo asks only
    for it, approved; phones at the store pull each step with the photos and their verdicts; the
    photos are read by the store's managers only."""
    b = Board(api)
    assert b.create()["status"] == "applied"
    first, second = b.upload(STAFF), b.upload(STAFF)
    _refused(b.complete([first, second], user_id=COLLEAGUE), "task_not_assigned")
    _refused(b.complete([first]), "task_photo_count")
    _refused(b.complete([first, second], ticks=[0]), "task_checklist_incomplete")
    _refused(b.complete([first, b.upload(COLLEAGUE)]), "photo_not_yours")
    assert b.task()["status"] == "to_do"
    assert b.complete([first, second])["status"] == "applied"
    assert b.task()["status"] == "waiting_review"

    _refused(b.review(True, user_id=STAFF), "forbidden_role")
    _refused(b.review(True, user_id=MK_MANAGER), "forbidden_role")
    _refused(b.review(False, {second: " "}), "task_comment_required")
    assert b.review(False, {second: "Posters are not in the picture"})["status"] == "applied"
    assert b.task()["status"] == "in_progress"
    _refused(b.complete([b.upload(STAFF), b.upload(STAFF)]), "task_photo_count")
    redo = b.upload(STAFF)
    assert b.complete([redo])["status"] == "applied"
    assert b.review(True)["status"] == "applied"

    pulled = [c for c in pull_all(api, COLLEAGUE) if c["entity"] == "task" and c["id"] == "tk-promo"]
    assert [c["data"]["status"] for c in pulled] == ["to_do", "waiting_review", "in_progress", "waiting_review", "done"]
    assert [(p["sha256"], p["verdict"], p["comment"]) for p in pulled[-1]["data"]["photos"]] == [
        (first, "accepted", ""), (second, "rejected", "Posters are not in the picture"), (redo, "accepted", "")]
    assert pulled[-1]["data"]["checklist"] == ["Price tags", "Posters"]
    # Every photo sent is read by the store's managers, not another store's.
    photo = f"/v1/photos/{redo}"
    assert api.get(photo, headers=bearer(api, CWB_MANAGER)).status_code == 200
    assert api.get(photo, headers=bearer(api, MK_MANAGER)).status_code == 404


def test_who_may_create_a_task(api):
    """The store's manager, its area manager and HQ create tasks; staff and another store's manager
    cannot, nor assign someone of another store; a bad task is refused whole."""
    b = Board(api)
    _refused(b.create("tk-1", STAFF), "forbidden_role")
    _refused(b.create("tk-2", MK_MANAGER), "forbidden_role")
    _refused(b.create("tk-3", assignees={"user_ids": ["u-s03"]}), "forbidden_role")  # works at Mong Kok
    _refused(b.create("tk-4", assignees={"user_ids": [STAFF], "on_shift": True}), "task_bad_task")
    _refused(b.create("tk-5", example_photo_sha256=b.upload(STAFF)), "photo_not_yours")
    assert b.create("tk-6", HK_AREA, assignees={"role": "staff"})["status"] == "applied"
    assert b.create("tk-7", "u-hq", assignees={"on_shift": True}, photos_required=0)["status"] == "applied"
    _refused(b.create("tk-6"), "conflict")
    with api.engine.connect() as conn:
        made = conn.execute(select(db.tasks.c.id).where(db.tasks.c.id.like("tk-_"))).scalars().all()
    assert sorted(made) == ["tk-6", "tk-7"]


def test_undo_before_review_and_cant_do(api):
    """Undo: only who completed it, only before review, the photos sent go. Can't do: an assignee,
    with a reason, and the task is closed."""
    b = Board(api)
    b.create(assignees={"role": "staff"}, photos_required=1, checklist=[])
    assert b.complete([b.upload(COLLEAGUE)], user_id=COLLEAGUE, ticks=())["status"] == "applied"
    _refused(b.push(STAFF, "task.undo", {"task_id": "tk-promo", "user_id": STAFF}), "task_not_undoable")
    assert b.push(COLLEAGUE, "task.undo", {"task_id": "tk-promo", "user_id": COLLEAGUE})["status"] == "applied"
    task = b.task()
    assert (task["status"], task["completed_by"], task["photo_sha256"], task["comment"]) == ("to_do", None, None, "")
    with api.engine.connect() as conn:
        assert conn.execute(select(db.task_photos)).first() is None

    cant = {"task_id": "tk-promo", "user_id": STAFF, "reason": "  ", "at": datetime.now(UTC).isoformat()}
    _refused(b.push(STAFF, "task.cant_do", cant), "invalid_payload")
    _refused(b.push(CWB_MANAGER, "task.cant_do", {**cant, "user_id": CWB_MANAGER, "reason": "No"}),
             "invalid_payload")  # too short for the payload
    _refused(b.push(CWB_MANAGER, "task.cant_do", {**cant, "user_id": CWB_MANAGER, "reason": "Busy now"}),
             "task_not_assigned")  # a store manager is not staff
    assert b.push(STAFF, "task.cant_do", {**cant, "reason": "The posters never arrived"})["status"] == "applied"
    assert (b.task()["status"], b.task()["cant_do_reason"]) == ("cant_do", "The posters never arrived")
    _refused(b.complete([b.upload(STAFF)], ticks=()), "task_not_open")


def test_the_board_for_the_stores_managers_with_overdue(api):
    """The board lists the store's tasks with overdue derived (due passed, still to do) for the
    store's manager, its area manager and HQ; staff and another store's manager get 403."""
    b = Board(api)
    b.create("tk-late", due_at=(datetime.now(UTC) - timedelta(minutes=5)).isoformat())
    b.create("tk-soon")
    resp = b.board()
    assert resp.status_code == 200, resp.text
    shown = {t["id"]: t["shown_status"] for t in resp.json()}
    assert shown["tk-late"] == "overdue" and shown["tk-soon"] == "to_do"
    assert shown["tk-0001"] == "to_do"  # a task from before the board (stored "open" until 0022)
    assert [t["id"] for t in b.board(status="overdue").json()] == ["tk-late"]
    assert b.board(HK_AREA).status_code == 200 and b.board("u-hq").status_code == 200
    for caller in (STAFF, MK_MANAGER):
        resp = b.board(caller)
        assert (resp.status_code, resp.json()["code"]) == (403, "forbidden_role")
    assert b.board(status="late").status_code == 422
