"""Issue 12, inspscore: inspection templates and inspections through the API.

Templates are written and versioned by area managers (for their areas) and HQ only; an inspection
is scored again by the server with the template version it was done with, and kept with it; one
inspection is seen by HQ and its store's managers only. Hostile callers: staff, another area's
manager, a forged token."""

import json
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import func, select

from app.domain.inspections.scoring import answer_from_dict, score_finished
from app.domain.inspections.templates import Template
from backend_stub import db
from tests.test_api_bad_input import bearer

HK_AREA_MANAGER, KLN_AREA_MANAGER, HQ = "u-am-hk", "u-am-kln", "u-hq"
CWB_MANAGER, MK_MANAGER, CWB_STAFF = "u-sm-cwb", "u-sm-mk", "u-s01"
PHOTO = "ab" * 32

WALK = {"name": "Store walk", "area": "hk-island", "pass_mark": 80, "sections": [
    {"id": "floor", "title": "Shop floor", "items": [
        {"id": "clean", "label": "Floor is clean", "kind": "yes_no", "weight": 2, "photo_required_when_failed": True},
        {"id": "exit", "label": "Fire exit clear", "kind": "yes_no", "critical": True},
    ]},
    {"id": "fridge", "title": "Chiller", "items": [
        {"id": "temp", "label": "Chiller temperature", "kind": "number", "weight": 3, "min_value": 0, "max_value": 5},
        {"id": "label", "label": "Price labels", "kind": "choice", "choices": ["all", "some", "none"],
         "passing_choices": ["all"]},
    ]},
]}
EDIT = {k: v for k, v in WALK.items() if k != "area"}  # a PUT body: the area stays the template's
GOOD = [{"item_id": "clean", "value": True}, {"item_id": "exit", "value": True},
        {"item_id": "temp", "value": 3.5}, {"item_id": "label", "value": "all"}]


def _create(api, user_id: str = HK_AREA_MANAGER, **changes):
    return api.post("/v1/inspection-templates", json={**WALK, **changes}, headers=bearer(api, user_id))


def _inspect(api, template: dict, answers: list[dict], *, user_id: str = HK_AREA_MANAGER, store_id: str = "st-cwb",
             inspection_id: str = "insp-1", finished_at: datetime | None = None, version: int | None = None,
             fix: dict | None = None):
    body = {"id": inspection_id, "template_id": template["id"], "template_version": version or template["version"],
            "store_id": store_id, "finished_at": (finished_at or datetime.now(UTC)).isoformat(), "answers": answers,
            **({"fix": fix} if fix else {})}
    return api.post("/v1/inspections", json=body, headers=bearer(api, user_id))


def _with(**values) -> list[dict]:
    return [{**a, "value": values[a["item_id"]]} if a["item_id"] in values else a for a in GOOD]


def _count(api, table) -> int:
    with api.app.state.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_area_managers_and_hq_write_templates_nobody_else(api):
    """HK Island's area manager writes one for HK Island (version 1) and HQ one for the whole chain;
    the store manager and staff get 403, Kowloon's area manager 403 for HK Island, and an area
    manager may not write a chain-wide one. Only the two allowed templates are kept."""
    made = _create(api)
    assert made.status_code == 201, made.text
    assert (made.json()["version"], made.json()["area"], made.json()["written_by"]) == (1, "hk-island", HK_AREA_MANAGER)
    assert _create(api, HQ, area=None).status_code == 201
    for user_id, area in ((CWB_MANAGER, "hk-island"), (CWB_STAFF, "hk-island"), (KLN_AREA_MANAGER, "hk-island"),
                          (HK_AREA_MANAGER, None)):
        refused = _create(api, user_id, area=area)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role", (user_id, refused.text)
    assert _count(api, db.inspection_templates) == 2


