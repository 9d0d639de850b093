"""Issue 11, bcsaved: saved audiences. A manager saves the audience of a broadcast under a name and
chooses it again on Broadcast (it fills the draft); each manager sees and uses only their own; a
saved audience reaching a store its owner no longer manages is refused, saying so, when chosen and
when sent to (the same rule as any audience)."""

import asyncio
from types import SimpleNamespace

import flet as ft
from sqlalchemy import delete

from backend_stub import db
from tests.servers import server_engine
from tests.test_accessible_names import walk
from tests.test_api_bad_input import bearer
from tests.test_api_broadcasts import _send
from tests.test_broadcast_screens import _button, _fields, _on_broadcast, _run_tasks, _type
from tests.test_me_calendar_feed import OFFLINE, button, offline_api
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

AREA_MANAGER, CWB_MANAGER = "u-am-hk", "u-sm-cwb"
HK_STAFF = {"name": "HK Island staff", "store_ids": ["st-cwb", "st-st"], "role": "staff"}


def _saved(api, user_id: str) -> list[dict]:
    answer = api.get("/v1/saved-audiences", headers=bearer(api, user_id))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_saved_audience_is_its_owners_only(api):
    """HK Island's area manager saves "HK Island staff" (CWB and Sha Tin staff): it is listed for
    him with its stores and role; the CWB manager's list is empty and deleting it is "not found"
    for him (it stays); the CWB manager cannot save Sha Tin (not his store); staff cannot list."""
    saved = api.post("/v1/saved-audiences", json=HK_STAFF, headers=bearer(api, AREA_MANAGER))
    assert saved.status_code == 200, saved.text
    mine = _saved(api, AREA_MANAGER)
    assert [(s["name"], s["audience"]["store_ids"], s["audience"]["role"], s["problem"]) for s in mine] == [
        ("HK Island staff", ["st-cwb", "st-st"], "staff", None)]
    assert _saved(api, CWB_MANAGER) == []
    gone = api.delete(f"/v1/saved-audiences/{mine[0]['id']}", headers=bearer(api, CWB_MANAGER))
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"
    assert len(_saved(api, AREA_MANAGER)) == 1
    refused = api.post("/v1/saved-audiences", json={**HK_STAFF, "name": "Sha Tin"}, headers=bearer(api, CWB_MANAGER))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
    assert _saved(api, CWB_MANAGER) == []
    assert api.get("/v1/saved-audiences", headers=bearer(api, "u-s01")).status_code == 403
    assert api.delete(f"/v1/saved-audiences/{mine[0]['id']}", headers=bearer(api, AREA_MANAGER)).status_code == 204
    assert _saved(api, AREA_MANAGER) == []


def test_a_saved_audience_with_a_store_no_longer_managed_is_refused(api):
    """The area manager saved "HK Island staff"; then Sha Tin is no longer his. The list marks it
    "saved_audience_out_of_scope" naming Sha Tin, and sending to it is refused (nobody gets it)."""
    assert api.post("/v1/saved-audiences", json=HK_STAFF, headers=bearer(api, AREA_MANAGER)).status_code == 200
    with api.app.state.engine.begin() as conn:
        conn.execute(delete(db.user_stores).where(db.user_stores.c.user_id == AREA_MANAGER,
                                                  db.user_stores.c.store_id == "st-st"))
    [item] = _saved(api, AREA_MANAGER)
    assert item["problem"]["code"] == "saved_audience_out_of_scope" and "st-st" in item["problem"]["message"]
    sent = _send(api, AREA_MANAGER, "bc-saved-old", **item["audience"])
    assert sent["status"] == "rejected" and sent["reason"] == "forbidden_role"


def _dropdown(view, label: str) -> ft.Dropdown:
    return next(c for c in walk(view) if isinstance(c, ft.Dropdown) and c.label == label)


def _choose(dropdown: ft.Dropdown, value: str) -> None:
    dropdown.value = value
    dropdown.on_select(SimpleNamespace(control=dropdown, data=value))


