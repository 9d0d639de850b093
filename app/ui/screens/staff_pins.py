"""Reset a forgotten PIN (managers): pick the person, confirm, read the temporary PIN to them.

The server decides who may reset whose PIN (a manager above the person at one of their
stores) and audits it; the person chooses a new PIN at their next login. Online only: the
temporary PIN comes from the server.
"""


import flet as ft

from app.domain.roles import Role
from app.platform import offload
from app.store import queries
from app.sync import NetworkError, RequestRejected, TransientError
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog, confirm

ROUTE = "/me/pins"


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        people = queries.people_of_stores(db, ctx.user["store_ids"], ctx.user["id"])
    # Only people this manager ranks above: the server refuses the others (app.domain.login_throttle).
    roles = {r.value for r in Role}
    people = [p for p in people if p["role"] in roles and ctx.actor.role.outranks(Role(p["role"]))]
    rows = [ft.ListTile(title=t.text(p["name"], 15), subtitle=t.text(p["staff_no"] or "", 13),
                        trailing=ft.TextButton(ctx._("Reset PIN"), on_click=lambda e, p=p: confirm_reset(ctx, p)))
            for p in people]
    return frame(ctx, ROUTE, ctx._("Reset a forgotten PIN"), [
        t.text(ctx._("The person gets a temporary PIN from you and chooses a new PIN when they log in. "
                     "They are signed out on every phone."), 14),
        section(ctx, ctx._("People of your stores"), rows or [t.text(ctx._("None."), 15)]),
    ], back=True)


def confirm_reset(ctx: AppContext, person: dict) -> None:
    """Ask before resetting: it signs the person out everywhere."""
    confirm(ctx, ctx._("Reset PIN"), ctx._("Reset the PIN of {name}?", name=person["name"]), ctx._("Reset PIN"),
            lambda: _reset(ctx, person))


async def _reset(ctx: AppContext, person: dict) -> None:
    try:
        done = await offload(ctx.api.reset_pin, person["id"])
    except RequestRejected as exc:
        ctx.notify(ctx.reason_text(exc.code), error=True)
        return
    except (NetworkError, TransientError):
        ctx.notify(ctx._("Cannot reach the server. Check your connection and try again."), error=True)
        return
    t = ctx.typo
    shown = ShownDialog(ctx, ft.AlertDialog(
        title=t.text(ctx._("Temporary PIN for {name}", name=person["name"]), 18),
        content=ft.Column([
            t.text(done.temporary_pin, 32, weight=ft.FontWeight.BOLD),
            t.text(ctx._("Give this PIN to the person. They choose a new PIN when they log in."), 15),
        ], tight=True),
        actions=[ft.TextButton(ctx._("OK"), on_click=lambda e: shown.close())]))
