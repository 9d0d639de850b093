"""API pull (/v1/sync/pull): opaque cursors on the server sequence, role/store scoping, deletions, paging."""

import base64
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from backend_stub import db
from tests.tokens import session_bearer


def bearer(api, user_id: str) -> dict[str, str]:
    """An access token exactly as /auth/login issues it (login is pinned in test_api_auth)."""
    return session_bearer(api, user_id, f"dev-{user_id}")


_next_seq: dict[str, int] = {}


def push(api, user_id: str, type_: str, payload: dict, *, device_time: datetime | None = None) -> dict:
    """Push one action from ``user_id``'s device and return its result."""
    device = f"dev-{user_id}"
    seq = _next_seq[device] = _next_seq.get(device, 0) + 1
    now = datetime.now(UTC)
    when = (device_time or now).isoformat()
    body = {"device_id": device,
            "sent": {"device_time": when, "monotonic_ms": 10_000, "boot_id": "b"},
            "mutations": [{"seq": seq, "idempotency_key": str(uuid4()), "type": type_, "payload": payload,
                           "clock": {"device_time": when, "monotonic_ms": 9_000, "boot_id": "b"}}]}
    resp = api.post("/v1/sync/push", json=body, headers=bearer(api, user_id))
    assert resp.status_code == 200, resp.text
    return resp.json()["results"][0]


@pytest.fixture(autouse=True)
def _fresh_devices():
    _next_seq.clear()


def pull(api, user_id: str, cursor: str = "", limit: int = 1000):
    return api.get("/v1/sync/pull", params={"cursor": cursor, "limit": limit}, headers=bearer(api, user_id))


def pull_all(api, user_id: str, cursor: str = "") -> tuple[list[dict], str]:
    resp = pull(api, user_id, cursor)
    assert resp.status_code == 200, resp.text
    assert resp.json()["has_more"] is False
    return resp.json()["changes"], resp.json()["cursor"]


def of(changes: list[dict], entity: str) -> list[dict]:
    return [c for c in changes if c["entity"] == entity]


def add_note(api, user_id: str, store_id: str, note_id: str) -> None:
    result = push(api, user_id, "note.add",
                  {"note_id": note_id, "user_id": user_id, "store_id": store_id, "body": "Hand-over"})
    assert result["status"] == "applied", result


def cursor_for(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_cursor_is_opaque_and_follows_the_server_sequence_not_device_clocks(api):
    """A cursor resumes exactly after what was pulled, even for actions stamped with a wrong device clock."""
    changes, cursor = pull_all(api, "u-s01")
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(set(seqs)) and seqs
    assert isinstance(cursor, str) and not cursor.isdigit()
    assert str(seqs[-1]) not in cursor  # opaque: the client stores it, nothing more

    again, same = pull_all(api, "u-s01", cursor)
    assert again == [] and same == cursor

    # A colleague's phone thinks it is 2020: its note still comes after the cursor.
    push(api, "u-s02", "note.add", {"note_id": "n-old-clock", "user_id": "u-s02", "store_id": "st-cwb",
                                    "body": "Shutter stuck"}, device_time=datetime(2020, 1, 1, tzinfo=UTC))
    new, cursor2 = pull_all(api, "u-s01", cursor)
    assert [(c["entity"], c["id"], c["op"]) for c in new] == [("note", "n-old-clock", "upsert")]
    assert new[0]["seq"] > seqs[-1]
    assert cursor2 != cursor
    assert pull_all(api, "u-s01", cursor2)[0] == []


def test_staff_sees_only_their_stores_shifts_notes_and_tasks(api):
    """A staff member at Causeway Bay never receives Mong Kok's shifts, notes or tasks."""
    add_note(api, "u-s03", "st-mk", "n-mk")
    add_note(api, "u-s02", "st-cwb", "n-cwb")
    changes, _ = pull_all(api, "u-s01")
    with api.engine.connect() as conn:
        cwb_shifts = set(conn.execute(select(db.shifts.c.id).where(db.shifts.c.store_id == "st-cwb")).scalars())
        cwb_tasks = set(conn.execute(select(db.tasks.c.id).where(db.tasks.c.store_id == "st-cwb")).scalars())
    assert {c["id"] for c in of(changes, "shift")} == cwb_shifts
    assert {c["data"]["store_id"] for c in of(changes, "shift")} == {"st-cwb"}
    assert {c["id"] for c in of(changes, "task")} == cwb_tasks
    assert [c["id"] for c in of(changes, "note")] == ["n-cwb"]
    assert {c["id"] for c in of(changes, "store")} == {"st-cwb"}

    mk_changes, _ = pull_all(api, "u-s04")
    assert [c["id"] for c in of(mk_changes, "note")] == ["n-mk"]
    assert {c["data"]["store_id"] for c in of(mk_changes, "shift")} == {"st-mk"}
    # Their area manager and HQ see both stores' notes.
    assert {c["id"] for c in of(pull_all(api, "u-am-kln")[0], "note")} == {"n-mk"}
    assert {c["id"] for c in of(pull_all(api, "u-hq")[0], "note")} == {"n-mk", "n-cwb"}


def test_read_receipts_go_to_the_reader_and_store_managers_only(api):
    """A read receipt reaches the reader and their store's managers, never other staff."""
    read_at = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    result = push(api, "u-s01", "broadcast.read",
                  {"broadcast_id": "bc-0003", "user_id": "u-s01", "read_at": read_at})
    assert result["status"] == "applied", result
    receipt_id = "bc-0003:u-s01"

    def receipts(user_id: str) -> list[str]:
        return [c["id"] for c in of(pull_all(api, user_id)[0], "broadcast_read")]

    assert receipts("u-sm-cwb") == [receipt_id]
    assert set(receipts("u-am-hk")) == {receipt_id}
    assert set(receipts("u-hq")) == {receipt_id}
    assert receipts("u-s01") == [receipt_id]
    assert receipts("u-s02") == []       # same store, but staff
    assert receipts("u-s08") == []       # staff covering Causeway Bay too
    assert receipts("u-sm-mk") == []     # a manager of another store
    manager_view = of(pull_all(api, "u-sm-cwb")[0], "broadcast_read")[0]["data"]
    assert manager_view["user_id"] == "u-s01" and manager_view["broadcast_id"] == "bc-0003"


def test_deleted_note_arrives_as_delete(api):
    """A withdrawn note reaches the store's devices as op "delete" after its upsert."""
    _, cursor = pull_all(api, "u-s02")
    add_note(api, "u-s01", "st-cwb", "n-gone")
    assert push(api, "u-s01", "note.delete", {"note_id": "n-gone"})["status"] == "applied"

    notes = of(pull_all(api, "u-s02", cursor)[0], "note")
    assert [(c["id"], c["op"]) for c in notes] == [("n-gone", "upsert"), ("n-gone", "delete")]
    assert notes[1]["data"] is None
    # A device syncing from scratch also ends with the deletion last.
    assert of(pull_all(api, "u-s02")[0], "note")[-1]["op"] == "delete"
    with api.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.notes)).scalar_one() == 0


