"""Issue 11, probe11: hostile probes of broadcasts against a real server (both backends), with
real sign-ins: what the readers of a broadcast held for later, or taken back after it expired,
can be told or made to record. Nobody is reminded of a broadcast they cannot open, and nobody
records a read or an acknowledgement of one that was not sent yet."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.domain.broadcasts import receipt_time, sent_at

PINS = {"S3001": "1111", "S3002": "2222", "M2001": "7100"}


class Phone:
    """One signed-in person's phone: numbered pushes and full pulls over HTTP."""

    def __init__(self, url: str, staff_no: str) -> None:
        self.url, self.device_id, self.seq = url + "/v1", f"dev-probe11-{staff_no}", 0
        r = httpx.post(f"{self.url}/auth/login", json={"staff_no": staff_no, "pin": PINS[staff_no],
                                                       "device_id": self.device_id})
        assert r.status_code == 200, r.text
        self.user_id = r.json()["user"]["id"]
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def push(self, type_: str, payload: dict, clock_off: timedelta = timedelta()) -> dict:
        """One action, its clock readings taken by a wall clock ``clock_off`` from the real time."""
        self.seq += 1
        now = (datetime.now(UTC) + clock_off).isoformat()
        body = {"device_id": self.device_id, "sent": {"device_time": now, "monotonic_ms": 100_000, "boot_id": "b"},
                "mutations": [{"seq": self.seq, "idempotency_key": str(uuid.uuid4()), "type": type_,
                               "payload": payload,
                               "clock": {"device_time": now, "monotonic_ms": 99_000, "boot_id": "b"}}]}
        r = httpx.post(f"{self.url}/sync/push", json=body, headers=self.headers, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def pull(self) -> list[dict]:
        r = httpx.get(f"{self.url}/sync/pull", params={"limit": 1000}, headers=self.headers, timeout=30)
        assert r.status_code == 200 and not r.json()["has_more"], r.text
        return r.json()["changes"]


@pytest.fixture(scope="module")
def phones(server) -> dict[str, Phone]:
    return {no: Phone(server.url, no) for no in PINS}


def _urgent(manager: Phone, **schedule) -> str:
    broadcast_id = f"bc-{uuid.uuid4().hex}"
    sent = manager.push("broadcast.create", {"broadcast_id": broadcast_id, "title": "Fire drill", "kind": "urgent",
                                             "store_ids": ["st-cwb"], "role": "staff", **schedule})
    assert sent["status"] == "applied", sent
    return broadcast_id


def _remind(manager: Phone, broadcast_id: str) -> dict:
    return manager.push("broadcast.remind", {"reminder_id": f"rm-{uuid.uuid4().hex}", "broadcast_id": broadcast_id,
                                             "sent_at": datetime.now(UTC).isoformat()})


def _mentions(changes: list[dict], broadcast_id: str) -> list[tuple[str, str]]:
    return [(c["entity"], c["id"]) for c in changes if broadcast_id in c["id"]
            or (c.get("data") or {}).get("broadcast_id") == broadcast_id]


def test_remind_them_on_a_broadcast_held_for_later_reaches_nobody(phones):
    """The CWB manager writes an urgent broadcast to send in 3 hours and taps "Remind them" on
    its receipts: refused (broadcast_not_shown), nothing recorded; Chan's phone pulls nothing
    about it (no reminder naming a broadcast he cannot open)."""
    manager, chan = phones["M2001"], phones["S3001"]
    held = _urgent(manager, send_at=(datetime.now(UTC) + timedelta(hours=3)).isoformat())
    refused = _remind(manager, held)
    assert (refused["status"], refused["reason"]) == ("rejected", "broadcast_not_shown"), refused
    assert refused["message"]
    assert _mentions(chan.pull(), held) == []


def test_a_broadcast_held_for_later_cannot_be_read_or_acknowledged_before_it_is_sent(phones):
    """Chan (in its audience) pushes a read and an acknowledgement of an urgent broadcast held
    for 3 hours: both are refused as not sent to him (not_found, as reading it is), and the
    manager's receipts show nobody read or acknowledged it."""
    manager, chan = phones["M2001"], phones["S3001"]
    held = _urgent(manager, send_at=(datetime.now(UTC) + timedelta(hours=3)).isoformat())
    now = datetime.now(UTC).isoformat()
    read = chan.push("broadcast.read", {"broadcast_id": held, "user_id": chan.user_id, "read_at": now})
    ack = chan.push("broadcast.acknowledge", {"broadcast_id": held, "user_id": chan.user_id,
                                              "acknowledged_at": now})
    assert [(r["status"], r["reason"]) for r in (read, ack)] == [("rejected", "not_found")] * 2
    receipts = httpx.get(f"{manager.url}/broadcasts/{held}/receipts", headers=manager.headers)
    assert receipts.status_code == 200
    assert (receipts.json()["total"]["read"], receipts.json()["total"]["acknowledged"]) == (0, 0)


def test_remind_them_on_an_expired_broadcast_reaches_nobody(phones):
    """An urgent broadcast expires 2 seconds after it is sent; once it has expired (taken back
    from its readers), "Remind them" is refused (broadcast_not_shown) and Chan's phone gets no
    reminder for it; a read he made before it expired still counts."""
    manager, chan = phones["M2001"], phones["S3001"]
    gone = _urgent(manager, expires_at=(datetime.now(UTC) + timedelta(seconds=2)).isoformat())
    read = chan.push("broadcast.read", {"broadcast_id": gone, "user_id": chan.user_id,
                                        "read_at": datetime.now(UTC).isoformat()})
    assert read["status"] == "applied", read
    time.sleep(2.5)
    chan.pull()  # a pull moves what is due: the broadcast expires, taken back from its readers
    refused = _remind(manager, gone)
    assert (refused["status"], refused["reason"]) == ("rejected", "broadcast_not_shown"), refused
    assert [e for e, _ in _mentions(chan.pull(), gone) if e == "broadcast_reminder"] == []
    receipts = httpx.get(f"{manager.url}/broadcasts/{gone}/receipts", headers=manager.headers).json()
    assert receipts["total"]["read"] == 1


def _receipt_times(manager: Phone, broadcast_id: str, user_id: str) -> tuple[datetime, datetime]:
    answer = httpx.get(f"{manager.url}/broadcasts/{broadcast_id}/receipts", headers=manager.headers)
    assert answer.status_code == 200, answer.text
    person = next(p for p in answer.json()["people"] if p["user_id"] == user_id)
    return tuple(datetime.fromisoformat(person[k]).replace(tzinfo=UTC) for k in ("read_at", "acknowledged_at"))


def test_receipts_show_when_it_was_read_not_what_a_wrong_phone_clock_said(phones):
    """Chan's phone clock runs 2 days ahead (the server flags its clock): he reads and
    acknowledges an urgent broadcast now; the manager's receipts show both within the last
    minute, not in 2 days. Siti's phone (clock right) claims she acknowledged in 2150: the
    receipts never show a time after it reached the server."""
    manager, chan, siti = phones["M2001"], phones["S3001"], phones["S3002"]
    urgent = _urgent(manager)
    ahead = timedelta(days=2)
    at = (datetime.now(UTC) + ahead).isoformat()
    read = chan.push("broadcast.read", {"broadcast_id": urgent, "user_id": chan.user_id, "read_at": at}, ahead)
    ack = chan.push("broadcast.acknowledge", {"broadcast_id": urgent, "user_id": chan.user_id,
                                              "acknowledged_at": at}, ahead)
    assert [(r["status"], r["flags"]) for r in (read, ack)] == [("applied", ["clock_drift"])] * 2
    now = datetime.now(UTC)
    for when in _receipt_times(manager, urgent, chan.user_id):
        assert now - timedelta(minutes=1) <= when <= now, when
    assert siti.push("broadcast.read", {"broadcast_id": urgent, "user_id": siti.user_id,
                                        "read_at": datetime.now(UTC).isoformat()})["status"] == "applied"
    assert siti.push("broadcast.acknowledge", {"broadcast_id": urgent, "user_id": siti.user_id,
                                               "acknowledged_at": "2150-01-01T00:00:00+00:00"})["status"] == "applied"
    assert _receipt_times(manager, urgent, siti.user_id)[1] <= datetime.now(UTC)


def test_receipt_time_rule_keeps_a_right_clock_and_corrects_a_wrong_one():
    """app.domain.broadcasts.receipt_time: a phone with a right clock keeps the time it stamped
    (read offline an hour ago: an hour ago); a flagged clock 2 days ahead is moved back by its
    error; nothing is later than the server's receipt."""
    arrived = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    hour_ago = arrived - timedelta(hours=1)
    assert receipt_time(hour_ago, arrived, arrived, arrived, clock_wrong=False) == hour_ago
    ahead = timedelta(days=2)
    assert receipt_time(hour_ago + ahead, arrived + ahead, arrived, arrived, clock_wrong=True) == hour_ago
    assert receipt_time(arrived + ahead, arrived, arrived, arrived, clock_wrong=False) == arrived


def test_a_receipt_is_never_earlier_than_the_broadcast_was_sent(phones):
    """Siti's phone (clock right) claims she read and acknowledged an urgent broadcast in 2001:
    the receipts show both at or after it was sent, never before (nobody reads it earlier)."""
    manager, siti = phones["M2001"], phones["S3002"]
    before = datetime.now(UTC)
    urgent = _urgent(manager)
    long_ago = "2001-01-01T00:00:00+00:00"
    assert siti.push("broadcast.read", {"broadcast_id": urgent, "user_id": siti.user_id,
                                        "read_at": long_ago})["status"] == "applied"
    assert siti.push("broadcast.acknowledge", {"broadcast_id": urgent, "user_id": siti.user_id,
                                               "acknowledged_at": long_ago})["status"] == "applied"
    for when in _receipt_times(manager, urgent, siti.user_id):
        assert before - timedelta(seconds=5) <= when <= datetime.now(UTC), when


def test_receipt_time_rule_never_goes_before_the_broadcast_showed():
    """app.domain.broadcasts.receipt_time with ``shown_from``: a claim before the broadcast showed
    is moved to when it showed; one after stays; sent_at is the later of written and send-at."""
    sent = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    arrived = sent + timedelta(hours=2)
    assert receipt_time(sent - timedelta(days=1), arrived, arrived, arrived, False, sent) == sent
    assert receipt_time(sent + timedelta(hours=1), arrived, arrived, arrived, False, sent) == sent + timedelta(hours=1)
    assert sent_at(sent, sent + timedelta(hours=1)) == sent + timedelta(hours=1)
    assert sent_at(sent, None) == sent


def test_a_second_reminder_within_half_an_hour_is_refused_and_buzzes_nobody(phones):
    """Issue 11, bcfollow: the manager taps "Remind them" twice in a row (two phones, or a forged
    push): the second is refused broadcast_reminded_recently and Chan is reminded once."""
    manager, chan = phones["M2001"], phones["S3001"]
    urgent = _urgent(manager)
    assert _remind(manager, urgent)["status"] == "applied"
    again = _remind(manager, urgent)
    assert (again["status"], again["reason"]) == ("rejected", "broadcast_reminded_recently"), again
    assert [e for e, _ in _mentions(chan.pull(), urgent) if e == "broadcast_reminder"] == ["broadcast_reminder"]