def test_a_template_that_cannot_be_used_is_refused_and_not_kept(api):
    """A number item whose range is reversed: 400 inspection_bad_template naming the rule and the item
    (details), nothing kept."""
    bad = json.loads(json.dumps(WALK))
    bad["sections"][1]["items"][0].update(min_value=9, max_value=1)
    refused = _create(api, **{"sections": bad["sections"]})
    assert refused.status_code == 400 and refused.json()["code"] == "inspection_bad_template"
    assert "above the highest" in refused.json()["message"]
    # issue 12, inspbuild: which rule and where, for the builder to show beside the field
    assert refused.json()["details"] == {"problem": "range_reversed", "section_id": "fridge", "item_id": "temp"}
    assert _count(api, db.inspection_templates) == 0


def test_hq_cannot_write_a_template_for_an_area_with_no_store(api):
    """HQ naming area "mars" (no store is there): 400 inspection_bad_template naming it, nothing kept."""
    refused = _create(api, HQ, area="mars")
    assert refused.status_code == 400 and refused.json()["code"] == "inspection_bad_template"
    assert "mars" in refused.json()["message"] and _count(api, db.inspection_templates) == 0


def test_each_manager_lists_the_templates_of_their_areas_and_the_chains(api):
    """HQ's chain-wide "Opening check" and HK Island's "Store walk" (edited once): HK Island's area
    manager and the CWB manager list both (the walk at version 2), Kowloon's area manager only the
    chain's, staff get 403."""
    walk = _create(api).json()
    assert _create(api, HQ, area=None, name="Opening check").status_code == 201
    path = f"/v1/inspection-templates/{walk['id']}"
    assert api.put(path, json=EDIT, headers=bearer(api, HK_AREA_MANAGER)).status_code == 200

    def listed(user_id: str) -> list[tuple[str, int]]:
        answer = api.get("/v1/inspection-templates", headers=bearer(api, user_id))
        assert answer.status_code == 200, answer.text
        return [(t["name"], t["version"]) for t in answer.json()]

    for user_id in (HK_AREA_MANAGER, CWB_MANAGER, HQ):
        assert listed(user_id) == [("Opening check", 1), ("Store walk", 2)], user_id
    assert listed(KLN_AREA_MANAGER) == [("Opening check", 1)]
    assert api.get("/v1/inspection-templates", headers=bearer(api, CWB_STAFF)).status_code == 403


def test_template_reads_and_edits_are_scoped(api):
    """The CWB store manager may read HK Island's template but not edit it (403); Kowloon's area
    manager neither sees nor edits it (404); staff may not read it (403); HQ edits it (version 2)."""
    template = _create(api).json()
    path = f"/v1/inspection-templates/{template['id']}"
    assert api.get(path, headers=bearer(api, CWB_MANAGER)).status_code == 200
    assert api.put(path, json=EDIT, headers=bearer(api, CWB_MANAGER)).status_code == 403
    for method in ("get", "put"):
        kwargs = {"json": EDIT} if method == "put" else {}
        hidden = getattr(api, method)(path, headers=bearer(api, KLN_AREA_MANAGER), **kwargs)
        assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert api.get(path, headers=bearer(api, CWB_STAFF)).status_code == 403
    edited = api.put(path, json={**EDIT, "name": "Store walk 2027"},
                     headers=bearer(api, HQ))
    assert edited.status_code == 200 and (edited.json()["version"], edited.json()["name"]) == (2, "Store walk 2027")


def test_a_failed_critical_item_fails_the_inspection_whatever_the_score(api):
    """All good but the fire exit (critical, weight 1 of 7): 85.71 %, above the pass mark of 80,
    and yet the inspection fails; the server scores it itself, per section too."""
    template = _create(api).json()
    done = _inspect(api, template, _with(exit=False))
    assert done.status_code == 201, done.text
    body = done.json()
    assert (body["score"], body["section_scores"], body["passed"], body["critical_failed"]) == (
        85.71, {"floor": 66.67, "fridge": 100.0}, False, ["exit"])
    assert [(f["item_id"], f["critical"], f["repeated"]) for f in body["findings"]] == [("exit", True, False)]
    assert (body["template_version"], body["store_id"], body["inspector_id"]) == (1, "st-cwb", HK_AREA_MANAGER)


