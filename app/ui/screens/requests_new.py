"""Issue 10, requests: a new request. Type, dates or hours or amount, reason; "Review" shows the
whole approval route (each step and who) and my leave balance before anything is sent; "Send"
queues it as one local action (works offline; the outbox syncs it).

The checks, the route and the balance come from ``app.store.requests`` (``app.domain.requests``).
"""

from dataclasses import asdict, astuple, dataclass, field
from datetime import UTC, date, datetime, timedelta

import flet as ft

from app.domain.requests import chains
from app.domain.requests.flow import Status
from app.domain.requests.kinds import RequestType
from app.store.queries import shifts_for_user, store_names
from app.store.requests import Preview
from app.ui.capture import CaptureError, picked_photo
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.pickers import date_field, parse_day
from app.ui.screen_state import screen_state
from app.ui.screens.requests import NEW_ROUTE, ROUTE, TYPE_NAMES, actions, balance_text, names, route_lines


@dataclass
class RequestForm:
    """What has been typed (typing redraws nothing, so a field keeps its focus)."""

    first: str = ""
    last: str = ""
    hours: str = ""
    amount: str = ""
    note: str = ""
    shift_id: str | None = None
    after_the_fact: bool = False


@ft.observable
@dataclass
class NewRequestState:
    kind: str = RequestType.ANNUAL_LEAVE.value
    store_id: str | None = None
    form: RequestForm = field(default_factory=RequestForm)
    preview: Preview | None = None
    #: sha256 of the certificate photo kept on the phone (sick leave).
    certificate: str | None = None
    #: The form as it was reviewed: "Send" reviews again when it changed since.
    reviewed: tuple | None = None


def _details(ctx: AppContext, state: NewRequestState) -> dict:
    """The form as the request's details (a bad date says how to write it; a bad number raises
    ``ValueError``)."""
    f, kind = state.form, RequestType(state.kind)
    details: dict = {"note": f.note}
    if kind.is_leave or kind is RequestType.OVERTIME:
        details |= {"first_day": parse_day(ctx, f.first),
                    "last_day": parse_day(ctx, f.last) if kind.is_leave else None}
    if kind is RequestType.OVERTIME:
        details |= {"hours": float(f.hours or 0), "after_the_fact": f.after_the_fact}
    if kind is RequestType.SICK_LEAVE:
        details["certificate_sha256"] = state.certificate
    if kind is RequestType.SHIFT_CHANGE:
        details["shift_id"] = f.shift_id
    if kind is RequestType.PURCHASE:
        details["amount_hkd"] = float(f.amount or 0)
    return details


def _field(ctx: AppContext, form: RequestForm, name: str, label: str, **kw) -> ft.TextField:
    def typed(e) -> None:
        setattr(form, name, e.control.value or "")
    return ft.TextField(label=label, value=getattr(form, name), on_change=typed, text_style=ctx.typo.style(15), **kw)


def _day_field(ctx: AppContext, form: RequestForm, name: str, label: str) -> ft.Control:
    """Issue 10, pickers: typed as YYYY-MM-DD or picked on the calendar (a year back, for sick
    leave and overtime already worked, to the end of the year after next)."""
    today = ctx.tr.to_local(ctx.tr.now()).date()
    return date_field(ctx, label, getattr(form, name), lambda text: setattr(form, name, text),
                      first=today - timedelta(days=366), last=date(today.year + 2, 12, 31))


def _kind_picker(ctx: AppContext, state: NewRequestState) -> ft.Control:
    choices = [ft.Radio(value=k.value, label=ctx._(TYPE_NAMES[k]), label_style=ctx.typo.style(15))
               for k in RequestType]

    def picked(e) -> None:
        state.preview = None
        state.kind = e.control.value
    return ft.RadioGroup(ft.Column(choices, spacing=0), value=state.kind, on_change=picked)


def _store_picker(ctx: AppContext, state: NewRequestState) -> list[ft.Control]:
    """Only for people working at more than one store: which store's managers decide."""
    stores = list(ctx.user["store_ids"])
    if len(stores) < 2:
        return []
    with ctx.store.reading() as db:
        named = store_names(db)
    group = ft.RadioGroup(ft.Column([ft.Radio(value=s, label=named.get(s, s)) for s in stores], spacing=0),
                          value=state.store_id, on_change=lambda e: setattr(state, "store_id", e.control.value))
    return [section(ctx, ctx._("Store"), [group])]


def _shift_picker(ctx: AppContext, form: RequestForm) -> ft.Control:
    now = datetime.now(UTC)
    with ctx.store.reading() as db:
        mine = shifts_for_user(db, ctx.user["id"], now, now + timedelta(days=28))
    choices = [ft.Radio(value=s.id, label=ctx.tr.join(ctx.tr.format_date(s.starts_at, "medium"),
                                                      ctx.tr.format_interval(s.starts_at, s.ends_at)))
               for s in mine]
    if not choices:
        return ctx.typo.text(ctx._("No shifts."), 15)
    return ft.RadioGroup(ft.Column(choices, spacing=0), value=form.shift_id,
                         on_change=lambda e: setattr(form, "shift_id", e.control.value))


