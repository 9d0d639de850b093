"""Calendar feed (issue 10) against a real uvicorn API, on SQLite and PostgreSQL: the feed is
RFC 5545 read back by the ``icalendar`` library, each person sees only their shifts, a new
link revokes the old one, and the secret URL never reaches the log."""

import secrets
import time
from datetime import UTC, datetime, timedelta

import httpx
from icalendar import Calendar
from sqlalchemy import select

from backend_stub import db
from backend_stub.engine import make_engine
from backend_stub.services.changes import emit
from tests.conftest import seeded_api
from tests.servers import server_rows

FEED = "/v1/me/calendar-feed"
_devices = iter(range(10_000))


def _auth(server, staff_no: str, pin: str) -> dict:
    resp = httpx.post(f"{server.url}/v1/auth/login", json={
        "staff_no": staff_no, "pin": pin, "device_id": f"dev-cal-{next(_devices):05d}"})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _feed_url(server, staff_no: str, pin: str) -> str:
    resp = httpx.get(server.url + FEED, headers=_auth(server, staff_no, pin))
    assert resp.status_code == 200, resp.text
    return resp.json()["url"]


def _calendar(url: str) -> tuple[httpx.Response, Calendar]:
    resp = httpx.get(url)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/calendar")
    return resp, Calendar.from_ical(resp.content)


def _events(cal: Calendar) -> dict[str, dict]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _shift_ids(server, user_id: str) -> set[str]:
    now = datetime.now(UTC)
    rows = server_rows(server, "SELECT id FROM shifts WHERE user_id = :u AND starts_at < :until AND "
                       "ends_at > :since", {"u": user_id, "since": now - timedelta(days=60),
                                            "until": now + timedelta(days=120)})
    return {r[0] for r in rows}


def _assert_not_found(resp: httpx.Response) -> None:
    assert resp.status_code == 404, resp.text
    assert resp.json()["code"] == "not_found"


def test_feed_is_rfc5545_in_hong_kong_time(server):
    """A person's feed parses as iCalendar: PRODID and VERSION, a VTIMEZONE for Asia/Hong_Kong,
    each shift one VEVENT with TZID times, its store and role, CRLF lines folded at 75 octets."""
    url = _feed_url(server, "S3001", "1111")
    assert url.startswith(f"{server.url}/v1/calendar/")  # no public base URL set: the address asked on
    resp, cal = _calendar(url)
    assert cal["VERSION"] == "2.0" and "Shopfloor" in str(cal["PRODID"])
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Hong_Kong"]
    events = _events(cal)
    assert set(events) == {f"shift-{sid}@shopfloor" for sid in _shift_ids(server, "u-s01")}
    assert events, "the demo chain gives S3001 shifts this week"
    for event in events.values():
        for prop in ("DTSTART", "DTEND"):
            assert event[prop].params["TZID"] == "Asia/Hong_Kong"
            assert event[prop].dt.utcoffset() == timedelta(hours=8)
        assert str(event["SUMMARY"]) == "Sales · Causeway Bay (Times Square)"
        assert "1 Matheson Street" in str(event["LOCATION"])
        assert str(event["STATUS"]) == "CONFIRMED"
    lines = resp.content.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)  # CRLF, nothing else
    assert max(len(line) for line in lines) <= 75
    assert resp.headers["cache-control"] == "private, no-store"
    head = httpx.head(url)  # some calendar apps check the feed with HEAD first
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == resp.headers["content-type"]


