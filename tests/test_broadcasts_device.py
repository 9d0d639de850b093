"""Issue 11, broadcasts, on real synced phones (real API): the Broadcasts feed (pinned on top,
unread first), opening one records "read" and Acknowledge records the acknowledgement on the
phone at once, offline, and both reach the server later with the times they happened; the
sender's receipts then show who acknowledged and who has not; an urgent one blocks every screen
until acknowledged."""

import asyncio
import time
from datetime import datetime, timedelta

from types import SimpleNamespace

import flet as ft

from app.domain.roles import Role
from app.sync import SyncEngine
from app.store import queries
from app.ui.screens import broadcasts, home
from app.ui.screen_state import screen_state
from app.ui.shell import Shell
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)


def _sync(*phones) -> None:
    for ctx in phones:
        SyncEngine(ctx.store, ctx.api).sync_once()


def _button(view, label: str):
    return next(c for c in walk(view) if isinstance(c, (ft.FilledButton, ft.OutlinedButton))
                and label in _texts(c.content))


def _stored(ctx, table: str, broadcast_id: str, column: str) -> str:
    with ctx.store.reading() as db:
        return db.execute(f"SELECT {column} FROM {table} WHERE broadcast_id=? AND user_id=?",
                          [broadcast_id, ctx.user["id"]]).fetchone()[0]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_read_and_acknowledged_offline_reach_the_sender_with_their_real_times(device):
    """The CWB manager sends an urgent broadcast to his staff. Chan opens it on Broadcasts while
    his phone is not syncing: "read" and, on tapping Acknowledge, "acknowledged" are recorded on
    the phone at once with those times. When his phone syncs later, the manager's receipts show
    Chan read and acknowledged at exactly those times (before the sync), and Siti not yet."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(["st-cwb"], "Fire exit blocked", "請勿使用後門。", role=Role.STAFF,
                                            kind="urgent")
    _sync(manager)
    chan = device("S3001", "1111")
    feed = broadcasts.view(chan)
    assert nameless(feed) == []
    assert _texts(feed).index("Fire exit blocked") < _texts(feed).index("Stock count tonight")
    detail = broadcasts.detail_view(chan, f"{broadcasts.ROUTE}/{sent}", sent)
    assert "請勿使用後門。" in _texts(detail) and "Please confirm you have read this." in _texts(detail)
    read_at = _stored(chan, "broadcast_reads", sent, "read_at")
    _button(detail, "Acknowledge").on_click(None)
    acked_at = _stored(chan, "broadcast_acks", sent, "acknowledged_at")
    detail = broadcasts.detail_view(chan, f"{broadcasts.ROUTE}/{sent}", sent)
    assert not any("Acknowledge" == t for t in _texts(detail))
    time.sleep(1.1)  # the sync happens clearly later than the taps
    synced_at = datetime.now().astimezone()
    _sync(chan)
    receipts = manager.api.broadcast_receipts(sent)
    people = {p["user_id"]: p for p in receipts["people"]}
    assert _at(people["u-s01"]["read_at"]) == _at(read_at) < synced_at
    assert _at(people["u-s01"]["acknowledged_at"]) == _at(acked_at) < synced_at
    assert people["u-s02"]["read_at"] is None and people["u-s02"]["acknowledged_at"] is None
    assert receipts["stores"][0]["acknowledged"] == 1 and receipts["stores"][0]["people"] == 3


def test_feed_puts_pinned_on_top_then_unread_and_home_links_to_it(device):
    """Chan's feed: a pinned broadcast first (even once read), then unread ones, then what he
    has read. Home counts the unread ones and "All broadcasts" opens the feed."""
    manager = device("M2001", "7100")
    pinned = manager.actions.create_broadcast(["st-cwb"], "Uniform policy", "Name badge on the left.", pinned=True)
    manager.actions.create_broadcast(["st-cwb"], "New price tags", "From Monday.")
    _sync(manager)
    chan = device("S3001", "1111")
    chan.actions.mark_broadcast_read(pinned)
    chan.actions.mark_broadcast_read("bc-0003")  # "Stock count tonight": read
    titles = [t for t in _texts(broadcasts.view(chan)) if t in (
        "Uniform policy", "New price tags", "Typhoon signal No. 8 procedure", "Stock count tonight")]
    assert titles[0] == "Uniform policy" and titles[-1] == "Stock count tonight"
    assert set(titles[1:3]) == {"New price tags", "Typhoon signal No. 8 procedure"}
    page = home.view(chan)
    assert "2 unread broadcasts" in _texts(page)
    _button(page, "All broadcasts").on_click(None)
    assert chan.page.route == broadcasts.ROUTE


def test_the_sender_opening_their_own_broadcast_records_no_read(device):
    """The manager opens what he sent: no read receipt is queued (it would count him as a reader
    and the server would refuse it)."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(["st-cwb"], "Cash-up at 21:30", "")
    broadcasts.detail_view(manager, f"{broadcasts.ROUTE}/{sent}", sent)
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='broadcast.read'").fetchone()[0] == 0


