"""Issue 11, bccheck: an urgent broadcast's one-question check. The pure rule
(app.domain.broadcast_checks) the phone and the server share, and the server (both backends):
a bad check is refused with its code and nothing is stored; the check is pulled with the
broadcast; an acknowledgement without the right answer (a forged one) is refused and the
receipts show nobody acknowledged; with the right answer it counts."""

import json

import pytest

from app.domain.access import AccessDenied
from app.domain.broadcast_checks import Check, answer_is_right, check_answer, check_valid
from app.domain.broadcasts import NORMAL, URGENT
from tests.test_api_broadcasts import CWB_MANAGER, _pulled, _receipts, _send
from tests.test_api_trades import _one

FIRE = Check("Which exit do we use?", ("Front door", "Back door", "Lift"), 1)
ACK = {"broadcast_id": "bc-check", "user_id": "u-s01", "acknowledged_at": "2026-12-01T09:02:00+00:00"}


@pytest.mark.parametrize("check, kind", [
    (Check("", ("Yes", "No"), 0), URGENT),  # no question
    (Check("x" * 201, ("Yes", "No"), 0), URGENT),  # question too long
    (Check("Ready?", ("Yes",), 0), URGENT),  # one choice
    (Check("Ready?", ("A", "B", "C", "D", "E"), 0), URGENT),  # five choices
    (Check("Ready?", ("Yes", " "), 0), URGENT),  # an empty choice
    (Check("Ready?", ("Yes", "y" * 101), 0), URGENT),  # a choice too long
    (Check("Ready?", ("Yes", "yes "), 0), URGENT),  # the same twice
    (Check("Ready?", ("Yes", "No"), 2), URGENT),  # the right one is not among them
    (Check("Ready?", ("Yes", "No"), -1), URGENT),
    (FIRE, NORMAL),  # only urgent broadcasts ask
])
def test_a_check_that_cannot_be_answered_fairly_is_refused_with_its_code(check, kind):
    """Each bad check is refused with broadcast_bad_check; a good one (2 to 4 choices, one right) passes."""
    with pytest.raises(AccessDenied) as refused:
        check_valid(check, kind)
    assert refused.value.reason == "broadcast_bad_check"
    check_valid(FIRE, URGENT)
    check_valid(Check("Ready?", ("A", "B", "C", "D"), 3), URGENT)
    check_valid(None, NORMAL)


def test_only_the_right_answer_counts_and_no_check_asks_nothing():
    """Choice 1 is right; 0, 2, none and True are not (refused with broadcast_wrong_answer); with no check any acknowledgement counts."""
    assert answer_is_right(FIRE, 1)
    assert not any(answer_is_right(FIRE, a) for a in (0, 2, None, True))
    with pytest.raises(AccessDenied) as refused:
        check_answer(FIRE, 0)
    assert refused.value.reason == "broadcast_wrong_answer"
    assert answer_is_right(None, None) and Check.from_dict(FIRE.as_dict()) == FIRE


def _send_checked(api, broadcast_id: str, check: dict) -> dict:
    return _send(api, CWB_MANAGER, broadcast_id, kind="urgent", store_ids=["st-cwb"], role="staff", check=check)


def test_a_bad_check_is_refused_by_the_server_and_nothing_is_sent(api):
    """The right choice out of range and a check on a normal broadcast: rejected with
    broadcast_bad_check; Chan pulls neither."""
    bad = _send_checked(api, "bc-bad-check", {"question": "Ready?", "choices": ["Yes", "No"], "right": 2})
    assert bad["status"] == "rejected" and bad["reason"] == "broadcast_bad_check"
    normal = _send(api, CWB_MANAGER, "bc-normal-check", store_ids=["st-cwb"], check=FIRE.as_dict())
    assert normal["status"] == "rejected" and normal["reason"] == "broadcast_bad_check"
    assert _pulled(api, "u-s01", "bc-bad-check") == [] and _pulled(api, "u-s01", "bc-normal-check") == []


def test_a_forged_acknowledgement_without_the_right_answer_is_refused_and_the_right_one_counts(api):
    """Chan pulls the check with the broadcast. Acknowledging with no answer or a wrong one (as a
    forged push would) is rejected with broadcast_wrong_answer and the receipts show 0
    acknowledged; with the right answer it is applied and the receipts show him acknowledged."""
    assert _send_checked(api, "bc-check", FIRE.as_dict())["status"] == "applied"
    pulled = _pulled(api, "u-s01", "bc-check")[0]["data"]
    assert Check.from_dict(json.loads(pulled["check_question"])) == FIRE
    for forged in (ACK, {**ACK, "answer": 0}):
        refused = _one(api, "u-s01", "broadcast.acknowledge", forged)
        assert refused["status"] == "rejected" and refused["reason"] == "broadcast_wrong_answer", refused
    assert _receipts(api, CWB_MANAGER, "bc-check").json()["stores"][0]["acknowledged"] == 0
    assert _one(api, "u-s01", "broadcast.acknowledge", {**ACK, "answer": 1})["status"] == "applied"
    chan = next(p for p in _receipts(api, CWB_MANAGER, "bc-check").json()["people"] if p["user_id"] == "u-s01")
    assert chan["acknowledged_at"] is not None
