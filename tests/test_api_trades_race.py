"""Issue 10, trades, against a real uvicorn API (SQLite and PostgreSQL): two managers approving
conflicting trades at the same moment, and two colleagues taking the same cover request at the
same moment: exactly one wins, the other is told why."""

import threading
from datetime import UTC, datetime

import pytest

from app.protocol.sync import PushRequest
from app.store import DeviceStore
from tests.conftest import login
from tests.servers import server_engine
from tests.test_api_push import mutation
from tests.trade_world import add_shift, full_week, future_monday, offer, shift_row, trade_row

OVERRIDE = {"code": "continuous_contract_at_risk", "person_id": "u-s01", "reason": "Short week agreed in advance"}


class Phone:
    """A signed-in device pushing one action at a time, as its outbox would."""

    def __init__(self, server, path, staff_no: str, pin: str) -> None:
        self.store = DeviceStore(path / f"{staff_no}.db")
        self.api = login(server.url, self.store, staff_no, pin)
        self.seq = 0

    def send(self, type_: str, payload: dict):
        self.seq += 1
        request = PushRequest.model_validate({
            "device_id": self.store.device_id, "mutations": [mutation(self.seq, type_, payload)],
            "sent": {"device_time": datetime.now(UTC).isoformat(), "monotonic_ms": 10_000_000,
                     "boot_id": "boot-trade-race"}})
        return self.api.push(request).results[0]


@pytest.fixture
def phones(server, tmp_path):
    made: dict[str, Phone] = {}

    def phone(staff_no: str, pin: str) -> Phone:
        if staff_no not in made:
            made[staff_no] = Phone(server, tmp_path, staff_no, pin)
        return made[staff_no]

    yield phone
    for p in made.values():
        p.store.close()


def _at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    gate, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        gate.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_managers_approving_conflicting_trades_exactly_one_wins(server, phones, round_):
    """Chan offered the same shift to Siti and to Fatima; both said yes; the store manager and
    the area manager approve at the same moment: one trade is approved, the other is refused
    with "shift changed", and the shift has exactly one new holder."""
    engine = server_engine(server)
    try:
        shift = add_shift(engine, "u-s01", future_monday(8 + round_))
        chan, siti, fatima = phones("S3001", "1111"), phones("S3002", "2222"), phones("S3008", "8888")
        a, b = f"tr-race-a{round_}", f"tr-race-b{round_}"
        assert chan.send("trade.request", offer(a, shift, "u-s02")).status == "applied"
        assert chan.send("trade.request", offer(b, shift, "u-s08")).status == "applied"
        assert siti.send("trade.respond", {"trade_id": a, "accept": True}).status == "applied"
        assert fatima.send("trade.respond", {"trade_id": b, "accept": True}).status == "applied"
        store_manager, area_manager = phones("M2001", "7100"), phones("A1002", "8200")
        results = _at_once(
            lambda: store_manager.send("trade.decide", {"trade_id": a, "approve": True, "overrides": [OVERRIDE]}),
            lambda: area_manager.send("trade.decide", {"trade_id": b, "approve": True, "overrides": [OVERRIDE]}))
        statuses = sorted(r.status for r in results)
        assert statuses == ["applied", "rejected"], results
        loser = next(r for r in results if r.status == "rejected")
        assert loser.reason == "trade_shift_changed"
        states = {trade_row(engine, t)["state"] for t in (a, b)}
        assert states == {"approved", "waiting_manager"}
        winner = a if trade_row(engine, a)["state"] == "approved" else b
        assert shift_row(engine, shift)["user_id"] == ("u-s02" if winner == a else "u-s08")
        assert shift_row(engine, shift)["version"] == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize("round_", range(3))
def test_two_colleagues_taking_one_cover_request_the_loser_is_told_why(server, phones, round_):
    """Chan asks for cover; Siti and Fatima tap "take it" at the same moment: one gets the shift
    (approved at once), the other is refused with "someone else took it first"."""
    engine = server_engine(server)
    try:
        monday = future_monday(12 + round_)
        shift = add_shift(engine, "u-s01", monday)
        full_week(engine, "u-s01", monday)
        chan, siti, fatima = phones("S3001", "1111"), phones("S3002", "2222"), phones("S3008", "8888")
        trade = f"tr-cover-race{round_}"
        assert chan.send("trade.request", offer(trade, shift, None, kind="cover")).status == "applied"
        results = _at_once(lambda: siti.send("trade.respond", {"trade_id": trade, "accept": True}),
                           lambda: fatima.send("trade.respond", {"trade_id": trade, "accept": True}))
        assert sorted(r.status for r in results) == ["applied", "rejected"], results
        loser = next(r for r in results if r.status == "rejected")
        assert loser.reason in ("trade_already_taken", "trade_shift_changed")
        taker = trade_row(engine, trade)["taker_id"]
        assert trade_row(engine, trade)["state"] == "approved" and shift_row(engine, shift)["user_id"] == taker
    finally:
        engine.dispose()