def test_the_phone_cannot_send_its_own_score_or_skip_a_required_photo(api):
    """A body carrying a score is refused (422); a failed "clean" without its required photo is
    refused (400 inspection_photo_required); an unanswered item is refused; none is kept."""
    template = _create(api).json()
    body = {"id": "insp-x", "template_id": template["id"], "template_version": 1, "store_id": "st-cwb",
            "finished_at": datetime.now(UTC).isoformat(), "answers": GOOD, "score": 100}
    assert api.post("/v1/inspections", json=body, headers=bearer(api, HK_AREA_MANAGER)).status_code == 422
    refused = _inspect(api, template, _with(clean=False))
    assert refused.status_code == 400 and refused.json()["code"] == "inspection_photo_required"
    missing = _inspect(api, template, GOOD[1:])
    assert missing.status_code == 400 and missing.json()["code"] == "inspection_unanswered"
    assert _count(api, db.inspections) == 0
    with_photo = [{**a, "photos": [PHOTO]} for a in _with(clean=False)]
    assert _inspect(api, template, with_photo).json()["findings"][0]["photos"] == [PHOTO]


def test_an_inspection_is_seen_by_hq_and_its_stores_managers_only(api):
    """HQ, HK Island's area manager and the CWB manager see it; Kowloon's area manager, the Mong
    Kok manager and the CWB staff member get 404; a forged token 401."""
    template = _create(api).json()
    assert _inspect(api, template, GOOD).status_code == 201
    for user_id in (HQ, HK_AREA_MANAGER, CWB_MANAGER):
        seen = api.get("/v1/inspections/insp-1", headers=bearer(api, user_id))
        assert seen.status_code == 200 and seen.json()["score"] == 100.0, user_id
    for user_id in (KLN_AREA_MANAGER, MK_MANAGER, CWB_STAFF):
        hidden = api.get("/v1/inspections/insp-1", headers=bearer(api, user_id))
        assert hidden.status_code == 404 and hidden.json()["code"] == "not_found", user_id
    token = bearer(api, HK_AREA_MANAGER)["Authorization"].split()[1]
    forged = jwt.encode(jwt.decode(token, options={"verify_signature": False}), "not-the-key-" * 4, "HS256")
    for method, path in (("get", "/v1/inspections/insp-1"), ("post", "/v1/inspection-templates")):
        answer = getattr(api, method)(path, headers={"Authorization": f"Bearer {forged}"},
                                      **({"json": WALK} if method == "post" else {}))
        assert answer.status_code == 401 and answer.json()["code"] == "token_invalid"
    assert _count(api, db.inspection_templates) == 1


def test_inspecting_outside_ones_stores_or_area_is_refused(api):
    """Kowloon's area manager cannot inspect CWB (403), staff cannot inspect (403), and HK Island's
    template cannot be used at Sha Tin (new territories: 400); nothing is kept."""
    template = _create(api).json()
    assert _inspect(api, template, GOOD, user_id=KLN_AREA_MANAGER).status_code == 403
    assert _inspect(api, template, GOOD, user_id=CWB_STAFF).status_code == 403
    other_area = _inspect(api, template, GOOD, store_id="st-st")
    assert other_area.status_code == 400 and other_area.json()["code"] == "inspection_bad_template"
    assert _count(api, db.inspections) == 0