def test_uid_is_stable_and_sequence_grows_when_the_shift_changes(server):
    """Two fetches give the same UIDs and SEQUENCEs; after a shift is moved (written as the
    server writes shifts: the row and its change-feed entry) its UID stays, its SEQUENCE grows
    and its new times are shown."""
    url = _feed_url(server, "S3003", "3333")
    first, second = (_events(_calendar(url)[1]) for _ in range(2))
    assert {u: int(e["SEQUENCE"]) for u, e in first.items()} == {u: int(e["SEQUENCE"]) for u, e in second.items()}
    uid = sorted(first)[0]
    shift_id = uid.removeprefix("shift-").removesuffix("@shopfloor")
    engine = make_engine(server.db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(select(db.shifts).where(db.shifts.c.id == shift_id)).mappings().one()
            moved = {**row, "starts_at": db.aware(row["starts_at"]) + timedelta(hours=1),
                     "ends_at": db.aware(row["ends_at"]) + timedelta(hours=1)}
            conn.execute(db.shifts.update().where(db.shifts.c.id == shift_id).values(
                starts_at=moved["starts_at"], ends_at=moved["ends_at"]))
            emit(conn, "shift", shift_id, moved, audience="store", store_ids=[row["store_id"]])
    finally:
        engine.dispose()
    after = _events(_calendar(url)[1])
    assert set(after) == set(first)
    assert int(after[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])
    assert after[uid]["DTSTART"].dt == first[uid]["DTSTART"].dt + timedelta(hours=1)
    others = set(first) - {uid}
    assert {u: int(after[u]["SEQUENCE"]) for u in others} == {u: int(first[u]["SEQUENCE"]) for u in others}


def test_each_person_sees_only_their_own_shifts(server):
    """Two colleagues of one store get different URLs, and each feed lists that person's shifts only."""
    mine, theirs = _feed_url(server, "S3001", "1111"), _feed_url(server, "S3002", "2222")
    assert mine != theirs
    assert set(_events(_calendar(theirs)[1])) == {f"shift-{s}@shopfloor" for s in _shift_ids(server, "u-s02")}
    assert not set(_events(_calendar(mine)[1])) & set(_events(_calendar(theirs)[1]))


def test_me_gives_the_callers_own_feed_only(server):
    """/v1/me/calendar-feed answers the signed-in person's URL whatever else is asked, the same on
    every call, and nothing without a token (staff A cannot reach B's feed through it)."""
    a = _auth(server, "S3005", "5555")
    url = httpx.get(server.url + FEED, headers=a).json()["url"]
    assert httpx.get(server.url + FEED, headers=a, params={"user_id": "u-s09"}).json()["url"] == url
    assert httpx.get(server.url + FEED, headers=a).json()["url"] == url
    assert url != _feed_url(server, "S3009", "9999")
    assert set(_events(_calendar(url)[1])) == {f"shift-{s}@shopfloor" for s in _shift_ids(server, "u-s05")}
    for method in ("GET", "POST"):
        resp = httpx.request(method, server.url + FEED)
        assert resp.status_code == 401 and resp.json()["code"] == "token_invalid"


def test_new_link_revokes_the_old_one(server):
    """POST issues a new URL: the old one answers 404 with the error body at once, the new one
    works, and GET now gives the new one."""
    auth = _auth(server, "S3004", "4444")
    old = httpx.get(server.url + FEED, headers=auth).json()["url"]
    _calendar(old)
    resp = httpx.post(server.url + FEED, headers=auth)
    assert resp.status_code == 200, resp.text
    new = resp.json()["url"]
    assert new != old
    _assert_not_found(httpx.get(old))
    assert _events(_calendar(new)[1])
    assert httpx.get(server.url + FEED, headers=auth).json()["url"] == new


def test_forged_and_garbage_tokens_are_not_found(server):
    """A made-up token, a real one with one character changed, and junk all answer 404 with the error body."""
    real = _feed_url(server, "S3001", "1111")
    token = real.rsplit("/", 1)[1].removesuffix(".ics")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    base = f"{server.url}/v1/calendar/"
    for candidate in (tampered, secrets.token_urlsafe(32), "garbage", "x" * 5000, "%00", "..%2F..%2Fetc"):
        _assert_not_found(httpx.get(f"{base}{candidate}.ics"))
    _assert_not_found(httpx.get(real.removesuffix(".ics") + ".ical"))


def test_a_person_who_left_has_no_feed(server):
    """Once a person is deactivated their feed URL answers 404 (the shifts of someone who left stay private)."""
    url = _feed_url(server, "S3007", "7777")
    _calendar(url)
    engine = make_engine(server.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(db.users.update().where(db.users.c.id == "u-s07").values(active=False))
    finally:
        engine.dispose()
    _assert_not_found(httpx.get(url))


def test_the_log_never_holds_the_feed_token(server):
    """The access log line of a feed fetch names the path with the token masked."""
    url = _feed_url(server, "S3006", "6666")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    rid = f"calendar-{secrets.token_hex(4)}"
    assert httpx.get(url, headers={"X-Request-ID": rid}).status_code == 200
    deadline = time.monotonic() + 10
    while True:  # the line is written once the answer has gone out: it may trail the answer
        log = server.log.read_text(encoding="utf-8")
        lines = [line for line in log.splitlines() if f"request_id={rid} " in line]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert token not in log
    assert lines and "path=/v1/calendar/[masked] status=200" in lines[0]


def test_links_name_the_public_base_url_when_set(settings, seeded_template):
    """With SHOPFLOOR_PUBLIC_BASE_URL set (the API behind a proxy) the link names that address,
    not the one the request came in on, and the link works."""
    settings.public_base_url = "https://api.example.hk/"
    client = seeded_api(settings, seeded_template)
    api = next(client)
    try:
        tokens = api.post("/v1/auth/login", json={"staff_no": "S3001", "pin": "1111",
                                                  "device_id": "dev-cal-public"}).json()
        url = api.get(FEED, headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()["url"]
        assert url.startswith("https://api.example.hk/v1/calendar/") and url.endswith(".ics")
        assert api.get(url.removeprefix("https://api.example.hk")).status_code == 200
    finally:
        client.close()


def test_a_message_carrying_a_feed_url_is_written_masked():
    """Should any log message carry a calendar feed URL (an error quoting it), the token is masked."""
    import logging

    from backend_stub.logs import MaskSecrets

    token = secrets.token_urlsafe(32)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "fetch of %s failed",
                               (f"https://api.example.hk/v1/calendar/{token}.ics",), None)
    MaskSecrets().filter(record)
    assert record.getMessage() == "fetch of https://api.example.hk/v1/calendar/[masked].ics failed"
