"""Issue 10, pickers: the manager's decision queues (leave and other requests, shift trades, and
Approvals with its missing clock-outs) redraw when a sync brings something new, keeping every
half-typed reason and the focused field; an item being answered that a sync takes away stays in
its place and says it was answered elsewhere. Real synced phones, real API, the app's shell."""

from datetime import date
from types import SimpleNamespace

import flet as ft

from app.domain.requests.kinds import RequestType
from app.domain.shift_rules import TradeKind
from app.store.requests import RequestActions
from app.store.trade_actions import TradeActions
from app.sync import SyncEngine
from app.ui.screens import requests_queue
from app.ui.screen_state import QueueState, screen_state
from app.ui.shell import Shell
from tests.servers import server_engine
from tests.test_accessible_names import walk
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)
from tests.trade_world import add_shift, future_monday

CHAN, SITI = "Chan Tai Man 陳大文", "Siti Rahayu"


def _sync(ctx):
    return SyncEngine(ctx.store, ctx.api).sync_once()


def _on(ctx, route: str) -> Shell:
    """The manager's app showing ``route`` (the shell draws the screen stack)."""
    shell = Shell(ctx)
    ctx.page.route = route
    shell.render()
    return shell


def _screen(ctx) -> ft.View:
    return ctx.page.views[-1]


def _reason_fields(view) -> list[ft.TextField]:
    return [c for c in walk(view) if isinstance(c, ft.TextField)]


def _field_of(ctx, route: str, item: str, name: str) -> ft.TextField:
    """The field on screen for ``item`` (``request:<id>``, ``trade:<id>``) and its field ``name``
    (the module's server keeps earlier tests' items in the queue)."""
    built = screen_state(ctx, route, QueueState).drafts.built[(item, name)]
    assert any(c is built for c in walk(_screen(ctx)))
    return built


def _type(field: ft.TextField, text: str) -> None:
    field.on_focus(SimpleNamespace(control=field))
    field.value = text
    field.on_change(SimpleNamespace(control=field))


def _synced(shell: Shell, ctx) -> ft.View:
    """A background sync round, as the app's sync runner reports it to the shell."""
    shell._synced(_sync(ctx))
    return _screen(ctx)


def _leave(ctx, first: date, last: date) -> str:
    acts = RequestActions(ctx.store, ctx.store.clock, ctx.actor)
    request_id = acts.submit(RequestType.ANNUAL_LEAVE, "st-cwb", first_day=first, last_day=last, note="Family")
    _sync(ctx)
    return request_id


def test_a_new_request_is_shown_on_sync_and_the_half_typed_comment_stays(device):
    """The manager is typing a comment on Chan's leave (the field has the focus) when a sync
    brings Siti's: the queue shows Siti's too, and Chan's comment and its focus are still there."""
    chan, siti = device("S3001", "1111"), device("S3002", "2222")
    chans = _leave(chan, date(2027, 3, 1), date(2027, 3, 2))
    manager = device("M2001", "7100")
    shell = _on(manager, requests_queue.ROUTE)
    assert SITI not in _texts(_screen(manager))
    comment = _field_of(manager, requests_queue.ROUTE, f"request:{chans}", "comment")
    _type(comment, "Ask Fatima to cover Mon")
    sitis = _leave(siti, date(2027, 3, 8), date(2027, 3, 9))
    view = _synced(shell, manager)
    assert SITI in _texts(view)
    kept = _field_of(manager, requests_queue.ROUTE, f"request:{chans}", "comment")
    assert kept is not comment and (kept.value, kept.autofocus) == ("Ask Fatima to cover Mon", True)
    new = _field_of(manager, requests_queue.ROUTE, f"request:{sitis}", "comment")
    assert (new.value, new.autofocus) == ("", False)