def test_a_template_edit_never_changes_a_finished_inspections_score(api):
    """Done with version 1 (57.14 %: the chiller, 3 of 7, fails), then the template is edited (temp weighs 1, the range widens):
    the inspection still says version 1 and 57.14 %, version 1 is still served as it was, and
    scoring its answers again with version 1 gives the same; a new inspection uses version 2."""
    template = _create(api).json()
    first = _inspect(api, template, _with(temp=9)).json()
    assert (first["score"], first["passed"]) == (57.14, False)
    changed = json.loads(json.dumps(EDIT))
    changed["sections"][1]["items"][0].update(weight=1, max_value=10)
    path = f"/v1/inspection-templates/{template['id']}"
    assert api.put(path, json=changed, headers=bearer(api, HK_AREA_MANAGER)).json()["version"] == 2
    again = api.get("/v1/inspections/insp-1", headers=bearer(api, HQ)).json()
    assert (again["template_version"], again["score"], again["section_scores"]) == (
        1, 57.14, first["section_scores"])
    v1 = api.get(f"{path}?version=1", headers=bearer(api, HQ)).json()
    assert v1["sections"] == template["sections"]
    versions = {1: Template.from_dict(v1), 2: Template.from_dict(api.get(path, headers=bearer(api, HQ)).json())}
    assert score_finished(versions, 1, [answer_from_dict(a) for a in again["answers"]]).percent == 57.14
    second = _inspect(api, {**template, "version": 2}, _with(temp=9), inspection_id="insp-2").json()
    assert (second["template_version"], second["score"], second["passed"]) == (2, 100.0, True)


def test_an_item_failing_in_one_of_the_last_3_inspections_is_repeated(api):
    """"label" failed 4 inspections ago only: not repeated; "temp" failed 2 inspections ago:
    repeated. Another store's failures do not count."""
    template = _create(api).json()
    start = datetime(2026, 11, 1, 10, tzinfo=UTC)
    history = [_with(label="none"), _with(temp=9), GOOD, GOOD]
    for n, answers in enumerate(history):
        made = _inspect(api, template, answers, inspection_id=f"old-{n}", finished_at=start + timedelta(days=n))
        assert made.status_code == 201, made.text
    now = _inspect(api, template, _with(label="none", temp=9), inspection_id="now",
                   finished_at=start + timedelta(days=10)).json()
    assert {f["item_id"]: f["repeated"] for f in now["findings"]} == {"temp": True, "label": False}


def test_sending_the_same_inspection_again_keeps_one(api):
    """A phone retrying after a lost answer gets the same inspection back; there is still one row."""
    template = _create(api).json()
    first = _inspect(api, template, GOOD).json()
    assert _inspect(api, template, GOOD).json() == first
    assert _count(api, db.inspections) == 1


def test_where_the_phone_was_is_judged_by_the_clock_in_geofence_rules(api):
    """Finished inside Times Square: "inside"; finished at Langham Place, Mong Kok: "outside" (about
    4.5 km away); no location sent: nothing recorded. Each is kept (a reader judges it)."""
    template = _create(api).json()
    now = datetime.now(UTC)
    at = {"cwb": (22.27834, 114.18222), "mk": (22.31851, 114.16864)}
    verdicts = []
    for n, place in enumerate(("cwb", "mk", None)):
        fix = place and {"latitude": at[place][0], "longitude": at[place][1], "accuracy_m": 10.0,
                         "timestamp": now.isoformat()}
        done = _inspect(api, template, GOOD, inspection_id=f"where-{n}", finished_at=now, fix=fix)
        assert done.status_code == 201, done.text
        verdicts.append((done.json()["geofence"], done.json()["distance_m"]))
    assert verdicts[0] == ("inside", 0.0) and verdicts[2] == (None, None)
    assert verdicts[1][0] == "outside" and 4000 < verdicts[1][1] < 5000


def test_an_edit_made_from_an_older_version_is_a_conflict(api):
    """Issue 12, inspbuild: a PUT naming the version it was made from (``base_version``) after
    someone saved another one: 409 conflict, nothing kept; from the current version: saved."""
    walk = _create(api).json()
    path = f"/v1/inspection-templates/{walk['id']}"
    assert api.put(path, json=EDIT, headers=bearer(api, HQ), params={"base_version": 1}).status_code == 200
    late = api.put(path, json={**EDIT, "name": "Mine"}, headers=bearer(api, HK_AREA_MANAGER), params={"base_version": 1})
    assert late.status_code == 409 and late.json()["code"] == "conflict"
    assert api.get(path, headers=bearer(api, HQ)).json()["version"] == 2
    again = api.put(path, json={**EDIT, "name": "Mine"}, headers=bearer(api, HK_AREA_MANAGER), params={"base_version": 2})
    assert again.status_code == 200 and again.json()["version"] == 3
