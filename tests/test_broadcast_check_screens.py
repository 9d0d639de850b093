"""Issue 11, bccheck, on phones against a real server: the CWB manager writes an urgent broadcast
with a check question on Broadcast; Chan's urgent cover asks it. A wrong answer says so and
records nothing; the right one acknowledges (offline too, with the time tapped) and the
manager's receipts show it. A bad check is refused on the phone; a phone that acknowledges
without the answer (an older app) is refused by the server and its acknowledgement undone."""

import json
import time
from datetime import datetime
from types import SimpleNamespace

import flet as ft

from app.domain.roles import Role
from app.store import urgent_put_off
from app.sync import SyncEngine
from app.ui.screens import broadcasts
from app.ui.shell import Shell
from tests.test_accessible_names import nameless, walk
from tests.test_broadcast_screens import _button, _fields, _on_broadcast, _type
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

HEADING = "Urgent · Fire drill at 15:00"
QUESTION = "Which exit do we use?"
WRONG = "That is not the right answer. Read the message again and try again."


def _sync(*phones) -> None:
    for ctx in phones:
        SyncEngine(ctx.store, ctx.api).sync_once()


def _switch(view, label: str) -> ft.Switch:
    return next(c for c in walk(view) if isinstance(c, ft.Switch) and c.label == label)


def _pick(control, value: str) -> None:
    """As Flet does for a tap on a choice or a menu item: the value, then its event."""
    control.value = value
    handler = control.on_change if isinstance(control, ft.RadioGroup) else control.on_select
    handler(SimpleNamespace(control=control, data=value))


def _toggle(view, label: str) -> None:
    switch = _switch(view, label)
    switch.value = True
    switch.on_change(SimpleNamespace(control=switch, data="true"))


def _write_checked_broadcast(manager, choices: list[str], right: str) -> None:
    """Fill Broadcast: title, text, staff only, urgent, a check question with ``choices``."""
    _type(_fields(manager.page.views[-1])[0], "Fire drill at 15:00")
    _type(_fields(manager.page.views[-1])[1], "Leave by the back door, not the lift.")
    who = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Dropdown) and c.label == "Who")
    _pick(who, Role.STAFF.value)
    _toggle(manager.page.views[-1], "Urgent: everyone must acknowledge it")
    _toggle(manager.page.views[-1], "Ask a check question before Acknowledge")
    fields = {f.label: f for f in _fields(manager.page.views[-1])}
    _type(fields["Check question"], QUESTION)
    for number, text in enumerate(choices, 1):
        _type(fields[f"Choice {number}"], text)
    right_one = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Dropdown) and c.label == "Right answer")
    _pick(right_one, right)
    _button(manager.page.views[-1], "Send").on_click(None)


def _queued(ctx, type_: str) -> list[dict]:
    with ctx.store.reading() as db:
        return [json.loads(r[0]) for r in db.execute("SELECT payload FROM outbox WHERE type=?", [type_])]


def _waiting(ctx) -> list[str]:
    """The urgent broadcasts the cover will ask Chan to acknowledge, oldest first."""
    with ctx.store.reading() as db:
        return [row[0] for row in urgent_put_off.waiting(db, ctx.user["id"])]


def _cover(shell: Shell) -> ft.View:
    shell.ctx.page.route = "/home"
    shell.render()
    return shell.ctx.page.views[-1]


def _answer(ctx, choice: str) -> None:
    group = next(c for c in walk(ctx.page.views[-1]) if isinstance(c, ft.RadioGroup))
    labels = [r.label for r in walk(group) if isinstance(r, ft.Radio)]
    _pick(group, str(labels.index(choice)))
    _button(ctx.page.views[-1], "Acknowledge").on_click(None)


def _sent_with_check(device):
    """The CWB manager's phone, having sent the checked broadcast (synced), and its id."""
    manager, _shell = _on_broadcast(device, "M2001", "7100")
    _write_checked_broadcast(manager, ["Front door", "Back door", "Lift"], "1")
    [payload] = _queued(manager, "broadcast.create")
    _sync(manager)
    return manager, payload["broadcast_id"]


def _acks(ctx, broadcast_id: str) -> list:
    with ctx.store.reading() as db:
        return db.execute("SELECT acknowledged_at FROM broadcast_acks WHERE broadcast_id=?", [broadcast_id]).fetchall()


