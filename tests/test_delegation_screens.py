"""Issue 10, delegation screens, built from real synced devices (real API): Me -> Delegate my
approvals hands a manager's approvals over for some days and ends it, offline first (shown at once,
waiting to sync), refusals in the reader's language; approvers open a sick-leave certificate from
their queue, and a phone without the photo and without a network says so."""

import asyncio
from types import SimpleNamespace
from datetime import date, timedelta

import flet as ft
from sqlalchemy import text

from app.domain.requests.kinds import RequestType
from app.store import outbox
from app.store.requests import RequestActions
from app.i18n import Translator
from app.sync import ApiClient, SyncEngine
from app.ui.punch_view import load_photo
from app.ui.screens import delegation as screen
from app.ui.screens import me, requests, requests_queue
from tests.servers import server_engine, server_rows
from tests.test_accessible_names import nameless, walk
from tests.test_availability_screens import _field, _typed
from tests.test_pickers import _capture, _picker_button, _type
from tests.test_pickers_forms import _pick
from tests.test_request_device import _photo
from tests.test_trades_screens import _button, _texts, device  # noqa: F401 - the signed-in device fixture


def _dialogs(ctx) -> list:
    """The dialogs ``ctx``'s page shows from now on, open as on a real page."""
    shown = []

    def show(dialog) -> None:
        dialog.open, dialog.update = True, lambda *a: None  # no Flutter here to draw it
        shown.append(dialog)

    ctx.page.show_dialog = show
    return shown


def _pending_types(ctx) -> list[str]:
    with ctx.store.reading() as db:
        return [m.type for m in outbox.pending(db, 50)]


def test_manager_hands_approvals_over_then_ends_it_offline_first(server, device):
    """The Mong Kok manager (reading in Vietnamese) opens Delegate my approvals from Me: every
    other manager of the chain is offered (not herself, no staff); she picks the Tsim Sha Tsui
    manager for the prefilled week; it shows at once as in effect and waiting to sync, and after
    a sync the server holds it. The delegate sees whom he approves for (he cannot end it), HQ sees
    it among other managers' with End delegation. Ending it (after confirming) removes it here at
    once and, once synced, on the server."""
    lee = device("M2002", "7200", "vi")
    tile = next(c for c in walk(me.view(lee, on_logout=None)) if isinstance(c, ft.ListTile)
                and "Ủy quyền duyệt của tôi" in _texts(c.title))
    tile.on_click(None)
    assert lee.page.route == screen.ROUTE
    view = screen.view(lee)
    assert nameless(view) == []
    offered = {r.value for r in walk(view) if isinstance(r, ft.Radio)}
    assert offered == {"u-hq", "u-am-kln", "u-am-hk", "u-sm-cwb", "u-sm-tst", "u-sm-st"}
    next(c for c in walk(view) if isinstance(c, ft.RadioGroup)).on_change(_typed("u-sm-tst"))
    _button(view, "Giao việc duyệt của tôi").on_click(None)
    shown = " ".join(_texts(screen.view(lee)))
    assert "Ho Ka Lok 何家樂" in shown and "Đang có hiệu lực" in shown and lee._("waiting to sync") in shown
    assert _pending_types(lee) == ["delegation.set"]
    SyncEngine(lee.store, lee.api).sync_once()
    today = date.fromisoformat(_field(view, lee._("First day (YYYY-MM-DD)")).value)
    assert server_rows(server, "SELECT delegator_id, delegate_id, first_day, last_day FROM approval_delegations "
                               "WHERE delegator_id = 'u-sm-mk'") == [
        ("u-sm-mk", "u-sm-tst", today.isoformat(), (today + timedelta(days=6)).isoformat())]
    assert lee._("waiting to sync") not in " ".join(_texts(screen.view(lee)))
    ho, hq = device("M2003", "7300"), device("A0001", "9000")
    stand_in = screen.view(ho)
    assert ho._("You approve for") in _texts(stand_in) and "Lee Mei Ling 李美玲" in " ".join(_texts(stand_in))
    assert not [b for b in walk(stand_in) if isinstance(b, ft.OutlinedButton)
                and ho._("End delegation") in _texts(b.content)]  # the delegate cannot end it
    overseen = screen.view(hq)
    assert hq._("Other managers' delegations") in _texts(overseen)
    assert _button(overseen, hq._("End delegation")).on_click is not None  # HQ may end anyone's

    dialogs = _dialogs(lee)
    _button(screen.view(lee), "Kết thúc ủy quyền").on_click(None)
    next(b for b in dialogs[0].actions if b.content == "Kết thúc ủy quyền").on_click(None)
    asyncio.run(dialogs[0].on_dismiss(None))  # the dialog has gone: the action runs
    assert "Ho Ka Lok 何家樂" not in " ".join(_texts(screen.view(lee)))
    assert _pending_types(lee) == ["delegation.cancel"]
    SyncEngine(lee.store, lee.api).sync_once()
    assert server_rows(server, "SELECT id FROM approval_delegations WHERE delegator_id = 'u-sm-mk'") == []


