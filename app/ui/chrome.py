"""The frame around every screen: title bar, sync status strip, bottom navigation."""

from dataclasses import dataclass

import flet as ft

from app.i18n import N_
from app.ui.context import AppContext
from app.ui.redraw import REFRESHED_ON_ITS_OWN
from app.ui.sync_status import healthy, last_sync_text, state_text
from app.ui.theme import colour, strip_background


@dataclass(frozen=True)
class Destination:
    route: str
    label: str  # msgid, translated at render time
    icon: ft.IconData


STAFF_TABS = [
    Destination("/home", N_("Home"), ft.Icons.HOME_OUTLINED),
    Destination("/clock", N_("Clock"), ft.Icons.FINGERPRINT),
    Destination("/shifts", N_("Shifts"), ft.Icons.CALENDAR_MONTH_OUTLINED),
    Destination("/tasks", N_("Tasks"), ft.Icons.CHECKLIST),
    Destination("/me", N_("Me"), ft.Icons.PERSON_OUTLINE),
]
# Managers run the store from the bar; their own clock, shifts and tasks are tiles on Home.
MANAGER_TABS = [
    Destination("/home", N_("Home"), ft.Icons.HOME_OUTLINED),
    Destination("/team", N_("Team"), ft.Icons.GROUPS_OUTLINED),
    Destination("/approvals", N_("Approvals"), ft.Icons.FACT_CHECK_OUTLINED),
    Destination("/broadcast", N_("Broadcast"), ft.Icons.CAMPAIGN_OUTLINED),
    Destination("/me", N_("Me"), ft.Icons.PERSON_OUTLINE),
]


def tabs_for(ctx: AppContext) -> list[Destination]:
    return MANAGER_TABS if ctx.is_manager else STAFF_TABS


def tapped_index(e: ft.Event) -> int:
    """The destination a tap on the bottom bar chose, from the event itself.

    Why not ``e.control.selected_index``: when a sync redraws the screen between Flutter's
    "selected_index" patch and its "change" event, Flet hands the event to the new bar (same id,
    index still the old one) and the patch went to the old bar: the tab would light up and the
    screen stay where it was. The event carries the tapped index.
    """
    try:
        return int(e.data)
    except (TypeError, ValueError):
        return e.control.selected_index


def status_strip(ctx: AppContext) -> ft.Control:
    """Always-visible sync status: online/offline, waiting actions, last sync, Sync now.

    One line in every language and text size: a row that never wraps (a wrapped row started
    its second line with a stray "·"), whose longer parts end in an ellipsis.
    """
    s, tr = ctx.status, ctx.tr
    state = state_text(s, ctx._)
    if s.online and s.syncing:  # offline wins over syncing, as in the state text
        name = ft.Colors.BLUE_800
    elif not healthy(s):
        name = ft.Colors.ORANGE_900
    else:
        name = ft.Colors.GREEN_800
    tint = colour(name, ctx.display)
    if s.waiting:
        waiting = tr.ngettext("{count} action waiting", "{count} actions waiting", s.waiting)
    else:
        waiting = ctx._("All changes synced")
    last = last_sync_text(s, tr)
    one_line = dict(max_lines=1, overflow=ft.TextOverflow.ELLIPSIS, no_wrap=True)
    # The state never shrinks; the waiting count and the last sync share what is left (loosely,
    # so short texts take only their width; the count first, 3:1) and end in an ellipsis
    # instead of wrapping.
    summary = [
        ctx.typo.text(state, 13, color=name, weight=ft.FontWeight.BOLD, no_wrap=True),
        ctx.typo.text(f"· {waiting}", 13, expand=3, expand_loose=True, **one_line),
        ctx.typo.text(f"· {last}", 12, color=ft.Colors.GREY_700, expand=1, expand_loose=True,
                      **one_line),
    ]
    parts = [ft.Icon(ft.Icons.CLOUD_DONE if healthy(s) else ft.Icons.CLOUD_OFF,
                     color=tint, size=18), *summary]
    if s.rejected:
        parts.append(ft.TextButton(
            # Translators: status strip: {count} offline actions the server refused (tap to see them).
            content=ctx.typo.text(tr.ngettext("{count} rejected", "{count} rejected", s.rejected), 13,
                                  color=ft.Colors.RED_800, no_wrap=True),
            on_click=lambda e: ctx.page.navigate("/sync")))
    # The icon's label names the button for screen readers (a tooltip alone does not).
    parts.append(ft.IconButton(ft.Icon(ft.Icons.SYNC, semantics_label=ctx._("Sync now")), tooltip=ctx._("Sync now"),
                               disabled=s.syncing, on_click=lambda e: ctx.runner and ctx.runner.request()))
    return ft.Container(
        ft.Row(parts, spacing=6, wrap=False, vertical_alignment=ft.CrossAxisAlignment.CENTER),
        padding=ft.Padding.symmetric(horizontal=12, vertical=2),
        bgcolor=strip_background(tint, ctx.display),
    )


