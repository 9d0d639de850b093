"""Mutation numbers against a real API: discarded actions never arrive, and the
``sequence_gap`` -> resend from ``expected_seq`` path heals a server that lost actions."""

import pytest

from app.domain.roles import Actor, Role
from app.protocol import PushRequest
from app.store import Actions, DeviceStore
from app.store import outbox
from app.sync import ApiClient, NetworkError, RequestRejected, SyncEngine
from tests.conftest import login
from tests.servers import server_rows


def _actor(store: DeviceStore) -> Actor:
    user, _ = store.load_session()
    return Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))


def _server_notes(server) -> set[str]:
    return {r[0] for r in server_rows(server, "SELECT body FROM notes")}


def _server_mutations(server, device_id: str) -> list[tuple[int, str, str]]:
    return server_rows(server, "SELECT seq, type, status FROM mutations WHERE device_id = :device ORDER BY seq",
                       {"device": device_id})


def _offline(api: ApiClient, store: DeviceStore) -> SyncEngine:
    """An engine whose pushes cannot reach the server (nothing listens on port 9)."""
    dead = ApiClient("http://127.0.0.1:9", store.device_id)
    dead.access_token, dead.refresh_token = api.access_token, api.refresh_token
    return SyncEngine(store, dead, max_attempts=1, sleep=lambda s: None)


def test_discarded_action_never_reaches_the_server(server, device):
    """Logout anyway discards a waiting note: it is undone on the phone, never applied on the
    server, and the next actions on this phone still go through (no gap left behind)."""
    api = login(server.url, device, "S3001", "1111")
    actions = Actions(device, device.clock, _actor(device))
    actions.add_note("st-cwb", "sent before")
    SyncEngine(device, api).sync_once()
    discarded = actions.add_note("st-cwb", "discarded at logout")
    with pytest.raises(NetworkError):
        _offline(api, device).sync_once()
    with device.transaction() as db:
        assert outbox.discard_pending(db) == 1
    with device.reading() as db:
        assert db.execute("SELECT count(*) FROM notes WHERE id=?", [discarded]).fetchone()[0] == 0
        assert outbox.waiting_count(db) == 0

    api = login(server.url, device, "S3001", "1111")  # someone signs in again on this phone
    Actions(device, device.clock, _actor(device)).add_note("st-cwb", "after sign-in")
    report = SyncEngine(device, api).sync_once()

    assert report.applied == 1 and report.waiting == 0
    notes = _server_notes(server)
    assert "discarded at logout" not in notes and {"sent before", "after sign-in"} <= notes
    assert [t for _, t, _ in _server_mutations(server, device.device_id)] == [
        "note.add", "mutation.void", "note.add"]
    with device.reading() as db:
        assert db.execute("SELECT count(*) FROM notes WHERE id=?", [discarded]).fetchone()[0] == 0


def test_selfie_of_a_discarded_clock_in_is_never_uploaded(server, device):
    """A discarded clock-in's selfie (face data) never leaves the phone."""
    import hashlib

    from app.store import PunchActions

    api = login(server.url, device, "S3005", "5555")
    selfie = b"\xff\xd8\xff\xe0 discarded selfie"
    PunchActions(device, device.clock, _actor(device)).record_punch(
        kind="clock_in", store_id="st-tst", fix=None, method="face", selfie=selfie)
    with device.transaction() as db:
        outbox.discard_pending(db)
    report = SyncEngine(device, api).sync_once()
    assert report.photos == 0
    sha = hashlib.sha256(selfie).hexdigest()
    assert server_rows(server, "SELECT count(*) FROM photos WHERE sha256 = :sha", {"sha": sha}) == [(0,)]
    assert not (server.data_dir / "photos" / sha).exists()
    with device.reading() as db:
        assert db.execute("SELECT count(*) FROM photo_uploads").fetchone()[0] == 0
    assert not list((device.path.parent / "photos").iterdir())  # nor is it kept on the phone


def test_discarded_action_whose_request_arrives_late_is_not_applied(server, device):
    """A discarded action's request still in flight (a slow network) lands after the void: it
    is refused, never applied."""
    api = login(server.url, device, "S3002", "2222")
    actions = Actions(device, device.clock, _actor(device))
    actions.add_note("st-cwb", "late copy")
    with device.reading() as db:
        stale = PushRequest(device_id=device.device_id, sent=device.clock.stamp(),
                            mutations=outbox.pending(db, 10))
    with device.transaction() as db:
        outbox.discard_pending(db)
    SyncEngine(device, api).sync_once()
    late = api.push(stale)  # the old request finally arrives
    assert late.results[0].status == "rejected" and late.results[0].reason == "seq_reused"
    assert "late copy" not in _server_notes(server)


