"""Issue 12, inspbuild: the inspection template builder, built from real signed-in devices against
a real API (uvicorn; SQLite and PostgreSQL). An area manager opens Templates from Inspections,
writes a template with a critical item and a number item with a range, saves it (version 1),
edits it to version 2 and reads both versions; his phone then pulls it to inspect with. A refused
save (the phone's check, the server's check, someone else's version, offline) says why at the top
and beside the item, and keeps everything typed. Staff and store managers never see the builder,
and the server refuses them. Every pressable control has a spoken name."""

import asyncio
from types import SimpleNamespace

import flet as ft
import pytest

from app.domain.inspections.templates import TemplateProblem
from app.i18n.template_problems import PROBLEM_MESSAGES, problem_message
from app.protocol.inspections import InspectionTemplateCreate
from app.store import inspection_queries
from app.sync import RequestRejected, SyncEngine
from app.sync import inspection_templates_api as api
from app.ui.screens import inspection_template_form as form_module
from app.ui.screens import inspection_templates as screen
from app.ui.screens import inspections
from app.ui.shell import Shell
from tests.inspection_world import CWB_MANAGER, HK_AM
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)


def _phone(device, staff_no: str, pin: str):
    ctx = device(staff_no, pin)
    ctx.page.run_task = lambda handler, *args: asyncio.run(handler(*args))  # the screen's server calls, in line
    return ctx


def _open(ctx, route: str):
    ctx.page.route = route
    return screen.route_view(ctx, route)


def _field(view, label: str, nth: int = 0) -> ft.TextField:
    return [c for c in walk(view) if isinstance(c, ft.TextField) and c.label == label][nth]


def _type(view, label: str, value: str, nth: int = 0) -> None:
    box = _field(view, label, nth)
    box.value = value
    box.on_change(SimpleNamespace(control=box))


def _tick(view, label: str, nth: int = 0) -> None:
    box = [c for c in walk(view) if isinstance(c, ft.Checkbox) and c.label == label][nth]
    box.value = True
    box.on_change(SimpleNamespace(control=box))


def _choose(view, label: str, key: str, nth: int = 0) -> None:
    menu = [c for c in walk(view) if isinstance(c, ft.Dropdown) and c.label == label][nth]
    menu.value = key
    menu.on_select(SimpleNamespace(control=menu))


def _tap(view, label: str) -> None:
    _button(view, label).on_click(None)


def _editor(ctx):
    return screen.route_view(ctx, ctx.page.route)


def _write_walk(am, name: str):
    """A new template on screen: a critical yes/no item and a chiller temperature from 0 to 5."""
    _tap(screen.list_view(am), am._("New template"))
    assert am.page.route == f"{screen.ROUTE}/{screen.NEW}"
    view = _editor(am)
    assert nameless(view) == []
    areas = next(c for c in walk(view) if isinstance(c, ft.Dropdown) and c.label == am._("Area"))
    assert sorted(o.key for o in areas.options) == ["hk-island", "new-territories"]  # his areas; no whole chain
    _type(view, am._("Template name"), name)
    _choose(view, am._("Area"), "hk-island")
    _type(view, am._("Section {n} title", n="1"), "Shop floor")
    _type(view, am._("What to check"), "Fire exit clear")
    _tick(view, am._("Critical: failing it fails the whole inspection"))
    _tap(view, am._("Add item"))
    view = _editor(am)
    _type(view, am._("What to check"), "Chiller temperature", nth=1)
    _choose(view, am._("Kind of answer"), "number", nth=1)
    view = _editor(am)
    _type(view, am._("Lowest acceptable"), "0")
    _type(view, am._("Highest acceptable"), "5")
    _type(view, am._("Weight"), "3", nth=1)
    return view