def test_an_urgent_broadcast_blocks_every_screen_until_acknowledged(device):
    """Chan's phone, on any screen, shows the urgent broadcast on top with only Acknowledge (no
    tabs, Back stays); once tapped it is read and acknowledged on his phone and the screen below
    comes back."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(["st-cwb"], "Typhoon: close at 15:00", "請準時落閘。",
                                            role=Role.STAFF, kind="urgent")
    _sync(manager)
    chan = device("S3001", "1111")
    shell = Shell(chan)
    for route in ("/home", "/shifts"):
        chan.page.route = route
        shell.render()
        top = chan.page.views[-1]
        assert "Urgent · Typhoon: close at 15:00" in _texts(top) and "請準時落閘。" in _texts(top)
        assert top.navigation_bar is None and top.route == route
    asyncio.run(shell._view_pop(None))
    assert "Urgent · Typhoon: close at 15:00" in _texts(chan.page.views[-1])
    _button(chan.page.views[-1], "Acknowledge").on_click(None)
    assert _stored(chan, "broadcast_acks", sent, "acknowledged_at") and _stored(chan, "broadcast_reads", sent, "read_at")
    assert "Urgent · Typhoon: close at 15:00" not in _texts(chan.page.views[-1])
    assert chan.page.views[-1].route == "/shifts"


def test_siti_reads_the_indonesian_version_and_can_show_the_original(device):
    """Issue 11, bcwrite: the CWB manager writes in Chinese and adds Indonesian. Siti (phone in
    Indonesian) sees the Indonesian title in her feed and text in the detail; "Show original"
    (in Indonesian) shows the Chinese as written, and back. Chan (English, no English version)
    sees the original."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(
        ["st-cwb"], "後門維修", "請勿使用後門。", role=Role.STAFF,
        translations={"id": {"title": "Pintu belakang diperbaiki", "body": "Jangan gunakan pintu belakang."}})
    _sync(manager)
    siti = device("S3002", "2222", locale="id")
    assert "Pintu belakang diperbaiki" in _texts(broadcasts.view(siti))
    home_texts = _texts(home.view(siti))
    assert "Pintu belakang diperbaiki" in home_texts and "Jangan gunakan pintu belakang." in home_texts
    route = f"{broadcasts.ROUTE}/{sent}"
    detail = broadcasts.detail_view(siti, route, sent)
    assert "Jangan gunakan pintu belakang." in _texts(detail) and "請勿使用後門。" not in _texts(detail)
    show_original = siti._("Show original")
    assert show_original != "Show original"  # a real Indonesian label
    _button(detail, show_original).on_click(None)
    detail = broadcasts.detail_view(siti, route, sent)
    assert "後門維修" in _texts(detail) and "請勿使用後門。" in _texts(detail)
    assert "Jangan gunakan pintu belakang." not in _texts(detail)
    _button(detail, siti._("Show translation")).on_click(None)
    assert "Jangan gunakan pintu belakang." in _texts(broadcasts.detail_view(siti, route, sent))
    chan = device("S3001", "1111")
    detail = broadcasts.detail_view(chan, route, sent)
    assert "請勿使用後門。" in _texts(detail) and not any("Show original" == t for t in _texts(detail))


def test_search_finds_a_broadcast_by_its_words_as_written_and_in_my_language(device):
    """Issue 11, bcwrite: Siti (Indonesian) searches her feed: a word of the Indonesian version
    ("TANGGA", any case) or of the Chinese original finds the broadcast and leaves the others out;
    a word in none says no broadcast matches."""
    manager = device("M2001", "7100")
    manager.actions.create_broadcast(["st-cwb"], "升降機維修", "請用樓梯。", role=Role.STAFF,
                                     translations={"id": {"title": "Lift diperbaiki", "body": "Gunakan tangga."}})
    _sync(manager)
    siti = device("S3002", "2222", locale="id")
    feed = broadcasts.view(siti)
    assert "Lift diperbaiki" in _texts(feed) and "Stock count tonight" in _texts(feed)
    state = screen_state(siti, broadcasts.ROUTE, broadcasts.ReadingState)
    for query in ("TANGGA", "樓梯"):
        search = next(c for c in walk(feed) if isinstance(c, ft.TextField))
        search.on_change(SimpleNamespace(control=SimpleNamespace(value=query)))
        search.on_submit(None)
        feed = broadcasts.view(siti)
        assert "Lift diperbaiki" in _texts(feed) and "Stock count tonight" not in _texts(feed), query
    state.typed.text = "xyzzy"
    next(c for c in walk(feed) if isinstance(c, ft.IconButton)
         and c.tooltip == siti._("Search broadcasts")).on_click(None)
    feed = broadcasts.view(siti)
    assert siti._("No broadcasts match your search.") in _texts(feed) and "Lift diperbaiki" not in _texts(feed)