def test_colleague_cannot_delete_a_note_but_store_manager_can(api):
    """Only the author or a manager of the store withdraws a note; a colleague's attempt changes nothing."""
    add_note(api, "u-s01", "st-cwb", "n-keep")
    _, cursor = pull_all(api, "u-s02")
    refused = push(api, "u-s02", "note.delete", {"note_id": "n-keep"})
    assert (refused["status"], refused["reason"]) == ("rejected", "forbidden_role")
    assert pull_all(api, "u-s02", cursor)[0] == []
    assert push(api, "u-sm-cwb", "note.delete", {"note_id": "n-keep"})["status"] == "applied"
    assert [c["op"] for c in pull_all(api, "u-s02", cursor)[0]] == ["delete"]


@pytest.mark.parametrize(("user_id", "limit"), [("u-hq", 7), ("u-s01", 5)])
def test_paging_resumes_from_cursor_with_every_change_exactly_once(api, user_id, limit):
    """Pulling page by page (limit/has_more/cursor) yields every visible change exactly once, in order."""
    everything, _ = pull_all(api, user_id)
    assert len(everything) > 3 * limit

    got, cursor, pages = [], "", 0
    while True:
        resp = pull(api, user_id, cursor, limit)
        assert resp.status_code == 200, resp.text
        page = resp.json()
        assert len(page["changes"]) <= limit
        if page["has_more"]:
            assert len(page["changes"]) == limit
        got += page["changes"]
        cursor, pages = page["cursor"], pages + 1
        if pages == 2:  # something new happens while the device is mid-way
            add_note(api, "u-sm-cwb", "st-cwb", "n-midway")
        if not page["has_more"]:
            break
    assert pages > 3
    seqs = [c["seq"] for c in got]
    assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs)
    assert got[:len(everything)] == everything
    assert [(c["entity"], c["id"]) for c in got[len(everything):]] == [("note", "n-midway")]
    assert pull_all(api, user_id, cursor)[0] == []


@pytest.mark.parametrize("cursor", [
    "not a cursor!",
    cursor_for("v2:5"),
    cursor_for("v1:-1"),
    cursor_for("v1:abc"),
    cursor_for("5"),
    cursor_for("v1:999999"),  # beyond the feed's head: e.g. a server restored from a backup
], ids=["garbage", "other-version", "negative", "not-a-number", "bare-number", "ahead-of-head"])
def test_invalid_cursor_is_refused(api, cursor):
    """A cursor this server did not issue answers 400 invalid_cursor (no silent skipping of changes)."""
    resp = pull(api, "u-s01", cursor)
    assert resp.status_code == 400
    assert resp.json()["code"] == "invalid_cursor"
    assert resp.json()["message"]


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_pull_limit_out_of_range_is_a_validation_error(api, limit):
    """A page size outside 1..1000 answers 422 naming the limit parameter."""
    resp = pull(api, "u-s01", limit=limit)
    assert resp.status_code == 422
    assert resp.json()["code"] == "validation_error"
    assert "limit" in resp.json()["message"]
