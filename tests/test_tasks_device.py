"""Issue 12, taskboard: the task board on phones (real SQLite device stores, real uvicorn API):
a manager's phone creates a task needing 2 photos and a checklist; staff complete it offline with
two camera photos (prepared, queued, uploaded by sync); the manager sends one back; the redo sends
just that one; approved; every phone pulls each step. A completion the server refuses (someone
else's got in first) is undone on the phone; can't do and undo go through sync."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.tasks.model import Assignees, TaskKind
from app.store import Actions, DeviceStore
from app.sync import SyncEngine
from tests.conftest import login
from tests.test_photo_prepare import camera_jpeg
from tests.test_sync_rollback import _actor


class Phone:
    def __init__(self, server, tmp_path, staff_no: str, pin: str) -> None:
        self.store = DeviceStore(tmp_path / f"{staff_no}.db")
        self.sync = SyncEngine(self.store, login(server.url, self.store, staff_no, pin))
        self.sync.sync_once()
        self.actions = Actions(self.store, self.store.clock, _actor(self.store))

    def task(self, task_id: str) -> dict:
        with self.store.reading() as db:
            return next(iter(db.query("SELECT * FROM tasks WHERE id=?", [task_id])))

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def phones(server, tmp_path):
    made = {name: Phone(server, tmp_path, *login_) for name, login_ in
            {"manager": ("M2001", "7100"), "staff": ("S3001", "1111"), "colleague": ("S3002", "2222")}.items()}
    yield made
    for phone in made.values():
        phone.close()


def _photo(seed: int) -> bytes:
    return camera_jpeg(width=800, height=600, seed=seed)


def test_a_task_round_on_phones(phones):
    """Create, complete with 2 photos offline, send one back, redo just it, approve: each phone
    shows the step at once and the others after a sync."""
    manager, staff = phones["manager"], phones["staff"]
    task_id = manager.actions.create_task(
        "st-cwb", "Photograph the promotion shelf", assignees=Assignees(("u-s01",)), kind=TaskKind.PROMOTION_SETUP,
        checklist=["Price tags", "Posters"], photos_required=2, due_at=datetime.now(UTC) + timedelta(hours=2))
    assert manager.sync.sync_once().applied == 1
    staff.sync.sync_once()
    assert json.loads(staff.task(task_id)["checklist"]) == ["Price tags", "Posters"]

    with pytest.raises(AccessDenied) as refused:  # the rule runs on the phone first
        staff.actions.complete_task(task_id, "Done", photos=[_photo(1), _photo(2)], ticked={0})
    assert refused.value.reason == "task_checklist_incomplete"
    staff.actions.complete_task(task_id, "Done", photos=[_photo(1), _photo(2)], ticked={0, 1})
    local = staff.task(task_id)
    assert (local["status"], local["sync_state"]) == ("waiting_review", "pending")
    report = staff.sync.sync_once()
    assert (report.photos, report.applied, report.rejected) == (2, 1, 0)
    first, second = [p["sha256"] for p in json.loads(staff.task(task_id)["photos"])]

    manager.sync.sync_once()
    manager.actions.review_task(task_id, False, {second: "Posters are not in the picture"})
    assert manager.sync.sync_once().applied == 1
    staff.sync.sync_once()
    sent_back = staff.task(task_id)
    assert sent_back["status"] == "in_progress"
    assert [p["verdict"] for p in json.loads(sent_back["photos"])] == ["accepted", "rejected"]
    with pytest.raises(AccessDenied):
        staff.actions.complete_task(task_id, "Again", photos=[_photo(3), _photo(4)], ticked={0, 1})
    staff.actions.complete_task(task_id, "Posters in view now", photos=[_photo(3)], ticked={0, 1})
    assert staff.sync.sync_once().applied == 1

    manager.sync.sync_once()
    manager.actions.review_task(task_id, True)
    manager.sync.sync_once()
    staff.sync.sync_once()
    done = staff.task(task_id)
    assert done["status"] == "done" and [p["verdict"] for p in json.loads(done["photos"])] == [
        "accepted", "rejected", "accepted"]


def test_a_refused_completion_is_undone_and_cant_do_and_undo_sync(phones):
    """Two staff complete the same role task offline: the second is refused (task_not_open) and its
    phone shows the server's task again. The first takes it back (undo), then says it can't be done."""
    manager, staff, colleague = phones["manager"], phones["staff"], phones["colleague"]
    task_id = manager.actions.create_task("st-cwb", "Restock fitting rooms", assignees=Assignees(role="staff"),
                                          photos_required=1)
    manager.sync.sync_once()
    staff.sync.sync_once()
    colleague.sync.sync_once()
    staff.actions.complete_task(task_id, photos=[_photo(5)])
    colleague.actions.complete_task(task_id, photos=[_photo(6)])
    assert staff.sync.sync_once().applied == 1
    report = colleague.sync.sync_once()
    assert report.rejected == 1
    mine = colleague.task(task_id)
    assert (mine["status"], mine["completed_by"]) == ("waiting_review", "u-s01")  # the server's copy

    with pytest.raises(AccessDenied) as refused:
        colleague.actions.undo_task(task_id)
    assert refused.value.reason == "task_not_undoable"
    staff.actions.undo_task(task_id)
    assert staff.task(task_id)["status"] == "to_do"
    assert staff.sync.sync_once().applied == 1
    staff.actions.cant_do_task(task_id, "The stock has not arrived")
    assert staff.sync.sync_once().applied == 1
    manager.sync.sync_once()
    seen = manager.task(task_id)
    assert (seen["status"], seen["cant_do_reason"], json.loads(seen["photos"])) == (
        "cant_do", "The stock has not arrived", [])


def test_a_task_pulled_without_a_time_zone_is_read_as_utc(tmp_path):
    """A due time stored without its zone is UTC on the phone: the overdue mark still works."""
    from app.store.task_actions import listed

    store = DeviceStore(tmp_path / "old.db")
    with store.transaction() as db:
        db["tasks"].insert({"id": "tk-old", "store_id": "st-cwb", "title": "Old", "status": "open",
                            "due_at": "2026-01-01T09:00:00", "sync_state": "synced"})
    with store.reading() as db:
        [item] = listed(db, "u-s01", "staff", ["st-cwb"], datetime(2026, 1, 1, 9, 1, tzinfo=UTC))
    store.close()
    assert (item["shown"], item["mine"], item["photos_to_send"]) == ("overdue", True, 0)
