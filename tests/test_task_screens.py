"""Issue 12, taskboard: the task screens, built from real synced devices (real API): staff see
My tasks with the status and an overdue mark; the task's screen asks for its checklist and
photos, and sending without them is refused with the reason (nothing queued); with them it is
sent for review, and Undo shows while it waits. The manager's board lists it waiting for review;
the review sends one photo back with a comment. Every pressable control has a spoken name."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import flet as ft

from app.domain.tasks.model import Assignees
from app.sync import SyncEngine
from app.ui.screens import task_detail, task_new, tasks
from tests.test_accessible_names import nameless, walk
from tests.test_photo_prepare import camera_jpeg
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)


def _typed(view, label: str, text: str) -> None:
    box = next(c for c in walk(view) if isinstance(c, ft.TextField) and c.label == label)
    box.value = text
    box.on_change(SimpleNamespace(control=box))


def _check(view, label: str) -> None:
    box = next(c for c in walk(view) if isinstance(c, ft.Checkbox) and c.label == label)
    box.value = True
    box.on_change(SimpleNamespace(control=box))


def _pending(ctx) -> list[str]:
    with ctx.store.reading() as db:
        return [r[0] for r in db.execute("SELECT type FROM outbox WHERE status='pending' ORDER BY seq")]


def test_staff_complete_and_the_manager_sends_a_photo_back_on_screen(server, device):
    """Chan's My tasks shows the overdue task; its screen refuses sending without the photos and
    ticks, sends it with them (Undo offered); the manager's board shows it waiting for review and
    sends the second photo back with a comment."""
    manager = device("M2001", "7100")
    task_id = manager.actions.create_task("st-cwb", "Photograph the promotion shelf", assignees=Assignees(("u-s01",)),
                                          checklist=["Price tags"], photos_required=2,
                                          due_at=datetime.now(UTC) - timedelta(minutes=1))
    SyncEngine(manager.store, manager.api).sync_once()
    chan = device("S3001", "1111")
    mine = tasks.view(chan)
    assert nameless(mine) == []
    tile = next(c for c in walk(mine) if isinstance(c, ft.ListTile) and "Photograph the promotion shelf" in _texts(c.title))
    assert chan._("Overdue") in _texts(tile.subtitle)[0]

    notices = []
    chan.notify = lambda message, error=False: notices.append((message, error))
    route = f"{tasks.ROUTE}/{task_id}"
    view = task_detail.view(chan, route, task_id)
    assert nameless(view) == [] and chan._("Photos: {taken} of {wanted}", taken="0", wanted="2") in _texts(view)
    _button(view, chan._("Send for review")).on_click(None)
    assert notices[-1] == (chan.reason_text("task_photo_count"), True) and _pending(chan) == []

    draft = task_detail.screen_state(chan, route, task_detail.TaskDraft)
    draft.photos = [camera_jpeg(800, 600, seed=1), camera_jpeg(800, 600, seed=2)]  # as the camera adds them
    view = task_detail.view(chan, route, task_id)
    _check(view, "Price tags")
    view = task_detail.view(chan, route, task_id)
    _typed(view, chan._("Note (optional)"), "Front and side")
    _button(view, chan._("Send for review")).on_click(None)
    assert _pending(chan) == ["task.complete"] and not notices[-1][1]
    view = task_detail.view(chan, route, task_id)
    assert _button(view, chan._("Undo")) and chan._("Waiting for review") in _texts(view)
    SyncEngine(chan.store, chan.api).sync_once()

    SyncEngine(manager.store, manager.api).sync_once()
    board = tasks.view(manager)
    assert manager._("Store board") in _texts(board)
    review = task_detail.view(manager, route, task_id)
    assert nameless(review) == []
    boxes = [c for c in walk(review) if isinstance(c, ft.Checkbox)]
    assert [b.label for b in boxes] == [manager._("Send this photo back")] * 2
    boxes[1].value = True
    boxes[1].on_change(SimpleNamespace(control=boxes[1]))
    review = task_detail.view(manager, route, task_id)
    _typed(review, manager._("What is wrong with it?"), "Posters are not in the picture")
    _button(review, manager._("Send back")).on_click(None)
    assert _pending(manager) == ["task.review"]
    assert SyncEngine(manager.store, manager.api).sync_once().applied == 1
    SyncEngine(chan.store, chan.api).sync_once()
    again = task_detail.view(chan, route, task_id)
    assert chan._("Sent back: {comment}", comment="Posters are not in the picture") in _texts(again)
    assert chan._("Photos: {taken} of {wanted}", taken="0", wanted="1") in _texts(again)


def _radio(view, value: str) -> None:
    group = next(c for c in walk(view) if isinstance(c, ft.RadioGroup))
    group.value = value
    group.on_change(SimpleNamespace(control=group))


def test_a_manager_writes_a_task_on_screen_and_the_person_chosen_gets_it(server, device):
    """Issue 12: on the board, New task. Without anybody chosen, Put on the board is refused with
    the reason and nothing is queued; with a title, instructions, Chan chosen, a checklist line and
    two photos (the + tapped twice) it is saved at once, the form starts empty again, and after
    sync Chan's My tasks lists it asking for 2 photos."""
    manager = device("M2001", "7100")
    notices = []
    manager.notify = lambda message, error=False: notices.append((message, error))
    board = tasks.view(manager)
    assert nameless(board) == [] and manager._("New task") in " ".join(_texts(board))
    form = task_new.view(manager)
    assert nameless(form) == []
    _typed(form, manager._("Title"), "Set up the mooncake display")
    _typed(form, manager._("Instructions"), "Front table, price cards facing the door.")
    _button(form, manager._("Put on the board")).on_click(None)
    assert notices[-1][1] is True and _pending(manager) == []
    _check(form, "Chan Tai Man 陳大文")
    form = task_new.view(manager)  # choosing redraws the screen
    _typed(form, manager._("Checklist (one item a line)"), "Price cards\n\n")
    plus = [c for c in walk(form) if isinstance(c, ft.IconButton) and c.tooltip == manager._("One photo more")][0]
    plus.on_click(None)
    plus.on_click(None)
    form = task_new.view(manager)
    assert manager._("Photos to prove it: {count}", count="2") in _texts(form)
    _button(form, manager._("Put on the board")).on_click(None)
    assert _pending(manager) == ["task.create"], notices
    fresh = task_new.view(manager)  # the next one starts empty
    assert [c.value for c in walk(fresh) if isinstance(c, ft.TextField) and c.label == manager._("Title")] == [""]
    SyncEngine(manager.store, manager.api).sync_once()
    chan = device("S3001", "1111")
    with chan.store.reading() as db:
        row = db.execute("SELECT photos_required, checklist FROM tasks WHERE title=?",
                         ["Set up the mooncake display"]).fetchone()
    assert tuple(row) == (2, '["Price cards"]')
    assert "Set up the mooncake display" in " ".join(_texts(tasks.view(chan)))
