"""Issue 10, availability on the phone against a real uvicorn API: I set my weekly windows and
days off offline (shown at once, pending), they reach the server on sync and my manager's
phone; the trade rules on the device read the pulled availability and the chain's settings."""

from datetime import timedelta

import pytest

from app.domain import trades
from app.domain.availability import AvailabilityInvalid
from app.domain.shift_rules import TradeKind
from app.i18n import Translator
from app.i18n.reasons import shift_rule_message
from app.protocol import mutations as m
from app.store import outbox
from app.store.availability import AvailabilityActions, days_off, load_settings, stored_windows
from tests.servers import server_rows
from tests.test_trades_device import Phone, world  # noqa: F401 - the phones fixture
from tests.trade_world import add_shift, full_week, future_monday, trade_row

WEEKDAYS = [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]


@pytest.fixture
def signed_in(server, world):
    """(server, engine, phone): ``phone(staff_no, pin)`` also has ``.avail`` (availability actions)."""
    engine, make = world

    def phone(staff_no: str, pin: str) -> Phone:
        made = make(staff_no, pin)
        made.avail = AvailabilityActions(made.store, made.store.clock, made.actor)
        return made

    return server, engine, phone


def test_availability_set_offline_then_synced_reaches_the_server_and_the_manager(signed_in):
    """With no network Siti sets weekday windows and marks two days off ("Exam"): her phone
    shows them at once, pending. After sync the server holds them and her manager's phone
    pulls them; her own rows are marked synced."""
    server, engine, phone = signed_in
    siti, manager = phone("S3002", "2222"), phone("M2001", "7100")
    monday = future_monday(30)
    siti.avail.set_weekly(WEEKDAYS)
    off = siti.avail.add_days_off(monday, monday + timedelta(days=1), "Exam")
    with siti.store.reading() as db:
        assert len(stored_windows(db, "u-s02")) == 5
        assert [(d.note, d.sync_state) for d in days_off(db, "u-s02")] == [("Exam", "pending")]
    siti.sync()
    rows = server_rows(server, "SELECT first_day, note FROM unavailability WHERE id = :i", {"i": off})
    assert rows == [(monday.isoformat(), "Exam")]
    assert len(server_rows(server, "SELECT id FROM availability_windows WHERE user_id = 'u-s02'")) == 5
    with siti.store.reading() as db:
        assert days_off(db, "u-s02")[0].sync_state == "synced"
    manager.sync()
    with manager.store.reading() as db:
        assert len(stored_windows(db, "u-s02")) == 5 and days_off(db, "u-s02")[0].note == "Exam"


def test_bad_window_is_refused_on_the_phone_and_nothing_is_queued(signed_in):
    """A window from 10:00 to 10:00 is refused at once with its reason; nothing waits to sync."""
    _server, _engine, phone = signed_in
    chan = phone("S3001", "1111")
    with pytest.raises(AvailabilityInvalid) as refused:
        chan.avail.set_weekly([{"weekday": 0, "start": "10:00", "end": "10:00"}])
    assert refused.value.reason == "availability_bad_window"
    with chan.store.reading() as db:
        assert outbox.pending(db, 10) == [] and stored_windows(db, "u-s01") == []


def test_who_can_take_refuses_an_unavailable_colleague_with_the_reason(signed_in):
    """Siti marked the Monday off; on her manager's phone (which pulls her availability) the
    colleague list for Chan's Monday shift shows her refused with the availability rule and
    why (a day off); on Siti's own phone, taking Chan's cover request is refused the same way."""
    _server, engine, phone = signed_in
    monday = future_monday(31)
    shift = add_shift(engine, "u-s01", monday)
    full_week(engine, "u-s01", monday)
    siti, manager, chan = phone("S3002", "2222"), phone("M2001", "7100"), phone("S3001", "1111")
    siti.avail.add_days_off(monday, monday, "Dentist")
    siti.sync()
    manager.sync()
    verdicts = {c.person_id: c for c in manager.trades.who_can_take(shift)}
    refusal = verdicts["u-s02"].check.refusals[0]
    assert verdicts["u-s02"].status == "refused" and refusal.code == "shift_unavailable"
    assert refusal.details["kind"] == "one_off"
    assert shift_rule_message(Translator("en"), refusal.code, refusal.details) == \
        "This person marked this day as unavailable."
    chan.sync()
    cover = chan.trades.request(TradeKind.COVER, shift)
    chan.sync()
    siti.sync()
    with pytest.raises(trades.TradeRefused) as refused:
        siti.trades.respond(cover, accept=True)
    assert refused.value.reason == "shift_unavailable"


