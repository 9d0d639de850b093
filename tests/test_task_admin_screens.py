"""Issue 12, taskadmin: the screens for recurring tasks and departments, on real synced devices
against the real API (uvicorn; SQLite and PostgreSQL). A store manager reaches Recurring tasks
from the board, adds a daily opening checklist and a weekly promotion set-up (a weekly one with
no day is refused with the reason, nothing sent), sees them listed with when, who, photos and
checklist, pauses one and deletes one. HQ keeps the departments on their screen (a repeated name
refused before sending). A manager sends an equipment repair to Facilities from its screen and
takes it back. Offline nothing is sent and the screen says so. Hostile probes: another store's
manager and staff are refused (the server's reason shown), a forged department is refused with
a clear reason, and a department HQ removed meanwhile is refused by the server in the reader's
language."""

import asyncio
from datetime import time
from types import SimpleNamespace

import flet as ft
import pytest

from app.domain.tasks.model import Assignees, TaskKind
from app.store.task_actions import listed
from app.sync import ApiClient, RequestRejected, SyncEngine, task_admin_api
from app.ui.screens import departments, task_department, task_detail, task_schedule_new, task_schedules, tasks
from app.ui.shell import Shell
from tests.test_accessible_names import nameless, walk
from tests.test_broadcast_screens import _run_tasks
from tests.test_me_calendar_feed import DialogPage
from tests.test_task_screens import _typed
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)

FACILITIES = {"departments": [{"id": "facilities", "name": "Facilities"}, {"id": "it", "name": "IT"}]}


def _live(ctx, notices: list) -> None:
    """Taps run their work at once (the test page's ``run_task`` does nothing) and notices are kept."""
    ctx.page.run_task = lambda handler, *args, **kw: asyncio.run(handler(*args, **kw))
    ctx.notify = lambda message, error=False: notices.append((message, error))


def _schedules(ctx, store_id: str = "st-cwb") -> list[dict]:
    return ctx.api.task_schedules(store_id)


def _tick(view, label: str, on: bool) -> None:
    box = next(c for c in walk(view) if isinstance(c, ft.Checkbox) and c.label == label)
    box.value = on
    box.on_change(SimpleNamespace(control=box))


def _choose(view, value: str) -> None:
    """Choose the radio button ``value`` (in whichever group holds it)."""
    group = next(g for g in walk(view) if isinstance(g, ft.RadioGroup)
                 and any(isinstance(r, ft.Radio) and r.value == value for r in walk(g)))
    group.value = value
    group.on_change(SimpleNamespace(control=group))


def _form_with(manager, preset: str, who: str):
    """The new recurring task form started from ``preset``, done by ``who`` (role, on_shift)."""
    form = task_schedule_new.view(manager)
    _button(form, manager._(preset)).on_click(None)
    _choose(task_schedule_new.view(manager), who)
    return task_schedule_new.view(manager)


