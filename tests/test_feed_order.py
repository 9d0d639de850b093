"""The change feed's order is commit order, so a pull never passes a change that commits late."""

import threading
from datetime import UTC, datetime

from backend_stub import db
from backend_stub.services.changes import emit, flush


def _write_change(engine, entity_id: str, committed: threading.Event) -> None:
    with engine.begin() as conn:
        emit(conn, "note", entity_id, {"body": entity_id}, audience="all")
        conn.execute(db.device_state.insert().values(device_id=entity_id, last_seq=1,
                                                     updated_at=datetime.now(UTC)))
        flush(conn)  # as a push does: its change rows are written before its device state
    committed.set()


def test_a_push_writing_changes_waits_for_an_earlier_uncommitted_push(api):
    """While one push has written its change rows but not committed, a second push's changes
    wait for it: otherwise the second commits a later position first, a pull moves its
    cursor past the first push's row, and that device never receives the first change
    (before: on PostgreSQL a push's explicit flush skipped the feed's lock)."""
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
