"""What a screen looks like, as a value: a sync redraws a screen only when it would look different.

Why: a redraw replaces every control of the screen with new ones (new ids). A tap that Flutter
sent for a control the redraw just replaced reaches no control in Python and is lost: the person
taps "Approvals" or a tile and nothing happens. Most syncs bring nothing the current screen
shows (a broadcast for another screen, a page of colleagues), so comparing first keeps those taps.
"""

import dataclasses
import enum
from collections.abc import Iterable

import flet as ft

_PLAIN = (str, int, float, bool, type(None), enum.Enum)


#: ``data`` of a control that refreshes itself (the sync status strip): left out of the look.
REFRESHED_ON_ITS_OWN = "refreshed on its own"


def look_of(controls: Iterable[ft.BaseControl]) -> tuple:
    """Everything drawn by ``controls`` (texts, values, colours, states), without their ids,
    handlers and the controls marked ``REFRESHED_ON_ITS_OWN``."""
    return tuple(_look(c) for c in controls)


def _look(value: object) -> object:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        return tuple(_look(item) for item in value)
    if isinstance(value, dict):
        return tuple((k, _look(v)) for k, v in value.items())
    if getattr(value, "data", None) == REFRESHED_ON_ITS_OWN:
        return REFRESHED_ON_ITS_OWN
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(
            (f.name, _look(getattr(value, f.name, None))) for f in dataclasses.fields(value)
            if _drawn(f.name) and getattr(value, f.name, None) is not None))
    return type(value).__name__  # a handler or anything else that draws nothing by itself


def keep_unchanged(shown: list[ft.View], drawn: list[ft.View]) -> list[ft.View]:
    """``drawn``, where each view that looks the same as the one shown at its place is that shown
    view: its controls keep their ids, so a tap on its way (an urgent cover's choice under a
    redraw of the screen below) still reaches them."""
    return [_kept(old, new) for old, new in zip(shown, drawn)] + drawn[len(shown):]


def _kept(old: ft.View, new: ft.View) -> ft.View:
    if old.route != new.route or look_of([old]) != look_of([new]):
        return new
    strip, fresh = _marked(old), _marked(new)
    if isinstance(strip, ft.Container) and isinstance(fresh, ft.Container) and (
            _look(strip.content), strip.bgcolor) != (_look(fresh.content), fresh.bgcolor):
        strip.content, strip.bgcolor = fresh.content, fresh.bgcolor  # the look leaves strips out
    return old


def marked_on_top(views: list[ft.View]) -> ft.Control | None:
    """The control marked ``REFRESHED_ON_ITS_OWN`` in the topmost view that has one (the status
    strip a sync refreshes)."""
    for view in reversed(views):
        if (found := _marked(view)) is not None:
            return found
    return None


def _marked(value: object) -> ft.Control | None:
    if isinstance(value, list | tuple):
        return next((m for item in value if (m := _marked(item)) is not None), None)
    if getattr(value, "data", None) == REFRESHED_ON_ITS_OWN:
        return value
    if isinstance(value, ft.BaseControl) and dataclasses.is_dataclass(value):
        return next((m for f in dataclasses.fields(value) if _drawn(f.name)
                     and (m := _marked(getattr(value, f.name, None))) is not None), None)
    return None


def _drawn(field_name: str) -> bool:
    """Fields that change how a control looks (not its id, parent, handlers or app data)."""
    return not (field_name.startswith("_") or field_name.startswith("on_") or field_name == "data")