def test_a_store_manager_adds_pauses_and_deletes_recurring_tasks(server, device):
    """From the board: Recurring tasks (empty), a daily opening checklist for all staff with a
    checklist line, a weekly promotion set-up (refused without a day, then Monday); both listed
    with when, who, photos and checklist; pausing one says Paused (the server holds it paused);
    Edit opens it filled, a new due time is saved (still paused, checklist kept); deleting the
    other leaves one. Every pressable control has a spoken name."""
    manager, notices = device("M2001", "7100"), []
    _live(manager, notices)
    for old in _schedules(manager):  # the server lives for the module: start from none
        task_admin_api.delete_task_schedule(manager.api, "st-cwb", old["id"])
    board = tasks.view(manager)
    assert nameless(board) == [] and manager._("Recurring tasks") in _texts(board)
    listing = task_schedules.view(manager)
    assert nameless(listing) == [] and manager._("No recurring tasks yet.") in _texts(listing)

    form = _form_with(manager, "Opening checklist", "role")
    assert nameless(form) == []
    _typed(form, manager._("Checklist (one item a line)"), "Lights on\nTill float counted\n")
    _button(form, manager._("Save recurring task")).on_click(None)
    assert notices[-1][1] is False, notices

    monday = manager.tr.babel_locale.days["format"]["wide"][0]
    _tick(_form_with(manager, "Promotion set-up", "on_shift"), monday, False)  # weekly on no day
    _button(task_schedule_new.view(manager), manager._("Save recurring task")).on_click(None)
    assert notices[-1] == (manager.reason_text("task_bad_schedule"), True)
    assert len(_schedules(manager)) == 1  # nothing sent
    _tick(task_schedule_new.view(manager), monday, True)
    _button(task_schedule_new.view(manager), manager._("Save recurring task")).on_click(None)
    assert notices[-1][1] is False, notices

    listing = task_schedules.view(manager)
    texts = _texts(listing)
    assert {"Opening checklist", "Promotion set-up"} <= set(texts)
    at = manager.tr.format_time
    assert manager._("Every day, due at {time}", time=at(time(10, 0), "short")) in texts
    assert manager._("Weekly on {days}, due at {time}", days="Mon", time=at(time(11, 0), "short")) in texts
    assert manager._("Who does it: {who}", who=manager._("All staff of the store")) in texts
    assert manager._("Checklist: {items}", items="Lights on and Till float counted") in texts
    assert "1 photo needed" in texts and manager._("No photo needed") in texts

    held = {s["title"]: (s["kind"], s["recurrence"], s["weekdays"], s["due_time"], s["assignees"]["role"],
                         s["assignees"]["on_shift"], s["photos_required"]) for s in _schedules(manager)}
    assert held == {"Opening checklist": ("cleaning_check", "daily", [], "10:00", "staff", False, 0),
                    "Promotion set-up": ("promotion_setup", "weekly", [0], "11:00", None, True, 1)}
    state = task_schedules.state_of(manager)
    opening = next(s for s in state.schedules if s["title"] == "Opening checklist")
    promotion = next(s for s in state.schedules if s["title"] == "Promotion set-up")
    asyncio.run(task_schedules._pause(manager, state, opening))
    assert manager._("Paused") in _texts(task_schedules.view(manager))
    assert [s["paused"] for s in _schedules(manager) if s["id"] == opening["id"]] == [True]
    card = next(c for c in walk(task_schedules.view(manager))
                if isinstance(c, ft.Card) and "Opening checklist" in _texts(c))
    _button(card, manager._("Edit")).on_click(None)
    form = task_schedule_new.view(manager)
    assert nameless(form) == [] and manager._("Edit recurring task") in _texts(form)
    assert [c.value for c in walk(form) if isinstance(c, ft.TextField) and c.label == manager._("Title")] == [
        "Opening checklist"]
    _typed(form, manager._("Due at (HH:MM)"), "9:30")
    _button(form, manager._("Save recurring task")).on_click(None)
    assert notices[-1][1] is False, notices
    (edited,) = [s for s in _schedules(manager) if s["id"] == opening["id"]]
    assert (edited["due_time"], edited["paused"]) == ("09:30", True)
    assert edited["checklist"] == ["Lights on", "Till float counted"]
    texts = _texts(task_schedules.view(manager))
    assert texts.count("Opening checklist") == 1
    assert manager._("Every day, due at {time}", time=at(time(9, 30), "short")) in texts
    task_schedules._form(manager, promotion)  # Edit, then back without saving, then New recurring task
    task_schedule_new.start_new(manager)
    fresh = task_schedule_new.view(manager)
    assert manager._("New recurring task") in _texts(fresh)
    assert [c.value for c in walk(fresh) if isinstance(c, ft.TextField) and c.label == manager._("Title")] == [""]
    asyncio.run(task_schedules._delete(manager, state, promotion))
    assert [s["id"] for s in _schedules(manager)] == [opening["id"]]
    assert "Promotion set-up" not in _texts(task_schedules.view(manager))


