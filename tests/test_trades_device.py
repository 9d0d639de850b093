"""Issue 10, trades on the phone against a real uvicorn API: requests go through the outbox
(shown at once as pending, undone when the server refuses), the shift rules run on the
device for instant feedback offline, and the server's decision reaches both people."""

from datetime import datetime, timedelta

import pytest

from app.domain import trades
from app.domain.roles import Actor, Role
from app.domain.shift_rules import TradeKind
from app.store import DeviceStore, outbox
from app.store.roster_actions import RosterActions
from app.store.trade_actions import TradeActions
from app.sync import SyncEngine
from tests.conftest import login
from tests.servers import server_engine
from tests.trade_world import add_shift, full_week, future_monday, shift_row

CONTRACT = "continuous_contract_at_risk"


class Phone:
    """A signed-in device with its trade actions."""

    def __init__(self, server, path, staff_no: str, pin: str) -> None:
        self.store = DeviceStore(path / f"{staff_no}.db")
        self.api = login(server.url, self.store, staff_no, pin)
        user, _ = self.store.load_session()
        self.user_id = user["id"]
        self.actor = Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))
        self.trades = TradeActions(self.store, self.store.clock, self.actor)

    def sync(self):
        return SyncEngine(self.store, self.api).sync_once()

    def one(self, table: str, key: str) -> dict | None:
        with self.store.reading() as db:
            rows = list(db.query(f"SELECT * FROM {table} WHERE id=?", [key]))
        return rows[0] if rows else None

    def rejected(self) -> list[tuple[str, str]]:
        with self.store.reading() as db:
            return [(r["type"], r["reason"]) for r in outbox.rejected(db)]


def offer_accepted(chan: Phone, taker: Phone, shift: str, to_manager: Phone | None = None) -> str:
    """Chan offers ``shift`` to ``taker``, who says yes; both synced (and the manager's phone
    pulled); the trade's id."""
    chan.sync()
    trade_id = chan.trades.request(TradeKind.OFFER, shift, taker.user_id)
    chan.sync()
    taker.sync()
    taker.trades.respond(trade_id, accept=True)
    taker.sync()
    (to_manager or taker).sync()
    return trade_id


@pytest.fixture
def world(server, tmp_path):
    engine = server_engine(server)
    made = []

    def phone(staff_no: str, pin: str) -> Phone:
        made.append(Phone(server, tmp_path, staff_no, pin))
        return made[-1]

    yield engine, phone
    for p in made:
        p.store.close()
    engine.dispose()


def test_offer_accepted_offline_then_synced_both_phones_show_the_new_holder(world):
    """Chan offers his shift to Siti with no network: his phone shows the request at once,
    pending. After sync Siti sees it, accepts, and on the next pulls both phones show the
    trade approved and the shift in Siti's name."""
    engine, phone = world
    monday = future_monday(20)
    shift = add_shift(engine, "u-s01", monday)
    full_week(engine, "u-s01", monday)
    chan, siti = phone("S3001", "1111"), phone("S3002", "2222")
    chan.sync()
    trade_id = chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    local = chan.one("trades", trade_id)
    assert local["state"] == trades.WAITING_COLLEAGUE and local["sync_state"] == "pending"
    chan.sync()
    siti.sync()
    assert siti.one("trades", trade_id)["state"] == trades.WAITING_COLLEAGUE
    siti.trades.respond(trade_id, accept=True)
    siti.sync()
    siti.sync()
    chan.sync()
    for p in (chan, siti):
        assert p.one("trades", trade_id)["state"] == trades.APPROVED
        assert p.one("shifts", shift)["user_id"] == "u-s02"