def _certificate_button(ctx: AppContext, state: NewRequestState) -> ft.Control:
    """Sick leave: a photo of the medical certificate, kept on the phone and uploaded first."""
    async def take(e) -> None:
        try:
            photo, = await picked_photo(ctx)
        except CaptureError as exc:
            ctx.notify(exc.message, error=True)
            return
        state.certificate = actions(ctx).keep_certificate(photo)

    if state.certificate:
        return ft.Row([ft.Icon(ft.Icons.CHECK_CIRCLE), ctx.typo.text(ctx._("Certificate photo added."), 15)])
    return big_button(ctx, ctx._("Add a photo of the medical certificate"), take, icon=ft.Icons.PHOTO_CAMERA,
                      filled=False)


def _detail_fields(ctx: AppContext, state: NewRequestState) -> list[ft.Control]:
    f, kind = state.form, RequestType(state.kind)
    fields: list[ft.Control] = []
    if kind.is_leave:
        fields += [_day_field(ctx, f, "first", ctx._("First day (YYYY-MM-DD)")),
                   _day_field(ctx, f, "last", ctx._("Last day (YYYY-MM-DD)"))]
    if kind is RequestType.SICK_LEAVE:
        fields.append(_certificate_button(ctx, state))
    if kind is RequestType.OVERTIME:
        fields += [_day_field(ctx, f, "first", ctx._("Day (YYYY-MM-DD)")),
                   _field(ctx, f, "hours", ctx._("Hours"), keyboard_type=ft.KeyboardType.NUMBER),
                   ft.Checkbox(label=ctx._("Already worked"), value=f.after_the_fact,
                               on_change=lambda e: setattr(f, "after_the_fact", bool(e.control.value)))]
    if kind is RequestType.SHIFT_CHANGE:
        fields.append(_shift_picker(ctx, f))
    if kind is RequestType.PURCHASE:
        fields.append(_field(ctx, f, "amount", ctx._("Amount (HKD)"), keyboard_type=ft.KeyboardType.NUMBER))
    fields.append(_field(ctx, f, "note", ctx._("Reason"), multiline=True))
    return fields


def _snapshot(state: NewRequestState) -> tuple:
    return (state.kind, state.store_id, state.certificate, astuple(state.form))


def _preview_section(ctx: AppContext, seen: Preview) -> ft.Control:
    """What the reviewed request costs and the whole route it will walk."""
    t = ctx.typo
    lines: list[ft.Control] = []
    if seen.request.type.is_leave:
        lines.append(t.text(ctx.tr.ngettext("{count} day", "{count} days", seen.days), 15))
    if seen.request.type.has_balance:
        lines.append(t.text(balance_text(ctx, None if seen.balance is None else {
            **asdict(seen.balance), "available": seen.balance.available}), 15))
    row = {"status": Status.PENDING.value, "route": chains.route_to_data(seen.route), "current_step": seen.waits_at}
    lines += route_lines(ctx, row, names(ctx))
    return section(ctx, ctx._("Approval route"), lines)


def view(ctx: AppContext) -> ft.View:
    """The new-request form; after "Review", the route and the balance, then "Send"."""
    first_store = next(iter(ctx.user["store_ids"]), None)
    state = screen_state(ctx, NEW_ROUTE, lambda: NewRequestState(store_id=first_store))
    acts = actions(ctx)
    if state.store_id is None:  # HQ works at no store: a request needs the store whose managers decide
        return frame(ctx, NEW_ROUTE, ctx._("New request"), [ctx.typo.text(ctx._("You work at no store."), 15)],
                     back=True)

    def review() -> None:
        state.preview = acts.preview(RequestType(state.kind), state.store_id, **_details(ctx, state))
        state.reviewed = _snapshot(state)

    def send(e) -> None:
        if state.reviewed != _snapshot(state):
            ctx.act(review)  # changed since the review: show the new route first
            return

        def do() -> None:
            acts.submit(RequestType(state.kind), state.store_id, **_details(ctx, state))
            state.form, state.preview, state.reviewed, state.certificate = RequestForm(), None, None, None
        ctx.act(do, ctx._("Request sent. It waits for an answer."))
        if state.preview is None:
            ctx.page.navigate(ROUTE)

    body = [section(ctx, ctx._("Type"), [_kind_picker(ctx, state)]), *_store_picker(ctx, state),
            *_detail_fields(ctx, state),
            big_button(ctx, ctx._("Review"), lambda e: ctx.act(review), filled=state.preview is None)]
    if state.preview is not None:
        body += [_preview_section(ctx, state.preview), big_button(ctx, ctx._("Send request"), send)]
    return frame(ctx, NEW_ROUTE, ctx._("New request"), body, back=True)
