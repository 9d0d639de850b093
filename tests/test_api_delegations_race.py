"""Issue 10, delegation, against a real uvicorn API with 2 workers (SQLite and PostgreSQL): one
approver handing over the same days twice at the same moment (two phones, or two requests at
once): exactly one delegation is stored, the other is refused "delegation_overlaps"."""

from datetime import datetime, timedelta

import pytest

from app.domain.attendance import HONG_KONG
from tests.servers import ApiServer, server_rows
from tests.test_api_trades_race import Phone, _at_once


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, backend: str):
    """A real API with 2 worker processes: the two hand-overs may land in different processes."""
    server = ApiServer(tmp_path_factory.mktemp("delegation-race"), workers=2).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def two_phones(server, tmp_path_factory):
    """The Causeway Bay store manager signed in on two phones."""
    made = [Phone(server, tmp_path_factory.mktemp(f"phone-{n}"), "M2001", "7100") for n in "ab"]
    yield made
    for phone in made:
        phone.store.close()


@pytest.mark.parametrize("round_", range(4))
def test_two_overlapping_delegations_at_once_exactly_one_is_stored(server, two_phones, round_):
    """Chan Siu Ming hands her approvals over from two phones at the same moment, to the Sha Tin
    manager on one and to the area manager on the other, for overlapping days: one hand-over is
    applied, the other refused "delegation_overlaps" naming the days, and exactly one delegation
    covers those days (no day with two delegates)."""
    first = datetime.now(HONG_KONG).date() + timedelta(days=30 * (round_ + 1))
    days = {"first_day": first.isoformat(), "last_day": (first + timedelta(days=5)).isoformat()}
    later = {"first_day": (first + timedelta(days=2)).isoformat(), "last_day": (first + timedelta(days=9)).isoformat()}
    a, b = two_phones
    results = _at_once(
        lambda: a.send("delegation.set", {"delegation_id": f"dl-race-a{round_}", "delegate_id": "u-sm-st", **days}),
        lambda: b.send("delegation.set", {"delegation_id": f"dl-race-b{round_}", "delegate_id": "u-am-hk", **later}))
    assert sorted(r.status for r in results) == ["applied", "rejected"], results
    loser = next(r for r in results if r.status == "rejected")
    assert loser.reason == "delegation_overlaps"
    assert "overlap another delegation" in loser.message
    assert server_rows(server, "SELECT count(*) FROM approval_delegations WHERE id IN (:a, :b)",
                       {"a": f"dl-race-a{round_}", "b": f"dl-race-b{round_}"}) == [(1,)]