def test_a_bad_range_or_no_delegate_is_refused_in_the_readers_language_and_nothing_is_queued(server, device):
    """Handing over with nobody picked, or with the last day before the first, is refused on the
    phone in Thai; nothing waits to sync and what was typed stays to be fixed. Fixed, it is listed
    with the day it starts."""
    ng = device("M2004", "7400", "th")
    notices = []
    ng.notify = lambda message, error=False: notices.append((message, error))
    view = screen.view(ng)
    _button(view, "มอบหมายการอนุมัติของฉัน").on_click(None)
    next(c for c in walk(view) if isinstance(c, ft.RadioGroup)).on_change(_typed("u-am-hk"))
    _field(view, ng._("First day (YYYY-MM-DD)")).on_change(_typed("2027-03-10"))
    _field(view, ng._("Last day (YYYY-MM-DD)")).on_change(_typed("2027-03-01"))
    _button(view, "มอบหมายการอนุมัติของฉัน").on_click(None)
    assert notices == [("เลือกผู้ที่จะอนุมัติแทนคุณ", True), (ng.reason_text("request_bad_dates"), True)]
    assert notices[1][0] != ng.reason_text("not_found") and "2027" not in notices[1][0]
    assert _pending_types(ng) == []
    view = screen.view(ng)
    assert _field(view, ng._("Last day (YYYY-MM-DD)")).value == "2027-03-01"
    _field(view, ng._("Last day (YYYY-MM-DD)")).on_change(_typed("2027-03-12"))  # fixed: it goes through
    _button(view, "มอบหมายการอนุมัติของฉัน").on_click(None)
    starts = ng._("Starts on {day}", day=ng.tr.format_date(date(2027, 3, 10), "medium"))
    assert starts in " ".join(_texts(screen.view(ng)))
    assert _pending_types(ng) == ["delegation.set"]


def _run_loads(ctx) -> None:
    """Run the screen's background photo loads at once (the stand-in page has no event loop)."""
    ctx.page.run_task = lambda handler, *args: asyncio.run(handler(*args))


