"""The change feed never loses a change that commits late: a pull stops short of positions
still in flight, so a cursor never passes a change that is not committed yet."""

import threading
from datetime import UTC, datetime
from uuid import uuid4

from backend_stub import db
from backend_stub.services.changes import emit, flush
from tests.test_api_push import bearer, mutation, note_add, push

PULLER = "dev-feed-pull"


def _write_change(engine, entity_id: str, committed: threading.Event) -> None:
    with engine.begin() as conn:
        emit(conn, "note", entity_id, {"body": entity_id}, audience="all")
        conn.execute(db.device_state.insert().values(device_id=entity_id, last_seq=1,
                                                     updated_at=datetime.now(UTC)))
        flush(conn)  # its change rows written before it commits
    committed.set()


def _pull(api, cursor: str) -> tuple[list[str], str]:
    resp = api.get("/v1/sync/pull", params={"cursor": cursor, "limit": 500},
                   headers=bearer(api, "u-s01", PULLER))
    assert resp.status_code == 200, resp.text
    return [c["id"] for c in resp.json()["changes"]], resp.json()["cursor"]


def _open_feed_writer(engine, entity_id: str):
    """A transaction that has written its change row and not committed yet."""
    conn = engine.connect()
    tx = conn.begin()
    emit(conn, "note", entity_id, {"body": entity_id}, audience="all")
    flush(conn)
    return conn, tx


def test_a_pull_never_passes_a_change_that_commits_after_a_later_one(api, backend):
    """A writer takes its feed position, then a second writer takes a later one and commits
    first (PostgreSQL; on SQLite writers run one at a time, so the second waits). A pull in
    between does not move its cursor past the open writer's position, and the next pull
    delivers both changes, each once (a pull that passed it would never deliver it)."""
    _, start = _pull(api, "")  # the session exists and the cursor is at the head
    first, tx = _open_feed_writer(api.engine, "nt-first")
    second_done = threading.Event()
    second = threading.Thread(target=_write_change, args=(api.engine, "nt-second", second_done))
    second.start()
    second_done.wait(1.5)
    seen, cursor = _pull(api, start)
    tx.commit()
    first.close()
    second.join(30)
    later, _ = _pull(api, cursor)
    assert "nt-first" not in seen
    assert sorted(seen + later) == ["nt-first", "nt-second"]


def test_feed_writers_do_not_wait_for_each_other_on_postgresql(api, backend):
    """While one transaction has written change rows and not committed, a second writer's
    changes commit at once on PostgreSQL (before: every feed writer queued behind the open
    one through its commit, which put every push's disk flush in one line). SQLite runs its
    writers one at a time by design, so there the second waits."""
    first, tx = _open_feed_writer(api.engine, "nt-open")
    second_done = threading.Event()
    second = threading.Thread(target=_write_change, args=(api.engine, "nt-later", second_done))
    second.start()
    committed_meanwhile = second_done.wait(5 if backend == "postgresql" else 1.5)
    tx.commit()
    first.close()
    second.join(30)
    assert second_done.is_set()
    assert committed_meanwhile == (backend == "postgresql")


def test_a_push_is_answered_while_another_feed_writer_is_open_and_no_pull_skips_either(api, backend):
    """A push whose notes enter the feed is answered while an earlier feed writer is still
    open (PostgreSQL; SQLite answers once that writer commits), and pulls around it deliver
    the open writer's change and the push's note, each once."""
    bearer(api, "u-s01", "dev-feed-0001")  # sessions exist before the feed writer opens
    _, start = _pull(api, "")
    first, tx = _open_feed_writer(api.engine, "nt-open")
    answers: list[int] = []
    note_id = f"nt-{uuid4().hex}"
    pusher = threading.Thread(target=lambda: answers.append(
        push(api, "u-s01", [mutation(1, "note.add", note_add(note_id))], device_id="dev-feed-0001").status_code))
    pusher.start()
    pusher.join(5 if backend == "postgresql" else 1.5)
    answered_meanwhile = bool(answers)
    seen, cursor = _pull(api, start)
    tx.commit()
    first.close()
    pusher.join(30)
    later, _ = _pull(api, cursor)
    assert answers == [200]
    assert answered_meanwhile == (backend == "postgresql")
    assert "nt-open" not in seen
    assert sorted(seen + later) == sorted(["nt-open", note_id])
