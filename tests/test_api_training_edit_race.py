"""Issue 13, trainmanage: two managers edit the same training session at the same moment (real
uvicorn, SQLite and PostgreSQL; the row is locked): exactly one edit wins, the other is refused
409 training_session_changed, and the stored version went up once."""

from datetime import UTC, datetime, timedelta

import pytest

from app.sync import RequestRejected, training_api
from tests.test_api_trades_race import _at_once
from tests.test_trades_screens import device  # noqa: F401  (the fixture)

COURSE = {"id": "hygiene", "title": "Food hygiene", "skill": "food_safety", "validity_months": 12}


def _try(call):
    try:
        return call()
    except RequestRejected as exc:
        return exc


@pytest.mark.parametrize("round_", range(2))
def test_two_managers_editing_at_once_one_wins(device, round_):
    """The store manager and the area manager both edit version 1 (8 and 9 seats) at once: one 200,
    one 409 training_session_changed; the list shows version 2 with the winner's seats."""
    hq = device("A0001", "9000")
    assert hq.api._authed("POST", "/training/courses", json=COURSE).status_code == 200  # noqa: SLF001
    store_manager, area_manager = device("M2001", "7100"), device("A1002", "8200")
    start = datetime.now(UTC) + timedelta(days=1)
    made = training_api.create_session(store_manager.api, {
        "id": f"ts-race-{round_}", "course_id": "hygiene", "trainer_id": "u-sm-cwb", "store_id": "st-cwb",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()})
    body = {k: made[k] for k in ("trainer_id", "starts_at", "ends_at")} | {"base_version": 1}
    results = _at_once(*[lambda ctx=ctx, seats=seats: _try(lambda: training_api.edit_session(
        ctx.api, made["id"], {**body, "capacity": seats})) for ctx, seats in ((store_manager, 8), (area_manager, 9))])
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if isinstance(r, RequestRejected)]
    assert len(won) == 1 and len(lost) == 1, results
    assert (lost[0].status, lost[0].code) == (409, "training_session_changed")
    (listed,) = [s for s in training_api.sessions(store_manager.api, "st-cwb") if s["id"] == made["id"]]
    assert (listed["version"], listed["capacity"]) == (2, won[0]["capacity"])