def status_slot(ctx: AppContext) -> ft.Control:
    """The status strip of the current view, remembered so a sync can refresh it alone
    (re-rendering the whole view would wipe what the user is typing)."""
    slot = status_strip(ctx)
    slot.data = REFRESHED_ON_ITS_OWN  # a sync redraws the screen only when something else changed
    ctx.page.data["status_slot"] = slot
    return slot


def refresh_status(ctx: AppContext) -> None:
    """Redraw only the status strip."""
    slot = ctx.page.data.get("status_slot")
    if slot is None:
        return
    fresh = status_strip(ctx)
    slot.content, slot.bgcolor = fresh.content, fresh.bgcolor
    try:
        slot.update()
    except (AssertionError, RuntimeError):  # not on the page any more
        pass


def frame(ctx: AppContext, route: str, title: str, body: list[ft.Control], *,
          back: bool = False, actions: list[ft.Control] | None = None) -> ft.View:
    """A full screen: app bar, status strip, scrolling body, bottom navigation."""
    tabs = tabs_for(ctx)
    selected = next((i for i, t in enumerate(tabs) if route == t.route), None)
    nav = None
    if not back:
        nav = ft.NavigationBar(
            destinations=[ft.NavigationBarDestination(icon=t.icon, label=ctx._(t.label)) for t in tabs],
            selected_index=selected if selected is not None else 0,
            on_change=lambda e: ctx.page.navigate(tabs[tapped_index(e)].route),
            height=64 + (16 if ctx.display.large_text else 0),
        )
    return ft.View(
        route=route,
        appbar=ft.AppBar(title=ctx.typo.text(title, 20, weight=ft.FontWeight.BOLD),
                         automatically_imply_leading=back, actions=actions or []),
        controls=[
            status_slot(ctx),
            ft.ListView(body, expand=True, spacing=12, padding=16),
        ],
        navigation_bar=nav,
        padding=0,
        spacing=0,
    )


def section(ctx: AppContext, title: str, children: list[ft.Control]) -> ft.Control:
    """A titled card."""
    return ft.Card(ft.Container(ft.Column([ctx.typo.text(title, 17, weight=ft.FontWeight.BOLD), *children],
                                          spacing=8), padding=14))


def big_button(ctx: AppContext, label: str, on_click, *, icon=None, filled: bool = True,
               disabled: bool = False) -> ft.Control:
    """A button at least 48 px tall (60 in large-text mode)."""
    cls = ft.FilledButton if filled else ft.OutlinedButton
    return cls(content=ctx.typo.text(label, 16), icon=icon, on_click=on_click, disabled=disabled,
               height=ctx.display.touch)


def icon_button(icon: ft.IconData, name: str, on_click, **kw) -> ft.IconButton:
    """An icon button a screen reader names: in the browser only the icon's label is spoken (its
    tooltip, shown on a long press, is not)."""
    return ft.IconButton(ft.Icon(icon, semantics_label=name), tooltip=name, on_click=on_click, **kw)


def menu(label: str, **kw) -> ft.Semantics:
    """A Dropdown named ``label`` for screen readers too: the browser announces a bare Dropdown
    only as "button" (its label is drawn, not spoken)."""
    return ft.Semantics(label=label, content=ft.Dropdown(label=label, **kw))
