"""The manager's Approvals list offers only the PIN punches the server will let them confirm."""

from app.domain.roles import Actor, Role
from app.store import DeviceStore, queries


def test_approvals_list_only_punches_of_people_the_manager_ranks_above(tmp_path):
    """A store manager is not offered their own, a peer's or their area manager's punch (the server refuses them)."""
    store = DeviceStore(tmp_path / "device.db")
    try:
        with store.transaction() as db:
            for user_id, role in (("u-s01", "staff"), ("u-sm-cwb", "store_manager"), ("u-am-hk", "area_manager")):
                db["users"].insert({"id": user_id, "staff_no": user_id, "name": user_id, "role": role})
            for user_id in ("u-s01", "u-sm-cwb", "u-am-hk", "u-unknown"):
                db["punches"].insert({"id": f"pu-{user_id}", "user_id": user_id, "store_id": "st-cwb",
                                      "kind": "clock_in", "method": "pin", "at": "2026-01-01T01:00:00+00:00",
                                      "status": "awaiting_confirmation", "flags": "[]"})
        cwb = frozenset({"st-cwb"})
        with store.reading() as db:
            for signer, expected in ((Actor("u-sm-cwb", Role.STORE_MANAGER, cwb), {"u-s01", "u-unknown"}),
                                     (Actor("u-am-hk", Role.AREA_MANAGER, cwb), {"u-s01", "u-sm-cwb", "u-unknown"}),
                                     (Actor("u-hq", Role.HQ_ADMIN, cwb), {"u-s01", "u-sm-cwb", "u-am-hk", "u-unknown"})):
                waiting = queries.awaiting_confirmation(db, signer)
                assert {p["user_id"] for p in waiting} == expected, signer
    finally:
        store.close()
