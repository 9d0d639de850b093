"""Issue 12, inspbuild: inspection templates for area managers and HQ (``/inspections/templates``):
the templates they may edit (current version), "New template", and the builder
(``inspection_template_edit``). Online only: the list and every save go to the server
(``app.sync.inspection_templates_api``); offline the screen says so and keeps the draft here.
Saving checks the template with the domain's ``check_template`` first (the server checks again);
a refusal is shown beside its field and at the top, and the form keeps everything typed. Who may
write which area: ``app.domain.inspections.templates`` (the server's rule too).
"""

from dataclasses import dataclass, field

import flet as ft
from pydantic import ValidationError

from app.domain.access import AccessDenied
from app.domain.inspections.templates import (WRITERS, TemplateProblem, TemplateRefused, check_template, may_write,
                                              writable_areas)
from app.i18n.template_problems import NOT_A_NUMBER, NOT_A_WHOLE_NUMBER, problem_message
from app.platform import offload
from app.protocol import Reason
from app.sync import AuthRequired, NetworkError, RequestRejected, TransientError
from app.sync import inspection_templates_api as api
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens import inspection_template_form as f
from app.ui.screens.inspections import TEMPLATES_ROUTE

ROUTE = TEMPLATES_ROUTE  # "/inspections/templates"
NEW = "new"  # the route's last part and the draft's key for a template not saved yet


@dataclass(frozen=True)
class Refusal:
    """Why the last save did not happen: ``where`` the item or section id (None: the template),
    ``field`` the field of it (None: the whole item or section)."""

    message: str
    where: str | None = None
    field: str | None = None
    code: str | None = None  # the server's reason, when it refused


@dataclass
class Drafts:
    """The templates being written, by key (``NEW`` or the template's id): plain, so typing
    redraws nothing; they stay while the session lives (offline too)."""

    forms: dict[str, f.TemplateForm] = field(default_factory=dict)
    asked: bool = False
    fetching: set[str] = field(default_factory=set)  # templates being fetched (asked once)


@ft.observable
@dataclass
class BuilderState:
    drafts: Drafts = field(default_factory=Drafts)
    templates: list[dict] | None = None  # the server's list (current versions the caller may edit)
    problem: str | None = None  # why there is no list
    not_opened: dict[str, str] = field(default_factory=dict)  # template id -> why it could not be opened
    refusals: dict[str, Refusal] = field(default_factory=dict)  # draft key -> the last save's refusal
    saved: dict[str, int] = field(default_factory=dict)  # draft key -> the version just saved
    versions: dict[str, dict] = field(default_factory=dict)  # "id:version" -> an earlier version shown
    revision: int = 0  # raised after a change of the form's shape (a section added, a kind chosen)


def state_of(ctx: AppContext) -> BuilderState:
    return screen_state(ctx, ROUTE, BuilderState)


def may_use(ctx: AppContext) -> bool:
    """Only area managers and HQ write templates (the server refuses anyone else too)."""
    return ctx.user is not None and ctx.actor.role in WRITERS


def _areas(ctx: AppContext) -> tuple[set[str], set[str]]:
    """(the areas of my stores, every area this phone knows of)."""
    with ctx.store.reading() as db:
        rows = list(db.query("SELECT id, area FROM stores"))
    return {r["area"] for r in rows if r["id"] in ctx.actor.store_ids and r["area"]}, {r["area"] for r in rows if r["area"]}


def area_choices(ctx: AppContext) -> list[str | None]:
    """The areas this person may write a template for (None: the whole chain, HQ only)."""
    own, every = _areas(ctx)
    return writable_areas(ctx.actor.role, own, every)


def offline_text(ctx: AppContext) -> str:
    return ctx._("You are offline. Templates are written on the server: what you typed stays on this "
                 "screen until you save it online.")


#: Rules about one field of the template as a whole: shown on that field too.
_FIELDS = {TemplateProblem.NAME: "name", TemplateProblem.PASS_MARK: "pass_mark"}


def _template_refusal(ctx: AppContext, problem: str, section_id: str | None, item_id: str | None) -> Refusal:
    """A ``TemplateProblem`` (the phone's check or the server's ``details``) in the reader's words,
    placed on its item, else its section, else the template's field."""
    where = item_id or section_id
    return Refusal(problem_message(ctx.tr, problem), where, None if where else _FIELDS.get(problem))


async def _ask(ctx: AppContext, call) -> tuple[object, Refusal | None]:
    """Run an online call off the event loop: its answer, or the refusal to show."""
    try:
        return await offload(call), None
    except (NetworkError, TransientError):
        return None, Refusal(offline_text(ctx))
    except AuthRequired:
        return None, Refusal(ctx._("Please log in again."))
    except RequestRejected as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if exc.code == Reason.INSPECTION_BAD_TEMPLATE and details.get("problem"):
            return None, _template_refusal(ctx, details["problem"], details.get("section_id"), details.get("item_id"))
        return None, Refusal(ctx.reason_text(exc.code, exc.message), code=exc.code)


async def load_list(ctx: AppContext, state: BuilderState) -> None:
    answer, refusal = await _ask(ctx, lambda: api.list_templates(ctx.api))
    if answer is None:
        state.problem = refusal.message  # redraws
        return
    own, _every = _areas(ctx)
    state.problem = None
    state.templates = [t.model_dump(mode="json") for t in answer if may_write(ctx.actor.role, t.area, own)]


