"""API push (/v1/sync/push): per-mutation results, exactly-once, sequence gaps, permissions, clocks."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from backend_stub import db
from tests.tokens import session_bearer

DEVICE = "dev-push-0001"
BOOT = "boot-a"
SENT_MONO = 50_000_000


def bearer(api, user_id: str, device_id: str = DEVICE) -> dict[str, str]:
    """An access token exactly as /auth/login issues it (login is pinned in test_api_auth)."""
    return session_bearer(api, user_id, device_id)


def mutation(seq: int, type_: str, payload: dict, *, age_s: float = 5.0, device_time=None,
             boot: str = BOOT, key: str | None = None) -> dict:
    """An action taken ``age_s`` seconds before the push (monotonic clock of ``boot``)."""
    when = device_time or datetime.now(UTC) - timedelta(seconds=age_s)
    return {"seq": seq, "idempotency_key": key or str(uuid4()), "type": type_, "payload": payload,
            "clock": {"device_time": when.isoformat(), "monotonic_ms": SENT_MONO - int(age_s * 1000),
                      "boot_id": boot}}


def push(api, user_id: str, mutations: list[dict], *, device_id: str = DEVICE,
         body_device_id: str | None = None, sent_time=None, boot: str = BOOT):
    body = {"device_id": body_device_id or device_id,
            "sent": {"device_time": (sent_time or datetime.now(UTC)).isoformat(),
                     "monotonic_ms": SENT_MONO, "boot_id": boot},
            "mutations": mutations}
    return api.post("/v1/sync/push", json=body, headers=bearer(api, user_id, device_id))


def note_add(note_id: str, user_id: str = "u-s01", store_id: str = "st-cwb", body: str = "Till 2 short of coins"):
    return {"note_id": note_id, "user_id": user_id, "store_id": store_id, "body": body}


def count(api, table, *where) -> int:
    with api.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def table_counts(api) -> dict[str, int]:
    counts = {t.name: count(api, t) for t in (db.notes, db.broadcasts, db.broadcast_stores,
                                              db.broadcast_reads, db.mutations, db.changes)}
    counts["tasks done"] = count(api, db.tasks, db.tasks.c.status == "done")
    return counts


def pull_all(api, user_id: str) -> list[dict]:
    resp = api.get("/v1/sync/pull", params={"limit": 1000}, headers=bearer(api, user_id, "dev-pull-0001"))
    assert resp.status_code == 200 and not resp.json()["has_more"]
    return resp.json()["changes"]


def test_results_keep_batch_order_with_reason_code_and_message(api):
    """Each mutation gets its own result, in batch order: applied, or rejected with a code and message."""
    now = datetime.now(UTC).isoformat()
    batch = [
        mutation(1, "note.add", note_add("n-1")),
        mutation(2, "note.add", note_add("n-2", user_id="u-s02")),
        mutation(3, "task.complete", {"task_id": "tk-0001", "user_id": "u-s01", "completed_at": now}),
        mutation(4, "note.add", {"note_id": "n-4", "user_id": "u-s01"}),
        mutation(5, "task.complete", {"task_id": "tk-0001", "user_id": "u-s01", "completed_at": now}),
        mutation(6, "note.add", note_add("n-6", store_id="st-mk")),
    ]
    resp = push(api, "u-s01", batch)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    results = body["results"]
    assert [r["seq"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert [r["idempotency_key"] for r in results] == [m["idempotency_key"] for m in batch]
    assert [(r["status"], r["reason"]) for r in results] == [
        ("applied", None),
        ("rejected", "not_your_record"),
        ("applied", None),
        ("rejected", "invalid_payload"),
        ("rejected", "task_not_open"),  # issue 12, taskboard: already sent for review
        ("rejected", "forbidden_role"),
    ]
    for r in results:
        assert (r["message"] is None) == (r["status"] == "applied")
    assert "store_id" in results[3]["message"]
    assert body["last_applied_seq"] == 6
    with api.engine.connect() as conn:
        assert conn.execute(select(db.notes.c.id)).scalars().all() == ["n-1"]
        task = conn.execute(select(db.tasks).where(db.tasks.c.id == "tk-0001")).mappings().one()
        recorded = conn.execute(select(db.mutations.c.seq, db.mutations.c.status, db.mutations.c.reason)
                                .order_by(db.mutations.c.seq)).all()
    assert task["status"] == "waiting_review" and task["completed_by"] == "u-s01"
    assert [tuple(r) for r in recorded] == [(r["seq"], r["status"], r["reason"]) for r in results]


def test_unknown_mutation_type_is_rejected_while_rest_of_batch_applies(api):
    """An action type the server does not know is rejected on its own; the others still apply."""
    resp = push(api, "u-s01", [
        mutation(1, "note.add", note_add("n-a")),
        mutation(2, "shift.swap", {"shift_id": "sh-0001"}),
        mutation(3, "note.add", note_add("n-b")),
    ])
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["reason"] == "unknown_mutation_type"
    assert "shift.swap" in results[1]["message"]
    assert count(api, db.notes) == 2


def test_replayed_batch_answers_duplicate_and_applies_nothing_twice(api):
    """Sending the same batch again answers duplicate with the original outcome and changes nothing."""
    batch = [
        mutation(1, "note.add", note_add("n-1")),
        mutation(2, "broadcast.read", {"broadcast_id": "bc-0003", "user_id": "u-s01",
                                       "read_at": datetime.now(UTC).isoformat()}),
        mutation(3, "broadcast.create", {"broadcast_id": "bc-x", "store_ids": ["st-cwb"], "title": "Hi"}),
    ]
    first = push(api, "u-s01", batch)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["applied", "applied", "rejected"]
    before = table_counts(api)

    again = push(api, "u-s01", batch)
    assert again.status_code == 200, again.text
    results = again.json()["results"]
    assert [r["status"] for r in results] == ["duplicate"] * 3
    assert [r["original_status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"] == "forbidden_role" and results[2]["message"]
    assert again.json()["last_applied_seq"] == 3
    assert table_counts(api) == before
    assert count(api, db.notes, db.notes.c.id == "n-1") == 1
    assert count(api, db.broadcast_reads, db.broadcast_reads.c.user_id == "u-s01") == 1


def test_retry_overlapping_an_applied_batch_applies_only_the_new_actions(api):
    """A retry that overlaps what already arrived applies only the actions not seen before."""
    m1, m2, m3 = (mutation(i, "note.add", note_add(f"n-{i}")) for i in (1, 2, 3))
    assert push(api, "u-s01", [m1, m2]).status_code == 200
    resp = push(api, "u-s01", [m2, m3])
    assert resp.status_code == 200, resp.text
    assert [(r["seq"], r["status"]) for r in resp.json()["results"]] == [(2, "duplicate"), (3, "applied")]
    assert resp.json()["last_applied_seq"] == 3
    assert count(api, db.notes) == 3
    assert count(api, db.mutations) == 3


def test_batch_after_a_gap_is_refused_and_nothing_applied(api):
    """A batch that starts after a gap answers 409 sequence_gap naming the expected number; nothing applies."""
    resp = push(api, "u-s01", [mutation(3, "note.add", note_add("n-3"))])
    assert resp.status_code == 409
    body = resp.json()
    assert body["code"] == "sequence_gap"
    assert body["details"]["expected_seq"] == 1
    assert count(api, db.notes) == 0
    assert count(api, db.mutations) == 0
    assert count(api, db.device_state) == 0

    assert push(api, "u-s01", [mutation(1, "note.add", note_add("n-1")),
                               mutation(2, "note.add", note_add("n-2"))]).status_code == 200
    resp = push(api, "u-s01", [mutation(5, "note.add", note_add("n-5")),
                               mutation(6, "note.add", note_add("n-6"))])
    assert resp.status_code == 409
    assert resp.json()["details"]["expected_seq"] == 3
    assert count(api, db.notes) == 2


def test_reused_sequence_number_with_another_key_is_never_applied(api):
    """A device reusing an action number for a different action gets seq_reused, not a silent overwrite."""
    assert push(api, "u-s01", [mutation(1, "note.add", note_add("n-1"))]).status_code == 200
    resp = push(api, "u-s01", [mutation(1, "note.add", note_add("n-other"))])
    assert resp.status_code == 200
    result = resp.json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "seq_reused")
    assert count(api, db.notes, db.notes.c.id == "n-other") == 0


def test_another_accounts_idempotency_key_is_refused_without_its_outcome(api):
    """A key already recorded for another person is rejected (conflict) on its own: the other
    person's outcome and message are not answered, nothing is applied, and the rest applies."""
    key = str(uuid4())
    refused = push(api, "u-s01", [mutation(1, "broadcast.create",
                                           {"broadcast_id": "bc-x", "store_ids": ["st-cwb"], "title": "Hi"}, key=key)])
    assert refused.json()["results"][0]["reason"] == "forbidden_role"
    resp = push(api, "u-s02", [mutation(1, "note.add", note_add("n-copied", user_id="u-s02"), key=key),
                               mutation(2, "note.add", note_add("n-own", user_id="u-s02"))],
                device_id="dev-push-0002")
    assert resp.status_code == 200, resp.text
    first, second = resp.json()["results"]
    assert (first["status"], first["reason"]) == ("rejected", "conflict")
    assert "forbidden" not in (first["message"] or "") and first.get("original_status") is None
    assert second["status"] == "applied"
    assert count(api, db.notes, db.notes.c.id == "n-copied") == 0
    assert count(api, db.notes, db.notes.c.id == "n-own") == 1
    again = push(api, "u-s01", [mutation(1, "broadcast.create",
                                         {"broadcast_id": "bc-x", "store_ids": ["st-cwb"], "title": "Hi"}, key=key)])
    assert again.json()["results"][0]["status"] == "duplicate"  # the owner still gets their own outcome


