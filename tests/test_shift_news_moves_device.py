"""Issue 10, openshiftedit, on real synced phones (real API): a shift that changes hands by an
approved offer reaches both people's Home as a "shift change" in their own language (the taker:
a new shift; the giver: that shift gone), and a colleague's Home shows nothing of it."""

from app.domain.shift_rules import TradeKind
from app.store.trade_actions import TradeActions
from app.sync import SyncEngine
from app.ui.screens import home
from tests.servers import server_engine
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)
from tests.trade_world import add_shift, at, full_week, future_monday


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _line(ctx, msgid: str, day) -> str:
    return ctx._(msgid, day=ctx.tr.format_skeleton("MMMEd", at(day, 9)),
                 time=ctx.tr.format_interval(at(day, 9), at(day, 17), "Hm"))


def test_an_approved_offer_reaches_the_taker_and_the_giver_in_their_languages_and_not_a_colleague(server, device):
    """Chan (Vietnamese) offers his Monday shift to Siti (Indonesian), who accepts; the chain
    approves it at once. Siti's Home says "Shift baru: <day>"; Chan's says the shift is cancelled
    for him, in Vietnamese; Fatima (same store) sees no shift change."""
    engine = server_engine(server)
    monday = future_monday(5)
    shift_id = add_shift(engine, "u-s01", monday)
    full_week(engine, "u-s01", monday)
    engine.dispose()
    chan, siti = device("S3001", "1111", "vi"), device("S3002", "2222", "id")
    trade_id = TradeActions(chan.store, chan.store.clock, chan.actor).request(TradeKind.OFFER, shift_id, "u-s02")
    _sync(chan)
    _sync(siti)
    TradeActions(siti.store, siti.store.clock, siti.actor).respond(trade_id, accept=True)
    _sync(siti)
    _sync(siti)
    _sync(chan)
    added = _line(siti, "New shift: {day}, {time}", monday)
    assert added.startswith("Shift baru: ") and added in _texts(home.view(siti))
    gone = _line(chan, "Cancelled shift: {day}, {time}", monday)
    assert gone != _line(siti, "Cancelled shift: {day}, {time}", monday) and gone in _texts(home.view(chan))
    assert siti._("Your shifts changed") in _texts(home.view(siti))
    fatima = device("S3008", "8888")
    assert fatima._("Your shifts changed") not in _texts(home.view(fatima))
