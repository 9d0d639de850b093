"""Issue 12, insprun: doing an inspection on the phone, offline first (real device stores, real
uvicorn API). Area managers' and HQ phones pull the templates they may use (store managers and
staff do not); answers are saved as they are given; Finish is one local transaction checked by the
shared rules and queued as ``inspection.record``, which the server handles as ``POST
/v1/inspections`` (same checks, same corrective tasks); the result comes back by pull. A refused
inspection is undone on the phone (open again, with the reason); an offline one keeps its real
finish time."""

from datetime import timedelta

import pytest
import httpx
from sqlalchemy import text

from app.domain.access import AccessDenied
from app.store import DeviceStore
from app.store import inspection_queries as q
from tests.inspection_world import CWB_MANAGER, HK_AM, HQ, KLN_AM, Phone, at_store, photo, write_template
from tests.servers import server_engine


@pytest.fixture
def phones(server, tmp_path):
    made = {name: Phone(server, tmp_path, *login_) for name, login_ in
            {"am": HK_AM, "kln": KLN_AM, "hq": HQ, "manager": CWB_MANAGER}.items()}
    yield made
    for phone in made.values():
        phone.close()


def _answer_all(phone: Phone, draft: str, *, clean=True, exit_=True, temp=3.5, label="all") -> None:
    for item_id, value in (("clean", clean), ("exit", exit_), ("temp", temp), ("label", label)):
        phone.actions.answer_item(draft, item_id, value)


def test_templates_reach_the_phones_of_those_who_inspect(phones):
    """An HK Island template reaches HK Island's area manager and HQ, not Kowloon's area manager
    nor a store manager; it is offered at Causeway Bay, not at Sha Tin (another area); an edit
    brings its next version."""
    am, kln, hq, manager = phones["am"], phones["kln"], phones["hq"], phones["manager"]
    made = write_template(am, "Pulled walk")
    for phone in phones.values():
        phone.sync.sync_once()
    assert [r["version"] for r in am.rows("SELECT * FROM inspection_templates WHERE id=?", [made["id"]])] == [1]
    assert hq.rows("SELECT id FROM inspection_templates WHERE id=?", [made["id"]])
    assert not kln.rows("SELECT id FROM inspection_templates WHERE id=?", [made["id"]])
    assert not manager.rows("SELECT id FROM inspection_templates")
    with am.store.reading() as db:
        offered = {s["store"]["id"]: [t.id for t in s["templates"]] for s in q.stores_to_inspect(db, am.actions.actor)}
    assert made["id"] in offered["st-cwb"] and made["id"] not in offered["st-st"]
    edited = {k: v for k, v in made.items() if k in ("name", "pass_mark", "sections")} | {"pass_mark": 70}

    httpx.put(f"{am.server.url}/v1/inspection-templates/{made['id']}", json=edited,
              headers={"Authorization": f"Bearer {am.api.access_token}"}).raise_for_status()
    am.sync.sync_once()
    row = am.rows("SELECT version, pass_mark FROM inspection_templates WHERE id=?", [made["id"]])[0]
    assert (row["version"], row["pass_mark"]) == (2, 70)