def test_offline_the_screens_say_so_and_send_nothing(server, device):
    """The phone offline: Recurring tasks, its form, Departments and a repair's screen say so, and
    saving or sending changes nothing on the server. A connection that fails mid-way (the API
    unreachable although the strip still said online) says it cannot reach the server."""
    hq, manager, notices = device("A0001", "9000"), device("M2001", "7100"), []
    _live(manager, notices)
    before = _schedules(manager)
    repair = _repair(manager, hq, "Freezer door will not close")
    manager.status.online = False
    offline = task_schedules.offline_text(manager)
    assert offline in _texts(task_schedules.view(manager))
    form = _form_with(manager, "Closing checklist", "role")
    assert offline in _texts(form)
    _button(form, manager._("Save recurring task")).on_click(None)
    assert notices[-1] == (offline, True)
    assert offline in _texts(departments.view(manager))
    task_id = repair["task"].id
    task_department.state_of(manager, task_id).chosen = "facilities"
    view = task_detail.view(manager, f"{tasks.ROUTE}/{task_id}", task_id)
    assert offline in _texts(view)
    _button(view, manager._("Send to department")).on_click(None)
    assert notices[-1] == (offline, True) and _board_row(manager, task_id)["department_id"] is None
    manager.status.online = True
    assert _schedules(manager) == before

    gone = ApiClient("http://127.0.0.1:9", manager.api.device_id)
    gone.access_token, gone.refresh_token = manager.api.access_token, manager.api.refresh_token
    real_api, manager.api = manager.api, gone
    asyncio.run(task_schedule_new.save(manager, task_schedule_new.screen_state(
        manager, task_schedule_new.ROUTE, task_schedule_new.NewSchedule)))
    assert notices[-1] == (manager._("Cannot reach the server. Check your connection and try again."), True)
    manager.api = real_api
    assert _schedules(manager) == before


def test_another_stores_manager_and_staff_are_refused_recurring_tasks(server, device):
    """Lee (Mong Kok's manager) asking for Causeway Bay's schedules, saving one there, or pausing or
    deleting one of theirs, gets the server's refusal on screen and nothing changes; Chan (staff)
    is refused the same by the server, and his board offers no Recurring tasks."""
    hq = device("A0001", "9000")
    before = _schedules(hq)
    mk, notices = device("M2002", "7200"), []
    _live(mk, notices)
    state = task_schedules.state_of(mk)
    state.store_id = "st-cwb"  # forged: not one of hers
    asyncio.run(task_schedules.load(mk, state))
    assert state.schedules is None and state.problem == mk.reason_text("forbidden_role")
    draft = task_schedule_new.screen_state(mk, task_schedule_new.ROUTE, task_schedule_new.NewSchedule)
    draft.store_id, draft.who = "st-cwb", "role"
    draft.typed.title = "Count the till"
    asyncio.run(task_schedule_new.save(mk, draft))
    assert notices[-1] == (mk.reason_text("forbidden_role"), True)

    theirs = hq.api.add_task_schedule("st-cwb", {"title": "Count the safe", "assignees": {"role": "staff"},
                                                 "recurrence": "daily", "due_time": "21:00"})
    paused = {k: theirs[k] for k in task_schedules.TaskScheduleIn.model_fields} | {"paused": True}
    asyncio.run(task_schedules._pause(mk, task_schedules.state_of(mk), theirs))
    asyncio.run(task_schedules._delete(mk, task_schedules.state_of(mk), theirs))
    assert notices[-2:] == [(mk.reason_text("forbidden_role"), True)] * 2
    with pytest.raises(RequestRejected) as refused:
        task_admin_api.change_task_schedule(mk.api, "st-cwb", theirs["id"], paused)
    assert (refused.value.status, refused.value.code) == (403, "forbidden_role")
    assert [s for s in _schedules(hq) if s["id"] == theirs["id"]] == [theirs]  # neither paused nor deleted
    before = _schedules(hq)

    chan = device("S3001", "1111")
    assert _texts(tasks.view(chan)).count(chan._("Recurring tasks")) == 0
    for call in (lambda: chan.api.task_schedules("st-cwb"),
                 lambda: chan.api.add_task_schedule("st-cwb", {"title": "x", "assignees": {"role": "staff"},
                                                               "recurrence": "daily", "due_time": "09:00"})):
        with pytest.raises(RequestRejected) as refused:
            call()
        assert (refused.value.status, refused.value.code) == (403, "forbidden_role")
    assert _schedules(hq) == before


def _repair(manager, hq, title: str = "Fridge 2 is warm") -> dict:
    """HQ's departments and an equipment repair at Causeway Bay, both on the manager's phone."""
    hq.api.change_departments(FACILITIES)
    task_id = manager.actions.create_task("st-cwb", title, assignees=Assignees(role="staff"),
                                          kind=TaskKind.EQUIPMENT_REPAIR)
    SyncEngine(manager.store, manager.api).sync_once()
    SyncEngine(manager.store, manager.api).sync_once()
    return _item(manager, task_id)