def test_discard_after_the_server_applied_shows_what_the_server_holds(server, device):
    """A waiting note the server had in fact applied (its answer was lost) and then discarded
    is shown again: the device never claims the server lacks what it holds."""
    api = login(server.url, device, "S3003", "3333")
    SyncEngine(device, api).sync_once()
    note = Actions(device, device.clock, _actor(device)).add_note("st-mk", "answer lost")
    with device.reading() as db:
        api.push(PushRequest(device_id=device.device_id, sent=device.clock.stamp(),
                             mutations=outbox.pending(db, 10)))  # applied; the device never hears
    with device.transaction() as db:
        outbox.discard_pending(db)
    SyncEngine(device, api).sync_once()
    with device.reading() as db:
        assert db.execute("SELECT body FROM notes WHERE id=?", [note]).fetchone() == ("answer lost",)
        assert db.execute("SELECT status FROM outbox").fetchone()[0] == "done"


@pytest.mark.parametrize("batch_size", [200, 2])
def test_server_restored_from_backup_gets_lost_actions_again(server, tmp_path, batch_size):
    """The server loses acknowledged actions (restored backup): the device's next push meets
    ``sequence_gap``, resends from ``expected_seq`` (in several batches too) and every action
    is on the server once; refused and discarded ones go back only as voids."""
    store = DeviceStore(tmp_path / "d.db")
    api = login(server.url, store, "S3001", "1111")
    actions = Actions(store, store.clock, _actor(store))
    engine = SyncEngine(store, api, batch_size=batch_size)
    actions.add_note("st-cwb", "one")
    engine.sync_once()
    backup = server.snapshot()  # taken within this test: the module's other tests lose nothing
    actions.add_note("st-cwb", "two")
    actions.raw("note.add", {"note_id": "nt-forged", "user_id": "u-s02", "store_id": "st-cwb",
                             "body": "forged"}, "note:nt-forged")
    actions.add_note("st-cwb", "three")
    engine.sync_once()
    actions.add_note("st-cwb", "discarded")
    with pytest.raises(NetworkError):
        _offline(api, store).sync_once()
    with store.transaction() as db:
        outbox.discard_pending(db)
    actions.add_note("st-cwb", "four")
    engine.sync_once()
    server.restore(backup)  # as an operator restoring a backup: stop, put back, start
    assert [s for s, _, _ in _server_mutations(server, store.device_id)] == [1]  # 2..6 are lost

    api = login(server.url, store, "S3001", "1111")  # sessions were lost with the backup
    actions.add_note("st-cwb", "five")
    report = SyncEngine(store, api, batch_size=batch_size).sync_once()

    assert report.waiting == 0
    assert _server_mutations(server, store.device_id) == [
        (1, "note.add", "applied"), (2, "note.add", "applied"), (3, "mutation.void", "applied"),
        (4, "note.add", "applied"), (5, "mutation.void", "applied"), (6, "note.add", "applied"),
        (7, "note.add", "applied")]
    notes = _server_notes(server)
    assert {"one", "two", "three", "four", "five"} <= notes
    assert not {"forged", "discarded"} & notes
    with store.reading() as db:
        statuses = [r[0] for r in db.execute("SELECT status FROM outbox ORDER BY seq")]
    assert statuses == ["done", "done", "rejected", "done", "discarded", "done", "done"]
    store.close()


def test_gap_the_device_cannot_fill_is_reported_not_looped(server, device):
    """A server expecting a number the device never had (its outbox was wiped) refuses the
    round with ``sequence_gap`` once, instead of resending forever."""
    api = login(server.url, device, "S3004", "4444")
    actions = Actions(device, device.clock, _actor(device))
    actions.add_note("st-mk", "a")
    with device.transaction() as db:  # as if this number had been pruned before the server saw it
        db.execute("UPDATE outbox SET seq=5")
    with pytest.raises(RequestRejected) as err:
        SyncEngine(device, api).sync_once()
    assert err.value.code == "sequence_gap" and err.value.details["expected_seq"] == 1
