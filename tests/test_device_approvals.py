"""The manager's Approvals list offers only the PIN punches the server will let them confirm."""

import pytest

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


def _outbox_types(store) -> list[str]:
    with store.reading() as db:
        return [r["type"] for r in db.query("SELECT type FROM outbox")]


def test_the_device_refuses_a_correction_without_a_real_reason_and_queues_nothing(device):
    """Setting a missing clock-out with a reason of 2 characters is refused on the phone (the
    same rule as the server) and nothing is recorded or sent."""
    from datetime import UTC, datetime

    from app.domain.approvals import ApprovalRefused
    from app.store import PunchActions

    manager = Actor("u-sm-cwb", Role.STORE_MANAGER, frozenset({"st-cwb"}))
    actions = PunchActions(device, device.clock, manager)
    with pytest.raises(ApprovalRefused):
        actions.correct_punch(user_id="u-s01", store_id="st-cwb", shift_id=None, kind="clock_out",
                              at=datetime(2026, 1, 5, 10, tzinfo=UTC), reason=" ok ")
    assert _outbox_types(device) == []
    actions.correct_punch(user_id="u-s01", store_id="st-cwb", shift_id=None, kind="clock_out",
                          at=datetime(2026, 1, 5, 10, tzinfo=UTC), reason="Forgot to clock out")
    assert _outbox_types(device) == ["punch.correct"]


def test_a_manager_cannot_confirm_their_own_punch_on_the_device(device):
    """A store manager's own PIN punch is refused on the phone, before anything is queued."""
    from app.domain.access import AccessDenied
    from app.store import PunchActions

    with device.transaction() as db:
        db["users"].insert({"id": "u-sm-cwb", "staff_no": "M2001", "name": "Chan Siu Ming", "role": "store_manager"})
        db["punches"].insert({"id": "pu-own", "user_id": "u-sm-cwb", "store_id": "st-cwb", "kind": "clock_in",
                              "method": "pin", "at": "2026-01-01T01:00:00+00:00",
                              "status": "awaiting_confirmation", "flags": "[]"})
    manager = Actor("u-sm-cwb", Role.STORE_MANAGER, frozenset({"st-cwb"}))
    with pytest.raises(AccessDenied):
        PunchActions(device, device.clock, manager).confirm_punch("pu-own", True)
    assert _outbox_types(device) == []
