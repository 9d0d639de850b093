"""Issue 10, availability screens, built from a real synced device (real API): Me -> My
availability sets weekly windows and days off offline (shown at once, waiting to sync, in the
reader's language) and they reach the server; the manager's roster marks a shift on a day its
person marked off."""

from datetime import timedelta
from types import SimpleNamespace

import flet as ft

from app.i18n import Translator
from app.i18n.reasons import shift_rule_message
from app.store.availability import days_off, stored_windows
from app.store import outbox
from app.sync import SyncEngine
from app.ui.screen_state import screen_state
from app.ui.screens import availability as screen
from app.ui.screens import me, roster, trades
from tests.servers import server_rows
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _button, _texts, device  # noqa: F401 - the signed-in device fixture
from tests.trade_world import add_shift, future_monday
from tests.servers import server_engine


def _typed(value):
    return SimpleNamespace(control=SimpleNamespace(value=value))


def _field(view, label: str) -> ft.TextField:
    return next(c for c in walk(view) if isinstance(c, ft.TextField) and c.label == label)


def _add(ctx, view, day: str) -> ft.IconButton:
    """The "Add hours on <day>" button."""
    name = ctx._("Add hours on {day}", day=day)
    return next(c for c in walk(view) if isinstance(c, ft.IconButton) and c.tooltip == name)


def _window_rows(view) -> list[ft.Row]:
    """Each window's line: a row holding a From and a To field."""
    return [c for c in walk(view) if isinstance(c, ft.Row)
            and sum(isinstance(k, ft.TextField) for k in c.controls) == 2]


def test_my_availability_set_offline_shows_at_once_and_reaches_the_server(server, device):
    """Siti (reading in Indonesian) opens My availability from Me, ticks Monday 08:00-14:00 and
    saves, then marks a day off with a reason: her phone shows it at once as waiting to sync,
    and after a sync the server holds both."""
    siti = device("S3002", "2222", "id")
    me_view = me.view(siti, on_logout=None)
    tile = next(c for c in walk(me_view) if isinstance(c, ft.ListTile) and siti._("My availability") in _texts(c.title))
    tile.on_click(None)
    assert siti.page.route == screen.ROUTE
    view = screen.view(siti)
    assert nameless(view) == []
    _add(siti, view, "Senin").on_click(None)
    view = screen.view(siti)
    _field(view, siti._("From")).on_change(_typed("08:00"))
    _field(view, siti._("To")).on_change(_typed("14:00"))
    _button(view, siti._("Save availability")).on_click(None)
    day = future_monday(40)
    _field(view, siti._("First day (YYYY-MM-DD)")).on_change(_typed(day.isoformat()))
    _field(view, siti._("Reason (optional)")).on_change(_typed("Ujian"))
    _button(view, siti._("Add days off")).on_click(None)
    with siti.store.reading() as db:
        assert stored_windows(db, "u-s02") == [{"weekday": 0, "start": "08:00", "end": "14:00"}]
        assert [(d.first_day, d.last_day, d.note) for d in days_off(db, "u-s02")] == [(day, day, "Ujian")]
    shown = " ".join(_texts(screen.view(siti)))
    assert "Ujian" in shown and siti._("waiting to sync") in shown
    SyncEngine(siti.store, siti.api).sync_once()
    assert server_rows(server, "SELECT weekday, starts, ends FROM availability_windows WHERE user_id = 'u-s02'") \
        == [(0, "08:00", "14:00")]
    assert server_rows(server, "SELECT note FROM unavailability WHERE user_id = 'u-s02'") == [("Ujian",)]


def test_dates_typed_wrong_are_refused_with_a_message_and_nothing_is_queued(server, device):
    """A first day typed as "24/12" is refused on the phone with how to write it (the words every
    date field uses, issue 10 pickers); nothing waits to sync and what was typed stays to be fixed."""
    chan = device("S3001", "1111")
    notices = []
    chan.notify = lambda message, error=False: notices.append((message, error))
    view = screen.view(chan)
    _field(view, chan._("First day (YYYY-MM-DD)")).on_change(_typed("24/12"))
    _button(view, chan._("Add days off")).on_click(None)
    assert notices == [(chan._("Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.",
                                example="2027-01-31"), True)]
    with chan.store.reading() as db:
        assert outbox.pending(db, 10) == []
    assert _field(screen.view(chan), chan._("First day (YYYY-MM-DD)")).value == "24/12"


def test_roster_marks_a_shift_on_a_day_its_person_marked_off(server, device):
    """Siti marked a Tuesday off; her manager's roster for that week shows her Tuesday shift
    with "Marked unavailable", and Chan's shift that day without any marker."""
    engine = server_engine(server)
    monday = future_monday(41)
    tuesday = monday + timedelta(days=1)
    hers, his = add_shift(engine, "u-s02", tuesday), add_shift(engine, "u-s01", tuesday)
    engine.dispose()
    siti = device("S3002", "2222")
    screen.AvailabilityActions(siti.store, siti.store.clock, siti.actor).add_days_off(tuesday, tuesday, "Exam")
    SyncEngine(siti.store, siti.api).sync_once()
    manager = device("M2001", "7100")
    today = manager.tr.to_local(manager.tr.now()).date()
    state = screen_state(manager, roster.ROUTE, roster.RosterState)
    state.week = (monday - (today - timedelta(days=today.weekday()))).days // 7
    rows = [t for t in _texts(roster.view(manager)) if "Siti Rahayu" in t or "Chan Tai Man" in t]
    marked = manager._("Marked unavailable")
    assert any("Siti Rahayu" in t and marked in t for t in rows), rows
    assert not any("Chan Tai Man" in t and marked in t for t in rows), rows
    assert hers and his


