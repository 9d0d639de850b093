"""Issue 10, requests: my leave, overtime, shift-change and purchase requests (where each one is
now), one request's whole route and history (cancel before a decision, send again after a
send-back), and the shared pieces the approvers' queue shows too.

Every rule (route, balance, checks) comes from ``app.store.requests`` (``app.domain.requests``);
this only shows. Works offline: reads the device's database, writes through the outbox.
"""

from datetime import date, datetime

import flet as ft

from app.domain.requests.flow import Action, Status
from app.domain.requests.kinds import RequestType
from app.i18n.markers import N_
from app.store.requests import RequestActions, my_requests, people_names, request_by_id
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog
from app.ui.punch_view import photo_box
from app.ui.screens.me import ROLE_NAMES

ROUTE = "/me/requests"
NEW_ROUTE = "/me/requests/new"

TYPE_NAMES = {
    RequestType.ANNUAL_LEAVE: N_("Annual leave"),
    RequestType.SICK_LEAVE: N_("Sick leave"),
    RequestType.UNPAID_LEAVE: N_("Unpaid leave"),
    # Translators: a request to be paid for extra hours worked.
    RequestType.OVERTIME: N_("Overtime"),
    # Translators: a request to change one of my shifts (time or day).
    RequestType.SHIFT_CHANGE: N_("Shift change"),
    # Translators: a request to buy something for the store, with an amount in HKD.
    RequestType.PURCHASE: N_("Purchase"),
}
STATUS_WORDS = {
    Status.PENDING: N_("Waiting for approval"),
    Status.SENT_BACK: N_("Sent back to you"),
    Status.APPROVED: N_("Approved"),
    Status.DECLINED: N_("Declined"),
    Status.CANCELLED: N_("Cancelled"),
}
ACTION_WORDS = {
    # Translators: in a request's history: the person sent the request.
    Action.SUBMIT: N_("Sent"),
    Action.APPROVE: N_("Approved"),
    Action.DECLINE: N_("Declined"),
    Action.SEND_BACK: N_("Sent back"),
    Action.RESUBMIT: N_("Sent again"),
    Action.CANCEL: N_("Cancelled"),
}


def actions(ctx: AppContext) -> RequestActions:
    return RequestActions(ctx.store, ctx.store.clock, ctx.actor)


def names(ctx: AppContext) -> dict[str, str]:
    with ctx.store.reading() as db:
        return people_names(db)


def what_text(ctx: AppContext, row: dict) -> str:
    """The request in one line: its type and dates, hours or amount."""
    kind = RequestType(row["type"])
    parts = [ctx._(TYPE_NAMES[kind])]
    if row.get("first_day"):
        first, last = date.fromisoformat(row["first_day"]), date.fromisoformat(row["last_day"] or row["first_day"])
        parts.append(ctx.tr.format_date(first, "medium") if first == last
                     else ctx.tr.join(ctx.tr.format_date(first, "medium"), "–", ctx.tr.format_date(last, "medium")))
    if kind.is_leave and row.get("days"):
        parts.append(ctx.tr.ngettext("{count} day", "{count} days", int(row["days"])))
    if kind is RequestType.OVERTIME:
        parts.append(ctx._("{hours} h", hours=ctx.tr.format_decimal(row["hours"] or 0)))
    if kind is RequestType.PURCHASE:
        parts.append(ctx.tr.format_hkd(row["amount_hkd"] or 0))
    return ctx.tr.join(*parts)


def _approver_names(ctx: AppContext, step: dict, people: dict[str, str]) -> str:
    shown = []
    for user_id in step["approvers"]:
        name = people.get(user_id, user_id)
        absent = (step.get("on_behalf_of") or {}).get(user_id)
        # Translators: a delegate approves for {name}, who is away.
        shown.append(ctx._("{delegate} (for {name})", delegate=name, name=people.get(absent, absent))
                     if absent else name)
    return ctx.tr.format_list(shown)


def role_name(ctx: AppContext, role: str) -> str:
    msgid = ROLE_NAMES[role]  # a variable: pybabel would extract "role" from a subscript
    return ctx._(msgid)


def step_text(ctx: AppContext, step: dict, people: dict[str, str]) -> str:
    """One step of a route: its number, role and who decides (or that nobody does)."""
    role = role_name(ctx, step["role"])
    if not step["approvers"]:
        # Translators: a step of an approval route with nobody in it; the request goes on.
        return ctx._("Step {number}: {role}: nobody, passes to the next step", number=step["index"] + 1, role=role)
    who = _approver_names(ctx, step, people)
    if len(step["approvers"]) > 1:
        who = ctx.tr.join(who, ctx._("all of them") if step["need"] == "all" else ctx._("any one of them"))
    return ctx._("Step {number}: {role}: {names}", number=step["index"] + 1, role=role, names=who)


def where_now(ctx: AppContext, row: dict, people: dict[str, str]) -> str:
    """The request's state in words, and who it waits for."""
    words = ctx._(STATUS_WORDS[Status(row["status"])])
    route = row.get("route") or []
    here = row.get("current_step")
    if row["status"] == Status.PENDING and here is not None and here < len(route):
        step = route[here]
        words = ctx._("Waiting for {role}: {names}", role=role_name(ctx, step["role"]),
                      names=_approver_names(ctx, step, people))
    if row.get("sync_state") == "pending":
        words = ctx.tr.join(words, ctx._("waiting to sync"))
    return words


