"""Every control a person can press, on every screen, has an accessible name."""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace

import flet as ft
import pytest

from app.config import ClientConfig
from app.i18n import Translator
from app.domain.roles import Actor, Role
from app.domain.requests.kinds import RequestType
from app.store import DeviceStore, PunchActions
from app.store.requests import RequestActions, my_requests
from app.sync import SyncEngine
from app.ui.context import AppContext
from app.ui.screens import (approvals, broadcast, calendar_feed, clock, delegation, face_setup, home, kiosk, login,
                            me, rejected, requests, requests_new, requests_queue, shifts, tasks, team)
from tests.conftest import login as sign_in

#: Handlers that make a control pressable.
PRESS = ("on_click", "on_tap", "on_long_press")
#: Controls that are pressable by nature (their handler may be set later or by a parent).
PRESSABLE = (ft.IconButton, ft.Button, ft.TextButton, ft.OutlinedButton, ft.FilledButton,
             ft.FloatingActionButton, ft.Switch, ft.Checkbox, ft.Radio, ft.ListTile, ft.Dropdown)
#: Controls the browser announces only by these (a Dropdown's label and options are drawn, not
#: spoken: Chromium's accessibility tree said "button" for each of Broadcast's menus).
SPOKEN_ONLY_BY = {ft.Dropdown: ("tooltip",)}


class Page(SimpleNamespace):
    """The few Page members the screens use while being built (no Flutter here)."""

    def __init__(self) -> None:
        super().__init__(data={}, route="/home", platform=ft.PagePlatform.ANDROID, views=[])

    def navigate(self, route):  # noqa: D401 - a no-op stand-in for the app's navigation
        self.route = route

    def update(self, *controls):
        pass

    def show_dialog(self, dialog):
        pass

    def pop_dialog(self):
        pass

    def run_task(self, handler, *args, **kwargs):
        pass


def children(control) -> list:
    """Every control held by ``control`` (content, controls, title, leading, actions, ...)."""
    found = []
    for f in dataclasses.fields(control):
        value = getattr(control, f.name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ft.BaseControl) and item is not control:
                found.append(item)
    return found


def walk(control):
    yield control
    for child in children(control):
        yield from walk(child)


def spoken(control) -> str:
    """What a screen reader announces for ``control``: its label, tooltip or text inside."""
    if isinstance(control, ft.IconButton):  # Chromium: its tooltip names nothing, its icon's label does
        icon = control.icon
        return (getattr(icon, "semantics_label", None) or "").strip() if isinstance(icon, ft.Icon) else ""
    if type(control) in SPOKEN_ONLY_BY:
        return next((v for a in SPOKEN_ONLY_BY[type(control)] if isinstance(v := getattr(control, a, None), str)
                     and v.strip()), "")
    for attr in ("semantics_label", "tooltip", "label", "text", "value", "content"):
        value = getattr(control, attr, None)
        if isinstance(value, ft.Tooltip):
            value = value.message
        if isinstance(value, str) and value.strip() and not isinstance(control, ft.TextField):
            return value
    for child in children(control):
        if isinstance(child, ft.Text) and (child.value or "").strip():
            return child.value
        if not isinstance(child, ft.Icon) and (text := spoken(child)):
            return text
    return ""


def pressable(control) -> bool:
    if isinstance(control, ft.TextField) and control.can_reveal_password:
        return True  # Flutter adds an eye button with no name of its own
    if isinstance(control, PRESSABLE):
        return True
    return any(getattr(control, name, None) for name in PRESS)


def nameless(view, named_above: bool = False) -> list[str]:
    """Pressable controls in ``view`` that a screen reader could only call 'button' (a
    ``Semantics`` with a label names what it holds)."""
    found = [] if named_above or not pressable(view) or spoken(view) else [
        f"{type(view).__name__}({getattr(view, 'icon', '')})"]
    named = named_above or (isinstance(view, ft.Semantics) and bool(view.label))
    for child in children(view):
        found += nameless(child, named)
    return found


MANAGER_ONLY = ("/team", "/approvals", "/broadcast", "/kiosk", "/approvals/requests", "/me/delegation")
ROUTES = ["/login", "/home", "/clock", "/shifts", "/tasks", "/me", "/me/language", "/me/display",
          "/me/face", "/me/calendar", "/sync", "/me/requests", "/me/requests/new", "/me/requests/one",
          *MANAGER_ONLY]
#: Every screen as staff sees it, and every screen as a store manager sees it.
CASES = [("S3001", r) for r in ROUTES if r not in MANAGER_ONLY] + [("M2001", r) for r in ROUTES]


