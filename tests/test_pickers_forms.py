"""Issue 10, pickers, on more screens (real synced phones, real API): the open-shift form (add and
edit) and My availability's weekly windows have a clock button in each time field, and its days
off a calendar button in each day field; each opens Flutter's picker in the reader's language
and fills the field in its format. Typing stays possible, and a time or day written another way
is refused with how to write it, in the reader's language, saving nothing."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo
from types import SimpleNamespace

import flet as ft

from app.i18n import Translator
from app.store.availability import days_off, stored_windows
from app.ui.screen_state import screen_state
from app.ui.screens import availability, open_shifts, roster
from tests.test_accessible_names import nameless, walk
from tests.test_open_shift_edits_screens import _published, _roster_week
from tests.test_open_shifts_screens import _buttons, _rows
from tests.test_pickers import _capture, _field, _picker_button, _type
from tests.test_trades_screens import device  # noqa: F401  (signed-in, synced phones)
from tests.trade_world import future_monday


def _pick(dialogs: list, value) -> ft.DatePicker | ft.TimePicker:
    """The picker the phone opened, after the user picked ``value`` and confirmed."""
    [picker] = dialogs
    picker.value = value
    picker.on_change(SimpleNamespace(control=picker))
    dialogs.clear()
    return picker


def _local(ctx, row: dict) -> tuple[str, str]:
    return tuple(ctx.tr.to_local(datetime.fromisoformat(row[k])).strftime("%H:%M") for k in ("starts_at", "ends_at"))


def _time_error(ctx) -> str:
    return ctx._("Write the time as HH:MM, for example {example}, or pick it on the clock.", example="18:30")


def test_the_clock_fills_a_new_open_shifts_start_in_the_readers_language(device):
    """The manager reads Vietnamese: "Add open shift" shows a clock in "Start"; it opens in
    Vietnamese on a 24-hour dial at the form's 09:00, and 07:30 picked there is saved as the
    open shift's start."""
    manager = device("M2001", "7100", "vi")
    dialogs, notices = _capture(manager)
    state = screen_state(manager, roster.ROUTE, roster.RosterState)
    state.open_form = open_shifts.OpenShiftForm("st-cwb", future_monday(44))
    view = roster.view(manager)
    assert nameless(view) == []
    start = manager._("Start (HH:MM)")
    _picker_button(view, manager._("Pick on the clock: {field}", field=start)).on_click(None)
    clock = _pick(dialogs, time(7, 30))
    assert isinstance(clock, ft.TimePicker) and clock.hour_format == ft.TimePickerHourFormat.H24
    assert (clock.locale, clock.help_text) == (ft.Locale("vi"), start) and start != "Start (HH:MM)"
    assert _field(view, start).value == "07:30"
    [add] = [b for b in _buttons(view, manager._("Add open shift")) if isinstance(b, ft.FilledButton)]
    add.on_click(None)
    assert notices == [(manager._("Open shift added. Publish the week to show it to staff."), False)]
    assert [_local(manager, r) for r in _rows(manager, "SELECT * FROM open_shifts")] == [("07:30", "18:00")]


def test_an_open_shift_edited_with_a_time_typed_another_way_says_how_and_changes_nothing(device):
    """Editing a published open shift (09:00-17:00), the manager reads Malay and types "5pm" as
    the end: leaving the field marks it, and Save refuses with the same words in Malay; the clock
    then fills 17:30 and the change is saved."""
    monday = future_monday(45)
    manager = device("M2001", "7100", "ms")
    open_id = _published(manager, monday, slots=1)
    state = _roster_week(manager, monday)
    dialogs, notices = _capture(manager)
    _buttons(roster.view(manager), manager._("Edit open shift"))[0].on_click(None)
    view = roster.view(manager)
    end = _field(view, manager._("End (HH:MM)"))
    _type(end, "5pm")
    end.on_blur(SimpleNamespace(control=end))
    expected = _time_error(manager)
    assert end.error == expected and expected != _time_error(Translator("en"))
    _buttons(view, manager._("Save shift"))[0].on_click(None)
    assert notices == [(expected, True)] and state.open_form is not None
    assert _rows(manager, f"SELECT sync_state FROM open_shifts WHERE id='{open_id}'") == [{"sync_state": "synced"}]
    _picker_button(view, manager._("Pick on the clock: {field}", field=manager._("End (HH:MM)"))).on_click(None)
    _pick(dialogs, time(17, 30))
    assert (end.value, end.error, state.open_form.end) == ("17:30", None, "17:30")
    _buttons(view, manager._("Save shift"))[0].on_click(None)
    [saved] = _rows(manager, f"SELECT * FROM open_shifts WHERE id='{open_id}'")
    assert _local(manager, saved) == ("09:00", "17:30") and saved["sync_state"] == "pending"


