"""Issue 10, trades, tried by a hostile tester against a real uvicorn API: nobody decides a
trade they take part in or answers one meant for someone else; a phone says "shift changed"
at once when a trade's shift was edited after the request; the same offer is not sent twice;
the screens show which shift a trade is about and what is left to do."""

from datetime import datetime, timedelta

import pytest

from app.domain import trades
from app.domain.access import AccessDenied
from app.domain.shift_rules import TradeKind
from app.protocol import Reason
from app.protocol import mutations as m
from tests.test_trades_device import CONTRACT, offer_accepted, world  # noqa: F401  (fixtures)
from tests.test_trades_screens import device  # noqa: F401
from tests.trade_world import add_shift, future_monday, shift_row


def _manager_takes_chans_offer(engine, phone, weeks: int):
    """Chan offers his shift to his own store manager (rostered in Sales before, so eligible);
    the manager accepts; Chan's "468" warning keeps it waiting for a manager."""
    monday = future_monday(weeks)
    add_shift(engine, "u-sm-cwb", monday - timedelta(days=3), role="Sales")
    shift = add_shift(engine, "u-s01", monday)
    chan, manager = phone("S3001", "1111"), phone("M2001", "7100")
    trade_id = offer_accepted(chan, manager, shift)
    assert manager.one("trades", trade_id)["state"] == trades.WAITING_MANAGER
    return shift, trade_id, chan, manager


def test_a_manager_cannot_approve_a_trade_that_gives_them_the_shift(world):
    """The store manager who took Chan's shift cannot approve that trade: refused on the phone
    at once, and by the server when pushed anyway ("you cannot approve your own request");
    the shift stays Chan's."""
    engine, phone = world
    shift, trade_id, chan, manager = _manager_takes_chans_offer(engine, phone, 40)
    override = {(CONTRACT, "u-s01"): "I want it"}
    with pytest.raises(AccessDenied) as refused:
        manager.trades.decide(trade_id, True, override)
    assert refused.value.reason == Reason.REQUEST_OWN
    assert manager.one("trades", trade_id)["state"] == trades.WAITING_MANAGER
    # A tampered phone queues it anyway, past its own check: the server refuses it too.
    payload = m.TradeDecide(trade_id=trade_id, approve=True, overrides=[
        m.TradeOverride(code=CONTRACT, person_id="u-s01", reason="I want it")])
    manager.trades._update("trade.decide", payload, trade_id, {"state": trades.APPROVED})
    manager.sync()
    assert ("trade.decide", Reason.REQUEST_OWN) in manager.rejected()
    assert shift_row(engine, shift)["user_id"] == "u-s01"
    chan.sync()
    assert chan.one("shifts", shift)["user_id"] == "u-s01"


def test_an_answer_to_a_trade_whose_shift_was_edited_says_shift_changed_at_once(world):
    """The manager moves Chan's shift after he offered it to Siti: once Siti's phone has the
    new shift, her Accept is refused on the phone at once with "shift changed" (nothing
    queued for the server to refuse later)."""
    from app.store.roster_actions import RosterActions

    engine, phone = world
    monday = future_monday(41)
    shift = add_shift(engine, "u-s01", monday)
    chan, siti, manager = phone("S3001", "1111"), phone("S3002", "2222"), phone("M2001", "7100")
    chan.sync()
    trade_id = chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    chan.sync()
    manager.sync()
    row = manager.one("shifts", shift)
    start, end = datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"])
    RosterActions(manager.store, manager.store.clock, manager.actor).update_shift(
        shift, user_id="u-s01", starts_at=start + timedelta(hours=1), ends_at=end + timedelta(hours=1), role="Sales")
    manager.sync()
    siti.sync()
    with pytest.raises(AccessDenied) as refused:
        siti.trades.respond(trade_id, accept=True)
    assert refused.value.reason == Reason.TRADE_SHIFT_CHANGED
    assert siti.one("trades", trade_id)["state"] == trades.WAITING_COLLEAGUE
    with siti.store.reading() as db:
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE type LIKE 'trade.%'").fetchone()[0] == 0


