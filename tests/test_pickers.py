"""Issue 10, pickers, on screen (real synced phones, real API): New request's day fields and the
roster's shift times each have a calendar or clock button that opens Flutter's picker in the
reader's language and fills the field in its format; typed text stays possible, and text in
another form is refused with how to write it, in the reader's language."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import flet as ft

from app.i18n import Translator
from app.ui.screen_state import screen_state
from app.ui.screens import requests_new, roster
from app.ui.screens.requests import NEW_ROUTE
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import device  # noqa: F401  (signed-in, synced phones)


def _capture(ctx) -> tuple[list, list]:
    """What the phone opened as dialogs, and what it told the user (message, is_error)."""
    dialogs, notices = [], []
    ctx.page.show_dialog = dialogs.append
    ctx.notify = lambda message, error=False: notices.append((message, error))
    return dialogs, notices


def _field(view, label: str) -> ft.TextField:
    return next(c for c in walk(view) if isinstance(c, ft.TextField) and c.label == label)


def _picker_button(view, name: str) -> ft.IconButton:
    return next(c for c in walk(view) if isinstance(c, ft.IconButton) and c.tooltip == name)


def _type(field: ft.TextField, text: str) -> None:
    field.value = text
    field.on_change(SimpleNamespace(control=field))


def _review(ctx, view) -> None:
    label = ctx._("Review")
    next(c for c in walk(view) if isinstance(c, ft.FilledButton) and c.content.value == label).on_click(None)


def test_the_calendar_fills_first_day_as_yyyy_mm_dd_in_the_readers_language(device):
    """Chan reads Thai: the calendar beside "First day" opens in Thai with the field's name on
    top; the 15th picked on a Hong Kong phone (Flet hands over 14th, 16:00 UTC) lands in the
    field as 2027-01-15, and Review counts the days from it."""
    chan = device("S3001", "1111", "th")
    dialogs, _ = _capture(chan)
    view = requests_new.view(chan)
    assert nameless(view) == []
    first, last = chan._("First day (YYYY-MM-DD)"), chan._("Last day (YYYY-MM-DD)")
    _picker_button(view, chan._("Pick on the calendar: {field}", field=first)).on_click(None)
    [calendar] = dialogs
    assert isinstance(calendar, ft.DatePicker)
    assert (calendar.locale, calendar.help_text, calendar.confirm_text) == (ft.Locale("th"), first, chan._("OK"))
    calendar.value = datetime(2027, 1, 14, 16, tzinfo=UTC)
    calendar.on_change(SimpleNamespace(control=calendar))
    assert _field(view, first).value == "2027-01-15"
    _type(_field(view, last), "2027-01-15")
    _review(chan, view)
    state = screen_state(chan, NEW_ROUTE, requests_new.NewRequestState)
    assert state.form.first == "2027-01-15" and state.preview is not None and state.preview.days == 1


def test_a_day_typed_another_way_says_how_to_write_it_and_sends_nothing(device):
    """Siti reads Indonesian and types 15/01/2027: leaving the field marks it with how to write a
    date, and Review refuses with the same words (not "please check what you entered")."""
    siti = device("S3002", "2222", "id")
    _, notices = _capture(siti)
    view = requests_new.view(siti)
    field = _field(view, siti._("First day (YYYY-MM-DD)"))
    _type(field, "15/01/2027")
    field.on_blur(SimpleNamespace(control=field))
    expected = siti._("Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.",
                      example="2027-01-31")
    assert expected != Translator("en").gettext(
        "Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.", example="2027-01-31")
    assert field.error == expected
    _review(siti, view)
    assert notices == [(expected, True)]
    assert screen_state(siti, NEW_ROUTE, requests_new.NewRequestState).preview is None
    _type(field, "2027-01-15")
    field.on_blur(SimpleNamespace(control=field))
    assert field.error is None


def _shift_form(manager) -> roster.ShiftForm:
    state = screen_state(manager, roster.ROUTE, roster.RosterState)
    state.form = roster.ShiftForm("st-cwb", date(2027, 2, 1), user_id="u-s01")
    return state.form


def test_the_clock_fills_a_shift_time_as_hh_mm_on_a_24_hour_clock(device):
    """The manager reads Traditional Chinese: the clock beside "Start" opens in Hong Kong
    Chinese on a 24-hour dial; 22:00 picked there is the start, and the shift saves as 22:00
    to 06:00 (overnight)."""
    manager = device("M2001", "7100", "zh_Hant_HK")
    dialogs, notices = _capture(manager)
    form = _shift_form(manager)
    view = roster.view(manager)
    assert nameless(view) == []
    start, end = manager._("Start (HH:MM)"), manager._("End (HH:MM)")
    _picker_button(view, manager._("Pick on the clock: {field}", field=start)).on_click(None)
    [clock] = dialogs
    assert isinstance(clock, ft.TimePicker) and clock.hour_format == ft.TimePickerHourFormat.H24
    assert clock.locale == ft.Locale("zh", "HK", "Hant") and clock.value == time(9, 0)
    clock.value = time(22, 0)
    clock.on_change(SimpleNamespace(control=clock))
    assert (form.start, _field(view, start).value) == ("22:00", "22:00")
    _type(_field(view, end), "6:00")  # typed, without the leading zero
    next(c for c in walk(view) if isinstance(c, ft.FilledButton)
         and c.content.value == manager._("Save shift")).on_click(None)
    assert notices == [(manager._("Shift saved."), False)]
    with manager.store.reading() as db:
        saved = list(db.query("SELECT starts_at, ends_at FROM shifts WHERE sync_state='pending'"))
    local = [(manager.tr.to_local(datetime.fromisoformat(r["starts_at"])).strftime("%d %H:%M"),
              manager.tr.to_local(datetime.fromisoformat(r["ends_at"])).strftime("%d %H:%M")) for r in saved]
    assert local == [("01 22:00", "02 06:00")]


def test_a_time_typed_another_way_says_how_to_write_it_and_saves_nothing(device):
    """Typed "6pm" as the end: Save says, in Arabic, to write HH:MM or pick it on the clock."""
    manager = device("M2001", "7100", "ar")
    _, notices = _capture(manager)
    _shift_form(manager)
    view = roster.view(manager)
    _type(_field(view, manager._("End (HH:MM)")), "6pm")
    next(c for c in walk(view) if isinstance(c, ft.FilledButton)
         and c.content.value == manager._("Save shift")).on_click(None)
    expected = manager._("Write the time as HH:MM, for example {example}, or pick it on the clock.",
                         example="18:30")
    assert notices == [(expected, True)] and "HH:MM" in expected
    with manager.store.reading() as db:
        assert list(db.query("SELECT id FROM shifts WHERE sync_state='pending'")) == []