def test_an_area_manager_builds_a_template_edits_it_to_version_2_and_reads_both(server, device):
    """Inspections -> Templates; a new template with a critical item and a range item is saved as
    version 1 (the server holds both as typed); a second item's removal and a new pass mark are
    saved as version 2; the list shows version 2, and versions 1 and 2 both read back. After a
    sync the phone offers it at Causeway Bay."""
    am = _phone(device, *HK_AM)
    listing = inspections.view(am)
    assert nameless(listing) == []
    _tap(listing, am._("Templates"))
    assert am.page.route == screen.ROUTE
    view = _write_walk(am, "Builder walk")
    _tap(view, am._("Save template"))
    template_id = am.page.route.rsplit("/", 1)[1]
    assert template_id != screen.NEW
    view = _editor(am)
    assert am._("Saved as version {version}.", version="1") in _texts(view) and nameless(view) == []
    kept = api.get_template(am.api, template_id)
    items = {i.id: i for s in kept.sections for i in s.items}
    fire, chiller = (next(i for i in items.values() if i.label == label) for label in ("Fire exit clear",
                                                                                       "Chiller temperature"))
    assert fire.critical and fire.kind == "yes_no" and kept.area == "hk-island"
    assert (chiller.kind, chiller.min_value, chiller.max_value, chiller.weight) == ("number", 0, 5, 3)

    _type(view, am._("Pass mark (%)"), "90")
    _tap(view, am._("Add item"))
    view = _editor(am)
    _type(view, am._("What to check"), "Price labels", nth=2)
    _tap(view, am._("Save as version {version}", version="2"))
    view = _editor(am)
    assert am._("Saved as version {version}.", version="2") in _texts(view)
    assert api.get_template(am.api, template_id).pass_mark == 90

    listing = screen.list_view(am)
    tile = next(c for c in walk(listing) if isinstance(c, ft.ListTile) and "Builder walk" in _texts(c.title))
    assert am._("Version {version}", version="2") in _texts(tile.subtitle)[0]
    for version in ("1", "2"):
        _tap(view, am._("Version {version}", version=version))
        view = _editor(am)
    texts = _texts(view)
    assert am.tr.join("Builder walk", am._("Pass mark {mark}%", mark="80")) in texts  # version 1
    assert am.tr.join("Builder walk", am._("Pass mark {mark}%", mark="90")) in texts  # version 2
    assert texts.count("• Price labels") == 1  # only version 2 has it

    SyncEngine(am.store, am.api).sync_once()
    with am.store.reading() as db:
        usable = inspection_queries.stores_to_inspect(db, am.actor)
    cwb = next(e for e in usable if e["store"]["id"] == "st-cwb")
    assert [(t.name, t.version) for t in cwb["templates"] if t.id == template_id] == [("Builder walk", 2)]


def test_a_refused_save_says_why_beside_the_item_and_keeps_the_form(server, device, monkeypatch):
    """The phone's own check (a range from 9 to 1) and, with that check skipped as by an older
    app, the server's: both refuse with the same words, at the top and on the item, and nothing is
    kept on the server. Offline: it says so. Someone else's version first: 409 conflict at the top,
    and their version can be opened instead.
    Every time the form still holds what was typed; put right, it saves. An empty name is marked on
    the name field. HQ may choose any area or the whole chain."""
    am = _phone(device, *HK_AM)
    before = len(api.list_templates(am.api))
    view = _write_walk(am, "Refused walk")
    _type(view, am._("Lowest acceptable"), "9")
    _type(view, am._("Highest acceptable"), "1")
    reversed_range = problem_message(am.tr, TemplateProblem.RANGE_REVERSED)
    _tap(view, am._("Save template"))
    view = _editor(am)
    texts = _texts(view)
    assert am._("Not saved: {reason}", reason=reversed_range) in texts and reversed_range in texts
    assert _field(view, am._("Lowest acceptable")).value == "9" and _field(view, am._("Template name")).value == "Refused walk"

    monkeypatch.setattr(screen, "check_template", lambda template: None)  # an app that does not check first
    _tap(view, am._("Save template"))
    view = _editor(am)
    assert am._("Not saved: {reason}", reason=reversed_range) in _texts(view)  # the server's details, translated
    assert len(api.list_templates(am.api)) == before and am.page.route.endswith(screen.NEW)
    monkeypatch.undo()

    _type(view, am._("Lowest acceptable"), "0")
    _type(view, am._("Highest acceptable"), "5")
    am.status.online = False
    _tap(view, am._("Save template"))
    view = _editor(am)
    assert am._("Not saved: {reason}", reason=screen.offline_text(am)) in _texts(view)
    assert _field(view, am._("What to check"), 1).value == "Chiller temperature"
    am.status.online = True
    _tap(view, am._("Save template"))
    template_id = am.page.route.rsplit("/", 1)[1]
    view = _editor(am)
    assert am._("Saved as version {version}.", version="1") in _texts(view)

    other = _phone(device, "A0001", "9000")  # HQ saves a version first
    _open(other, f"{screen.ROUTE}/{template_id}")
    theirs = _editor(other)
    _type(theirs, am._("Pass mark (%)"), "70")
    _tap(theirs, am._("Save as version {version}", version="2"))
    _type(view, am._("Template name"), "Refused walk, renamed")
    _tap(view, am._("Save as version {version}", version="2"))
    view = _editor(am)
    assert am._("Not saved: {reason}", reason=am.reason_text("conflict")) in _texts(view)
    assert _field(view, am._("Template name")).value == "Refused walk, renamed"

    _tap(view, am._("Open the current version (your changes here are dropped)"))
    assert am._("Loading…") in _texts(_editor(am))  # fetched (in line here; a redraw in the app)
    view = _editor(am)
    assert _field(view, am._("Pass mark (%)")).value == "70" and _button(view, am._("Save as version {version}",
                                                                                   version="3"))
    _type(view, am._("Template name"), " ")
    _tap(view, am._("Save as version {version}", version="3"))
    view = _editor(am)
    assert _field(view, am._("Template name")).error == problem_message(am.tr, TemplateProblem.NAME)  # on the field
    _tap(screen.list_view(other), other._("New template"))
    areas = next(c for c in walk(_editor(other)) if isinstance(c, ft.Dropdown) and c.label == other._("Area"))
    assert [o.key for o in areas.options] == ["chain", "hk-island", "kowloon", "new-territories"]  # HQ: any, or all


