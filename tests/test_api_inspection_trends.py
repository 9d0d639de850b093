"""Issue 12, inspreport, against a real uvicorn API (SQLite and PostgreSQL): a store's inspection
history (scores over time per template, newest first, pass/fail) for the managers of that store
and above, and a template's items failing most across the caller's own stores, with counts and
the stores. Both are scoped by the caller's role and stores: staff, other stores' managers and
other areas are refused."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.test_api_inspection_report import auth  # noqa: F401  (a bearer per seeded person)
from tests.test_api_inspections import GOOD, WALK

START = datetime(2026, 11, 2, 10, tzinfo=UTC)


def _with(**values) -> list[dict]:
    return [{**a, "value": values[a["item_id"]]} if a["item_id"] in values else a for a in GOOD]


#: (inspector, store, days after START, answers): Causeway Bay three times (getting better),
#: Sha Tin once, Mong Kok twice (once with the critical fire exit failed).
WALKS = [("hk", "st-cwb", 0, _with(label="none")), ("hk", "st-cwb", 1, _with(label="some", temp=9)),
         ("hk", "st-cwb", 2, GOOD), ("hk", "st-st", 1, _with(label="none")),
         ("kln", "st-mk", 0, _with(exit=False)), ("kln", "st-mk", 1, _with(label="none"))]


@pytest.fixture(scope="module")
def chain(server, auth):  # noqa: F811
    """HQ's chain-wide "Store walk" done 6 times at 3 stores, and HK Island's own template once."""
    chain_walk = httpx.post(f"{server.url}/v1/inspection-templates", json={**WALK, "area": None},
                            headers=auth["hq"]).json()
    for n, (who, store, days, answers) in enumerate(WALKS):
        body = {"id": f"trend-{n}", "template_id": chain_walk["id"], "template_version": 1, "store_id": store,
                "finished_at": (START + timedelta(days=days)).isoformat(), "answers": answers}
        assert httpx.post(f"{server.url}/v1/inspections", json=body, headers=auth[who]).status_code == 201
    island = httpx.post(f"{server.url}/v1/inspection-templates", json={**WALK, "name": "Island walk"},
                        headers=auth["hk"]).json()
    body = {"id": "trend-island", "template_id": island["id"], "template_version": 1, "store_id": "st-cwb",
            "finished_at": (START + timedelta(days=5)).isoformat(), "answers": _with(temp=9)}
    assert httpx.post(f"{server.url}/v1/inspections", json=body, headers=auth["hk"]).status_code == 201
    return {"chain": chain_walk["id"], "island": island["id"]}


def _history(server, headers, store: str, **params) -> httpx.Response:
    return httpx.get(f"{server.url}/v1/stores/{store}/inspection-history", headers=headers, params=params)


def _failing(server, headers, template_id: str, **params) -> httpx.Response:
    return httpx.get(f"{server.url}/v1/inspection-templates/{template_id}/failing-items", headers=headers,
                     params=params)


def test_a_stores_history_is_its_scores_per_template_newest_first(server, auth, chain):  # noqa: F811
    """Causeway Bay's manager sees two templates, the one inspected last first ("Island walk",
    57.14, failed); the chain walk's three inspections newest first: 100 passed, then 42.86
    failed with 2 findings (the price labels repeated), then 85.71 passed with 1 (a wrong label
    alone). ``limit`` and
    ``since`` cut the list; HK Island's area manager and HQ see the same."""
    answer = _history(server, auth["cwb"], "st-cwb")
    assert answer.status_code == 200, answer.text
    templates = answer.json()["templates"]
    assert [(t["name"], t["template_id"]) for t in templates] == [("Island walk", chain["island"]),
                                                                  ("Store walk", chain["chain"])]
    assert [(p["score"], p["passed"]) for p in templates[0]["inspections"]] == [(57.14, False)]
    walk = templates[1]["inspections"]
    assert [(p["inspection_id"], p["score"], p["passed"], p["findings"]) for p in walk] == [
        ("trend-2", 100.0, True, 0), ("trend-1", 42.86, False, 2), ("trend-0", 85.71, True, 1)]
    assert [p["repeated"] for p in walk] == [[], ["Price labels"], []]  # issue 12, insptrend: failed the time before
    assert [p["finished_at"] for p in walk] == sorted((p["finished_at"] for p in walk), reverse=True)
    for who in ("hk", "hq"):
        assert _history(server, auth[who], "st-cwb").json() == answer.json(), who
    limited = _history(server, auth["cwb"], "st-cwb", limit=1).json()["templates"][1]["inspections"]
    assert [p["inspection_id"] for p in limited] == ["trend-2"]
    since = _history(server, auth["cwb"], "st-cwb", since=(START + timedelta(hours=12)).isoformat()).json()
    assert [p["inspection_id"] for p in since["templates"][1]["inspections"]] == ["trend-2", "trend-1"]