def test_a_wrong_answer_records_nothing_and_the_right_one_acknowledges_for_the_manager(device):
    """The manager asks "Which exit do we use?" (Back door). Chan's cover shows the question and
    the three choices. "Lift" + Acknowledge: the cover stays, saying it is not the right answer,
    nothing recorded or queued, the receipts show nobody acknowledged. "Back door": the cover
    goes; synced, the manager's receipts show Chan acknowledged."""
    manager, sent = _sent_with_check(device)
    chan = device("S3001", "1111")
    shell = Shell(chan)
    cover = _cover(shell)
    texts = _texts(cover)
    assert HEADING in texts and QUESTION in texts and nameless(cover) == []
    assert [r.label for r in walk(cover) if isinstance(r, ft.Radio)] == ["Front door", "Back door", "Lift"]
    _answer(chan, "Lift")
    assert HEADING in _texts(chan.page.views[-1]) and WRONG in _texts(chan.page.views[-1])
    assert _acks(chan, sent) == [] and _queued(chan, "broadcast.acknowledge") == [] and _queued(chan, "broadcast.read") == []
    _sync(chan)
    assert manager.api.broadcast_receipts(sent)["stores"][0]["acknowledged"] == 0
    _answer(chan, "Back door")
    assert HEADING not in _texts(chan.page.views[-1])
    _sync(chan)
    people = {p["user_id"]: p for p in manager.api.broadcast_receipts(sent)["people"]}
    assert people["u-s01"]["acknowledged_at"] is not None and people["u-s01"]["read_at"] is not None
    assert people["u-s02"]["acknowledged_at"] is None


def test_the_right_answer_offline_reaches_the_manager_later_with_the_time_tapped(device):
    """Chan answers right while his phone does not sync: acknowledged on his phone at once; when
    it syncs later the manager's receipts show the time he tapped, before the sync."""
    manager, sent = _sent_with_check(device)
    chan = device("S3001", "1111")
    _cover(Shell(chan))
    _answer(chan, "Back door")
    [(tapped,)] = _acks(chan, sent)
    time.sleep(1.1)  # the sync happens clearly later than the tap
    synced_at = datetime.now().astimezone()
    _sync(chan)
    chan_receipt = next(p for p in manager.api.broadcast_receipts(sent)["people"] if p["user_id"] == "u-s01")
    assert datetime.fromisoformat(chan_receipt["acknowledged_at"]) == datetime.fromisoformat(tapped) < synced_at


def test_the_detail_on_broadcasts_asks_the_same_question(device):
    """Opened on Broadcasts by Siti, the urgent one shows the question too; Acknowledge without a choice
    says it is not the right answer and records nothing."""
    _manager, sent = _sent_with_check(device)
    siti = device("S3002", "2222")
    detail = broadcasts.detail_view(siti, f"{broadcasts.ROUTE}/{sent}", sent)
    assert QUESTION in _texts(detail)
    _button(detail, "Acknowledge").on_click(None)
    assert _acks(siti, sent) == []
    assert WRONG in _texts(broadcasts.detail_view(siti, f"{broadcasts.ROUTE}/{sent}", sent))


def test_a_check_with_one_choice_is_refused_on_the_phone_with_a_clear_message(device):
    """A check question with one choice: Send says what to fix, and nothing is queued."""
    manager, _shell = _on_broadcast(device, "M2001", "7100")
    _write_checked_broadcast(manager, ["Back door"], "0")
    assert _queued(manager, "broadcast.create") == []
    message = "Check the question: write it, give 2 to 4 different choices and mark the right one."
    assert message in _texts(manager.page.shown[-1])


def test_an_acknowledgement_without_the_answer_is_refused_and_undone_on_the_phone(device):
    """An older app that does not know the check acknowledges without an answer: recorded on the
    phone, then refused by the server (the answer is checked there again); the phone's
    acknowledgement is undone, the cover comes back, and the receipts show nobody acknowledged."""
    manager, sent = _sent_with_check(device)
    chan = device("S3001", "1111")
    with chan.store.transaction() as db:  # what an app version without the check holds
        db.execute("UPDATE broadcasts SET check_question = NULL WHERE id = ?", [sent])
    chan.actions.acknowledge_broadcast(sent)
    assert len(_acks(chan, sent)) == 1 and sent not in _waiting(chan)
    _sync(chan)
    assert _acks(chan, sent) == [] and sent in _waiting(chan)
    assert HEADING in _texts(_cover(Shell(chan)))
    assert manager.api.broadcast_receipts(sent)["stores"][0]["acknowledged"] == 0


def test_an_edit_asks_the_check_question_again_with_nothing_picked(device):
    """Chan answered right; the manager edits the urgent broadcast: Chan's cover comes back with
    the same question and no choice picked, and Acknowledge without one records nothing."""
    manager, sent = _sent_with_check(device)
    chan = device("S3001", "1111")
    _cover(Shell(chan))
    _answer(chan, "Back door")
    _sync(chan)
    manager.actions.edit_broadcast(sent, "Fire drill at 15:00", "Leave by the back door. Not the lift!")
    _sync(manager, chan)
    assert sent in _waiting(chan) and _acks(chan, sent) == []
    cover = _cover(Shell(chan))
    assert QUESTION in _texts(cover)
    assert next(c for c in walk(cover) if isinstance(c, ft.RadioGroup)).value is None
    _button(cover, "Acknowledge").on_click(None)
    assert _acks(chan, sent) == []