def test_chain_settings_changed_by_hq_are_pulled_and_used_by_the_device_rules(signed_in):
    """HQ switches the availability rule off for the chain: after a sync the manager's phone
    holds the new settings and lists Siti (off that day) as able to take the shift."""
    _server, engine, phone = signed_in
    monday = future_monday(32)
    shift = add_shift(engine, "u-s01", monday)
    full_week(engine, "u-s01", monday)
    siti, manager, hq = phone("S3002", "2222"), phone("M2001", "7100"), phone("A0001", "9000")
    siti.avail.add_days_off(monday, monday)
    siti.sync()
    manager.sync()
    assert {c.person_id: c.status for c in manager.trades.who_can_take(shift)}["u-s02"] == "refused"
    hq.api.change_shift_trade_settings({"switched_off": ["availability"]})
    manager.sync()
    with manager.store.reading() as db:
        assert "availability" in load_settings(db).switched_off
    assert {c.person_id: c.status for c in manager.trades.who_can_take(shift)}["u-s02"] != "refused"
    hq.api.change_shift_trade_settings({})  # back to the defaults for the other tests


def test_a_colleagues_phone_refuses_an_unavailable_colleague_at_once_offline_and_the_server_too(signed_in):
    """Siti marks Monday off ("Dentist") and Fatima works mornings only; after one sync, Chan's
    phone (same store, then offline) lists both as unable to take his Monday shift, each with
    the reason, and refuses his offer to Siti at once. His phone holds their days and windows
    but no note; Leung's phone (Mong Kok) holds none of it. An offer forged past the phone's
    check is still refused by the server."""
    _server, engine, phone = signed_in
    monday = future_monday(33)
    shift = add_shift(engine, "u-s01", monday)
    full_week(engine, "u-s01", monday)
    siti, fatima, chan, leung = (phone("S3002", "2222"), phone("S3008", "8888"), phone("S3001", "1111"),
                                 phone("S3003", "3333"))
    siti.avail.add_days_off(monday, monday, "Dentist")
    fatima.avail.set_weekly([{"weekday": d, "start": "07:00", "end": "12:00"} for d in range(7)])
    siti.sync(), fatima.sync(), chan.sync(), leung.sync()
    # From here Chan's phone never syncs: everything below is read from its own database.
    verdicts = {c.person_id: c for c in chan.trades.who_can_take(shift)}
    en = Translator("en")
    why = {who: [shift_rule_message(en, r.code, r.details) for r in verdicts[who].check.refusals]
           for who in ("u-s02", "u-s08")}
    assert verdicts["u-s02"].status == verdicts["u-s08"].status == "refused"
    assert why == {"u-s02": ["This person marked this day as unavailable."],
                   "u-s08": ["Outside this person's weekly availability."]}
    with pytest.raises(trades.TradeRefused) as refused:
        chan.trades.request(TradeKind.OFFER, shift, "u-s02")
    assert refused.value.reason == "shift_unavailable"
    with chan.store.reading() as db:
        assert outbox.pending(db, 10) == []
        held = days_off(db, "u-s02")
        assert monday in [d.first_day for d in held] and {d.note for d in held} == {""}
        assert len(stored_windows(db, "u-s08")) == 7
        assert "Dentist" not in str(list(db.query("SELECT * FROM unavailability")))
    with leung.store.reading() as db:
        assert days_off(db, "u-s02") == [] and stored_windows(db, "u-s08") == []
    forged = m.TradeRequest(trade_id="tr-forged-av", kind="offer", shift_id=shift, shift_version=1,
                            taker_id="u-s02")
    chan.trades._record("trade.request", forged, "trade:tr-forged-av", lambda db: None)
    chan.sync()
    stored = trade_row(engine, "tr-forged-av")
    assert stored["state"] == "refused" and '"kind": "one_off"' in stored["findings"]