@pytest.mark.parametrize("who", [CWB_MANAGER, ("S3001", "1111")], ids=["store-manager", "staff"])
def test_staff_and_store_managers_never_see_the_builder_and_the_server_refuses_them(server, device, who):
    """No Templates entry, the route opens Home instead, and a template sent anyway is 403
    forbidden_role."""
    ctx = _phone(device, *who)
    assert not screen.may_use(ctx)
    if ctx.is_manager:
        assert not [c for c in walk(inspections.view(ctx)) if isinstance(c, ft.FilledButton | ft.OutlinedButton)
                    and ctx._("Templates") in _texts(c.content)]
    shown = Shell(ctx)._screen(screen.ROUTE + "/" + screen.NEW)
    assert shown.route == "/home"
    body = InspectionTemplateCreate(name="Mine", area="hk-island", sections=[
        {"id": "s", "title": "Floor", "items": [{"id": "i", "label": "Clean", "kind": "yes_no"}]}])
    with pytest.raises(RequestRejected) as refused:
        api.create_template(ctx.api, body)
    assert (refused.value.status, refused.value.code) == (403, "forbidden_role")


def test_every_template_rule_has_a_message_and_a_template_reads_back_as_typed():
    """Each TemplateProblem has its words; a server template put in the form and back is the same
    body (choices that fail stay failing, empty number sides stay open)."""
    assert set(PROBLEM_MESSAGES) == {p.value for p in TemplateProblem}
    public = {"id": "t", "version": 3, "name": "Walk", "area": None, "pass_mark": 75, "sections": [
        {"id": "s", "title": "Floor", "items": [
            {"id": "a", "label": "Temp", "kind": "number", "weight": 2, "min_value": None, "max_value": 5},
            {"id": "b", "label": "Labels", "kind": "choice", "choices": ["all", "some", "none"],
             "passing_choices": ["all"], "critical": True},
            {"id": "c", "label": "Score", "kind": "score", "max_score": 4, "pass_score": 3}]}]}
    form = form_module.form_from(public)
    assert [c.fails for c in form.sections[0].items[1].choices] == [False, True, True]
    body = form_module.request_body(form_module.to_template(form), new=False).model_dump(exclude_defaults=True)
    items = body["sections"][0]["items"]
    assert body["pass_mark"] == 75 and items[0] == {"id": "a", "label": "Temp", "kind": "number", "weight": 2,
                                                     "max_value": 5}
    assert items[1]["passing_choices"] == ["all"] and items[1]["critical"] and items[2]["pass_score"] == 3
