"""Issue 11, broadcasts, on real synced phones (real API): the sender's own broadcasts are not
"unread" on their Home, and a half-typed broadcast survives any redraw of its screen (a sync that
brings receipts, a language change), byte for byte, CJK included."""

from types import SimpleNamespace

import flet as ft

from app.sync import SyncEngine
from app.ui.screens import home
from app.ui.shell import Shell
from tests.test_accessible_names import walk
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

TITLE = "早更提示 Early shift"
BODY = "請早15分鐘返工，收銀機箱。Please come 15 minutes early 🙏"


def _fields(view) -> list[ft.TextField]:
    return [c for c in walk(view) if isinstance(c, ft.TextField)]


def _type(field: ft.TextField, text: str) -> None:
    """As Flet does for a keystroke: the field's value, then its change event."""
    field.value = text
    if field.on_change:
        field.on_change(SimpleNamespace(control=field, data=text))


def test_the_senders_own_broadcasts_are_not_unread_on_their_home(device):
    """Chan Siu Ming (CWB manager) wrote "Stock count tonight" and sends another one now: neither
    shows as unread on his own Home, before or after sync; Chan Tai Man (CWB staff) has both
    waiting on his."""
    manager = device("M2001", "7100")
    manager.actions.create_broadcast(["st-cwb"], "Fire drill Friday", "At 10:00, before opening.")

    def unread(ctx) -> list[str]:
        return _texts(home.view(ctx))

    assert "Stock count tonight" not in unread(manager) and "Fire drill Friday" not in unread(manager)
    SyncEngine(manager.store, manager.api).sync_once()
    assert "Stock count tonight" not in unread(manager) and "Fire drill Friday" not in unread(manager)
    assert "Typhoon signal No. 8 procedure" in unread(manager)  # HQ's one is his to read
    staff = device("S3001", "1111")
    assert {"Stock count tonight", "Fire drill Friday"} <= set(unread(staff))


def test_a_redraw_keeps_the_half_typed_broadcast_byte_for_byte(device):
    """The manager types a Chinese and English title and text on Broadcast; the screen is redrawn
    (as a sync that brings news, a language change or a reconnect does): the new fields hold
    exactly what was typed, and sending sends exactly that."""
    manager = device("M2001", "7100")
    shell = Shell(manager)
    manager.page.route = "/broadcast"
    shell.render()
    title, body = _fields(manager.page.views[-1])
    _type(title, TITLE)
    _type(body, BODY)
    shell.render()
    title, body = _fields(manager.page.views[-1])
    assert (title.value, body.value) == (TITLE, BODY)
    before = manager.page.views[-1]
    shell._synced(SimpleNamespace(pulled=1, applied=0, rejected=0))
    assert manager.page.views[-1] is not before  # the sync redrew it (its receipts follow)
    title, body = _fields(manager.page.views[-1])
    assert (title.value, body.value) == (TITLE, BODY)
    send = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.FilledButton)
                and "Send" in _texts(c.content))
    send.on_click(None)
    with manager.store.reading() as db:
        sent = db.execute("SELECT title, body FROM broadcasts WHERE author_id=? AND title=?",
                          ["u-sm-cwb", TITLE]).fetchall()
    assert [tuple(r) for r in sent] == [(TITLE, BODY)]
    assert [f.value for f in _fields(manager.page.views[-1])] == ["", ""]  # the next one starts empty
