"""app.domain.approvals: the approvals rules the device and the server share."""

import pytest

from app.domain import approvals
from app.domain.roles import Actor, Role
from app.protocol import Reason
from app.protocol import mutations as m

CWB = frozenset({"st-cwb"})


@pytest.mark.parametrize(("method", "selfie", "flags", "status"), [
    ("face", True, (), "accepted"), ("face", True, ("unscheduled",), "awaiting_confirmation"),
    ("pin", False, (), "awaiting_confirmation"), ("kiosk", False, (), "awaiting_confirmation"),
    ("kiosk", True, ("late",), "accepted")])
def test_punches_waiting_for_a_manager(method, selfie, flags, status):
    """PIN punches, kiosk punches without a selfie and clock-ins off the roster wait for a manager."""
    assert approvals.punch_status(method, selfie, flags) == status


def test_nobody_signs_off_their_own_punch_nor_a_peers():
    """A manager may sign off their staff's punch, never their own, a peer's or their boss's."""
    manager = Actor("u-sm-cwb", Role.STORE_MANAGER, CWB)
    assert approvals.may_sign_off(manager, "u-s01", Role.STAFF, CWB, "st-cwb")
    assert not approvals.may_sign_off(manager, "u-sm-cwb", Role.STORE_MANAGER, CWB, "st-cwb")
    assert not approvals.may_sign_off(manager, "u-am-hk", Role.AREA_MANAGER, CWB, "st-cwb")
    assert not approvals.may_sign_off(Actor("u-sm-mk", Role.STORE_MANAGER, frozenset({"st-mk"})),
                                      "u-s01", Role.STAFF, CWB, "st-cwb")


def test_a_correction_needs_a_reason_of_three_characters():
    """A reason shorter than 3 characters (spaces trimmed) is refused with its own code, on the
    device and in the wire format alike."""
    with pytest.raises(approvals.ApprovalRefused) as refused:
        approvals.require_reason("  ok ")
    assert refused.value.reason == Reason.REASON_TOO_SHORT
    assert approvals.require_reason("  forgot to clock out ") == "forgot to clock out"
    with pytest.raises(ValueError):
        m.PunchCorrect(correction_id="pc-1", user_id="u-s01", store_id="st-cwb", kind="clock_out",
                       at="2026-01-05T10:00:00+00:00", reason=" ok ")