def test_offline_request_on_a_shift_edited_meanwhile_is_refused_and_undone(world):
    """Chan asks offline; the manager edits that shift before Chan's phone syncs: the server
    refuses with "shift changed", and Chan's phone drops the pending request and says why."""
    engine, phone = world
    monday = future_monday(21)
    shift = add_shift(engine, "u-s01", monday)
    chan, manager = phone("S3001", "1111"), phone("M2001", "7100")
    chan.sync()
    trade_id = chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    manager.sync()
    row = manager.one("shifts", shift)
    start, end = datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"])
    RosterActions(manager.store, manager.store.clock, manager.actor).update_shift(
        shift, user_id="u-s01", starts_at=start, ends_at=end + timedelta(hours=1), role="Sales")
    manager.sync()
    assert shift_row(engine, shift)["version"] == 2
    chan.sync()
    assert chan.one("trades", trade_id) is None
    assert ("trade.request", "trade_shift_changed") in chan.rejected()


def test_colleague_picker_lists_everyone_with_their_verdict_offline(world):
    """With no network, Chan's phone says who can take his shift: Siti, already working then,
    is listed as refused for the overlap, not hidden; a free colleague is listed too. Offering
    it to Siti anyway is refused on the phone at once, with the rule, and nothing is queued."""
    engine, phone = world
    monday = future_monday(22)
    shift = add_shift(engine, "u-s01", monday)
    add_shift(engine, "u-s02", monday, 12, 20)
    chan = phone("S3001", "1111")
    chan.sync()
    verdicts = {c.person_id: c for c in chan.trades.who_can_take(shift)}
    assert verdicts["u-s02"].status == "refused"
    assert verdicts["u-s02"].check.refusals[0].code == "shift_overlap"
    assert "u-s08" in verdicts and "u-s01" not in verdicts
    with pytest.raises(trades.TradeRefused) as refused:
        chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    assert refused.value.reason == "shift_overlap" and refused.value.check.refusals
    with chan.store.reading() as db:
        assert outbox.pending(db, 10) == []
        assert db.execute("SELECT count(*) FROM trades WHERE shift_id=?", [shift]).fetchone()[0] == 0


def test_manager_approves_a_warning_with_a_reason_and_both_sides_see_it(world):
    """Giving away Chan's only shift that week warns of the "468" contract: Siti's yes leaves it
    waiting for the manager, whose phone asks for a reason first; with one, the approval syncs
    and Chan and Siti both see the shift change hands."""
    engine, phone = world
    shift = add_shift(engine, "u-s01", future_monday(23))
    chan, siti, manager = phone("S3001", "1111"), phone("S3002", "2222"), phone("M2001", "7100")
    trade_id = offer_accepted(chan, siti, shift, manager)
    assert manager.one("trades", trade_id)["state"] == trades.WAITING_MANAGER
    with pytest.raises(trades.TradeRefused) as missing:
        manager.trades.decide(trade_id, approve=True)
    assert missing.value.reason == "trade_override_needed"
    manager.trades.decide(trade_id, approve=True, override_reasons={(CONTRACT, "u-s01"): "Chan asked for time off"})
    assert manager.one("trades", trade_id)["sync_state"] == "pending"
    manager.sync()
    manager.sync()
    for p in (chan, siti):
        p.sync()
        assert p.one("trades", trade_id)["state"] == trades.APPROVED
        assert p.one("shifts", shift)["user_id"] == "u-s02"
    assert "Chan asked for time off" in manager.one("trades", trade_id)["overrides"]


def test_cancel_before_approval_reaches_the_colleague(world):
    """Chan withdraws his offer before Siti answers: her phone shows it cancelled and her
    phone refuses to accept it."""
    engine, phone = world
    shift = add_shift(engine, "u-s01", future_monday(24))
    chan, siti = phone("S3001", "1111"), phone("S3002", "2222")
    chan.sync()
    trade_id = chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    chan.trades.cancel(trade_id)
    assert chan.one("trades", trade_id)["state"] == trades.CANCELLED
    chan.sync()
    siti.sync()
    assert siti.one("trades", trade_id)["state"] == trades.CANCELLED
    with pytest.raises(trades.TradeRefused):
        siti.trades.respond(trade_id, accept=True)
