"""Shared parts of the targeted fault scenarios: a phone, a fresh server, the convergence check.

A scenario breaks something on purpose (restores an old server database, kills the client
or the server at a chosen point), lets the phone sync again, then calls
:func:`assert_converged`: every action the person made is on the server exactly once or
shown to them as rejected with a reason, and the phone shows what the server holds.
"""

from pathlib import Path

import pytest

from app.domain.roles import Actor, Role
from app.store import Actions, DeviceStore
from app.sync import ApiClient, AuthRequired, SyncEngine, SyncError
from tests.conftest import seeded_copy_source
from tests.servers import ApiServer, server_rows

STAFF_NO, PIN, STORE = "S3001", "1111", "st-cwb"  # seeded: a Causeway Bay staff member


def seeded_server(data_dir: Path, template: Path, env: dict | None = None) -> ApiServer:
    """A real API on a copy of the seeded chain, either backend (no seeding at start: argon2 is slow)."""
    return ApiServer.on_copy(data_dir, seeded_copy_source(template), env).start()


class Phone:
    """One device: its own database, signed in as one staff member."""

    def __init__(self, path: Path, server: ApiServer, staff_no: str = STAFF_NO, pin: str = PIN) -> None:
        self.path, self.server, self.credentials = path, server, (staff_no, pin)
        self.store = DeviceStore(path)
        if self.store.load_session()[0] is None:
            self.client().login(staff_no, pin)
        self.sign_ins = 1

    def client(self) -> ApiClient:
        def keep(tokens) -> None:
            self.store.save_session(tokens.user.model_dump(mode="json"), tokens.refresh_token)
        api = ApiClient(self.server.url, self.store.device_id, on_tokens=keep,
                        on_offset=self.store.set_clock_offset, timeout=10)
        api.refresh_token = self.store.load_session()[1]
        return api

    def actions(self) -> Actions:
        user, _ = self.store.load_session()
        return Actions(self.store, self.store.clock,
                       Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"])))

    def add_notes(self, count: int, label: str = "note") -> list[str]:
        return [self.actions().add_note(STORE, f"{label} {i}") for i in range(count)]

    def spoof_note(self) -> str:
        """An action the server must refuse (a note in the head office admin's name)."""
        note_id = f"nt-spoof-{len(self.outbox())}"
        self.actions().raw("note.add", {"note_id": note_id, "user_id": "u-hq", "body": "spoof",
                                        "store_id": STORE}, f"note:{note_id}")
        return note_id

    def engine(self, **kw) -> SyncEngine:
        return SyncEngine(self.store, self.client(), sleep=lambda s: None, **kw)

    def sync(self, rounds: int = 3, **kw):
        """Sync until nothing waits (a few rounds, as the app's loop would)."""
        error = None
        for _ in range(rounds):
            try:
                report = self.engine(**kw).sync_once()
            except AuthRequired as exc:  # the app shows the login screen; the person signs in
                error = exc
                self.client().login(*self.credentials)
                self.sign_ins += 1
                continue
            except SyncError as exc:
                error = exc
                continue
            if report.waiting == 0:
                return report
        raise AssertionError(f"the phone could not finish syncing in {rounds} rounds: {error!r}")

    def outbox(self) -> list[dict]:
        with self.store.reading() as db:
            return list(db.query("SELECT seq, idempotency_key, type, payload, status, reason FROM outbox"
                                 " ORDER BY seq"))

    def notes(self) -> dict[str, str]:
        with self.store.reading() as db:
            return {r["id"]: r["body"] for r in db.query("SELECT id, body FROM notes WHERE store_id=?", [STORE])}

    def close(self) -> None:
        self.store.close()


def server_note_ids(server: ApiServer) -> set[str]:
    """The ids of every note the server holds."""
    return {note_id for (note_id,) in server_rows(server, "SELECT id FROM notes")}


def assert_converged(phone: Phone, expected_notes: list[str], refused: list[str] = ()) -> None:
    """Nothing lost, nothing doubled, nothing hidden: the invariant every scenario ends on."""
    rows = phone.outbox()
    assert [r for r in rows if r["status"] == "pending"] == [], "actions still wait to sync"
    recorded = server_rows(phone.server, "SELECT idempotency_key, status, count(*) FROM mutations"
                                         " WHERE device_id = :device GROUP BY idempotency_key, status",
                           {"device": phone.store.device_id})
    on_server = {key: status for key, status, _ in recorded}
    for row in rows:
        if row["status"] == "rejected":
            assert row["reason"], f"action {row['seq']} is shown as rejected without a reason"
        else:
            assert on_server.get(row["idempotency_key"]) == "applied", \
                f"action {row['seq']} is 'done' on the phone but {on_server.get(row['idempotency_key'])!r} on the server"
    assert {r["seq"] for r in rows if r["status"] == "rejected"} == \
        {r["seq"] for r in rows if any(n in r["payload"] for n in refused)}, "the wrong actions were refused"
    counts = dict(server_rows(phone.server, "SELECT id, count(*) FROM notes WHERE store_id = :store GROUP BY id",
                              {"store": STORE}))
    for note_id in expected_notes:
        assert counts.get(note_id) == 1, f"note {note_id} is on the server {counts.get(note_id, 0)} times"
    for note_id in refused:
        assert note_id not in counts, f"refused note {note_id} reached the server"
    server_notes = dict(server_rows(phone.server, "SELECT id, body FROM notes WHERE store_id = :store",
                                    {"store": STORE}))
    shown = phone.notes()
    assert shown == server_notes, ("the phone does not show what the server holds: only on the phone "
                                   f"{sorted(shown.items() - server_notes.items())}, only on the server "
                                   f"{sorted(server_notes.items() - shown.items())}")
    last = server_rows(phone.server, "SELECT last_seq FROM device_state WHERE device_id = :device",
                       {"device": phone.store.device_id})
    assert (last[0][0] if last else 0) == max((r["seq"] for r in rows), default=0), \
        "the server's mutation count disagrees"


@pytest.fixture
def two_phones(tmp_path, seeded_template):
    """A server on a copy of the demo chain; a phone (S3001) and a colleague's (S3002), one store."""
    server = seeded_server(tmp_path / "server", seeded_template)
    phones = [Phone(tmp_path / "phone.db", server), Phone(tmp_path / "colleague.db", server, "S3002", "2222")]
    yield server, *phones
    for phone in phones:
        phone.close()
    server.stop()