def test_a_stores_history_is_refused_to_staff_and_other_stores_managers(server, auth, chain):  # noqa: F811
    """The Mong Kok manager and Kowloon's area manager get 403 for Causeway Bay (not their
    store), a CWB staff member 403 (not a manager); HQ asking for an unknown store 404; Mong Kok's
    history: passed with a wrong label (85.71), before that failed by the critical fire exit."""
    for who in ("mk", "kln", "staff"):
        refused = _history(server, auth[who], "st-cwb")
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden_role"), who
    assert _history(server, auth["hq"], "st-nowhere").status_code == 404
    mk = _history(server, auth["kln"], "st-mk").json()["templates"][0]["inspections"]
    assert [(p["passed"], p["critical_failed"]) for p in mk] == [(True, []), (False, ["exit"])]


def test_the_items_failing_most_count_only_the_callers_stores(server, auth, chain):  # noqa: F811
    """The chain walk's price labels failed 4 times (CWB 2, Sha Tin 1, Mong Kok 1) for HQ, then
    the chiller and the fire exit once each. HK Island's area manager counts his two stores only
    (labels 3, chiller 1, no fire exit); the CWB manager his store only; Kowloon's area manager
    Mong Kok only (fire exit and labels once each)."""
    def items(who: str) -> tuple[int, list[str], list[tuple]]:
        answer = _failing(server, auth[who], chain["chain"])
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return body["inspections"], body["store_ids"], [
            (i["item_id"], i["failures"], [(s["store_id"], s["failures"]) for s in i["stores"]]) for i in body["items"]]

    assert items("hq") == (6, ["st-cwb", "st-mk", "st-st"], [
        ("label", 4, [("st-cwb", 2), ("st-mk", 1), ("st-st", 1)]), ("exit", 1, [("st-mk", 1)]),
        ("temp", 1, [("st-cwb", 1)])])
    assert items("hk") == (4, ["st-cwb", "st-st"], [("label", 3, [("st-cwb", 2), ("st-st", 1)]),
                                                    ("temp", 1, [("st-cwb", 1)])])
    assert items("cwb") == (3, ["st-cwb"], [("label", 2, [("st-cwb", 2)]), ("temp", 1, [("st-cwb", 1)])])
    assert items("kln") == (2, ["st-mk"], [("exit", 1, [("st-mk", 1)]), ("label", 1, [("st-mk", 1)])])
    top = _failing(server, auth["hq"], chain["chain"], limit=1).json()["items"]
    assert [(i["item_id"], i["label"], i["section"], i["critical"]) for i in top] == [
        ("label", "Price labels", "Chiller", False)]
    assert top[0]["stores"][0]["store_name"] == "Causeway Bay (Times Square)"


def test_failing_items_are_refused_to_staff_and_other_areas(server, auth, chain):  # noqa: F811
    """Staff get 403; Kowloon's area manager and the Mong Kok manager are told HK Island's own
    template does not exist (404, as reading it); an unknown template 404."""
    refused = _failing(server, auth["staff"], chain["chain"])
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden_role")
    for who in ("kln", "mk"):
        hidden = _failing(server, auth[who], chain["island"])
        assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found"), who
    assert _failing(server, auth["hq"], "tpl-nowhere").status_code == 404
    assert _failing(server, auth["hk"], chain["island"]).json()["items"][0]["item_id"] == "temp"
