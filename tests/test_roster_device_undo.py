"""Issue 10, roster, on the manager's phone: copy last week and publish change many shifts in
one action; when that action is refused (or discarded) every shift goes back to what it was,
and a server copy pulled meanwhile is what comes back."""

from datetime import date, datetime, time, timedelta

from app.domain.attendance import HONG_KONG
from app.domain.roles import Actor, Role
from app.protocol import Change
from app.store import apply_page, outbox
from app.store.roster_actions import RosterActions

MANAGER = Actor("u-sm-cwb", Role.STORE_MANAGER, frozenset({"st-cwb"}))
LAST = date(2026, 12, 7)
THIS = LAST + timedelta(days=7)


def _pulled(device, sid: str, day: date, status: str, version: int = 1) -> None:
    start = datetime.combine(day, time(9), HONG_KONG)
    data = {"store_id": "st-cwb", "user_id": "u-s01", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=8)).isoformat(), "position": "", "role": "Sales",
            "status": status, "version": version, "published_version": 0 if status == "draft" else version}
    with device.transaction() as db:
        apply_page(db, [Change(seq=1, entity="shift", id=sid, op="upsert", data=data)], "c1")


def _statuses(device) -> dict[str, str]:
    with device.reading() as db:
        return {r["id"]: (r["status"], r["sync_state"]) for r in db.query("SELECT * FROM shifts ORDER BY id")}


def _refuse_last(device) -> None:
    with device.transaction() as db:
        seq = max(m.seq for m in outbox.pending(db, 100))
        outbox.refuse(db, [seq], "forbidden_role")


def test_refused_publish_puts_drafts_back_and_keeps_a_copy_pulled_meanwhile(device):
    """Publish turns two drafts published at once; refused, one is a draft again and the other shows
    the server's newer copy that a pull brought while the publish waited."""
    device.save_session({"id": MANAGER.user_id, "role": MANAGER.role.value, "store_ids": ["st-cwb"]}, None)
    with device.transaction() as db:
        db["users"].insert({"id": "u-s01", "name": "Chan Tai Man", "role": "staff", "home_store_id": "st-cwb"})
    _pulled(device, "sh-a", THIS, "draft")
    _pulled(device, "sh-b", THIS + timedelta(days=1), "draft")
    actions = RosterActions(device, device.clock, MANAGER)
    assert actions.publish_week("st-cwb", THIS) == 2
    assert _statuses(device) == {"sh-a": ("published", "pending"), "sh-b": ("published", "pending")}
    _pulled(device, "sh-b", THIS + timedelta(days=1), "cancelled", version=2)  # the server's word, held aside
    assert _statuses(device)["sh-b"] == ("published", "pending")
    _refuse_last(device)
    assert _statuses(device) == {"sh-a": ("draft", "synced"), "sh-b": ("cancelled", "synced")}


def test_discarded_copy_of_last_week_removes_the_copies(device):
    """Copy last week shows the drafts at once; refused, they are gone and last week is untouched."""
    device.save_session({"id": MANAGER.user_id, "role": MANAGER.role.value, "store_ids": ["st-cwb"]}, None)
    with device.transaction() as db:
        db["users"].insert({"id": "u-s01", "name": "Chan Tai Man", "role": "staff", "home_store_id": "st-cwb"})
    _pulled(device, "sh-last", LAST, "published")
    actions = RosterActions(device, device.clock, MANAGER)
    assert actions.copy_last_week("st-cwb", THIS) == 1
    assert [s for s, (status, _) in _statuses(device).items() if status == "draft"] != []
    _refuse_last(device)
    assert _statuses(device) == {"sh-last": ("published", "synced")}