def test_save_the_audience_then_choose_it_for_the_next_broadcast(device):
    """Chan Siu Ming picks "Staff" on Broadcast, names it "CWB staff" and taps Save this audience:
    "Audience saved." and it is listed under Saved audience. Who set back to Everyone, choosing
    "CWB staff" sets it to Staff again, and the count is CWB's 3 staff. Delete saved audience asks
    first; confirmed, it is gone from the server and the screen."""
    manager, shell = _on_broadcast(device, "M2001", "7100")
    _run_tasks(manager.page)
    _choose(_dropdown(manager.page.views[-1], "Who"), "staff")
    name = next(f for f in _fields(manager.page.views[-1]) if f.label == "Name of this audience")
    _type(name, "CWB staff")
    _button(manager.page.views[-1], "Save this audience").on_click(None)
    _run_tasks(manager.page)
    assert any(getattr(getattr(c, "content", None), "value", None) == "Audience saved."
               for c in manager.page.shown)
    saved = _dropdown(manager.page.views[-1], "Saved audience")
    assert [o.text for o in saved.options] == ["CWB staff"]
    _choose(_dropdown(manager.page.views[-1], "Who"), "everyone")
    _choose(_dropdown(manager.page.views[-1], "Saved audience"), saved.options[0].key)
    view = manager.page.views[-1]
    assert _dropdown(view, "Who").value == "staff"
    _button(view, "Count people").on_click(None)
    _run_tasks(manager.page)
    assert "Reaches 3 people" in _texts(manager.page.views[-1])
    _button(manager.page.views[-1], "Delete saved audience").on_click(None)
    dialog = manager.page.shown[-1]
    assert "Delete the saved audience CWB staff?" in _texts(dialog)
    button(dialog, "Delete").on_click(None)
    asyncio.run(dialog.on_dismiss(None))
    _run_tasks(manager.page)
    assert manager.api.saved_audiences() == []
    assert not any(isinstance(c, ft.Dropdown) and c.label == "Saved audience" for c in walk(manager.page.views[-1]))


def test_choosing_a_saved_audience_no_longer_in_scope_says_why_and_changes_nothing(server, device):
    """The area manager saved "HK Island staff"; Sha Tin is then no longer his. On Broadcast,
    choosing it says the saved audience includes stores he no longer manages, and Who stays
    Everyone."""
    manager = device("A1002", "8200")
    manager.api.save_audience("HK Island staff", {k: v for k, v in HK_STAFF.items() if k != "name"})
    with server_engine(server).begin() as conn:
        conn.execute(delete(db.user_stores).where(db.user_stores.c.user_id == AREA_MANAGER,
                                                  db.user_stores.c.store_id == "st-st"))
    manager, shell = _on_broadcast(device, "A1002", "8200")
    _run_tasks(manager.page)
    saved = _dropdown(manager.page.views[-1], "Saved audience")
    _choose(saved, saved.options[0].key)
    errors = [c.content.value for c in manager.page.shown if isinstance(c, ft.SnackBar)]
    assert errors == ["This saved audience includes stores or people you no longer manage. "
                      "Choose the audience again and save it anew."]
    assert _dropdown(manager.page.views[-1], "Who").value == "everyone"


def test_offline_the_saved_audiences_say_so_and_writing_goes_on(device):
    """Offline, Broadcast says the server cannot be reached where the saved audiences would be
    (with Try again); Save this audience says the same and saves nothing; the broadcast itself is
    still queued on Send."""
    def offline(staff_no: str, pin: str):
        ctx = device(staff_no, pin)
        ctx.api = offline_api(ctx)
        return ctx

    manager, _shell = _on_broadcast(offline, "M2001", "7100")
    _run_tasks(manager.page)
    view = manager.page.views[-1]
    assert OFFLINE in _texts(view) and _button(view, "Try again")
    _type(next(f for f in _fields(view) if f.label == "Name of this audience"), "CWB")
    _button(view, "Save this audience").on_click(None)
    _run_tasks(manager.page)
    assert [c.content.value for c in manager.page.shown if isinstance(c, ft.SnackBar)] == [OFFLINE]
    _type(_fields(manager.page.views[-1])[0], "Delivery at 7")
    _button(manager.page.views[-1], "Send").on_click(None)
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE type='broadcast.create'").fetchone()[0] == 1
