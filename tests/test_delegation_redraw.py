"""Issue 10, delegation: Delegate my approvals follows the server when a sync brings news (a
hand-over no longer "waiting to sync" once the server has it) and keeps the half-filled form:
the delegate picked, the days typed (even a day cleared to type anew), and the focused day field.
Real synced phones, real API, the app's shell."""

from types import SimpleNamespace

import flet as ft

from app.ui.screen_state import screen_state
from app.ui.screens import delegation as screen
from tests.test_accessible_names import walk
from tests.test_availability_screens import _field, _typed
from tests.test_queue_redraw import _on, _screen, _sync
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (signed-in, synced phones)


def _radios(view) -> ft.RadioGroup:
    return next(c for c in walk(view) if isinstance(c, ft.RadioGroup))


def _waiting(manager) -> int:
    """How many lines of the screen on display say "waiting to sync"."""
    return sum(manager._("waiting to sync") in text for text in _texts(_screen(manager)))


def _type(field: ft.TextField, text: str) -> None:
    if field.on_focus:  # the field takes the focus, as a tap on it would
        field.on_focus(SimpleNamespace(control=field))
    field.value = text
    field.on_change(SimpleNamespace(control=field))


def test_a_sync_redraws_the_screen_and_keeps_the_half_filled_form(device):
    """The Causeway Bay manager hands over to the Sha Tin manager (shown "waiting to sync"), then
    starts a second hand-over: picks the area manager, clears the first day and is typing the
    last one when the background sync runs. The screen redraws: the first hand-over is no longer
    waiting to sync, and the area manager is still picked, the first day still empty (not filled
    in again), the last day as typed, with the focus still in it."""
    manager = device("M2001", "7100")
    shell = _on(manager, screen.ROUTE)
    _radios(_screen(manager)).on_change(_typed("u-sm-st"))
    _button(_screen(manager), manager._("Hand over my approvals")).on_click(None)
    shell.render()
    assert _waiting(manager) == 1
    _radios(_screen(manager)).on_change(_typed("u-am-hk"))
    first_label, last_label = manager._("First day (YYYY-MM-DD)"), manager._("Last day (YYYY-MM-DD)")
    _type(_field(_screen(manager), first_label), "")
    typing = _field(_screen(manager), last_label)
    _type(typing, "2027-05-1")
    shell._synced(_sync(manager))  # a background sync round, as the app's runner reports it
    view = _screen(manager)
    assert _waiting(manager) == 0
    assert _radios(view).value == "u-am-hk"
    first, last = _field(view, first_label), _field(view, last_label)
    assert last is not typing and (first.value, last.value) == ("", "2027-05-1")
    assert (first.autofocus, last.autofocus) == (False, True)
    form = screen_state(manager, screen.ROUTE, screen.DelegationState).form
    assert (form.delegate_id, form.first_day, form.last_day) == ("u-am-hk", "", "2027-05-1")