def _window_fields(view, ctx) -> list[ft.TextField]:
    return [c for c in walk(view) if isinstance(c, ft.TextField) and c.label in (ctx._("From"), ctx._("To"))]


def test_my_availability_windows_take_times_from_the_clock_in_the_readers_language(device):
    """Siti reads Indonesian: the window added on Monday has a clock in "From" and in "To",
    each opening in Indonesian on a 24-hour dial; 10:15 and 16:45 picked there are the window
    saved. "25:00" typed in "From" is marked with how to write a time."""
    siti = device("S3002", "2222", "id")
    dialogs, notices = _capture(siti)
    monday = siti.tr.babel_locale.days["format"]["wide"][0]
    _add = siti._("Add hours on {day}", day=monday)
    next(c for c in walk(availability.view(siti)) if isinstance(c, ft.IconButton) and c.tooltip == _add).on_click(None)
    view = availability.view(siti)
    assert nameless(view) == []
    for label, picked in ((siti._("From"), time(10, 15)), (siti._("To"), time(16, 45))):
        _picker_button(view, siti._("Pick on the clock: {field}", field=label)).on_click(None)
        clock = _pick(dialogs, picked)
        assert (clock.locale, clock.hour_format) == (ft.Locale("id"), ft.TimePickerHourFormat.H24)
    assert [f.value for f in _window_fields(view, siti)] == ["10:15", "16:45"]
    next(c for c in walk(view) if isinstance(c, ft.FilledButton)
         and c.content.value == siti._("Save availability")).on_click(None)
    assert notices == [(siti._("Availability saved."), False)]
    with siti.store.reading() as db:
        assert stored_windows(db, "u-s02") == [{"weekday": 0, "start": "10:15", "end": "16:45"}]
    start = _window_fields(availability.view(siti), siti)[0]
    _type(start, "25:00")
    start.on_blur(SimpleNamespace(control=start))
    assert start.error == _time_error(siti)


def test_a_day_off_picked_on_the_calendar_is_saved(device):
    """Chan reads Thai: "First day" under Days I cannot work has a calendar opening in Thai from
    today on; the day picked there (Flet hands over the Hong Kong midnight in UTC) fills the
    field as YYYY-MM-DD and "Add days off" saves that day."""
    chan = device("S3001", "1111", "th")
    dialogs, notices = _capture(chan)
    view = availability.view(chan)
    first = chan._("First day (YYYY-MM-DD)")
    _picker_button(view, chan._("Pick on the calendar: {field}", field=first)).on_click(None)
    day = future_monday(46)
    [calendar] = dialogs
    today = chan.tr.to_local(chan.tr.now()).date()
    assert isinstance(calendar, ft.DatePicker) and calendar.locale == ft.Locale("th")
    assert calendar.first_date.date() == today and calendar.last_date.date() == date(today.year + 2, 12, 31)
    _pick(dialogs, datetime.combine(day, time(0), ZoneInfo("Asia/Hong_Kong")).astimezone(UTC))
    assert _field(view, first).value == day.isoformat()
    next(c for c in walk(view) if isinstance(c, ft.OutlinedButton)
         and c.content.value == chan._("Add days off")).on_click(None)
    assert notices == [(chan._("Days off saved."), False)]
    with chan.store.reading() as db:
        assert [(d.first_day, d.last_day) for d in days_off(db, "u-s01")] == [(day, day)]
