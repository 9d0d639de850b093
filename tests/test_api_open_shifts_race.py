"""Issue 10, open shifts, against a real uvicorn API with 2 workers (as deployed; SQLite and
PostgreSQL): two colleagues claiming the last place of an open shift at the same moment:
exactly one gets it, the other is told the shift was already taken."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend_stub import db
from tests.servers import ApiServer, server_engine
from tests.test_api_open_shifts import open_shift
from tests.test_api_trades_race import _at_once, phones  # noqa: F401  (signed-in phones of `server`)
from tests.trade_world import future_monday


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, backend: str):
    """A real API with 2 worker processes: the two claims may land in different processes."""
    server = ApiServer(tmp_path_factory.mktemp("open-race"), workers=2).start()
    yield server
    server.stop()


@pytest.mark.parametrize("round_", range(4))
def test_two_claims_on_the_last_place_at_once_exactly_one_wins_and_the_loser_is_told(server, phones, round_):
    """A 2-place open shift; Chan takes the first place; Siti and Fatima tap "Claim" at the same
    moment for the last one: one claim is applied (that person has the shift), the other is
    refused "open_shift_full" ("someone else already took the last place"); 2 places filled,
    exactly 2 shifts made from it."""
    day = future_monday(40 + round_) + timedelta(days=round_)
    open_id = f"os-race-{round_}"
    manager = phones("M2001", "7100")
    assert manager.send("open_shift.create", open_shift(open_id, day, slots=2)).status == "applied"
    monday = day - timedelta(days=day.weekday())
    assert manager.send("roster.publish", {"store_id": "st-cwb", "week_start": monday.isoformat()}).status == "applied"
    chan, siti, fatima = phones("S3001", "1111"), phones("S3002", "2222"), phones("S3008", "8888")
    claim = {"open_shift_id": open_id}
    assert chan.send("open_shift.claim", claim | {"claim_id": f"oc-r{round_}-chan"}).status == "applied"
    results = _at_once(lambda: siti.send("open_shift.claim", claim | {"claim_id": f"oc-r{round_}-siti"}),
                       lambda: fatima.send("open_shift.claim", claim | {"claim_id": f"oc-r{round_}-fatima"}))
    assert sorted(r.status for r in results) == ["applied", "rejected"], results
    loser = next(r for r in results if r.status == "rejected")
    assert loser.reason == "open_shift_full"
    assert "already took the last place" in loser.message
    engine = server_engine(server)
    try:
        with engine.connect() as conn:
            filled = conn.execute(select(db.open_shifts.c.filled).where(db.open_shifts.c.id == open_id)).scalar()
            claims = conn.execute(select(func.count()).select_from(db.open_shift_claims).where(
                db.open_shift_claims.c.open_shift_id == open_id)).scalar()
            made = conn.execute(select(func.count()).select_from(db.shifts).where(
                db.shifts.c.id.like(f"sh-oc-r{round_}-%"))).scalar()
    finally:
        engine.dispose()
    assert (filled, claims, made) == (2, 2, 2)