def test_a_request_answered_elsewhere_stays_in_place_with_the_comment(device):
    """Chan cancels his leave while the manager is typing a comment on it: after the sync it is
    still in the queue, in its place, saying it was answered elsewhere, with the comment; no
    decision is offered on it, and OK puts it away."""
    chan = device("S3001", "1111")
    request_id = _leave(chan, date(2027, 4, 5), date(2027, 4, 6))
    manager = device("M2001", "7100")
    shell = _on(manager, requests_queue.ROUTE)
    item = f"request:{request_id}"
    comment = _field_of(manager, requests_queue.ROUTE, item, "comment")
    places = [id(f) for f in _reason_fields(_screen(manager))].index(id(comment))
    _type(comment, "Fine by me, but")
    comment.on_blur(SimpleNamespace(control=comment))  # typing paused: the text alone keeps it
    RequestActions(chan.store, chan.store.clock, chan.actor).cancel(request_id)
    _sync(chan)
    view = _synced(shell, manager)
    assert _texts(view).count(manager._("This request was answered elsewhere.")) == 1
    kept = _field_of(manager, requests_queue.ROUTE, item, "comment")
    assert (kept.value, kept.read_only) == ("Fine by me, but", True)
    assert [id(f) for f in _reason_fields(view)].index(id(kept)) == places  # in its place
    item_box = next(c for c in walk(view) if isinstance(c, ft.Column)  # the request's own block
                    and any(getattr(k, "content", None) is kept for k in c.controls))
    assert manager._("Approve") not in _texts(item_box)
    ok = next(c for c in walk(item_box) if isinstance(c, ft.TextButton) and c.content == manager._("OK"))
    ok.on_click(None)
    assert manager._("This request was answered elsewhere.") not in _texts(_screen(manager))
    assert not any(c is kept for c in walk(_screen(manager)))


def _waiting_trade(engine, chan, siti, weeks: int) -> str:
    """Chan offers a shift to Siti and she accepts: it waits for the manager (a 468 warning)."""
    shift = add_shift(engine, "u-s01", future_monday(weeks))
    _sync(chan)
    TradeActions(chan.store, chan.store.clock, chan.actor).request(TradeKind.OFFER, shift, "u-s02")
    _sync(chan)
    _sync(siti)
    with siti.store.reading() as db:
        [trade] = list(db.query("SELECT id FROM trades WHERE shift_id=?", [shift]))
    TradeActions(siti.store, siti.store.clock, siti.actor).respond(trade["id"], True)
    _sync(siti)
    return trade["id"]


def test_trades_queue_on_approvals_redraws_keeps_reasons_and_an_answered_trade(device, server):
    """On Approvals the manager is typing the reason for one trade's 468 warning when a sync brings
    a second trade: both are shown, the reason kept and focused. Chan then cancels the first:
    it stays first, saying it was answered elsewhere, with its reason; the second can be decided."""
    engine = server_engine(server)
    chan, siti = device("S3001", "1111"), device("S3002", "2222")
    first = _waiting_trade(engine, chan, siti, 34)
    manager = device("M2001", "7100")
    shell = _on(manager, "/approvals")
    [key] = [k for k in screen_state(manager, "/approvals", QueueState).drafts.built if k[0] == f"trade:{first}"]
    reason = _field_of(manager, "/approvals", *key)
    _type(reason, "Siti asked for more hours")
    second = _waiting_trade(engine, chan, siti, 36)
    engine.dispose()
    view = _synced(shell, manager)
    kept = _field_of(manager, "/approvals", *key)
    assert (kept.value, kept.autofocus) == ("Siti asked for more hours", True)
    [new_key] = [k for k in screen_state(manager, "/approvals", QueueState).drafts.built
                 if k[0] == f"trade:{second}"]
    assert _field_of(manager, "/approvals", *new_key).value == ""
    before = _reason_fields(view).index(kept)
    TradeActions(chan.store, chan.store.clock, chan.actor).cancel(first)
    _sync(chan)
    view = _synced(shell, manager)
    assert _texts(view).count(manager._("This request was answered elsewhere.")) == 1
    kept = _field_of(manager, "/approvals", *key)
    assert (kept.value, kept.read_only) == ("Siti asked for more hours", True)
    assert _reason_fields(view).index(kept) == before
    with manager.store.reading() as db:
        assert [r["state"] for r in db.query("SELECT state FROM trades WHERE id=?", [second])] == ["waiting_manager"]