@pytest.mark.parametrize(("type_", "payload"), [
    ("note.add", note_add("n-spoof", user_id="u-s02")),
    ("broadcast.read", {"broadcast_id": "bc-0003", "user_id": "u-s02", "read_at": "2026-01-05T09:00:00+08:00"}),
    ("task.complete", {"task_id": "tk-0002", "user_id": "u-s02", "completed_at": "2026-01-05T09:00:00+08:00"}),
], ids=["note.add", "broadcast.read", "task.complete"])
def test_staff_cannot_act_for_another_person(api, type_, payload):
    """A staff member pushing a record in a colleague's name is rejected with not_your_record."""
    resp = push(api, "u-s01", [mutation(1, type_, payload)])
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "not_your_record")
    assert result["message"]
    assert count(api, db.notes) == 0
    assert count(api, db.broadcast_reads) == 0
    assert count(api, db.tasks, db.tasks.c.status == "done") == 0


def test_staff_cannot_create_a_broadcast(api):
    """A staff member creating a broadcast is rejected with forbidden_role and nothing is sent."""
    before = count(api, db.broadcasts)
    resp = push(api, "u-s01", [mutation(1, "broadcast.create", {
        "broadcast_id": "bc-staff", "store_ids": ["st-cwb"], "title": "Free pizza"})])
    result = resp.json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "forbidden_role")
    assert count(api, db.broadcasts) == before
    assert all(c["id"] != "bc-staff" for c in pull_all(api, "u-s02"))


