"""The change feed's order is commit order, so a pull never passes a change that commits late."""

import threading
from datetime import UTC, datetime
from uuid import uuid4

from backend_stub import db
from backend_stub.services.changes import emit, flush
from tests.test_api_push import bearer, mutation, note_add, push


def _write_change(engine, entity_id: str, committed: threading.Event) -> None:
    with engine.begin() as conn:
        emit(conn, "note", entity_id, {"body": entity_id}, audience="all")
        conn.execute(db.device_state.insert().values(device_id=entity_id, last_seq=1,
                                                     updated_at=datetime.now(UTC)))
        flush(conn)  # its change rows written before it commits
    committed.set()


def test_a_push_writing_changes_waits_for_an_earlier_uncommitted_push(api):
    """While one push has written its change rows but not committed, a second push's changes
    wait for it: otherwise the second commits a later position first, a pull moves its
    cursor past the first push's row, and that device never receives the first change
    (before: on PostgreSQL an explicit flush, as a push did, skipped the feed's lock)."""
    engine = api.engine
    first = engine.connect()
    tx = first.begin()
    emit(first, "note", "nt-first", {"body": "first"}, audience="all")
    flush(first)
    second_done = threading.Event()
    second = threading.Thread(target=_write_change, args=(engine, "nt-second", second_done))
    second.start()
    waited = not second_done.wait(1.5)
    tx.commit()
    first.close()
    second.join(30)
    assert waited, "the second push committed its change while the first was still open"
    assert second_done.is_set()


def test_a_push_waits_for_an_earlier_uncommitted_feed_writer(api):
    """A push's change rows take the feed's turn too: while another transaction has written
    change rows and not committed, a push is not answered; it is once that commits."""
    bearer(api, "u-s01", "dev-feed-0001")  # the session exists before the feed is held
    first = api.engine.connect()
    tx = first.begin()
    emit(first, "note", "nt-open", {"body": "open"}, audience="all")
    flush(first)
    answers: list[int] = []
    note = note_add(f"nt-{uuid4().hex}")
    pusher = threading.Thread(target=lambda: answers.append(
        push(api, "u-s01", [mutation(1, "note.add", note)], device_id="dev-feed-0001").status_code))
    pusher.start()
    pusher.join(1.5)
    answered_early = bool(answers)
    tx.commit()
    first.close()
    pusher.join(30)
    assert not answered_early, "the push was answered while an earlier feed writer was open"
    assert answers == [200]