def test_an_edited_urgent_broadcast_asks_chan_again_and_shows_what_changed(device):
    """Issue 11, bcwrite: Chan acknowledged an urgent broadcast; the manager edits its text on his
    phone. After both sync, his acknowledgement is gone from his phone, its detail asks him to
    confirm again and shows the new text, "Edited at ..." and the text before the edit."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(["st-cwb"], "Back door closed", "Use the front door.", role=Role.STAFF,
                                            kind="urgent")
    _sync(manager)
    chan = device("S3001", "1111")
    chan.actions.acknowledge_broadcast(sent)
    _sync(chan)
    with chan.store.reading() as db:
        assert queries.broadcast(db, "u-s01", sent).acknowledged_at is not None
    _sync(manager)
    manager.actions.edit_broadcast(sent, "Back and side doors closed", "Use the front door only.")
    _sync(manager, chan)
    with chan.store.reading() as db:
        assert queries.broadcast(db, "u-s01", sent).acknowledged_at is None  # asked again
    detail = _texts(broadcasts.detail_view(chan, f"{broadcasts.ROUTE}/{sent}", sent))
    assert "Back and side doors closed" in detail and "Use the front door only." in detail
    assert any(t.startswith("Edited at ") for t in detail) and "Before the edit:" in detail
    assert detail.index("Before the edit:") < detail.index("Back door closed")
    assert "Use the front door." in detail and "Please confirm you have read this." in detail


def test_the_sender_edits_a_broadcast_on_its_screen_and_the_reader_sees_the_new_text(device):
    """Issue 11, bcwrite: the CWB manager opens his broadcast, taps Edit (fields hold its text),
    changes the title and text and saves; after both sync, Siti reads the new text with the old
    one under "Before the edit:". Siti's own view of it has no Edit."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(["st-cwb"], "Staff party Friday", "At 19:00.", role=Role.STAFF)
    _sync(manager)
    route = f"{broadcasts.ROUTE}/{sent}"
    _button(broadcasts.detail_view(manager, route, sent), "Edit").on_click(None)
    view = broadcasts.detail_view(manager, route, sent)
    title, body = [c for c in walk(view) if isinstance(c, ft.TextField)]
    assert (title.value, body.value) == ("Staff party Friday", "At 19:00.")
    title.on_change(SimpleNamespace(control=SimpleNamespace(value="Staff party Saturday")))
    body.on_change(SimpleNamespace(control=SimpleNamespace(value="At 19:30.")))
    _button(view, "Save changes").on_click(None)
    _sync(manager)
    siti = device("S3002", "2222")
    detail = _texts(broadcasts.detail_view(siti, route, sent))
    assert "Staff party Saturday" in detail and "At 19:30." in detail
    assert detail.index("Before the edit:") < detail.index("Staff party Friday") and "At 19:00." in detail
    assert not any("Edit" == t for t in detail)


def test_an_expired_broadcast_leaves_chans_feed_even_offline(device):
    """Issue 11, bcwrite: the manager sends a notice expiring 3 seconds later; Chan's phone pulls
    it and shows it; once it expired his feed and Home no longer show it, without any sync."""
    manager = device("M2001", "7100")
    until = datetime.now().astimezone() + timedelta(seconds=3)
    manager.actions.create_broadcast(["st-cwb"], "Flash sale today only", "Until 3pm.", role=Role.STAFF,
                                     expires_at=until)
    _sync(manager)
    chan = device("S3001", "1111")
    assert "Flash sale today only" in _texts(broadcasts.view(chan))
    while datetime.now().astimezone() < until:
        time.sleep(0.2)
    assert "Flash sale today only" not in _texts(broadcasts.view(chan))
    assert "Flash sale today only" not in _texts(home.view(chan))