def test_manager_broadcast_reaches_own_store_staff_only(api):
    """A store manager's broadcast to their store applies and is pulled by that store's staff, not another's."""
    resp = push(api, "u-sm-cwb", [
        mutation(1, "broadcast.create", {"broadcast_id": "bc-new", "store_ids": ["st-cwb"],
                                         "title": "Early opening Saturday", "body": "Doors at 9."}),
        mutation(2, "broadcast.create", {"broadcast_id": "bc-mk", "store_ids": ["st-mk"], "title": "Hi MK"}),
    ], device_id="dev-mgr-0001")
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert results[0]["status"] == "applied"
    assert (results[1]["status"], results[1]["reason"]) == ("rejected", "forbidden_role")

    seen = [c for c in pull_all(api, "u-s01") if c["entity"] == "broadcast" and c["id"] == "bc-new"]
    assert len(seen) == 1
    assert seen[0]["data"]["title"] == "Early opening Saturday"
    assert seen[0]["data"]["author_id"] == "u-sm-cwb"
    assert seen[0]["data"]["store_ids"] == ["st-cwb"]
    for other in ("u-s03", "u-s05"):  # Mong Kok and Tsim Sha Tsui staff
        assert all(c["id"] not in ("bc-new", "bc-mk") for c in pull_all(api, other))


