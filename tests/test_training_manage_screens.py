"""Issue 13, trainmanage: the managers' training screens on a real synced device against the real
API: Team leads to Training sessions and Who is trained; a new session is scheduled, listed with
its seats, edited and cancelled (refusals shown with the server's reason); the matrix shows each
course as an icon and words and exports CSV (save sheet) or, on the web, a download link; offline
both screens say so and offer nothing. Every pressable control has a spoken name."""

from datetime import timedelta

import flet as ft

from app.ui.screens import team, training_matrix, training_session_form, training_sessions
from tests.test_accessible_names import nameless, walk
from tests.test_me_calendar_feed import DialogPage, choose, run_tasks, texts
from tests.test_task_screens import _typed
from tests.test_trades_screens import _button, device  # noqa: F401  (the fixture)

COURSE = {"id": "hygiene", "title": "Food hygiene", "skill": "food_safety", "validity_months": 12}


class Picker:
    """Stands in for the system's save sheet."""

    saved: tuple[str, bytes] | None = None

    async def save_file(self, file_name: str, src_bytes: bytes) -> None:
        self.saved = (file_name, src_bytes)


class Launcher:
    """Stands in for the browser opening a link."""

    opened: str | None = None

    async def launch_url(self, url: str, **kw) -> None:
        self.opened = url


def _manager(device):
    hq = device("A0001", "9000")
    assert hq.api._authed("POST", "/training/courses", json=COURSE).status_code == 200  # noqa: SLF001
    ctx = device("M2001", "7100")
    ctx.page = DialogPage()
    ctx.notices = []
    ctx.notify = lambda message, error=False: ctx.notices.append((message, error))
    ctx.rerender = lambda: None
    return ctx


def _sessions(ctx) -> ft.View:
    view = training_sessions.view(ctx)
    if ctx.page.tasks:
        run_tasks(ctx)
        view = training_sessions.view(ctx)
    assert nameless(view) == []
    return view


def test_team_leads_to_both_training_screens(device):
    """Team has Training sessions and Who is trained, which open their screens."""
    ctx = _manager(device)
    view = team.view(ctx)
    _button(view, ctx._("Training sessions")).on_click(None)
    assert ctx.page.route == training_sessions.ROUTE
    _button(view, ctx._("Who is trained")).on_click(None)
    assert ctx.page.route == training_matrix.ROUTE


def test_a_manager_schedules_edits_and_cancels_a_session_on_screen(device):
    """New session (course from the catalogue, tomorrow 10:00-11:00, 8 seats) is saved and listed
    with "Signed in: 0 of 8"; a start after the end is refused with the server's reason; Edit to 12
    seats is listed; Cancel asks first, then the session is shown cancelled without Edit."""
    ctx, _ = _manager(device), None
    _ = ctx._
    view = _sessions(ctx)
    assert _("No training sessions coming up at this store.") in texts(view)
    _button(view, _("New session")).on_click(None)
    route = ctx.page.route
    assert route == f"{training_sessions.ROUTE}/{training_sessions.NEW}"
    form = training_session_form.view(ctx, route, training_sessions.NEW)
    assert nameless(form) == [] and _("No quiz") in texts(form)
    tomorrow = (ctx.tr.to_local(ctx.tr.now()) + timedelta(days=1)).date().isoformat()
    _typed(form, _("Day (YYYY-MM-DD)"), tomorrow)
    _typed(form, _("Starts (HH:MM)"), "11:00")
    _typed(form, _("Ends (HH:MM)"), "10:00")
    _typed(form, _("Seats (empty: no limit)"), "8")
    _button(form, _("Save session")).on_click(None)
    run_tasks(ctx)
    assert ctx.notices[-1] == (ctx.reason_text("training_bad_session"), True)
    form = training_session_form.view(ctx, route, training_sessions.NEW)
    _typed(form, _("Starts (HH:MM)"), "10:00")
    _typed(form, _("Ends (HH:MM)"), "11:00")
    _button(form, _("Save session")).on_click(None)
    run_tasks(ctx)
    assert ctx.notices[-1][1] is False and ctx.page.route == training_sessions.ROUTE
    view = _sessions(ctx)
    assert "Food hygiene" in texts(view)
    assert _("Signed in: {count} of {seats}", count="0", seats="8") in texts(view)

    (listed,) = training_sessions.state_of(ctx).sessions
    _button(view, _("Edit")).on_click(None)
    assert ctx.page.route == f"{training_sessions.ROUTE}/{listed['id']}"
    edit = training_session_form.view(ctx, ctx.page.route, listed["id"])
    assert nameless(edit) == []
    _typed(edit, _("Seats (empty: no limit)"), "12")
    _button(edit, _("Save session")).on_click(None)
    run_tasks(ctx)
    view = _sessions(ctx)
    assert _("Signed in: {count} of {seats}", count="0", seats="12") in texts(view)

    _button(view, _("Cancel session")).on_click(None)
    choose(ctx.page.shown[-1], _("Cancel session"))
    view = _sessions(ctx)
    assert _("Cancelled") in texts(view)
    assert not [c for c in walk(view) if isinstance(c, ft.OutlinedButton) and _("Edit") in texts(c)]