async def load_template(ctx: AppContext, state: BuilderState, template_id: str, version: int | None = None) -> None:
    """Open a template to edit (its current version) or, with ``version``, an earlier one to read."""
    answer, refusal = await _ask(ctx, lambda: api.get_template(ctx.api, template_id, version))
    state.drafts.fetching.discard(template_id)
    if answer is None:
        state.not_opened = {**state.not_opened, template_id: refusal.message}  # redraws
        return
    public = answer.model_dump(mode="json")
    if version is None:
        state.drafts.forms[template_id] = f.form_from(public)
    else:
        state.versions = {**state.versions, f"{template_id}:{version}": public}
    state.not_opened = {k: v for k, v in state.not_opened.items() if k != template_id}  # redraws


def _checked(ctx: AppContext, form: f.TemplateForm):
    """The request body, or the refusal the phone gives before asking the server."""
    try:
        template = f.to_template(form)
        check_template(template)
        return f.request_body(template, form.template_id is None), None
    except f.Unreadable as exc:
        whole = exc.field in ("max_score", "pass_score")
        return None, Refusal(ctx._(NOT_A_WHOLE_NUMBER if whole else NOT_A_NUMBER), exc.item_id, exc.field)
    except TemplateRefused as exc:
        return None, _template_refusal(ctx, exc.problem, exc.section_id, exc.item_id)
    except AccessDenied as exc:
        return None, Refusal(ctx.reason_text(exc.reason, exc.message))
    except ValidationError:
        return None, Refusal(ctx.reason_text(Reason.VALIDATION_ERROR))


async def save(ctx: AppContext, state: BuilderState, key: str) -> None:
    """POST a new template or PUT the next version; the form is kept whatever happens."""
    form = state.drafts.forms[key]
    body, refusal = _checked(ctx, form)
    if body is None or not ctx.status.online:
        state.refusals = {**state.refusals, key: refusal or Refusal(offline_text(ctx))}
        return
    if form.template_id is None:
        answer, refusal = await _ask(ctx, lambda: api.create_template(ctx.api, body))
    else:
        answer, refusal = await _ask(ctx, lambda: api.save_version(ctx.api, form.template_id, body, form.version))
    if answer is None:
        state.refusals = {**state.refusals, key: refusal}
        return
    form.template_id, form.version = answer.id, answer.version
    if key == NEW:  # from now on it is that template's draft
        state.drafts.forms[answer.id] = state.drafts.forms.pop(NEW)
    state.refusals = {k: v for k, v in state.refusals.items() if k not in (key, answer.id)}
    state.templates = None if state.templates is None else [
        t for t in state.templates if t["id"] != answer.id] + [answer.model_dump(mode="json")]
    state.saved = {**state.saved, answer.id: answer.version}  # redraws
    if key == NEW:
        ctx.page.navigate(f"{ROUTE}/{answer.id}")


def reopen(state: BuilderState, key: str) -> None:
    """Drop this draft and open the template's current version (after someone else saved one)."""
    state.drafts.forms.pop(key, None)
    state.refusals = {k: v for k, v in state.refusals.items() if k != key}  # redraws: fetched again


def start_new(ctx: AppContext, state: BuilderState) -> None:
    if NEW not in state.drafts.forms:
        choices = area_choices(ctx)
        state.drafts.forms[NEW] = f.blank_template(next((a for a in choices if a is not None), None))
    ctx.page.navigate(f"{ROUTE}/{NEW}")


def _tile(ctx: AppContext, t: dict) -> ft.Control:
    typo = ctx.typo
    area = t["area"] or ctx._("Whole chain")
    return ft.ListTile(leading=ft.Icon(ft.Icons.RULE),
                       title=typo.text(t["name"], 16),
                       subtitle=typo.text(ctx.tr.join(ctx._("Version {version}", version=ctx.tr.format_number(
                           t["version"])), area), 13),
                       trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT, semantics_label=ctx._("Edit")),
                       on_click=lambda e, tid=t["id"]: ctx.page.navigate(f"{ROUTE}/{tid}"))


def list_view(ctx: AppContext) -> ft.View:
    t, state = ctx.typo, state_of(ctx)
    if not state.drafts.asked:
        state.drafts.asked = True
        ctx.page.run_task(load_list, ctx, state)
    body: list[ft.Control] = [big_button(ctx, ctx._("New template"), lambda e: start_new(ctx, state),
                                         icon=ft.Icons.ADD)]
    if state.problem and state.templates is None:
        body.append(ft.Row([t.text(state.problem, 15, color=ft.Colors.RED_900), big_button(
            ctx, ctx._("Try again"), lambda e: ctx.page.run_task(load_list, ctx, state), icon=ft.Icons.REFRESH,
            filled=False)], wrap=True))
    elif state.templates is None:
        body.append(t.text(ctx._("Loading…"), 15))
    else:
        tiles = [_tile(ctx, x) for x in sorted(state.templates, key=lambda x: (x["name"], x["id"]))]
        body.append(section(ctx, ctx._("Templates you can edit"),
                            tiles or [t.text(ctx._("No template yet."), 15)]))
    return frame(ctx, ROUTE, ctx._("Inspection templates"), body, back=True)


def open_list(ctx: AppContext) -> None:
    """Open the list, asking the server again (someone may have saved a version meanwhile)."""
    state_of(ctx).drafts.asked = False
    ctx.page.navigate(ROUTE)


def route_view(ctx: AppContext, route: str) -> ft.View:
    """``/inspections/templates`` (the list), ``/new`` and ``/{id}`` (the builder)."""
    from app.ui.screens import inspection_template_edit  # it imports this module

    if route.rstrip("/") == ROUTE:
        return list_view(ctx)
    return inspection_template_edit.view(ctx, state_of(ctx), route, route.rsplit("/", 1)[1])