def test_approver_opens_the_certificate_from_the_queue_and_offline_is_told_it_is_not_here(server, device):
    """Chan Tai Man sends sick leave with a certificate photo; his manager's queue shows "View the
    certificate", which opens the photo fetched from the server. On a manager's phone with no
    network the dialog says the photo is not available offline; the requester's own phone shows
    it from its own copy, offline too."""
    chan = device("S3001", "1111")
    acts = RequestActions(chan.store, chan.store.clock, chan.actor)
    photo = _photo()
    sha = acts.keep_certificate(photo)
    request_id = acts.submit(RequestType.SICK_LEAVE, "st-cwb", certificate_sha256=sha,
                             first_day=date(2027, 4, 5), last_day=date(2027, 4, 6))
    SyncEngine(chan.store, chan.api).sync_once()
    chan_manager = device("M2001", "7100", "zh_Hant_HK")
    _run_loads(chan_manager)
    dialogs = _dialogs(chan_manager)
    view = requests_queue.view(chan_manager)
    assert nameless(view) == []
    _button(view, "查看醫生證明書").on_click(None)
    images = [c for c in walk(dialogs[0]) if isinstance(c, ft.Image)]
    assert [(i.src, i.semantics_label) for i in images] == [(photo, "醫生證明書")]

    down = ApiClient("http://127.0.0.1:9", chan_manager.store.device_id)
    down.access_token, down.refresh_token = chan_manager.api.access_token, chan_manager.api.refresh_token
    chan_manager.api = down
    offline = chan_manager._("The photo is not available offline.")
    assert offline != "The photo is not available offline."  # in Chinese
    assert asyncio.run(load_photo(chan_manager, sha)) == (None, offline)
    _button(requests_queue.view(chan_manager), "查看醫生證明書").on_click(None)
    assert offline in _texts(dialogs[1])

    chan.api = down
    _run_loads(chan)
    mine = _dialogs(chan)
    _button(requests.detail_view(chan, f"{requests.ROUTE}/{request_id}", request_id),
            chan._("View the certificate")).on_click(None)
    assert [c.src for c in walk(mine[0]) if isinstance(c, ft.Image)] == [photo]


def test_a_hand_over_the_server_refuses_is_undone_on_the_phone_with_the_reason(server, device):
    """The Causeway Bay manager hands over to the Sha Tin manager, whose account HQ has just
    switched off (her phone does not know yet): shown at once, then refused on sync; the phone
    drops it from her delegations and lists the refusal with its reason, in Indonesian."""
    chan_manager = device("M2001", "7100", "id")
    engine = server_engine(server)
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = :off WHERE id = 'u-sm-st'"), {"off": False})
    engine.dispose()
    view = screen.view(chan_manager)
    next(c for c in walk(view) if isinstance(c, ft.RadioGroup)).on_change(_typed("u-sm-st"))
    _button(view, chan_manager._("Hand over my approvals")).on_click(None)
    assert "Ng Wing Sze 吳詠詩" in " ".join(_texts(screen.view(chan_manager)))
    SyncEngine(chan_manager.store, chan_manager.api).sync_once()
    assert "Ng Wing Sze 吳詠詩" not in " ".join(_texts(screen.view(chan_manager)))
    with chan_manager.store.reading() as db:
        refused = [(r["type"], r["reason"]) for r in outbox.rejected(db)]
    assert refused == [("delegation.set", "forbidden_role")]
    assert chan_manager.reason_text("forbidden_role") != Translator("en").reason_message("forbidden_role")


def test_the_delegation_days_come_from_the_calendar_and_a_day_typed_another_way_says_how(server, device):
    """Delegate my approvals in Indonesian: the First day field has a calendar button that opens in
    Indonesian and fills the field with the day picked; a last day typed as "12/3" is marked under
    the field and refused with how to write a date, and nothing waits to sync."""
    wati = device("M2003", "7300", "id")
    dialogs, notices = _capture(wati)
    view = screen.view(wati)
    first = wati._("First day (YYYY-MM-DD)")
    _picker_button(view, wati._("Pick on the calendar: {field}", field=first)).on_click(None)
    calendar = _pick(dialogs, date(2027, 4, 6))
    assert isinstance(calendar, ft.DatePicker) and calendar.locale == ft.Locale("id")
    assert _field(view, first).value == "2027-04-06"
    last = _field(view, wati._("Last day (YYYY-MM-DD)"))
    _type(last, "12/3")
    last.on_blur(SimpleNamespace(control=last))
    how = wati._("Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.",
                 example="2027-01-31")
    assert last.error == how and how != Translator("en")._(
        "Write the date as YYYY-MM-DD, for example {example}, or pick it on the calendar.", example="2027-01-31")
    next(c for c in walk(view) if isinstance(c, ft.RadioGroup)).on_change(_typed("u-am-hk"))
    _button(view, wati._("Hand over my approvals")).on_click(None)
    assert notices == [(how, True)]
    assert _pending_types(wati) == []