def test_the_matrix_shows_icons_and_words_and_exports(device):
    """Who is trained lists each person of the store with the course as an icon and a word
    (Missing here); Export CSV hands the file (UTF-8 with BOM) to the save sheet; on the web the
    browser is given a download link instead."""
    ctx = _manager(device)
    _ = ctx._
    view = training_matrix.view(ctx)
    run_tasks(ctx)
    view = training_matrix.view(ctx)
    assert nameless(view) == []
    assert any(t.startswith("Food hygiene: " + _("Missing")) for t in texts(view))
    icons = [c for c in walk(view) if isinstance(c, ft.Icon) and c.icon == ft.Icons.RADIO_BUTTON_UNCHECKED]
    assert icons and all(i.semantics_label == _("Missing") for i in icons)
    ctx.page.data["file_picker"] = Picker()
    _button(view, _("Export CSV")).on_click(None)
    run_tasks(ctx)
    name, data = ctx.page.data["file_picker"].saved
    assert name == "training-matrix-st-cwb.csv" and data.startswith(b"\xef\xbb\xbf")
    ctx.page.web = True
    ctx.page.data["url_launcher"] = Launcher()
    _button(view, _("Export Excel")).on_click(None)
    run_tasks(ctx)
    assert "/v1/training/matrix-files/" in ctx.page.data["url_launcher"].opened


def test_offline_both_screens_say_so_and_offer_nothing(device):
    """With the phone offline, Training sessions, New session and Who is trained say they need a
    connection and offer no button that would change anything."""
    ctx = _manager(device)
    ctx.status.online = False
    note = ctx._("You are offline. This screen needs a connection: nothing can be changed here until you are "
                 "back online.")
    for view in (training_sessions.view(ctx), training_matrix.view(ctx),
                 training_session_form.view(ctx, training_sessions.ROUTE + "/new", training_sessions.NEW)):
        assert note in texts(view) and nameless(view) == []
        assert not [c for c in walk(view) if isinstance(c, (ft.FilledButton, ft.OutlinedButton))]
    assert ctx.page.tasks == []


def test_a_session_whose_sign_in_has_opened_keeps_its_exact_start_when_seats_change(device):
    """A session starting in 5 minutes (to the second, made elsewhere) is edited on screen to 20
    seats: the form sends its stored start back untouched, so the server accepts it (a moved start
    would be training_session_started)."""
    ctx = _manager(device)
    start = ctx.tr.now() + timedelta(minutes=5, seconds=17)
    made = training_session_form.training_api.create_session(ctx.api, {
        "id": "ts-soon", "course_id": "hygiene", "trainer_id": "u-sm-cwb", "store_id": "st-cwb",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()})
    assert made["version"] == 1
    _sessions(ctx)
    route = f"{training_sessions.ROUTE}/ts-soon"
    edit = training_session_form.view(ctx, route, "ts-soon")
    _typed(edit, ctx._("Seats (empty: no limit)"), "20")
    _button(edit, ctx._("Save session")).on_click(None)
    run_tasks(ctx)
    assert ctx.notices[-1][1] is False, ctx.notices
    assert ctx._("Signed in: {count} of {seats}", count="0", seats="20") in texts(_sessions(ctx))
