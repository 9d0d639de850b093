"""Issue 10, rosters, against a real uvicorn API with 2 workers (SQLite and PostgreSQL): the
store manager and the area manager giving one person overlapping shifts at the same moment:
exactly one shift is stored, the other is refused "shift_overlap" (the sibling of two
overlapping delegations at once)."""

from datetime import timedelta

import pytest

from tests.servers import ApiServer, server_engine, server_rows
from tests.test_api_trades_race import _at_once, phones  # noqa: F401  (signed-in phones of `server`)
from tests.trade_world import add_shift, at, future_monday


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, backend: str):
    """A real API with 2 worker processes: the two creates may land in different processes."""
    server = ApiServer(tmp_path_factory.mktemp("roster-race"), workers=2).start()
    yield server
    server.stop()


def _shift(shift_id: str, day, start: int, end: int) -> dict:
    return {"shift_id": shift_id, "store_id": "st-cwb", "user_id": "u-s02", "role": "",
            "starts_at": at(day, start).isoformat(), "ends_at": at(day, end).isoformat()}


@pytest.mark.parametrize("round_", range(4))
def test_two_managers_giving_one_person_overlapping_shifts_at_once_exactly_one_is_stored(server, phones, round_):
    """Causeway Bay's store manager gives Siti 09:00-17:00 and the area manager 12:00-20:00 on
    the same day, at the same moment: one is applied, the other refused "shift_overlap"; Siti
    has exactly one shift that day."""
    day = future_monday(30 + round_) + timedelta(days=round_)
    store, area = phones("M2001", "7100"), phones("A1002", "8200")
    results = _at_once(lambda: store.send("shift.create", _shift(f"sh-rr-s{round_}", day, 9, 17)),
                       lambda: area.send("shift.create", _shift(f"sh-rr-a{round_}", day, 12, 20)))
    assert sorted(r.status for r in results) == ["applied", "rejected"], results
    assert next(r for r in results if r.status == "rejected").reason == "shift_overlap"
    assert server_rows(server, "SELECT count(*) FROM shifts WHERE id IN (:a, :b)",
                       {"a": f"sh-rr-s{round_}", "b": f"sh-rr-a{round_}"}) == [(1,)]


@pytest.mark.parametrize("round_", range(4))
def test_copy_last_week_beside_an_overlapping_new_shift_never_doubles_a_person(server, phones, round_):
    """Causeway Bay's store manager copies last week (Siti 09:00-17:00 on Monday) while the area
    manager gives Siti 12:00-20:00 on this Monday, at the same moment: whichever lands second sees
    the first (the copy leaves Siti's shift out, or the new shift is refused "shift_overlap"), so
    Siti never has two overlapping shifts that Monday."""
    monday = future_monday(40 + round_)
    engine = server_engine(server)
    add_shift(engine, "u-s02", monday - timedelta(days=7))
    engine.dispose()
    store, area = phones("M2001", "7100"), phones("A1002", "8200")
    copy = {"copy_key": f"racecopy{round_}", "store_id": "st-cwb", "week_start": monday.isoformat()}
    results = _at_once(lambda: store.send("roster.copy_week", copy),
                       lambda: area.send("shift.create", _shift(f"sh-rc-a{round_}", monday, 12, 20)))
    assert [r.status for r in results][0] == "applied", results
    day_start, day_end = at(monday, 0), at(monday + timedelta(days=1), 0)
    assert server_rows(server, "SELECT count(*) FROM shifts WHERE user_id = 'u-s02' AND status <> 'cancelled'"
                       " AND starts_at >= :a AND starts_at < :b", {"a": day_start, "b": day_end}) == [(1,)]