def route_lines(ctx: AppContext, row: dict, people: dict[str, str]) -> list[ft.Control]:
    """Every step of the route, the current one marked."""
    t, route = ctx.typo, row.get("route") or []
    if not route:
        return [t.text(ctx._("The route appears once the phone has synced."), 14)]
    lines = []
    for step in route:
        now = row["status"] == Status.PENDING and step["index"] == row.get("current_step")
        lines.append(ft.Row([ft.Icon(ft.Icons.ARROW_RIGHT if now else ft.Icons.CIRCLE_OUTLINED, size=18,
                                     semantics_label=ctx._("Now") if now else None),
                             ft.Container(t.text(step_text(ctx, step, people), 14,
                                                 weight=ft.FontWeight.BOLD if now else None), expand=True)]))
    return lines


def history_lines(ctx: AppContext, row: dict, people: dict[str, str]) -> list[ft.Control]:
    """Every kept step: what, who (for whom), when, and the comment."""
    t, lines = ctx.typo, []
    for h in row.get("history") or []:
        who = people.get(h["user_id"], h["user_id"])
        if h.get("on_behalf_of"):
            who = ctx._("{delegate} (for {name})", delegate=who, name=people.get(h["on_behalf_of"], h["on_behalf_of"]))
        text = ctx.tr.join(ctx._(ACTION_WORDS[Action(h["action"])]), who,
                           ctx.tr.format_datetime(datetime.fromisoformat(h["at"]), "short"))
        lines.append(t.text(text, 14))
        if h.get("comment"):
            lines.append(t.text(ctx._("Comment: {comment}", comment=h["comment"]), 14, color=ft.Colors.GREY_700))
    return lines


#: Side of the certificate photo in its dialog (fits a 412 px phone with the dialog's margins).
CERTIFICATE_SIZE = 280


def certificate_button(ctx: AppContext, row: dict) -> list[ft.Control]:
    """Issue 10, delegation: a sick-leave request's certificate photo, opened in a dialog (fetched
    when it is not on this phone; offline the dialog says it is not here)."""
    sha = row.get("certificate_sha256")
    if not sha:
        return []

    def show(e) -> None:
        title = ctx._("Medical certificate")
        dialog = ft.AlertDialog(title=ctx.typo.text(title, 18), content=photo_box(ctx, sha, title, CERTIFICATE_SIZE),
                                actions=[ft.TextButton(ctx._("Close"), on_click=lambda e: shown.close())])
        shown = ShownDialog(ctx, dialog)

    return [big_button(ctx, ctx._("View the certificate"), show, icon=ft.Icons.IMAGE, filled=False)]


def balance_text(ctx: AppContext, bal: dict | None) -> str:
    """A leave balance in words (the numbers from the domain)."""
    if bal is None:
        return ctx._("Leave balance not known yet on this phone.")
    fmt = ctx.tr.format_decimal
    return ctx._("Leave left: {available} of {entitled} days ({used} taken, {held} waiting)",
                 available=fmt(bal["available"]), entitled=fmt(bal["entitled"]), used=fmt(bal["used"]),
                 held=fmt(bal["held"]))


def view(ctx: AppContext) -> ft.View:
    """My requests, newest first: what, and where each one is now."""
    t, people = ctx.typo, names(ctx)
    with ctx.store.reading() as db:
        rows = my_requests(db, ctx.user["id"])
    tiles = [ft.ListTile(title=t.text(what_text(ctx, r), 15), subtitle=t.text(where_now(ctx, r, people), 14),
                         on_click=lambda e, rid=r["id"]: ctx.page.navigate(f"{ROUTE}/{rid}")) for r in rows]
    return frame(ctx, ROUTE, ctx._("Requests"), [
        big_button(ctx, ctx._("New request"), lambda e: ctx.page.navigate(NEW_ROUTE), icon=ft.Icons.ADD),
        *(tiles or [t.text(ctx._("No requests yet."), 15)]),
    ], back=True)


def detail_view(ctx: AppContext, route: str, request_id: str) -> ft.View:
    """One of my requests: the whole route, every step kept, and what I can still do."""
    t, people, acts = ctx.typo, names(ctx), actions(ctx)
    with ctx.store.reading() as db:
        row = request_by_id(db, request_id)
    if row is None:
        return frame(ctx, route, ctx._("Request"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    body: list[ft.Control] = [t.text(what_text(ctx, row), 16, weight=ft.FontWeight.BOLD),
                              t.text(where_now(ctx, row, people), 15)]
    if row.get("note"):
        body.append(t.text(ctx._("Reason: {reason}", reason=row["note"]), 14))
    if row.get("balance"):
        body.append(t.text(balance_text(ctx, row["balance"]), 14))
    body += certificate_button(ctx, row)  # issue 10, delegation
    body += [section(ctx, ctx._("Approval route"), route_lines(ctx, row, people)),
             section(ctx, ctx._("History"), history_lines(ctx, row, people))]
    mine = row["requester_id"] == ctx.user["id"]
    if mine and row["status"] == Status.SENT_BACK:
        answer = ft.TextField(label=ctx._("Comment"), text_style=t.style(14), multiline=True)
        body += [answer, big_button(ctx, ctx._("Send again"), lambda e: ctx.act(
            lambda: acts.resubmit(request_id, answer.value or ""), ctx._("Request sent. It waits for an answer.")))]
    if mine and Status(row["status"]).is_open:
        body.append(big_button(ctx, ctx._("Cancel request"), lambda e: ctx.act(
            lambda: acts.cancel(request_id), ctx._("Request cancelled.")), filled=False))
    return frame(ctx, route, ctx._("Request"), body, back=True)
