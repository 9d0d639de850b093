"""Issue 10, delegation, on a real uvicorn API (SQLite and PostgreSQL): a hand-over set or cancelled
reaches the requests already waiting, only the delegator or HQ cancels it, and a sick-leave
certificate photo is read only by the requester and the people on the request's route."""

import io
from datetime import datetime, timedelta
from hashlib import sha256

import pytest
from PIL import Image

from app.domain.attendance import HONG_KONG
from tests.test_api_requests import Phones, decide, leave


@pytest.fixture(scope="module")
def phones(server, tmp_path_factory):
    return Phones(server, tmp_path_factory)


def _week() -> dict:
    today = datetime.now(HONG_KONG).date()
    return {"first_day": (today - timedelta(days=1)).isoformat(), "last_day": (today + timedelta(days=7)).isoformat()}


def _certificate() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (250, 250, 240)).save(out, "JPEG")
    return out.getvalue()


def test_delegation_set_then_cancelled_moves_waiting_requests_both_ways(phones):
    """A request already waits for the Causeway Bay manager when she hands over to the Sha Tin
    manager: his phone gets it with him on the route at once. When she cancels, it goes back to
    her, his phone is told (the delegation is gone, the route names her) and his late approval is
    refused."""
    assert phones.push("u-s02", "request.submit", leave("rq-before", "2027-01-11", "2027-01-12"))["status"] == "applied"
    assert phones.push("u-sm-cwb", "delegation.set",
                       {"delegation_id": "dl-move", "delegate_id": "u-sm-st", **_week()})["status"] == "applied"
    held = phones.seen("u-sm-st")["rq-before"]
    assert held["route"][0]["approvers"] == ["u-sm-st"] and held["route"][0]["on_behalf_of"] == {"u-sm-st": "u-sm-cwb"}
    assert phones.push("u-sm-cwb", "delegation.cancel", {"delegation_id": "dl-move"})["status"] == "applied"
    assert phones.seen("u-sm-st", "delegation")["dl-move"] is None
    assert phones.seen("u-s02", "delegation")["dl-move"] is None  # requesters' phones stop showing him
    assert phones.seen("u-sm-st")["rq-before"]["route"][0]["approvers"] == ["u-sm-cwb"]
    late = phones.push("u-sm-st", "request.decide", decide("rq-before"))
    assert (late["status"], late["reason"]) == ("rejected", "not_found")
    assert phones.push("u-sm-cwb", "request.decide", decide("rq-before"))["status"] == "applied"


def test_only_the_delegator_or_hq_cancels_a_delegation(phones):
    """The delegate and another store's manager cannot cancel a hand-over (refused, it stays in
    force); HQ can; a delegation that no longer exists is 'not found'."""
    assert phones.push("u-sm-mk", "delegation.set",
                       {"delegation_id": "dl-keep", "delegate_id": "u-am-kln", **_week()})["status"] == "applied"
    for who in ("u-am-kln", "u-sm-cwb", "u-s01"):
        refused = phones.push(who, "delegation.cancel", {"delegation_id": "dl-keep"})
        assert (who, refused["status"], refused["reason"]) == (who, "rejected", "forbidden_role")
    assert phones.seen("u-am-kln", "delegation")["dl-keep"]["delegate_id"] == "u-am-kln"
    assert phones.push("u-hq", "delegation.cancel", {"delegation_id": "dl-keep"})["status"] == "applied"
    again = phones.push("u-sm-mk", "delegation.cancel", {"delegation_id": "dl-keep"})
    assert (again["status"], again["reason"]) == ("rejected", "not_found")


def test_every_manager_phone_can_pick_any_manager_as_delegate(phones):
    """A store manager's phone pulls every manager of the chain (name and role), so another store's
    manager can be picked as a delegate; a staff phone pulls no manager of another store."""
    managers = {u for u, row in phones.seen("u-sm-mk", "user").items() if row["role"] != "staff"}
    assert managers == {"u-hq", "u-am-kln", "u-am-hk", "u-sm-cwb", "u-sm-mk", "u-sm-tst", "u-sm-st"}
    assert "u-sm-st" not in phones.seen("u-s01", "user")


def test_a_sick_leave_certificate_is_read_only_by_the_requester_and_the_route(phones):
    """Role matrix of GET /v1/photos/{sha} for a sick-leave certificate: the requester, the approver
    and the delegate in effect get the photo; another store's manager, a colleague, the area
    manager and HQ (not on the route) get 404. Once the delegation is cancelled the former
    delegate gets 404 too."""
    photo = _certificate()
    sha = sha256(photo).hexdigest()
    phones.client("u-s01").upload_photo(sha, photo)
    sick = {**leave("rq-cert", "2027-02-01", "2027-02-02", "sick_leave"), "certificate_sha256": sha}
    assert phones.push("u-s01", "request.submit", sick)["status"] == "applied"
    assert phones.push("u-sm-cwb", "delegation.set",
                       {"delegation_id": "dl-cert", "delegate_id": "u-sm-st", **_week()})["status"] == "applied"
    readable = {who: phones.client(who).photo(sha) == photo
                for who in ("u-s01", "u-sm-cwb", "u-sm-st", "u-sm-mk", "u-s02", "u-am-hk", "u-hq")}
    assert readable == {"u-s01": True, "u-sm-cwb": True, "u-sm-st": True, "u-sm-mk": False, "u-s02": False,
                        "u-am-hk": False, "u-hq": False}
    assert phones.push("u-sm-cwb", "delegation.cancel", {"delegation_id": "dl-cert"})["status"] == "applied"
    assert phones.client("u-sm-st").photo(sha) is None
    assert phones.client("u-sm-cwb").photo(sha) == photo


def test_a_second_hand_over_on_the_same_days_is_refused(phones):
    """The area manager hands over for a week; a second hand-over sharing a day is refused with
    the reason and not stored; once the first is ended, it goes through."""
    assert phones.push("u-am-hk", "delegation.set",
                       {"delegation_id": "dl-first", "delegate_id": "u-sm-st", **_week()})["status"] == "applied"
    second = {"delegation_id": "dl-second", "delegate_id": "u-sm-cwb", **_week()}
    clash = phones.push("u-am-hk", "delegation.set", second)
    assert (clash["status"], clash["reason"]) == ("rejected", "delegation_overlaps")
    assert "dl-second" not in phones.seen("u-am-hk", "delegation")
    assert phones.push("u-am-hk", "delegation.cancel", {"delegation_id": "dl-first"})["status"] == "applied"
    assert phones.push("u-am-hk", "delegation.set", {**second, "delegation_id": "dl-third"})["status"] == "applied"