def _item(ctx, task_id: str) -> dict:
    with ctx.store.reading() as db:
        return next(i for i in listed(db, ctx.user["id"], ctx.user["role"], ctx.user["store_ids"], ctx.tr.now())
                    if i["task"].id == task_id)


def _board_row(ctx, task_id: str) -> dict:
    return next(r for r in ctx.api._authed("GET", "/stores/st-cwb/tasks").json() if r["id"] == task_id)  # noqa: SLF001


def test_a_manager_sends_a_repair_to_facilities_and_takes_it_back(server, device):
    """HQ keeps Facilities and IT; on the repair's screen the manager chooses Facilities and sends
    it: "Sent to Facilities" at once, on the board after sync, on the server; Take back clears it."""
    hq, manager, notices = device("A0001", "9000"), device("M2001", "7100"), []
    _live(manager, notices)
    item = _repair(manager, hq)
    task_id = item["task"].id
    route = f"{tasks.ROUTE}/{task_id}"
    view = task_detail.view(manager, route, task_id)
    assert nameless(view) == [] and manager._("Another department") in _texts(view)
    _button(view, manager._("Send to department")).on_click(None)
    assert notices[-1] == (manager._("Choose a department first."), True)
    task_department.state_of(manager, task_id).chosen = "facilities"
    _button(task_detail.view(manager, route, task_id), manager._("Send to department")).on_click(None)
    assert notices[-1] == (manager._("Sent to {department}", department="Facilities"), False)
    view = task_detail.view(manager, route, task_id)
    assert manager._("Sent to {department}", department="Facilities") in _texts(view)
    assert _board_row(manager, task_id)["department_name"] == "Facilities"
    SyncEngine(manager.store, manager.api).sync_once()
    tile = next(c for c in walk(tasks.view(manager))
                if isinstance(c, ft.ListTile) and "Fridge 2 is warm" in _texts(c.title))
    assert "Sent to Facilities" in _texts(tile.subtitle)[0]
    _button(task_detail.view(manager, route, task_id), manager._("Take back")).on_click(None)
    assert notices[-1] == (manager._("Taken back by the store."), False)
    assert _board_row(manager, task_id)["department_id"] is None


def test_forged_departments_other_stores_and_staff_are_refused_a_repair(server, device):
    """A forged department id is refused before sending with its clear reason; Mong Kok's manager
    and Chan (staff) sending Causeway Bay's repair get the server's refusal and see no section;
    a department HQ removed after the manager's phone synced is refused by the server, in
    Chinese for a manager reading Chinese. The repair stays with the store throughout."""
    hq, manager, notices = device("A0001", "9000"), device("M2001", "7100", "zh_Hant_HK"), []
    _live(manager, notices)
    item = _repair(manager, hq, "Shutter is stuck")
    task_id = item["task"].id
    asyncio.run(task_department.send(manager, task_department.state_of(manager, task_id), item, "plumbing"))
    assert notices[-1] == (manager.reason_text("task_unknown_department"), True)
    with pytest.raises(RequestRejected) as forged:
        manager.api.send_task_to_department("st-cwb", task_id, "plumbing")
    assert (forged.value.status, forged.value.code) == (400, "task_unknown_department")

    for staff_no, pin in (("M2002", "7200"), ("S3001", "1111")):
        other, theirs = device(staff_no, pin), []
        _live(other, theirs)
        assert task_department.part(other, item) == []
        asyncio.run(task_department.send(other, task_department.state_of(other, task_id), item, "facilities"))
        assert theirs[-1] == (other.reason_text("forbidden_role"), True), staff_no

    hq.api.change_departments({"departments": [{"id": "it", "name": "IT"}]})  # Facilities removed on the server
    asyncio.run(task_department.send(manager, task_department.state_of(manager, task_id), item, "facilities"))
    refused = manager.reason_text("task_unknown_department")
    assert notices[-1] == (refused, True) and refused != hq.reason_text("task_unknown_department")  # Chinese
    assert _board_row(manager, task_id)["department_id"] is None


