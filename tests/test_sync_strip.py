"""The sync status strip stays on one line, with no stray separator, in every language and text size."""

from __future__ import annotations

import datetime as dt

import flet as ft
import pytest

from app.i18n import SUPPORTED_LOCALES, Translator
from app.ui.chrome import status_strip
from app.ui.context import AppContext
from app.ui.sync_status import SyncStatus
from app.ui.theme import Display


def strip(locale: str, large_text: bool, **status) -> ft.Container:
    ctx = AppContext(page=None, config=None, store=None, api=None, tr=Translator(locale),
                     display=Display(large_text=large_text),
                     status=SyncStatus(last_sync=dt.datetime(2026, 11, 30, 2, 5), **status))
    return status_strip(ctx)


def texts(control: ft.Control) -> list[ft.Text]:
    """Every Text in a control tree."""
    found = [control] if isinstance(control, ft.Text) else []
    for child in ([getattr(control, "content", None)] + list(getattr(control, "controls", None) or [])):
        if isinstance(child, ft.Control):
            found += texts(child)
    return found


@pytest.mark.parametrize("locale", sorted(SUPPORTED_LOCALES))
@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("state", [dict(waiting=3, rejected=2), dict(online=False, waiting=12),
                                   dict(problem=True)], ids=["waiting", "offline", "problem"])
def test_strip_is_one_line_without_a_stray_separator(locale, large_text, state):
    """The strip never wraps (a wrapped row began its second line with '·'); long parts end in '…'."""
    container = strip(locale, large_text, **state)
    row = container.content
    assert isinstance(row, ft.Row) and not row.wrap
    for text in texts(row):
        assert text.max_lines in (None, 1)
        if text.max_lines == 1:
            assert text.overflow == ft.TextOverflow.ELLIPSIS
    parts = [t for t in texts(row) if t.value]
    # Only the parts that can grow (waiting count, last sync) shrink; they are one line each.
    shrinking = [t for t in parts if t.expand]
    assert len(shrinking) == 2 and all(t.max_lines == 1 and t.no_wrap for t in shrinking)
    assert all(t.no_wrap for t in parts)
