"""Issue 10, pickers: a date or time text field with a calendar or clock button at its end.

The button opens Flutter's own date or time picker (Flet's ``DatePicker`` / ``TimePicker``) in the
user's language and fills the field in the field's format (YYYY-MM-DD, HH:MM on a 24-hour clock).
Typing stays possible (a keyboard, a screen reader, an old phone): text in the wrong form is
marked under the field when it loses focus, and refused with the same message when the form is
sent (``InputError``, shown by ``AppContext.act``).

The button sits inside the field (its trailing icon), not beside it: the field takes no more
width than a plain one, so two fields and a button still share one line on a 412 px phone in
any language (My availability's From / To / Remove).
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import flet as ft

from app.domain.attendance.common import HONG_KONG
from app.ui.context import AppContext, InputError
from app.ui.theme import flutter_locale

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
#: Example values in the messages (a date and a time anyone can read at a glance).
_EXAMPLE_DAY, _EXAMPLE_TIME = date(2027, 1, 31), time(18, 30)


def _to_flutter(day: date) -> datetime:
    """Noon UTC of ``day``: Flet sends datetimes in UTC and Flutter shows them in the browser's
    time zone, where noon UTC is still ``day`` from UTC-11 to UTC+11 (midnight was the day
    before anywhere west of UTC)."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def _from_flutter(value: datetime | date) -> date:
    """The day picked: Flutter returns the browser's midnight, which Flet hands over in UTC
    (Hong Kong's 15th arrives as the 14th, 16:00 UTC); the nearest UTC midnight is that day
    for any time zone from UTC-11 to UTC+12."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.date()
    return (value.astimezone(UTC) + timedelta(hours=12)).date()


def day_error(ctx: AppContext) -> str:
    return ctx._("Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.",
                 example=_EXAMPLE_DAY.isoformat())


def time_error(ctx: AppContext) -> str:
    return ctx._("Write the time as HH:MM, for example {example}, or pick it on the clock.",
                 example=_EXAMPLE_TIME.strftime("%H:%M"))


def parse_day(ctx: AppContext, text: str) -> date | None:
    """The typed day (None when empty); ``InputError`` saying how to write it when malformed."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(day_error(ctx)) from None


def parse_time(ctx: AppContext, text: str) -> time:
    """The typed time of day (H:MM or HH:MM); ``InputError`` saying how to write it otherwise."""
    match = _TIME.fullmatch((text or "").strip())
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    raise InputError(time_error(ctx))


def day_and_time(ctx: AppContext, day_text: str, time_text: str) -> datetime | None:
    """A typed day and time in Hong Kong (None when no day: now, or never); ``InputError`` saying
    how to write them otherwise."""
    day = parse_day(ctx, day_text)
    if day is None:
        return None
    return datetime.combine(day, parse_time(ctx, time_text), HONG_KONG)


def _checked_field(ctx: AppContext, label: str, value: str, on_value: Callable[[str], None],
                   check: Callable[[str], object], **kw) -> ft.TextField:
    """A text field that keeps what is typed and, on leaving it, says when it is malformed."""
    def typed(e) -> None:
        on_value(e.control.value or "")

    def left(e) -> None:
        try:
            check(e.control.value or "")
            error = None
        except InputError as exc:
            error = exc.message
        if e.control.error != error:
            e.control.error = error
            ctx.page.update(e.control)

    return ft.TextField(label=label, value=value, on_change=typed, on_blur=left, error_max_lines=3,
                        text_style=ctx.typo.style(15), **kw)


def _filled(ctx: AppContext, field: ft.TextField, text: str, on_value: Callable[[str], None]) -> None:
    field.value, field.error = text, None
    on_value(text)
    ctx.page.update(field)


def _with_button(ctx: AppContext, field: ft.TextField, icon, name: str, open_picker) -> ft.TextField:
    """``field`` with the picker's button as its trailing icon (a full touch target, named)."""
    field.suffix_icon = ft.IconButton(icon=ft.Icon(icon, semantics_label=name), tooltip=name,
                                      on_click=open_picker, width=ctx.display.touch, height=ctx.display.touch)
    return field


def date_field(ctx: AppContext, label: str, value: str, on_value: Callable[[str], None], *,
               first: date, last: date, **kw) -> ft.TextField:
    """A YYYY-MM-DD field with a calendar button that fills it (days from ``first`` to ``last``);
    ``kw`` goes to the ``TextField`` (``dense``, ``expand``)."""
    field = _checked_field(ctx, label, value, on_value, lambda text: parse_day(ctx, text),
                           keyboard_type=ft.KeyboardType.DATETIME, **kw)
    today = ctx.tr.to_local(ctx.tr.now()).date()

    def picked(e) -> None:
        _filled(ctx, field, _from_flutter(e.control.value).isoformat(), on_value)

    def open_calendar(e) -> None:
        try:
            shown = parse_day(ctx, field.value) or today
        except InputError:
            shown = today
        shown = min(max(shown, first), last)
        ctx.page.show_dialog(ft.DatePicker(
            value=_to_flutter(shown), first_date=_to_flutter(first), last_date=_to_flutter(last),
            current_date=_to_flutter(today),
            locale=flutter_locale(ctx.tr.locale), help_text=label, cancel_text=ctx._("Cancel"),
            confirm_text=ctx._("OK"), on_change=picked))

    # Translators: {field} is the name of a date field, e.g. "First day (YYYY-MM-DD)".
    return _with_button(ctx, field, ft.Icons.CALENDAR_MONTH, ctx._("Pick on the calendar: {field}", field=label),
                   open_calendar)


def time_field(ctx: AppContext, label: str, value: str, on_value: Callable[[str], None], **kw) -> ft.TextField:
    """An HH:MM field with a clock button that fills it (24-hour clock, as the field is written);
    ``kw`` goes to the ``TextField``."""
    field = _checked_field(ctx, label, value, on_value, lambda text: parse_time(ctx, text), **kw)

    def picked(e) -> None:
        _filled(ctx, field, e.control.value.strftime("%H:%M"), on_value)

    def open_clock(e) -> None:
        try:
            shown = parse_time(ctx, field.value)
        except InputError:
            shown = time(9, 0)
        ctx.page.show_dialog(ft.TimePicker(
            value=shown, locale=flutter_locale(ctx.tr.locale), hour_format=ft.TimePickerHourFormat.H24,
            help_text=label, cancel_text=ctx._("Cancel"), confirm_text=ctx._("OK"), on_change=picked))

    # Translators: {field} is the name of a time field, e.g. "Start (HH:MM)".
    return _with_button(ctx, field, ft.Icons.SCHEDULE, ctx._("Pick on the clock: {field}", field=label), open_clock)
