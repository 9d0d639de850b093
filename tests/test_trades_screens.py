"""Issue 10, trades screens, built from a real synced device (real API): a shift's detail offers
cover and the colleague picker, which lists every colleague with their verdict and the reason in
the reader's language (ineligible ones shown, not hidden); the colleague's answer and the
manager's queue (warnings need a reason) are on the Shift trades screen."""

import flet as ft
import pytest

from app.config import ClientConfig
from app.i18n import Translator
from app.i18n.reasons import shift_rule_message
from app.store import DeviceStore
from app.sync import SyncEngine
from app.ui.context import AppContext
from app.ui.screens import trades as screen
from tests.conftest import login
from tests.servers import server_engine
from tests.test_accessible_names import Page, nameless, walk
from tests.trade_world import add_shift, future_monday


@pytest.fixture
def device(server, tmp_path):
    opened = []

    def sign_in(staff_no: str, pin: str, locale: str = "en") -> AppContext:
        store = DeviceStore(tmp_path / staff_no / "device.db")  # photos apart too (issue 10, delegation)
        api = login(server.url, store, staff_no, pin)
        SyncEngine(store, api).sync_once()
        ctx = AppContext(page=Page(), config=ClientConfig(api_url=server.url), store=store, api=api,
                         tr=Translator(locale), user=store.load_session()[0])
        opened.append(ctx)
        return ctx

    yield sign_in
    for ctx in opened:
        ctx.store.close()


def _texts(view) -> list[str]:
    return [c.value for c in walk(view) if isinstance(c, ft.Text) and isinstance(c.value, str)]


def _tile(view, name: str) -> ft.ListTile:
    return next(c for c in walk(view) if isinstance(c, ft.ListTile) and name in _texts(c.title))


def _button(view, label: str):
    return next(c for c in walk(view) if isinstance(c, (ft.FilledButton, ft.OutlinedButton))
                and label in _texts(c.content))


def test_picker_shows_an_ineligible_colleague_with_the_reason_in_the_readers_language(server, device):
    """Chan (reading in Traditional Chinese) opens his shift: Siti, already working then, is
    listed with the overlap reason in Chinese and cannot be picked; Fatima is free and picking
    her sends the offer (shown at once on his phone as pending)."""
    engine = server_engine(server)
    monday = future_monday(30)
    shift = add_shift(engine, "u-s01", monday)
    busy = add_shift(engine, "u-s02", monday, 12, 20)
    engine.dispose()
    chan = device("S3001", "1111", "zh_Hant_HK")
    view = screen.shift_view(chan, f"/shifts/{shift}", shift)
    assert nameless(view) == []
    siti = _tile(view, "Siti Rahayu")
    assert siti.on_click is None
    verdict = next(c for c in screen.TradeActions(chan.store, chan.store.clock, chan.actor).who_can_take(shift)
                   if c.person_id == "u-s02")
    overlap = verdict.check.refusals[0]
    assert overlap.code == "shift_overlap" and overlap.details["other_shift_id"] == busy
    expected = shift_rule_message(chan.tr, overlap.code, overlap.details)
    assert expected != shift_rule_message(Translator("en"), overlap.code, overlap.details)  # really Chinese
    assert expected in _texts(siti.subtitle)
    fatima = _tile(view, "Fatima Al-Sayed")
    assert fatima.on_click is not None
    fatima.on_click(None)
    with chan.store.reading() as db:
        sent = list(db.query("SELECT * FROM trades WHERE shift_id=?", [shift]))
    assert [(t["taker_id"], t["sync_state"]) for t in sent] == [("u-s08", "pending")]


def test_colleague_accepts_and_manager_needs_a_reason_for_the_warning(server, device):
    """Siti sees Chan's offer with Accept; after she accepts (synced), the manager's queue shows
    it with a reason field for the "468" warning; Approve without a reason is refused on the
    phone with the message, and with a reason the decision is queued."""
    engine = server_engine(server)
    shift = add_shift(engine, "u-s01", future_monday(31))
    engine.dispose()
    chan = device("S3001", "1111")
    screen.TradeActions(chan.store, chan.store.clock, chan.actor).request(screen.TradeKind.OFFER, shift, "u-s02")
    SyncEngine(chan.store, chan.api).sync_once()
    siti = device("S3002", "2222", "id")
    view = screen.view(siti)
    assert nameless(view) == []
    accept = _button(view, siti._("Accept"))
    accept.on_click(None)
    SyncEngine(siti.store, siti.api).sync_once()
    manager = device("M2001", "7100")
    queue = screen.view(manager)
    fields = [c for c in walk(queue) if isinstance(c, ft.TextField)]
    assert fields, "a reason field for the warning"
    notices = []
    manager.notify = lambda message, error=False: notices.append((message, error))
    _button(queue, manager._("Approve")).on_click(None)
    assert notices and notices[-1][1] and notices[-1][0] == manager.reason_text("trade_override_needed")
    for field in fields:
        field.value = "Agreed with Chan last week"
    _button(queue, manager._("Approve")).on_click(None)
    with manager.store.reading() as db:
        states = [r["state"] for r in db.query("SELECT state FROM trades WHERE shift_id=?", [shift])]
    assert states == ["approved"]


def test_swap_with_a_colleagues_shift_from_the_shift_detail(server, device):
    """Chan's shift detail lists Siti's shift two days later; tapping it asks for the swap,
    shown at once on his phone as pending with both shifts named."""
    from datetime import timedelta

    engine = server_engine(server)
    monday = future_monday(32)
    mine, theirs = add_shift(engine, "u-s01", monday), add_shift(engine, "u-s02", monday + timedelta(days=2))
    engine.dispose()
    chan = device("S3001", "1111")
    view = screen.shift_view(chan, f"/shifts/{mine}", mine)
    swaps = [c for c in walk(view) if isinstance(c, ft.ListTile) and "Siti Rahayu" in _texts(c.title)
             and c.subtitle is not None and _texts(c.subtitle) and "–" in "".join(_texts(c.subtitle))]
    assert swaps, "Siti's shift is offered for a swap"
    swaps[-1].on_click(None)
    with chan.store.reading() as db:
        sent = list(db.query("SELECT * FROM trades WHERE shift_id=?", [mine]))
    assert [(t["kind"], t["swap_shift_id"], t["sync_state"]) for t in sent] == [("swap", theirs, "pending")]