def test_siti_sees_which_shift_and_no_accept_once_it_changed(server, device):
    """Siti's Shift trades screen names the offered shift's date and times; after the manager
    moves that shift, the same screen (redrawn from her synced phone) says "shift changed" in
    her language and offers only Decline."""
    from app.store.roster_actions import RosterActions
    from app.sync import SyncEngine
    from app.ui.screens import trades as screen
    from tests.servers import server_engine
    from tests.test_trades_screens import _texts

    engine = server_engine(server)
    shift = add_shift(engine, "u-s01", future_monday(42))
    engine.dispose()
    chan = device("S3001", "1111")
    screen.TradeActions(chan.store, chan.store.clock, chan.actor).request(TradeKind.OFFER, shift, "u-s02")
    SyncEngine(chan.store, chan.api).sync_once()
    siti = device("S3002", "2222", "id")
    with siti.store.reading() as db:
        row = next(db.query("SELECT * FROM shifts WHERE id=?", [shift]))
    when = screen._when(siti, row)
    texts = _texts(screen.view(siti))
    assert when in texts and siti._("Accept") in texts
    manager = device("M2001", "7100")
    start, end = datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"])
    RosterActions(manager.store, manager.store.clock, manager.actor).update_shift(
        shift, user_id="u-s01", starts_at=start, ends_at=end + timedelta(hours=1), role="Sales")
    SyncEngine(manager.store, manager.api).sync_once()
    SyncEngine(siti.store, siti.api).sync_once()
    texts = _texts(screen.view(siti))
    assert siti.reason_text(Reason.TRADE_SHIFT_CHANGED) in texts
    assert siti._("Accept") not in texts and siti._("Decline") in texts


def test_the_same_offer_cannot_be_sent_twice(world):
    """Chan taps Siti twice: the phone refuses the second offer at once ("already has a
    request waiting"), and a tampered phone's second copy is refused by the server; one
    request stays, waiting for Siti."""
    engine, phone = world
    shift = add_shift(engine, "u-s01", future_monday(43))
    chan = phone("S3001", "1111")
    chan.sync()
    first = chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    with pytest.raises(AccessDenied) as refused:
        chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    assert refused.value.reason == Reason.TRADE_ALREADY_OPEN
    chan.sync()
    # Past the phone's check: straight into the outbox, as a tampered phone would.
    payload = m.TradeRequest(trade_id="tr-second", kind="offer", shift_id=shift, shift_version=1, taker_id="u-s02")
    chan.trades._record("trade.request", payload, "trade:tr-second", lambda db: None)
    chan.sync()
    assert ("trade.request", Reason.TRADE_ALREADY_OPEN) in chan.rejected()
    with engine.connect() as conn:
        from sqlalchemy import text
        states = conn.execute(text("SELECT id, state FROM shift_trades WHERE shift_id=:s"), {"s": shift}).all()
    assert [tuple(r) for r in states] == [(first, trades.WAITING_COLLEAGUE)]


def test_after_offering_the_shift_screen_shows_the_request_not_the_picker_again(server, device):
    """Once Chan picked Siti, his shift's screen shows that request (waiting for the colleague,
    with Cancel request) instead of the offer buttons and the picker (no second tap)."""
    from app.ui.screens import trades as screen
    from tests.servers import server_engine
    from tests.test_trades_screens import _texts

    engine = server_engine(server)
    shift = add_shift(engine, "u-s01", future_monday(44))
    engine.dispose()
    chan = device("S3001", "1111", "th")
    assert chan._("Offer to a colleague") in _texts(screen.shift_view(chan, f"/shifts/{shift}", shift))
    screen.TradeActions(chan.store, chan.store.clock, chan.actor).request(TradeKind.OFFER, shift, "u-s02")
    texts = _texts(screen.shift_view(chan, f"/shifts/{shift}", shift))
    assert chan._("Waiting for the colleague") in texts and chan._("Cancel request") in texts
    assert chan._("Offer to a colleague") not in texts and chan._("Ask for cover") not in texts


def test_fatima_cannot_answer_an_offer_meant_for_siti(world):
    """A tampered phone of Fatima (same store) says yes to Chan's offer to Siti, guessing its
    id: the server refuses it as someone else's, and the offer still waits for Siti."""
    engine, phone = world
    shift = add_shift(engine, "u-s01", future_monday(45))
    chan, fatima = phone("S3001", "1111"), phone("S3008", "8888")
    chan.sync()
    trade_id = chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    chan.sync()
    fatima.trades._record("trade.respond", m.TradeRespond(trade_id=trade_id, accept=True), f"trade:{trade_id}",
                          lambda db: None)
    fatima.sync()
    assert ("trade.respond", Reason.NOT_YOUR_RECORD) in fatima.rejected()
    chan.sync()
    assert chan.one("trades", trade_id)["state"] == trades.WAITING_COLLEAGUE
    assert shift_row(engine, shift)["user_id"] == "u-s01"


def test_a_too_short_override_reason_is_named_not_a_vague_error(world):
    """The manager accepts Chan's "468" warning with "ok": the phone says a reason is needed
    for the record (not "please check what you entered"), and nothing is queued."""
    engine, phone = world
    shift = add_shift(engine, "u-s01", future_monday(46))
    chan, siti, manager = phone("S3001", "1111"), phone("S3002", "2222"), phone("M2001", "7100")
    trade_id = offer_accepted(chan, siti, shift, manager)
    with pytest.raises(AccessDenied) as refused:
        manager.trades.decide(trade_id, True, {(CONTRACT, "u-s01"): " ok "})
    assert refused.value.reason == Reason.REASON_TOO_SHORT
    assert manager.one("trades", trade_id)["state"] == trades.WAITING_MANAGER