def test_an_inspection_done_offline_syncs_later_with_its_real_time(phones):
    """Answers are saved one by one (a reopened phone has them, photo too); the live score counts
    what is answered; Finish is refused locally while a failed item lacks its photo or an item is
    unanswered; finished two hours before the phone gets online, the server keeps that finish time,
    scores it the same, makes the corrective task and sends the result to the store's manager."""
    am, manager = phones["am"], phones["manager"]
    template = write_template(am, "Offline walk")
    am.sync.sync_once()
    draft = am.actions.start_inspection("st-cwb", template["id"])
    am.actions.answer_item(draft, "clean", False)
    am.actions.answer_item(draft, "temp", 9)
    with am.store.reading() as db:
        view = q.draft_view(db, draft)
    assert (view["progress"].answered, view["progress"].to_answer) == (2, 4)
    assert view["progress"].live.percent == 0 and view["progress"].items["clean"].needs == ("photo",)
    with pytest.raises(AccessDenied) as refused:
        am.actions.finish_inspection(draft, at_store())
    assert refused.value.reason == "inspection_photo_required"
    sha = am.actions.add_item_photo(draft, "clean", photo(1))
    with pytest.raises(AccessDenied) as refused:
        am.actions.finish_inspection(draft, at_store())
    assert refused.value.reason == "inspection_unanswered"

    reopened = DeviceStore(am.store.path)  # the app closed and opened again: the same database
    try:
        with reopened.reading() as db:
            kept = q.draft_view(db, draft)["answers"]
        assert set(kept) == {"clean", "temp"} and kept["clean"].photos == (sha,)
    finally:
        reopened.close()
    _answer_all(am, draft, clean=False, temp=9)
    am.actions.answer_item(draft, "clean", note="Spilled milk by the till")

    earlier = am.actions._now() - timedelta(hours=2)
    am.actions._now = lambda: earlier  # finished while offline, two hours ago
    am.actions.finish_inspection(draft, at_store(at=earlier))
    local = am.rows("SELECT * FROM inspections WHERE id=?", [draft])[0]
    assert (local["sync_state"], local["passed"], local["geofence"]) == ("pending", 0, "inside")
    with am.store.reading() as db:
        assert draft not in [d["row"]["id"] for d in q.in_progress(db, "u-am-hk")]

    report = am.sync.sync_once()
    assert (report.photos, report.applied, report.rejected) == (1, 1, 0)
    synced = am.rows("SELECT * FROM inspections WHERE id=?", [draft])[0]
    assert synced["sync_state"] == "synced" and synced["received_at"]
    assert synced["finished_at"][:19] == earlier.isoformat()[:19]
    assert synced["score"] == local["score"] == 28.57 and synced["geofence"] == "inside"
    assert sha in synced["findings"]
    api_copy = am.get(f"/v1/inspections/{draft}").json()
    assert api_copy["finished_at"][:19] == earlier.isoformat()[:19] and api_copy["score"] == 28.57
    manager.sync.sync_once()
    assert manager.rows("SELECT score FROM inspections WHERE id=?", [draft]) == [{"score": 28.57}]
    corrective = manager.rows("SELECT finding_item_id FROM tasks WHERE inspection_id=? ORDER BY finding_item_id", [draft])
    assert [r["finding_item_id"] for r in corrective] == ["clean", "temp"]


def test_a_refused_inspection_is_undone_on_the_phone_with_its_reason(phones, server):
    """Kowloon's area manager finishes an inspection at Tsim Sha Tsui offline, but meanwhile HQ
    took the store off him: the server refuses it (forbidden_role, as POST /v1/inspections
    would), nothing is kept there, and on his phone the finished row is gone and the inspection
    is open again with its answers and the reason."""
    kln, hq = phones["kln"], phones["hq"]
    template = write_template(hq, "Chain walk", area=None)
    kln.sync.sync_once()
    draft = kln.actions.start_inspection("st-tst", template["id"])
    _answer_all(kln, draft)
    kln.actions.finish_inspection(draft)
    engine = server_engine(server)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM user_stores WHERE user_id='u-am-kln' AND store_id='st-tst'"))
        report = kln.sync.sync_once()
        assert (report.applied, report.rejected) == (0, 1)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM inspections WHERE id=:i"), {"i": draft}).scalar() == 0
    finally:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO user_stores (user_id, store_id) VALUES ('u-am-kln', 'st-tst')"))
        engine.dispose()
    assert kln.rows("SELECT id FROM inspections WHERE id=?", [draft]) == []
    with kln.store.reading() as db:
        open_again = [d for d in q.in_progress(db, "u-am-kln") if d["row"]["id"] == draft]
    assert len(open_again) == 1 and len(open_again[0]["answers"]) == 4
    assert open_again[0]["refusal"].reason == "forbidden_role"
