"""Issue 12, inspscore, against a real uvicorn API with 2 workers (SQLite and PostgreSQL): a phone
whose answer was lost sends the same finished inspection again while the first is still being
kept: both answers are the one inspection, and it is kept once."""

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from backend_stub import db
from tests.servers import ApiServer, server_engine
from tests.test_api_inspections import GOOD, WALK
from tests.test_api_trades_race import _at_once


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, backend: str):
    """A real API with 2 worker processes: the copies may land in different processes."""
    server = ApiServer(tmp_path_factory.mktemp("inspection-race"), workers=2).start()
    yield server
    server.stop()


def test_the_same_inspection_sent_four_times_at_once_is_kept_once(server):
    """HK Island's area manager's phone sends one inspection 4 times at the same moment, in 3
    rounds: every answer is 201 with the same score, and each inspection is one row."""
    login = httpx.post(f"{server.url}/v1/auth/login",
                       json={"staff_no": "A1002", "pin": "8200", "device_id": "dev-insp-race"})
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    template = httpx.post(f"{server.url}/v1/inspection-templates", json=WALK, headers=auth).json()
    engine = server_engine(server)
    try:
        for round_ in range(3):
            body = {"id": f"insp-race-{round_}", "template_id": template["id"], "template_version": 1,
                    "store_id": "st-cwb", "finished_at": datetime.now(UTC).isoformat(), "answers": GOOD}
            answers = _at_once(*[lambda: httpx.post(f"{server.url}/v1/inspections", json=body, headers=auth,
                                                    timeout=30)] * 4)
            assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
            assert {a.json()["score"] for a in answers} == {100.0}
            with engine.connect() as conn:
                kept = conn.execute(select(func.count()).select_from(db.inspections)
                                    .where(db.inspections.c.id == body["id"])).scalar()
            assert kept == 1
    finally:
        engine.dispose()
