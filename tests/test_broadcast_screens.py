"""Issue 11, broadcasts, on real synced phones (real API): the sender's own broadcasts are not
"unread" on their Home, a half-typed broadcast survives any redraw of its screen (a sync that
brings receipts, a language change), byte for byte, CJK included; sending to two stores asks
first with the count of people; receipts per store and per person."""

import asyncio
import json
from types import SimpleNamespace

import flet as ft

from app.sync import SyncEngine
from app.ui.screens import home
from app.ui.shell import Shell
from tests.test_accessible_names import walk
from tests.test_me_calendar_feed import OFFLINE, DialogPage, button, offline_api
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


def _on_broadcast(device, staff_no: str, pin: str):
    """A signed-in phone showing the Broadcast screen (its dialogs recorded), and its shell."""
    manager = device(staff_no, pin)
    manager.page = DialogPage()
    shell = Shell(manager)
    manager.page.route = "/broadcast"
    shell.render()
    return manager, shell


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
    (as a language change or a reconnect does): the new fields hold exactly what was typed; a
    sync that changes nothing shown keeps the very fields; sending sends exactly what was typed."""
    manager = device("M2001", "7100")
    shell = Shell(manager)
    manager.page.route = "/broadcast"
    shell.render()
    title, body = _fields(manager.page.views[-1])[:2]
    _type(title, TITLE)
    _type(body, BODY)
    shell.render()
    title, body = _fields(manager.page.views[-1])[:2]
    assert (title.value, body.value) == (TITLE, BODY)
    before = manager.page.views[-1]
    shell._synced(SimpleNamespace(pulled=1, applied=0, rejected=0))
    assert manager.page.views[-1] is before  # a sync that changed nothing shown keeps the very fields
    title, body = _fields(manager.page.views[-1])[:2]
    assert (title.value, body.value) == (TITLE, BODY)
    send = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.FilledButton)
                and "Send" in _texts(c.content))
    send.on_click(None)
    with manager.store.reading() as db:
        sent = db.execute("SELECT title, body FROM broadcasts WHERE author_id=? AND title=?",
                          ["u-sm-cwb", TITLE]).fetchall()
    assert [tuple(r) for r in sent] == [(TITLE, BODY)]
    assert [f.value for f in _fields(manager.page.views[-1])] == [""] * 7  # the next one starts empty (issue 11,
    # bcwrite: title, message, send later day and time, expiry day and time; bcsaved: the audience name)


def _run_tasks(page) -> None:
    """Run what buttons started in the background (the Page stand-in keeps them)."""
    while page.tasks:
        handler, args, kwargs = page.tasks.pop(0)
        asyncio.run(handler(*args, **kwargs))


def _button(view, label: str):
    return next(c for c in walk(view) if isinstance(c, (ft.FilledButton, ft.OutlinedButton))
                and label in _texts(c.content))


def test_two_stores_ask_first_with_the_count_and_receipts_follow_per_store_and_person(device):
    """HK Island's area manager (CWB and Sha Tin) writes to their staff: "Count people" shows
    "Reaches 4 people" (Fatima, at both stores, once); Send asks "Send this broadcast to 2
    stores?" with that count and queues nothing until confirmed. After Siti reads it, the
    receipts screen shows CWB "Read 1 of 3 (33.3%)" and "Not read yet only" hides Siti."""
    manager = device("A1002", "8200")
    manager.page = DialogPage()
    shell = Shell(manager)
    manager.page.route = "/broadcast"
    shell.render()
    title = _fields(manager.page.views[-1])[0]
    _type(title, "Stocktake Sunday")
    who = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Dropdown) and c.label == "Who")
    who.value = "staff"
    who.on_select(SimpleNamespace(control=who, data="staff"))
    _button(manager.page.views[-1], "Count people").on_click(None)
    _run_tasks(manager.page)
    assert "Reaches 4 people" in _texts(manager.page.views[-1])
    _button(manager.page.views[-1], "Send").on_click(None)
    dialog = manager.page.shown[-1]
    assert "Send this broadcast to 2 stores? · Reaches 4 people" in _texts(dialog)
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='broadcast.create'").fetchone()[0] == 0
    button(dialog, "Send").on_click(None)
    asyncio.run(dialog.on_dismiss(None))
    with manager.store.reading() as db:
        [sent] = [r[0] for r in db.execute("SELECT id FROM broadcasts WHERE title='Stocktake Sunday'")]
    SyncEngine(manager.store, manager.api).sync_once()
    siti = device("S3002", "2222")
    siti.actions.mark_broadcast_read(sent)
    SyncEngine(siti.store, siti.api).sync_once()
    manager.page.route = f"/broadcast/{sent}"
    shell.render()
    _run_tasks(manager.page)
    receipts = _texts(manager.page.views[-1])
    assert any(t.startswith("Read 1 of 3 (33.3%)") for t in receipts), receipts
    assert "Siti Rahayu" in receipts and "Chan Tai Man 陳大文" in receipts
    switch = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Switch))
    switch.value = True
    switch.on_change(SimpleNamespace(control=switch, data="true"))
    receipts = _texts(manager.page.views[-1])
    assert "Siti Rahayu" not in receipts and "Chan Tai Man 陳大文" in receipts


def test_offline_the_count_says_the_server_cannot_be_reached_and_sending_still_works(device):
    """With no connection, "Count people" answers in the manager's language that the server
    cannot be reached; sending (one store: no question) is queued on the phone all the same."""
    manager = device("M2001", "7100", "zh_Hant_HK")
    manager.page = DialogPage()
    manager.api = offline_api(manager)
    shell = Shell(manager)
    manager.page.route = "/broadcast"
    shell.render()
    _type(_fields(manager.page.views[-1])[0], TITLE)
    _button(manager.page.views[-1], manager._("Count people")).on_click(None)
    _run_tasks(manager.page)
    said = manager._(OFFLINE)
    assert said != OFFLINE and said in _texts(manager.page.views[-1])
    _button(manager.page.views[-1], manager._("Send")).on_click(None)
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='broadcast.create'").fetchone()[0] == 1


def test_chosen_people_reach_only_them(device):
    """The CWB manager chooses "Chosen people", ticks Siti: "Count people" says 1 person, and once
    sent and synced, Siti has it on her phone and Chan (same store) does not."""
    manager, _shell = _on_broadcast(device, "M2001", "7100")
    _type(_fields(manager.page.views[-1])[0], "Your uniform is ready")
    who = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Dropdown) and c.label == "Who")
    who.on_select(SimpleNamespace(control=SimpleNamespace(value="people"), data="people"))
    siti = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Checkbox) and c.label == "Siti Rahayu")
    siti.on_change(SimpleNamespace(control=SimpleNamespace(value=True), data="true"))
    _button(manager.page.views[-1], "Count people").on_click(None)
    _run_tasks(manager.page)
    assert "Reaches 1 person" in _texts(manager.page.views[-1])
    _button(manager.page.views[-1], "Send").on_click(None)
    assert manager.page.shown == [] or all(isinstance(d, ft.SnackBar) for d in manager.page.shown)  # one person: no question
    SyncEngine(manager.store, manager.api).sync_once()
    for staff_no, pin, has_it in (("S3002", "2222", True), ("S3001", "1111", False)):
        phone = device(staff_no, pin)
        assert ("Your uniform is ready" in _texts(home.view(phone))) is has_it, staff_no


def test_an_area_and_an_indonesian_version_chosen_on_broadcast_reach_the_server(device):
    """Issue 11, bcwrite: Kowloon's area manager writes a broadcast, adds an Indonesian version
    ("Add a language": title and message fields appear) and picks his area instead of ticking
    stores (the store boxes go): Send asks "Send this broadcast to 2 stores?"; once confirmed and
    synced, the server holds the area as the audience and the Indonesian version."""
    manager, _shell = _on_broadcast(device, "A1001", "8100")
    _type(_fields(manager.page.views[-1])[0], "盤點 Stocktake")

    def dropdown(label: str) -> ft.Dropdown:
        return next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Dropdown) and c.label == label)

    add = dropdown("Add a language")
    add.value = "id"
    add.on_select(SimpleNamespace(control=add, data="id"))
    labels = {f.label: f for f in _fields(manager.page.views[-1])}
    _type(labels["Title (Bahasa Indonesia)"], "Stok opname")
    _type(labels["Message (Bahasa Indonesia)"], "Hari Minggu jam 8.")
    def store_boxes() -> list[str]:
        return [c.label for c in walk(manager.page.views[-1]) if isinstance(c, ft.Checkbox)]

    assert "Mong Kok (Langham Place)" in store_boxes()
    area = dropdown("Area")
    area.value = "kowloon"
    area.on_select(SimpleNamespace(control=area, data="kowloon"))
    assert store_boxes() == []
    _button(manager.page.views[-1], "Send").on_click(None)
    dialog = manager.page.shown[-1]
    assert "Send this broadcast to 2 stores?" in _texts(dialog)
    button(dialog, "Send").on_click(None)
    asyncio.run(dialog.on_dismiss(None))
    SyncEngine(manager.store, manager.api).sync_once()
    with manager.store.reading() as db:
        [sent] = [r[0] for r in db.execute("SELECT id FROM broadcasts WHERE title='盤點 Stocktake'")]
    stored = manager.api._authed("GET", f"/broadcasts/{sent}").json()
    assert '"area": "kowloon"' in stored["audience"] and '"store_ids": []' in stored["audience"]
    assert stored["translations"] == {"id": {"title": "Stok opname", "body": "Hari Minggu jam 8."}}


def test_send_later_and_expire_are_typed_on_broadcast_and_an_expiry_before_sending_is_refused(device):
    """Issue 11, bcwrite: the CWB manager writes a notice to send tomorrow at 09:00 (Hong Kong)
    that expires at 08:00: refused, nothing queued; with the expiry at 18:00 it is queued with
    exactly those times."""
    from datetime import datetime, time, timedelta

    from app.domain.attendance.common import HONG_KONG

    manager, _shell = _on_broadcast(device, "M2001", "7100")
    tomorrow = (datetime.now(HONG_KONG) + timedelta(days=1)).date()
    fields = _fields(manager.page.views[-1])
    _type(fields[0], "Fire drill")
    by_label = {f.label: f for f in fields if f.label != "At (HH:MM)"}
    at = [f for f in fields if f.label == "At (HH:MM)"]
    _type(by_label["Send later on (YYYY-MM-DD)"], tomorrow.isoformat())
    _type(at[0], "09:00")
    _type(by_label["Expires on (YYYY-MM-DD)"], tomorrow.isoformat())
    _type(at[1], "08:00")

    def queued() -> list[str]:
        with manager.store.reading() as db:
            return [r[0] for r in db.execute("SELECT payload FROM outbox WHERE type='broadcast.create'")]

    _button(manager.page.views[-1], "Send").on_click(None)
    assert queued() == []
    _type(at[1], "18:00")
    _button(manager.page.views[-1], "Send").on_click(None)
    [payload] = [json.loads(p) for p in queued()]
    assert datetime.fromisoformat(payload["send_at"]) == datetime.combine(tomorrow, time(9), HONG_KONG)
    assert datetime.fromisoformat(payload["expires_at"]) == datetime.combine(tomorrow, time(18), HONG_KONG)
