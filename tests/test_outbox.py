"""Transactional outbox: one action = one local transaction of record + outbox row."""

import pytest

from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role
from app.protocol import ItemResult, ItemStatus
from app.store import Actions, DeviceStore
from app.store import outbox

STAFF = Actor("u-s01", Role.STAFF, frozenset({"st-cwb"}))


@pytest.fixture
def actions(device: DeviceStore) -> Actions:
    return Actions(device, device.clock, STAFF)


def test_action_writes_record_and_numbered_outbox_row(device, actions):
    """Adding a note shows it locally at once and queues mutation number 1, 2, ..."""
    first = actions.add_note("st-cwb", "Shutter sticks")
    actions.add_note("st-cwb", "Second")
    with device.reading() as db:
        assert db["notes"].get(first)["sync_state"] == "pending"
        rows = list(db.query("SELECT seq, type, status FROM outbox ORDER BY seq"))
        assert rows == [{"seq": 1, "type": "note.add", "status": "pending"},
                        {"seq": 2, "type": "note.add", "status": "pending"}]
        assert outbox.waiting_count(db) == 2


def test_crash_inside_an_action_leaves_neither_row(device):
    """If the app dies between the record and the outbox row, neither is kept."""
    with pytest.raises(RuntimeError), device.transaction() as db:
        db["notes"].insert({"id": "n-half", "store_id": "st-cwb", "author_id": "u-s01",
                            "body": "x", "created_at": "now"})
        raise RuntimeError("killed")
    with device.reading() as db:
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
        assert outbox.waiting_count(db) == 0


def test_action_survives_reopening_the_database(tmp_path):
    """A queued action is still there after the app is killed and restarted."""
    store = DeviceStore(tmp_path / "d.db")
    Actions(store, store.clock, STAFF).add_note("st-cwb", "before crash")
    device_id = store.device_id
    store.db.conn.close()  # no clean shutdown
    again = DeviceStore(tmp_path / "d.db")
    assert again.device_id == device_id
    with again.reading() as db:
        assert outbox.waiting_count(db) == 1
    again.close()


def test_device_rules_checked_before_writing(device, actions):
    """A note for a store the user does not work at is refused on the device, nothing queued."""
    with pytest.raises(AccessDenied):
        actions.add_note("st-mk", "not my store")
    with pytest.raises(AccessDenied):
        actions.create_broadcast(["st-cwb"], "Hi", "staff cannot broadcast")
    with device.reading() as db:
        assert outbox.waiting_count(db) == 0


def test_results_settle_rows_and_rejections_are_kept(device, actions):
    """Applied actions leave the queue; a rejected one is kept with its reason, never resent as
    itself, and its local effect is undone (the broadcast shows as unread again)."""
    note = actions.add_note("st-cwb", "ok")
    actions.mark_broadcast_read("bc-0001")
    with device.reading() as db:
        batch = outbox.pending(db, 10)
    results = [
        ItemResult(seq=batch[0].seq, idempotency_key=batch[0].idempotency_key, status=ItemStatus.APPLIED),
        ItemResult(seq=batch[1].seq, idempotency_key=batch[1].idempotency_key,
                   status=ItemStatus.REJECTED, reason="not_found", message="gone"),
    ]
    with device.transaction() as db:
        outbox.record_results(db, results)
    with device.reading() as db:
        assert outbox.waiting_count(db) == 0
        assert outbox.pending(db, 10) == []
        assert db["notes"].get(note)["sync_state"] == "synced"
        [rej] = outbox.rejected(db)
        assert (rej["type"], rej["reason"], rej["message"]) == ("broadcast.read", "not_found", "gone")
        assert db.execute("SELECT count(*) FROM broadcast_reads").fetchone()[0] == 0


def test_marking_a_broadcast_read_twice_queues_once(device, actions):
    """Tapping 'mark as read' twice sends one read receipt."""
    assert actions.mark_broadcast_read("bc-0001") == 1
    assert actions.mark_broadcast_read("bc-0001") == 0
    with device.reading() as db:
        assert outbox.waiting_count(db) == 1


def test_many_actions_keep_their_order(device, actions):
    """200 actions in a row are numbered 1..200 with no gap, in the order they were made."""
    for i in range(200):
        actions.add_note("st-cwb", f"n{i}")
    with device.reading() as db:
        seqs = [r[0] for r in db.execute("SELECT seq FROM outbox ORDER BY seq")]
    assert seqs == list(range(1, 201))


def test_action_discarded_while_on_its_way_is_shown_as_the_server_holds_it(device, actions):
    """Discarded while its push was in flight, then answered "applied": it counts as done and
    the device pulls everything again, so the note the server holds comes back."""
    actions.add_note("st-cwb", "in flight")
    with device.reading() as db:
        [sent] = outbox.pending(db, 10)
    device.set_meta("pull_cursor", "cursor-after-page-9")
    with device.transaction() as db:
        assert outbox.discard_pending(db) == 1
        outbox.record_results(db, [ItemResult(seq=sent.seq, idempotency_key=sent.idempotency_key,
                                              status=ItemStatus.APPLIED)])
    with device.reading() as db:
        assert db.execute("SELECT status FROM outbox").fetchone()[0] == "done"
        assert outbox.pending(db, 10) == []
    assert device.get_meta("pull_cursor") == ""


def test_discarded_and_refused_actions_go_out_as_voids_in_their_place(device, actions):
    """Given-up actions keep their numbers: they are sent as no-effect voids, in order."""
    actions.add_note("st-cwb", "a")
    actions.add_note("st-cwb", "b")
    actions.add_note("st-cwb", "c")
    with device.transaction() as db:
        outbox.refuse(db, [2], "unsupported_media_type", "GIF")
    with device.reading() as db:
        batch = outbox.pending(db, 10)
        assert [(m.seq, m.type) for m in batch] == [(1, "note.add"), (2, "mutation.void"), (3, "note.add")]
        assert batch[1].payload == {} and str(batch[1].idempotency_key) == outbox.void_key(
            db.execute("SELECT idempotency_key FROM outbox WHERE seq=2").fetchone()[0])
        assert outbox.waiting_count(db) == 2
        assert db.execute("SELECT body FROM notes ORDER BY body").fetchall() == [("a",), ("c",)]


def test_unanswered_rows_between_answered_ones_go_out_in_consecutive_batches(device, actions):
    """An older app version left a discarded row unanswered between answered ones: batches stay
    consecutive (the server refuses any other), so sync is never stuck on it."""
    for body in ("a", "b", "c", "d"):
        actions.add_note("st-cwb", body)
    with device.transaction() as db:  # what the old 'Log out anyway' and resend path left behind
        db.execute("UPDATE outbox SET status='done', acked_at='2026-11-01' WHERE seq IN (1, 3)")
        db.execute("UPDATE outbox SET status='discarded' WHERE seq=2")
    with device.reading() as db:
        assert [(m.seq, m.type) for m in outbox.pending(db, 10)] == [(2, "mutation.void")]
        assert [m.seq for m in outbox.pending(db, 10, from_seq=1)] == [1, 2, 3, 4]