def screens(ctx: AppContext) -> dict:
    return {
        "/login": lambda: login.view(ctx, lambda tokens: None, None),
        "/home": lambda: home.view(ctx), "/clock": lambda: clock.view(ctx),
        "/shifts": lambda: shifts.view(ctx), "/tasks": lambda: tasks.view(ctx),
        "/me": lambda: me.view(ctx, lambda: None), "/me/language": lambda: me.language_view(ctx),
        "/me/display": lambda: me.display_view(ctx), "/me/face": lambda: face_setup.view(ctx),
        "/sync": lambda: rejected.view(ctx), "/me/calendar": lambda: calendar_feed.view(ctx),
        "/team": lambda: team.view(ctx), "/approvals": lambda: approvals.view(ctx),
        "/broadcast": lambda: broadcast.view(ctx), "/kiosk": lambda: kiosk.view(ctx),
        # Issue 10, requests: my list, a new one, the first one's detail, the approvers' queue.
        "/me/requests": lambda: requests.view(ctx), "/me/requests/new": lambda: requests_new.view(ctx),
        "/me/requests/one": lambda: requests.detail_view(ctx, "/me/requests/one", _first_request_id(ctx)),
        "/approvals/requests": lambda: requests_queue.view(ctx),
        "/me/delegation": lambda: delegation.view(ctx),  # issue 10, delegation
    }


def _first_request_id(ctx: AppContext) -> str:
    with ctx.store.reading() as db:
        return next((r["id"] for r in my_requests(db, ctx.user["id"])), "none")


@pytest.fixture(scope="module")
def signed_in(server, tmp_path_factory):
    """A synced device per person: staff S3001 and store manager M2001 (real API)."""
    contexts = {}
    for staff_no, pin in (("S3001", "1111"), ("M2001", "7100")):
        store = DeviceStore(tmp_path_factory.mktemp(staff_no) / "device.db")
        api = sign_in(server.url, store, staff_no, pin)
        if staff_no == "S3001":  # a PIN clock-in, so the manager has a punch to confirm
            user = store.load_session()[0]
            actor = Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))
            PunchActions(store, store.clock, actor).record_punch(
                kind="clock_in", store_id="st-cwb", fix=None, method="pin", shift_id=None)
            # Five days of leave, so the manager's queue holds a request to decide.
            RequestActions(store, store.clock, actor).submit(
                RequestType.ANNUAL_LEAVE, "st-cwb", first_day=date(2027, 1, 11), last_day=date(2027, 1, 15))
        SyncEngine(store, api).sync_once()
        SyncEngine(store, api).sync_once()
        ctx = AppContext(page=Page(), config=ClientConfig(api_url=server.url), store=store, api=api,
                         tr=Translator("en"), user=store.load_session()[0])
        contexts[staff_no] = ctx
    yield contexts
    for ctx in contexts.values():
        ctx.store.close()


@pytest.mark.parametrize("who, route", CASES)
def test_every_pressable_control_has_an_accessible_name(signed_in, who, route):
    """Icon buttons and tappable tiles carry a tooltip, label or text a screen reader can say."""
    ctx = signed_in[who]
    view = screens(ctx)[route]()
    assert nameless(view) == []
    if route == "/approvals":  # the check saw the icon buttons it is about
        assert any(isinstance(c, ft.IconButton) for c in walk(view))
    if route == "/approvals/requests":  # ... and the decision buttons of the waiting leave
        assert [spoken(c) for c in walk(view) if isinstance(c, ft.FilledButton)] == ["Approve"]


def test_the_check_catches_a_nameless_icon_button():
    """The walker itself: an icon-only button or tappable icon with no label is reported; an icon
    button named only by its tooltip too (Chromium speaks the icon's label, not the tooltip)."""
    view = ft.View(route="/x", controls=[ft.Column([
        ft.ListTile(title=ft.Text("Named"), trailing=ft.Row([
            ft.IconButton(ft.Icons.CHECK, on_click=lambda e: None),
            ft.IconButton(ft.Icons.CLOSE, tooltip="Refuse", on_click=lambda e: None),
            ft.IconButton(ft.Icon(ft.Icons.DONE, semantics_label="Accept"), tooltip="Accept", on_click=lambda e: None)])),
        ft.Container(ft.Icon(ft.Icons.SYNC), on_click=lambda e: None),
    ])])
    assert nameless(view) == [f"IconButton({ft.Icons.CHECK})", f"IconButton({ft.Icons.CLOSE})", "Container()"]


def test_the_check_catches_a_dropdown_named_only_by_its_drawn_label():
    """A Dropdown's label is not spoken in the browser: bare it is reported; inside a labelled
    Semantics (app.ui.chrome.menu) it is named."""
    options = [ft.dropdown.Option(key="a", text="A")]
    view = ft.View(route="/x", controls=[ft.Dropdown(label="Who", options=options),
                                         ft.Semantics(label="Area", content=ft.Dropdown(label="Area", options=options))])
    assert nameless(view) == ["Dropdown()"]
