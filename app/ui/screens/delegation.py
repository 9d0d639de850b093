"""Issue 10, delegation: Me -> Delegate my approvals (managers). Pick a manager and the days I am
away; on those days my approval steps go to them by themselves. Lists my hand-overs in effect
and to come, each with End delegation, and those to me (HQ sees everyone's and may end them).

Who may be picked and who may end one are rules of ``app.domain.requests.chains`` (run here
through ``app.store.requests``, and again by the server). Works offline: one local action each,
queued in the outbox; a refusal undoes it and says why in the reader's language.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import flet as ft

from app.store.requests import delegate_choices, delegations_from, people_names
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.context import InputError
from app.ui.dialogs import confirm
from app.ui.pickers import date_field, day_error, parse_day
from app.ui.screen_state import screen_state
from app.ui.screens.requests import actions, role_name

ROUTE = "/me/delegation"
#: Days a new hand-over lasts unless changed: a working week.
DEFAULT_DAYS = 7


@dataclass
class DelegationForm:
    """What has been typed and picked (typing redraws nothing, so a field keeps its focus); a
    redraw when a sync brings news builds the form again from here, focus included."""

    delegate_id: str | None = None
    first_day: str | None = None  # None: not shown yet (then: from today, for a week)
    last_day: str = ""
    focused: str | None = None  # the day field being typed in
    built: dict[str, ft.TextField] = field(default_factory=dict)  # the last drawn day fields


@ft.observable
@dataclass
class DelegationState:
    form: DelegationForm = field(default_factory=DelegationForm)
    revision: int = 0  # raised after an action, to read the database again


def _today(ctx: AppContext) -> date:
    return ctx.tr.to_local(ctx.tr.now()).date()


def _state(ctx: AppContext) -> DelegationState:
    state = screen_state(ctx, ROUTE, DelegationState)
    if state.form.first_day is None:  # a first visit (a day cleared to be typed anew stays empty)
        today = _today(ctx)
        state.form.first_day = today.isoformat()
        state.form.last_day = (today + timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    return state


def _hand_over(ctx: AppContext, state: DelegationState) -> None:
    form = state.form
    if form.delegate_id is None:
        ctx.notify(ctx._("Pick who approves for you."), error=True)
        return
    try:
        first, last = parse_day(ctx, form.first_day), parse_day(ctx, form.last_day)
    except InputError as exc:
        ctx.notify(exc.message, error=True)
        return
    if first is None or last is None:
        ctx.notify(day_error(ctx), error=True)
        return
    done: list[str] = []
    ctx.act(lambda: done.append(actions(ctx).delegate(form.delegate_id, first, last)),
            ctx._("Your approvals are handed over for those days."))
    if done:  # handed over: pick anew (a refusal keeps what was picked and typed, to be fixed)
        form.delegate_id = None
        state.revision += 1


def _cancel(ctx: AppContext, state: DelegationState, delegation_id: str) -> None:
    def do() -> None:
        ctx.act(lambda: actions(ctx).cancel_delegation(delegation_id), ctx._("Delegation ended."))
        state.revision += 1

    confirm(ctx, ctx._("End this delegation?"),
            ctx._("The requests waiting go back to the manager who handed them over."),
            ctx._("End delegation"), do)


def _picker(ctx: AppContext, form: DelegationForm) -> ft.Control:
    t = ctx.typo
    with ctx.store.reading() as db:
        choices = delegate_choices(db, ctx.actor)
    radios = [ft.Radio(value=uid, label=ctx.tr.join(name, role_name(ctx, role.value)), label_style=t.style(15))
              for uid, name, role in choices]

    def picked(e) -> None:
        form.delegate_id = e.control.value

    if not radios:
        return t.text(ctx._("No other manager is on this phone yet. Sync, then try again."), 15)
    return ft.RadioGroup(ft.Column(radios, spacing=2), value=form.delegate_id, on_change=picked)


def _day_field(ctx: AppContext, label: str, form: DelegationForm, name: str) -> ft.TextField:
    today = _today(ctx)
    # A hand-over may start today and last up to a year (the rule in app.domain.requests.chains).
    built = date_field(ctx, label, getattr(form, name) or "", lambda text: setattr(form, name, text),
                       first=today, last=today + timedelta(days=2 * 366), dense=True, width=240,
                       autofocus=form.focused == name)
    checked = built.on_blur

    def focused(e) -> None:
        form.focused = name

    def left(e) -> None:
        # A blur from a field a redraw replaced is not the person leaving the field.
        if form.built.get(name) is e.control and form.focused == name:
            form.focused = None
        checked(e)

    built.on_focus, built.on_blur, form.built[name] = focused, left, built
    return built


def _new_section(ctx: AppContext, state: DelegationState) -> ft.Control:
    form = state.form
    return section(ctx, ctx._("Hand over to"), [
        _picker(ctx, form),
        ft.Row([_day_field(ctx, ctx._("First day (YYYY-MM-DD)"), form, "first_day"),
                _day_field(ctx, ctx._("Last day (YYYY-MM-DD)"), form, "last_day")], wrap=True, spacing=8),
        big_button(ctx, ctx._("Hand over my approvals"), lambda e: _hand_over(ctx, state), icon=ft.Icons.SEND),
    ])


def _row(ctx: AppContext, state: DelegationState, d: dict, names: dict[str, str]) -> ft.Control:
    """One hand-over: who stands in (for whom, when not mine), its days, and End delegation where
    I may end it (mine; HQ: anyone's; never the delegate)."""
    t, today, me = ctx.typo, _today(ctx), ctx.user["id"]
    first, last = date.fromisoformat(d["first_day"]), date.fromisoformat(d["last_day"])
    who = names.get(d["delegate_id"], d["delegate_name"] or d["delegate_id"])
    if d["delegator_id"] != me:
        who = ctx._("{delegate} (for {name})", delegate=who, name=names.get(d["delegator_id"], d["delegator_id"]))
    fmt = ctx.tr.format_date
    days = ctx._("{first} to {last}", first=fmt(first, "medium"), last=fmt(last, "medium"))
    # Translators: a delegation's state: its days have begun, or the day they begin.
    when = ctx._("In effect now") if first <= today else ctx._("Starts on {day}", day=fmt(first, "medium"))
    status = ctx.tr.join(when, ctx._("waiting to sync")) if d["waiting"] else when
    return ft.Column([
        t.text(who, 15, weight=ft.FontWeight.BOLD), t.text(days, 14), t.text(status, 14, color=ft.Colors.GREY_700),
        *([big_button(ctx, ctx._("End delegation"), lambda e: _cancel(ctx, state, d["id"]), icon=ft.Icons.CLOSE,
                      filled=False)] if d["may_end"] else []),
        ft.Divider(),
    ], spacing=4)


def view(ctx: AppContext) -> ft.View:
    """Hand my approvals over for some days, and my hand-overs in effect and to come."""
    t, state = ctx.typo, _state(ctx)
    me = ctx.user["id"]
    with ctx.store.reading() as db:
        names = people_names(db)
        shown = delegations_from(db, _today(ctx), ctx.actor)
    mine = [_row(ctx, state, d, names) for d in shown if d["delegator_id"] == me]
    body = [
        t.text(ctx._("While you are away, the manager you pick approves requests for you on those days. "
                     "It starts and ends by itself."), 15),
        _new_section(ctx, state),
        section(ctx, ctx._("Your delegations"), mine or [t.text(ctx._("None."), 15)]),
    ]
    standing_in = [_row(ctx, state, d, names) for d in shown if d["delegate_id"] == me]
    if standing_in:  # hand-overs to me: I approve for someone away
        body.append(section(ctx, ctx._("You approve for"), standing_in))
    others = [_row(ctx, state, d, names) for d in shown if me not in (d["delegator_id"], d["delegate_id"])]
    if others:  # HQ: every manager's hand-overs, which it may end
        body.append(section(ctx, ctx._("Other managers' delegations"), others))
    return frame(ctx, ROUTE, ctx._("Delegate my approvals"), body, back=True)
