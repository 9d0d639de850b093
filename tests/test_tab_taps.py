"""A tap on the bottom bar opens the tab tapped, even when a sync redrew the screen between
Flutter's index patch and its tap event (CI: "Approvals" lit up, Home stayed)."""

import datetime as dt

import flet as ft
import pytest

from app.i18n import Translator
from app.ui.chrome import MANAGER_TABS, STAFF_TABS, frame
from app.ui.context import AppContext
from app.ui.sync_status import SyncStatus
from tests.test_accessible_names import Page


def _bar(role: str) -> tuple[ft.NavigationBar, Page]:
    page = Page()
    ctx = AppContext(page=page, config=None, store=None, api=None, tr=Translator("en"),
                     user={"id": "u", "role": role}, status=SyncStatus(last_sync=dt.datetime(2026, 12, 1, 9)))
    return frame(ctx, "/home", "Home", []).navigation_bar, page


@pytest.mark.parametrize(("role", "tabs"), [("store_manager", MANAGER_TABS), ("staff", STAFF_TABS)])
def test_the_tapped_index_in_the_event_wins_over_the_redrawn_bars_old_index(role, tabs):
    """The redrawn bar still says Home (0); the event says the tapped tab: that tab opens."""
    bar, page = _bar(role)
    assert bar.selected_index == 0
    for index, tab in enumerate(tabs):
        bar.on_change(ft.Event(name="change", control=bar, data=index))
        assert page.route == tab.route


def test_an_event_without_an_index_falls_back_to_the_bars_own():
    """Older clients send no data: the bar's patched index still opens the tab."""
    bar, page = _bar("store_manager")
    bar.selected_index = 2
    bar.on_change(ft.Event(name="change", control=bar, data=None))
    assert page.route == "/approvals"
