"""Issue 13, trainstaff: shared pieces of the staff-phone training tests: HQ writes courses and a
quiz, a store manager schedules a session and reads its code (all through the real API), and
phones (real device stores) are signed in to the real server."""

from datetime import UTC, datetime, timedelta

import httpx

from app.domain.geofence import Fix
from app.store import DeviceStore
from app.store.training_actions import TrainingActions, keep_quiz_views
from app.sync import SyncEngine
from app.sync.training_api import quiz_views
from tests.conftest import login
from tests.test_sync_rollback import _actor

HQ, CWB_MANAGER, CHAN, SITI = ("A0001", "9000"), ("M2001", "7100"), ("S3001", "1111"), ("S3002", "2222")
CWB_LAT, CWB_LON = 22.27834, 114.18222
#: Authored choice ids that must never reach a staff phone (the view names choices c1, c2, ...).
QUIZ = {"id": "qz-stock", "title": "Stock room check", "pass_mark": 100, "attempts_allowed": 2, "questions": [
    {"id": "q1", "kind": "single_choice", "text": "Fridge temperature?", "answer": "authored-right-zq",
     "choices": [{"id": "authored-warm-zq", "text": "Below 20 C"}, {"id": "authored-right-zq", "text": "Below 5 C"},
                 {"id": "authored-hot-zq", "text": "Above 60 C"}]},
    {"id": "q2", "kind": "true_false", "text": "Wash hands before handling stock.", "answer": "true"}]}
RIGHT = {"q1": "Below 5 C", "q2": "true"}  # what a person who knows answers (by text, as they read it)


class TrainingPhone:
    """One person's phone: device store, sync engine, training actions."""

    def __init__(self, server, tmp_path, staff_no: str, pin: str) -> None:
        self.server = server
        self.store = DeviceStore(tmp_path / staff_no / "device.db")
        self.api = login(server.url, self.store, staff_no, pin)
        self.sync = SyncEngine(self.store, self.api)
        self.sync.sync_once()
        self.actions = TrainingActions(self.store, self.store.clock, _actor(self.store))
        self.user_id = self.actions.actor.user_id

    def call(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        return httpx.request(method, f"{self.server.url}{path}", json=body,
                             headers={"Authorization": f"Bearer {self.api.access_token}"})

    def post(self, path: str, body: dict) -> dict:
        resp = self.call("POST", path, body)
        assert resp.status_code < 300, resp.text
        return resp.json()

    def fetch_quiz(self, session_id: str, quiz_id: str) -> int:
        return keep_quiz_views(self.store, self.user_id, session_id, quiz_id, quiz_views(self.api, session_id))

    def rows(self, sql: str, params=()) -> list[dict]:
        with self.store.reading() as db:
            return list(db.query(sql, list(params)))

    def close(self) -> None:
        self.store.close()


def write_courses(hq: TrainingPhone) -> None:
    """HQ writes the quiz, a course with it, one without (attending completes it) and one asking
    for a sign-out at the end."""
    hq.post("/v1/training/quizzes", QUIZ)
    hq.post("/v1/training/courses", {"id": "stock", "title": "Stock room safety", "skill": "stock_room",
                                     "validity_months": 12, "quiz_id": QUIZ["id"]})
    hq.post("/v1/training/courses", {"id": "tills", "title": "Till basics", "skill": "till", "validity_months": 1})
    hq.post("/v1/training/courses", {"id": "closing", "title": "Closing the store", "skill": "closing",
                                     "sign_out_required": True})


def new_session(manager: TrainingPhone, session_id: str, course_id: str = "tills", starts_in_min: float = 5,
                length_min: float = 60, **changes) -> dict:
    """A session at Causeway Bay run by Siti (u-s02), scheduled by its manager."""
    starts = datetime.now(UTC) + timedelta(minutes=starts_in_min)
    return manager.post("/v1/training/sessions", {
        "id": session_id, "course_id": course_id, "trainer_id": "u-s02", "store_id": "st-cwb",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=length_min)).isoformat(), **changes})


def code_now(manager: TrainingPhone, session_id: str) -> str:
    resp = manager.call("GET", f"/v1/training/sessions/{session_id}/code")
    assert resp.status_code == 200, resp.text
    return resp.json()["code"]


def at_store(lat: float = CWB_LAT, lon: float = CWB_LON, accuracy: float = 12.0) -> Fix:
    """A fresh fix at Causeway Bay's entrance (by default)."""
    return Fix(lat, lon, accuracy, datetime.now(UTC))


def right_answers(view) -> dict[str, str]:
    """The place of each right choice in this view, found by its text (as a person would)."""
    out = {}
    for question in view.questions:
        want = RIGHT[question.id]
        out[question.id] = want if question.kind == "true_false" else next(
            c.id for c in question.choices if c.text == want)
    return out
