"""Issue 12, taskboard, against a real uvicorn API with 2 workers (SQLite and PostgreSQL): two
people acting on one task at the same moment. Two staff complete a task for their role at once:
one completion is kept with its photo, the other is refused (task_not_open) and leaves no photo.
The store manager approves while the area manager sends a photo back: one review is kept, the
other is refused (task_not_waiting_review), and the photos' verdicts are the kept one's."""

from itertools import count
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from backend_stub import db
from tests.servers import ApiServer, server_engine
from tests.test_api_photos import image, sha
from tests.test_api_trades_race import _at_once

_LOGINS = {"u-s01": ("S3001", "1111"), "u-s02": ("S3002", "2222"), "u-sm-cwb": ("M2001", "7100"),
           "u-am-hk": ("A1002", "8200")}
_SIZES = count(40)  # each photo a different one


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, backend: str):
    """A real API with 2 worker processes: the two actions may land in different processes."""
    server = ApiServer(tmp_path_factory.mktemp("task-race"), workers=2).start()
    yield server
    server.stop()


class Person:
    def __init__(self, server, user_id: str) -> None:
        staff_no, pin = _LOGINS[user_id]
        self.url, self.user_id, self.device, self.seq = server.url, user_id, f"dev-race-{uuid4().hex[:8]}", 0
        token = httpx.post(f"{server.url}/v1/auth/login", json={"staff_no": staff_no, "pin": pin,
                                                                 "device_id": self.device}).json()["access_token"]
        self.auth = {"Authorization": f"Bearer {token}"}

    def upload(self) -> str:
        data = image("JPEG", size=next(_SIZES), noise=True)
        resp = httpx.put(f"{self.url}/v1/photos/{sha(data)}", content=data, headers=self.auth, timeout=30)
        assert resp.status_code in (200, 201), resp.text
        return sha(data)

    def push(self, type_: str, payload: dict) -> dict:
        self.seq += 1
        now = datetime.now(UTC)
        clock = {"device_time": (now - timedelta(seconds=1)).isoformat(), "monotonic_ms": 9_000, "boot_id": "b"}
        body = {"device_id": self.device, "sent": {"device_time": now.isoformat(), "monotonic_ms": 10_000,
                                                   "boot_id": "b"},
                "mutations": [{"seq": self.seq, "idempotency_key": str(uuid4()), "type": type_, "payload": payload,
                               "clock": clock}]}
        resp = httpx.post(f"{self.url}/v1/sync/push", json=body, headers=self.auth, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()["results"][0]


def _outcome(result: dict) -> str:
    return "applied" if result["status"] == "applied" else result["reason"]


def test_two_completions_and_two_reviews_at_once(server):
    """Each pair at the same moment: exactly one is applied, the other refused with its reason,
    and what is stored is the applied one's (its photo, its verdicts)."""
    chan, siti, manager, area = (Person(server, u) for u in ("u-s01", "u-s02", "u-sm-cwb", "u-am-hk"))
    engine = server_engine(server)
    try:
        for round_ in range(3):
            task_id = f"tk-race-{round_}"
            made = manager.push("task.create", {"task_id": task_id, "store_id": "st-cwb", "title": "Race",
                                                "assignees": {"role": "staff"}, "photos_required": 1})
            assert made["status"] == "applied", made
            photos = {chan.user_id: chan.upload(), siti.user_id: siti.upload()}
            done = _at_once(*[lambda p=p: p.push("task.complete", {
                "task_id": task_id, "user_id": p.user_id, "completed_at": datetime.now(UTC).isoformat(),
                "photo_sha256s": [photos[p.user_id]]}) for p in (chan, siti)])
            assert sorted(_outcome(r) for r in done) == ["applied", "task_not_open"], done
            winner = (chan, siti)[[_outcome(r) for r in done].index("applied")]
            with engine.connect() as conn:
                kept = conn.execute(select(db.task_photos.c.photo_sha256, db.task_photos.c.sent_by)
                                    .where(db.task_photos.c.task_id == task_id)).all()
            assert [tuple(k) for k in kept] == [(photos[winner.user_id], winner.user_id)]

            reviews = _at_once(
                lambda: manager.push("task.review", {"task_id": task_id, "approve": True}),
                lambda: area.push("task.review", {"task_id": task_id, "approve": False,
                                                  "rejected": {photos[winner.user_id]: "Blurred"}}))
            assert sorted(_outcome(r) for r in reviews) == ["applied", "task_not_waiting_review"], reviews
            approved = _outcome(reviews[0]) == "applied"
            with engine.connect() as conn:
                status = conn.execute(select(db.tasks.c.status).where(db.tasks.c.id == task_id)).scalar()
                verdict = conn.execute(select(db.task_photos.c.verdict)
                                       .where(db.task_photos.c.task_id == task_id)).scalar()
            assert (status, verdict) == (("done", "accepted") if approved else ("in_progress", "rejected"))
    finally:
        engine.dispose()
