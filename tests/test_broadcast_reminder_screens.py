"""Issue 11, bcfollow, on the phones against a real server: "remind them" on a broadcast's
receipts asks first, is queued offline as one action, and after sync reaches only those who
have not read it (their Home says so); the receipts list the reminder with how many it reached."""

import asyncio
from datetime import timedelta

import pytest

from app.domain.access import AccessDenied
from app.i18n import SUPPORTED_LOCALES
from app.sync import SyncEngine
from app.ui.screens import home
from app.ui.shell import Shell
from tests.test_broadcast_screens import _button, _run_tasks
from tests.test_me_calendar_feed import DialogPage, button
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

REMINDER = "Reminder: please read this"


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _receipts_texts(manager, sent: str) -> list[str]:
    """The manager's phone synced, then the receipts of ``sent`` as drawn (its answer fetched)."""
    _sync(manager)
    shell = Shell(manager)
    manager.page.route = f"/broadcast/{sent}"
    shell.render()
    _run_tasks(manager.page)
    return _texts(manager.page.views[-1])


def test_remind_them_reaches_only_who_has_not_read_and_shows_on_their_home(device):
    """Chan Siu Ming sends "Uniform check" to CWB staff; Chan Tai Man reads it. On the receipts,
    "2 people have not read it yet" and Remind them asks first (nothing queued before "Send
    reminder"); synced, Siti's Home puts it first marked "Reminder: please read this", Chan's does
    not mention it, and the receipts show "Reminded 2 people" and when they can remind again (half
an hour on; a second reminder now is refused on the phone)."""
    manager = device("M2001", "7100")
    manager.page = DialogPage()
    sent = manager.actions.create_broadcast(["st-cwb"], "Uniform check", "Name badges on, please.", role="staff")
    _sync(manager)
    chan, siti = device("S3001", "1111"), device("S3002", "2222")
    chan.actions.mark_broadcast_read(sent)
    _sync(chan)
    shell = Shell(manager)
    manager.page.route = f"/broadcast/{sent}"
    shell.render()
    _run_tasks(manager.page)
    assert "2 people have not read it yet" in _texts(manager.page.views[-1])
    _button(manager.page.views[-1], "Remind them").on_click(None)
    dialog = manager.page.shown[-1]
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='broadcast.remind'").fetchone()[0] == 0
    button(dialog, "Send reminder").on_click(None)
    asyncio.run(dialog.on_dismiss(None))
    assert "Reminder waiting to be sent" in " ".join(_texts(manager.page.views[-1]))
    _sync(manager)
    _sync(siti)
    _sync(chan)
    siti_home = _texts(home.view(siti))
    assert REMINDER in siti_home and siti_home.index(REMINDER) + 1 == siti_home.index("Uniform check")
    assert REMINDER not in _texts(home.view(chan))
    shell.render()
    assert any(t.startswith("Reminded 2 people") for t in _texts(manager.page.views[-1]))
    # Half an hour between reminders: the button gives way to when it comes back, and the
    # phone refuses a second one at once (nobody is buzzed every minute).
    again = next(t for t in _texts(manager.page.views[-1]) if t.startswith("You can remind them again from"))
    assert "Remind them" not in _texts(manager.page.views[-1]), again
    with pytest.raises(AccessDenied) as refused:
        manager.actions.remind_broadcast(sent)
    assert refused.value.reason == "broadcast_reminded_recently"


def test_a_language_chosen_on_the_phone_counts_in_the_receipts_by_language(device):
    """Chan Tai Man (no language on the server) picks 繁體中文 on his phone, which queues it for
    the server; after sync the manager's receipts of a broadcast to CWB staff show, by language,
    Chan's language, Bahasa Indonesia (Siti) and العربية (Fatima) each "Read 0 of 1 (0%)"."""
    manager, chan = device("M2001", "7100"), device("S3001", "1111")
    manager.page = DialogPage()
    chan.set_locale("zh_Hant_HK")
    with chan.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='user.locale'").fetchone()[0] == 1
    _sync(chan)
    sent = manager.actions.create_broadcast(["st-cwb"], "Lockers", "Empty your locker by Friday.", role="staff")
    texts = _receipts_texts(manager, sent)
    languages = texts[texts.index("By language") + 1:texts.index("By person")]
    assert languages == ["العربية", "Read 0 of 1 (0%)", "Bahasa Indonesia", "Read 0 of 1 (0%)",
                         SUPPORTED_LOCALES["zh_Hant_HK"], "Read 0 of 1 (0%)"], languages


def test_signing_in_on_a_shared_phone_keeps_the_persons_own_language_on_the_server(device):
    """Siti (Bahasa Indonesia on the server) signs in on a phone the last person left in Thai:
    nothing is queued to change her language on the server; choosing Thai herself on Me does."""
    siti = device("S3002", "2222")
    assert siti.user.get("locale") == "id"
    siti.store.set_meta("locale", "th")
    siti.tell_server_my_locale(signing_in=True)
    with siti.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='user.locale'").fetchone()[0] == 0
    siti.set_locale("th")
    with siti.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='user.locale'").fetchone()[0] == 1


def test_remind_them_on_a_broadcast_held_for_later_is_refused_on_the_phone(device):
    """Issue 11, probe11: the CWB manager writes "Stocktake" to send tomorrow; "remind them" on it
    (offline too) is refused on his phone with broadcast_not_shown and nothing is queued, as the
    server would refuse it: nobody has it yet to be reminded of."""
    manager = device("M2001", "7100")
    later = manager.actions._now() + timedelta(days=1)
    held = manager.actions.create_broadcast(["st-cwb"], "Stocktake", "Tomorrow 8am.", role="staff", send_at=later)
    with pytest.raises(AccessDenied) as refused:
        manager.actions.remind_broadcast(held)
    assert refused.value.reason == "broadcast_not_shown"
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='broadcast.remind'").fetchone()[0] == 0


def test_receipts_of_a_broadcast_held_for_later_say_nobody_can_be_reminded_yet(device):
    """Chan Siu Ming writes "Stocktake rota" to go out tomorrow: its receipts say nobody can be
    reminded yet and offer no Remind them (the server would refuse it, broadcast_not_shown)."""
    manager = device("M2001", "7100")
    manager.page = DialogPage()
    tomorrow = manager.store.clock.now() + timedelta(days=1)
    sent = manager.actions.create_broadcast(["st-cwb"], "Stocktake rota", "See the list.", role="staff",
                                            send_at=tomorrow)
    texts = _receipts_texts(manager, sent)
    assert "Held until its sending time: nobody can be reminded yet." in texts
    assert "Remind them" not in texts