def test_hq_keeps_the_departments_on_their_screen(server, device):
    """HQ adds Facilities and 維修部 (ids made from the names) and saves: the server holds them; a
    second "facilities" is refused before sending and nothing changes; a store manager who
    reaches the screen is refused by the server."""
    hq, notices = device("A0001", "9000"), []
    _live(hq, notices)
    hq.api.change_departments({"departments": []})  # the server lives for the module: start from none
    SyncEngine(hq.store, hq.api).sync_once()
    view = departments.view(hq)
    assert nameless(view) == [] and hq._("No departments yet.") in _texts(view)
    for name in ("Facilities", "維修部"):
        _typed(departments.view(hq), hq._("New department"), name)
        _button(departments.view(hq), hq._("Add")).on_click(None)
    _button(departments.view(hq), hq._("Save departments")).on_click(None)
    assert notices[-1][1] is False, notices
    expected = {"departments": [{"id": "facilities", "name": "Facilities"}, {"id": "department", "name": "維修部"}]}
    assert hq.api.chain_settings()["departments"] == expected
    _typed(departments.view(hq), hq._("New department"), "facilities")
    _button(departments.view(hq), hq._("Add")).on_click(None)
    _button(departments.view(hq), hq._("Save departments")).on_click(None)
    assert notices[-1] == (hq.reason_text("chain_settings_invalid"), True)
    assert hq.api.chain_settings()["departments"] == expected

    manager, theirs = device("M2001", "7100"), []
    _live(manager, theirs)
    _typed(departments.view(manager), manager._("New department"), "Plumbing")
    _button(departments.view(manager), manager._("Add")).on_click(None)
    _button(departments.view(manager), manager._("Save departments")).on_click(None)
    assert theirs[-1] == (manager.reason_text("forbidden_role"), True)
    assert hq.api.chain_settings()["departments"] == expected


def _open(ctx, route: str) -> Shell:
    """The app's shell on ``route``, what it started run (as Flet's loop would)."""
    ctx.page = DialogPage()
    ctx.notify = lambda message, error=False: ctx.page.shown.append(message)
    shell = Shell(ctx)
    ctx.page.route = route
    shell.render()
    _run_tasks(ctx.page)
    return shell


def test_the_shell_opens_the_screens_for_managers_only_and_delete_asks_first(server, device):
    """Through the app's own routing: a store manager's /tasks/schedules is Recurring tasks over
    the board, its /new the form; HQ's Chain settings -> Departments opens; Chan (staff) asking
    for /tasks/schedules gets no such screen. Delete asks first, and deletes only once confirmed."""
    manager = device("M2001", "7100")
    made = manager.api.add_task_schedule("st-cwb", {"title": "Closing checklist", "assignees": {"role": "staff"},
                                                    "recurrence": "daily", "due_time": "22:00"})
    shell = _open(manager, task_schedules.ROUTE)
    assert [v.route for v in manager.page.views] == ["/home", tasks.ROUTE, task_schedules.ROUTE]
    card = next(c for c in walk(manager.page.views[-1]) if isinstance(c, ft.Card) and "Closing checklist" in _texts(c))
    _button(card, manager._("Delete")).on_click(None)
    (dialog,) = [d for d in manager.page.shown if isinstance(d, ft.AlertDialog)]
    assert made["id"] in [s["id"] for s in _schedules(manager)]  # asked, not deleted yet
    next(b for b in dialog.actions if b.content == manager._("Delete")).on_click(None)
    asyncio.run(dialog.on_dismiss(None))  # Flutter says the dialog has gone
    _run_tasks(manager.page)
    assert made["id"] not in [s["id"] for s in _schedules(manager)]
    manager.page.route = task_schedules.NEW_ROUTE
    shell.render()
    assert manager.page.views[-1].route == task_schedules.NEW_ROUTE

    hq = device("A0001", "9000")
    _open(hq, departments.ROUTE)
    assert hq.page.views[-1].route == departments.ROUTE and hq._("Save departments") in _texts(hq.page.views[-1])

    chan = device("S3001", "1111")
    _open(chan, task_schedules.ROUTE)
    assert chan._("Recurring tasks") not in _texts(chan.page.views[-1])
    assert chan.reason_text("not_found") in _texts(chan.page.views[-1])