def test_two_windows_on_one_day_are_saved_and_overlapping_ones_refused_with_a_message(server, device):
    """Chan adds two windows on Monday (09:00-13:00 prefilled then changed, 17:00-21:00): saved,
    pending, and shown again when the screen is opened anew. Changing the second to 12:00-21:00
    is refused with the overlap message; nothing more waits to sync and both typed windows stay."""
    chan = device("S3001", "1111")
    notices = []
    chan.notify = lambda message, error=False: notices.append((message, error))
    monday = chan.tr.babel_locale.days["format"]["wide"][0]
    view = screen.view(chan)
    _add(chan, view, monday).on_click(None)
    _add(chan, screen.view(chan), monday).on_click(None)
    view = screen.view(chan)
    first, second = _window_rows(view)
    assert [f.value for f in first.controls[:2]] == ["09:00", "18:00"] and second.controls[0].value == ""
    first.controls[1].on_change(_typed("13:00"))
    second.controls[0].on_change(_typed("17:00"))
    second.controls[1].on_change(_typed("21:00"))
    _button(view, chan._("Save availability")).on_click(None)
    with chan.store.reading() as db:
        assert stored_windows(db, "u-s01") == [{"weekday": 0, "start": "09:00", "end": "13:00"},
                                               {"weekday": 0, "start": "17:00", "end": "21:00"}]
        queued = len(outbox.pending(db, 10))
    chan.screen_states.clear()  # opened anew: filled from the phone's database
    shown = [[f.value for f in row.controls[:2]] for row in _window_rows(screen.view(chan))]
    assert shown == [["09:00", "13:00"], ["17:00", "21:00"]]
    second = _window_rows(screen.view(chan))[1]
    second.controls[0].on_change(_typed("12:00"))
    _button(screen.view(chan), chan._("Save availability")).on_click(None)
    assert notices[-1] == (chan.reason_text("availability_overlap"), True)
    with chan.store.reading() as db:
        assert len(outbox.pending(db, 10)) == queued
    assert [[f.value for f in row.controls[:2]] for row in _window_rows(screen.view(chan))] == \
        [["09:00", "13:00"], ["12:00", "21:00"]]


def test_a_window_is_removed_and_adding_stops_at_the_rules_limit_of_21(server, device):
    """Removing Tuesday's window takes its line away; with 21 windows in the week (3 a day)
    every "Add hours" button is off, and the 21 save."""
    chan = device("S3001", "1111")
    state = screen_state(chan, screen.ROUTE, screen.AvailabilityState)
    screen.view(chan)
    tuesday = chan.tr.babel_locale.days["format"]["wide"][1]
    _add(chan, screen.view(chan), tuesday).on_click(None)
    assert len(_window_rows(screen.view(chan))) == 1
    remove = next(c for c in walk(_window_rows(screen.view(chan))[0])
                  if isinstance(c, ft.IconButton) and c.tooltip == chan._("Remove"))
    remove.on_click(None)
    assert _window_rows(screen.view(chan)) == []
    state.form.week = [[screen.Window(a, b) for a, b in (("06:00", "10:00"), ("11:00", "15:00"), ("16:00", "20:00"))]
                       for _ in range(7)]
    view = screen.view(chan)
    days = chan.tr.babel_locale.days["format"]["wide"]
    assert all(_add(chan, view, days[d]).disabled for d in range(7))
    _button(view, chan._("Save availability")).on_click(None)
    with chan.store.reading() as db:
        assert len(stored_windows(db, "u-s01")) == 21


def test_offer_picker_shows_a_colleague_off_that_day_as_unavailable_with_the_reason(server, device):
    """Siti marked Chan's Monday off ("Dentist"). On Chan's phone (reading in Thai, not synced
    again) the colleague picker of that shift lists Siti as unavailable, with the reason in Thai
    and no way to pick her, and shows no note."""
    engine = server_engine(server)
    monday = future_monday(42)
    shift = add_shift(engine, "u-s01", monday)
    engine.dispose()
    siti = device("S3002", "2222")
    screen.AvailabilityActions(siti.store, siti.store.clock, siti.actor).add_days_off(monday, monday, "Dentist")
    SyncEngine(siti.store, siti.api).sync_once()
    chan = device("S3001", "1111", "th")  # signs in and pulls once
    view = trades.shift_view(chan, f"/shifts/{shift}", shift)
    tile = next(c for c in walk(view) if isinstance(c, ft.ListTile) and "Siti Rahayu" in _texts(c.title))
    why = shift_rule_message(chan.tr, "shift_unavailable", {"kind": "one_off"})
    assert why != shift_rule_message(Translator("en"), "shift_unavailable", {"kind": "one_off"})  # really Thai
    assert tile.on_click is None and why in _texts(tile.subtitle)
    assert not any("Dentist" in t for t in _texts(view))
