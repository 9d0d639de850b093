"""Issue 13, trainapi: shared steps of the training API tests (HQ writes a course and a quiz, a
manager schedules a session, phones push sign-ins and quiz sheets)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.domain.training import codes
from backend_stub import db
from tests.test_api_push import bearer, mutation, push

CWB_LAT, CWB_LON = 22.27834, 114.18222
HQ, CWB_MANAGER, MK_MANAGER, STAFF, TRAINER, STAFF_MK = "u-hq", "u-sm-cwb", "u-sm-mk", "u-s01", "u-s02", "u-s03"

QUIZ = {"id": "qz-hygiene", "title": "Food hygiene check", "pass_mark": 100, "attempts_allowed": 2, "questions": [
    {"id": "q1", "kind": "single_choice", "text": "Fridge temperature?", "answer": "cold",
     "choices": [{"id": "warm", "text": "Below 20 C"}, {"id": "cold", "text": "Below 5 C"},
                 {"id": "hot", "text": "Above 60 C"}]},
    {"id": "q2", "kind": "true_false", "text": "Wash hands before handling food.", "answer": "true"}]}


def hq_course(api, course_id: str = "hygiene", quiz: bool = False, **changes) -> None:
    """HQ writes the quiz (when asked) and the course."""
    h = bearer(api, HQ, "dev-hq")
    if quiz:
        assert api.post("/v1/training/quizzes", json=QUIZ, headers=h).status_code == 201
    body = {"id": course_id, "title": "Food hygiene", "skill": "food_safety", "validity_months": 12,
            "quiz_id": QUIZ["id"] if quiz else None, **changes}
    resp = api.post("/v1/training/courses", json=body, headers=h)
    assert resp.status_code == 200, resp.text


def new_session(api, session_id: str, starts_in_min: float = 5, length_min: float = 60, course_id: str = "hygiene",
                user_id: str = CWB_MANAGER, **changes):
    """A session at Causeway Bay starting ``starts_in_min`` from now, run by TRAINER."""
    starts = datetime.now(UTC) + timedelta(minutes=starts_in_min)
    body = {"id": session_id, "course_id": course_id, "trainer_id": TRAINER, "store_id": "st-cwb",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=length_min)).isoformat(), **changes}
    return api.post("/v1/training/sessions", json=body, headers=bearer(api, user_id, f"dev-{user_id}"))


def secret_of(api, session_id: str) -> bytes:
    """The session's secret, read from the server's database (the test plays the trainer's phone)."""
    with api.engine.connect() as conn:
        text = conn.execute(select(db.training_sessions.c.secret)
                            .where(db.training_sessions.c.id == session_id)).scalar()
    return codes.decode_secret(text)


def fix(at: datetime, lat: float = CWB_LAT, lon: float = CWB_LON, accuracy: float = 15.0) -> dict:
    return {"latitude": lat, "longitude": lon, "accuracy_m": accuracy, "timestamp": at.isoformat()}


class Phones:
    """Each person pushes from their own device with its own numbers."""

    def __init__(self, api) -> None:
        self.api, self.seqs = api, {}

    def push(self, user_id: str, type_: str, payload: dict, age_s: float = 2.0) -> dict:
        seq = self.seqs[user_id] = self.seqs.get(user_id, 0) + 1
        when = datetime.now(UTC) - timedelta(seconds=age_s)
        resp = push(self.api, user_id, [mutation(seq, type_, payload, age_s=age_s, device_time=when)],
                    device_id=f"dev-{user_id}")
        assert resp.status_code == 200, resp.text
        return resp.json()["results"][0]

    def sign_in(self, user_id: str, session_id: str, code: str, age_s: float = 2.0, where: dict | None = None,
                kind: str = "training.sign_in") -> dict:
        at = datetime.now(UTC) - timedelta(seconds=age_s)
        return self.push(user_id, kind, {"session_id": session_id, "user_id": user_id, "code": code,
                                         "fix": where or fix(at)}, age_s)


def outcome(result: dict) -> str:
    return "applied" if result["status"] == "applied" else result["reason"]
