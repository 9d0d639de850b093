"""Me -> Calendar feed: the person's secret link to their shifts, to subscribe to in a phone
calendar: Copy, and New link (the old link stops working, so calendars subscribed to it
stop updating). Online only: the link comes from the server, so offline the screen says so."""

from collections.abc import Callable
from dataclasses import dataclass

import flet as ft

from app.platform import offload
from app.protocol import CalendarFeedPublic
from app.sync import AuthRequired, NetworkError, RequestRejected, TransientError
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.dialogs import confirm

ROUTE = "/me/calendar"
_KEY = "calendar_feed"


@dataclass
class FeedLink:
    """What the screen shows: the link, or why there is none (translated). Kept in the
    session's page data, per person, so redrawing the screen asks the server nothing."""

    user_id: str
    url: str | None = None
    problem: str | None = None
    loading: bool = False

    async def fetch(self, ctx: AppContext, call: Callable[[], CalendarFeedPublic]) -> bool:
        """Ask the server (``call``: the API client's get or new link); False with ``problem`` set
        when it could not answer. A failed new link keeps the old one showing: it still works."""
        self.loading = True
        try:
            self.url, self.problem = (await offload(call)).url, None
        except (NetworkError, TransientError):
            self.problem = ctx._("Cannot reach the server. Check your connection and try again.")
        except RequestRejected as exc:
            self.problem = ctx.reason_text(exc.code)
        except AuthRequired:
            self.problem = ctx._("Please log in again.")
        finally:
            self.loading = False
        return self.problem is None


def link_of(ctx: AppContext) -> FeedLink:
    """This session's link state for the signed-in person (a new person starts empty)."""
    link = ctx.page.data.get(_KEY)
    if link is None or link.user_id != ctx.user["id"]:
        link = ctx.page.data[_KEY] = FeedLink(ctx.user["id"])
    return link


def view(ctx: AppContext) -> ft.View:
    t, link = ctx.typo, link_of(ctx)
    if link.url is None and not link.loading and link.problem is None:  # failures wait for Try again
        link.loading = True  # drawn as "Loading…" until the answer comes
        ctx.page.run_task(_load, ctx, link, ctx.api.calendar_feed)
    if link.url:
        shown = [ft.Text(link.url, selectable=True, size=14 * ctx.display.scale)]
    else:
        shown = [t.text(ctx._("Getting your link…") if link.loading else "", 15)]
    if link.problem:
        shown.append(t.text(link.problem, 15, color=ft.Colors.RED_900))
    buttons = [big_button(ctx, ctx._("Copy link"), lambda e: ctx.page.run_task(copy, ctx, link),
                          icon=ft.Icons.COPY, disabled=link.url is None),
               big_button(ctx, ctx._("New link"), lambda e: confirm_new(ctx, link),
                          icon=ft.Icons.AUTORENEW, filled=False, disabled=link.loading)]
    if link.url is None and not link.loading:
        buttons.append(big_button(ctx, ctx._("Try again"), lambda e: ctx.page.run_task(
            _load, ctx, link, ctx.api.calendar_feed), icon=ft.Icons.REFRESH, filled=False))
    return frame(ctx, ROUTE, ctx._("Calendar feed"), [
        t.text(ctx._("Add this link to your phone's calendar as a subscription to see your shifts "
                     "there. Keep it private: anyone with the link can see your shifts."), 15),
        section(ctx, ctx._("Your calendar link"), shown),
        ft.Row(buttons, wrap=True, spacing=8, run_spacing=8),
    ], back=True)


async def _load(ctx: AppContext, link: FeedLink, call: Callable[[], CalendarFeedPublic]) -> bool:
    ok = await link.fetch(ctx, call)
    ctx.rerender()
    return ok


async def copy(ctx: AppContext, link: FeedLink) -> None:
    """Put the link on the clipboard and say so."""
    clipboard = ctx.page.data.get("clipboard") or ctx.page.data.setdefault("clipboard", ft.Clipboard())
    await clipboard.set(link.url)
    ctx.notify(ctx._("Link copied. Paste it into your calendar app."))


def confirm_new(ctx: AppContext, link: FeedLink) -> None:
    """Ask first: a new link stops every calendar subscribed to the old one."""
    confirm(ctx, ctx._("Make a new link?"), ctx._("The current link stops working: calendars subscribed to it stop "
                                                   "updating. Subscribe again with the new link."),
            ctx._("New link"), lambda: renew(ctx, link))


async def renew(ctx: AppContext, link: FeedLink) -> None:
    if await _load(ctx, link, ctx.api.new_calendar_feed):
        ctx.notify(ctx._("New link made. The old link no longer works."))
    else:
        ctx.notify(link.problem, error=True)