def test_body_device_other_than_tokens_device_is_forbidden(api):
    """A push naming another device than the one the token was issued to is refused (403 device_mismatch)."""
    resp = push(api, "u-s01", [mutation(1, "note.add", note_add("n-1"))], body_device_id="dev-other-0002")
    assert resp.status_code == 403
    assert resp.json()["code"] == "device_mismatch"
    assert count(api, db.notes) == 0
    assert count(api, db.mutations) == 0


@pytest.mark.parametrize(("event_boot", "event_wall_offset", "sent_wall_offset", "drift"), [
    # Same boot: the monotonic clock says 30 s ago, whatever the wall clock says.
    (BOOT, timedelta(0), timedelta(0), False),
    (BOOT, timedelta(minutes=-10), timedelta(0), True),      # wall clock was set back after the event
    (BOOT, timedelta(hours=1), timedelta(hours=1), True),     # phone an hour fast all along
    (BOOT, timedelta(seconds=90), timedelta(seconds=90), False),  # within the 2 minute tolerance
    # Rebooted since the event: only the push's own wall time shows the skew.
    ("boot-old", timedelta(0), timedelta(0), False),
    ("boot-old", timedelta(minutes=5), timedelta(minutes=5), True),
    ("boot-old", timedelta(minutes=-3), timedelta(minutes=-3), True),
], ids=["mono-ok", "mono-set-back", "mono-hour-fast", "mono-90s", "skew-ok", "skew-5min-fast", "skew-3min-slow"])
def test_event_with_device_clock_off_by_over_two_minutes_is_flagged(api, event_boot, event_wall_offset,
                                                                     sent_wall_offset, drift):
    """An action whose device clock is off by more than 2 minutes is applied but flagged clock_drift."""
    now = datetime.now(UTC)
    event = mutation(1, "note.add", note_add("n-1"), age_s=30,
                     device_time=now - timedelta(seconds=30) + event_wall_offset, boot=event_boot)
    resp = push(api, "u-s01", [event], sent_time=now + sent_wall_offset)
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert result["status"] == "applied"
    assert result["flags"] == (["clock_drift"] if drift else [])
    with api.engine.connect() as conn:
        flags = conn.execute(select(db.mutations.c.flags)).scalar_one()
        created = conn.execute(select(db.notes.c.created_at)).scalar_one().replace(tzinfo=UTC)
    assert json.loads(flags) == result["flags"]
    # The note is dated by the server's estimate, not by the wrong device clock.
    assert abs(created - (now - timedelta(seconds=30))) < timedelta(seconds=20)
    # A replay reports the flag the first push recorded.
    assert push(api, "u-s01", [event], sent_time=now + sent_wall_offset).json()["results"][0]["flags"] \
        == result["flags"]


def test_a_record_id_used_twice_is_a_per_item_conflict(api):
    """A second note with an existing id is refused as a conflict; the rest of the batch applies."""
    res = push(api, "u-s01", [mutation(1, "note.add", note_add("nt-same")),
                              mutation(2, "note.add", note_add("nt-same", body="again")),
                              mutation(3, "note.add", note_add("nt-other"))]).json()["results"]
    assert [r["status"] for r in res] == ["applied", "rejected", "applied"]
    assert res[1]["reason"] == "conflict"
    with api.engine.connect() as conn:
        bodies = [r[0] for r in conn.execute(select(db.notes.c.body).where(db.notes.c.id == "nt-same"))]
    assert bodies == ["Till 2 short of coins"]
