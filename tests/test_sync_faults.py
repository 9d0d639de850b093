"""Seeded fault simulation: whatever the network and crashes do, every action lands once.

Each scenario drives a device against a real uvicorn API on 127.0.0.1 through a
transport that injects faults: request dropped, response dropped after the server
committed, duplicated delivery, reordered batches, a stale batch replayed later, the
server SIGKILLed mid-batch and restarted, and the client killed between its local write
and the push (or after sending, before recording the answer). After the faults stop, the
device drains its outbox; then the server must hold every accepted mutation exactly once,
and every action the user made is on the server or shown to them as rejected.

Scenarios: SHOPFLOOR_FAULT_SCENARIOS (default 1000); seed: SHOPFLOOR_FAULT_SEED. Faults at
chosen points (a restored server database, the client or the server killed at a given
statement) are in tests/test_fault_server_restore.py, test_fault_client_kill.py and
test_fault_server_kill.py.
"""

import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.domain.roles import Actor, Role
from app.store import Actions, DeviceStore
from app.store import outbox
from app.sync import ApiClient, SyncEngine, SyncError
from tests.servers import ApiServer

SCENARIOS = int(os.environ.get("SHOPFLOOR_FAULT_SCENARIOS", "1000"))
SEED = int(os.environ.get("SHOPFLOOR_FAULT_SEED", "20261125"))
DEVICES = [("S3001", "1111", "st-cwb"), ("S3002", "2222", "st-cwb"), ("S3003", "3333", "st-mk"),
           ("S3004", "4444", "st-mk"), ("S3005", "5555", "st-tst"), ("S3007", "7777", "st-st")]
FAULTS = ["none", "drop_request", "drop_response", "duplicate", "reorder", "replay_later"]


class FaultyTransport(httpx.BaseTransport):
    """Wraps a real HTTP transport and misbehaves on sync requests as the plan says."""

    def __init__(self, server: ApiServer, rng: random.Random, kill_rate: float) -> None:
        self.inner = httpx.HTTPTransport()
        self.server, self.rng, self.kill_rate = server, rng, kill_rate
        self.held: list[httpx.Request] = []
        self.enabled = True
        self.kills = 0

    def _send(self, request: httpx.Request) -> httpx.Response:
        resp = self.inner.handle_request(request)
        resp.read()
        return resp

    @staticmethod
    def _copy(request: httpx.Request, content: bytes | None = None) -> httpx.Request:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        return httpx.Request(request.method, request.url, headers=headers,
                             content=request.content if content is None else content)

    def _kill_mid_request(self, request: httpx.Request) -> None:
        worker = threading.Thread(target=lambda: self._swallow(request))
        worker.start()
        time.sleep(self.rng.uniform(0, 0.06))
        self.server.kill()
        worker.join()
        self.server.start()
        self.kills += 1
        self.kill_rate = 0.0  # one kill per scenario keeps the run short
        raise httpx.ReadError("server died mid-request")

    def _swallow(self, request: httpx.Request) -> None:
        try:
            self._send(request)
        except httpx.HTTPError:
            pass

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        is_sync = "/sync/" in request.url.path
        if not (self.enabled and is_sync):
            return self._send(request)
        while self.held and self.rng.random() < 0.5:  # a stale copy finally arrives
            self._swallow(self.held.pop(0))
        if request.url.path.endswith("/push") and self.rng.random() < self.kill_rate:
            self._kill_mid_request(request)
        fault = self.rng.choice(FAULTS)
        if fault == "drop_request":
            raise httpx.ConnectError("request dropped")
        if fault == "drop_response":
            self._send(request)
            raise httpx.ReadError("response dropped after the server committed")
        if fault == "duplicate":
            self._swallow(self._copy(request))
        elif fault == "replay_later":
            self.held.append(self._copy(request))
        elif fault == "reorder" and request.url.path.endswith("/push"):
            import json
            body = json.loads(request.content)
            if len(body["mutations"]) > 1:
                half = len(body["mutations"]) // 2
                later = {**body, "mutations": body["mutations"][half:]}
                self._swallow(self._copy(request, json.dumps(later).encode()))  # arrives first
        return self._send(request)


@dataclass
class Device:
    path: Path
    staff_no: str
    store_id: str
    store: DeviceStore = None
    refresh_token: str = ""
    access_token: str | None = None
    notes: set = field(default_factory=set)
    spoofs: set = field(default_factory=set)

    def open(self) -> None:
        self.store = DeviceStore(self.path)

    def crash(self) -> None:
        """The app is killed: no clean shutdown of anything."""
        self.store.db.conn.close()
        self.store = None

    def actions(self) -> Actions:
        user, _ = self.store.load_session()
        return Actions(self.store, self.store.clock,
                       Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"])))

    def api(self, server: ApiServer, transport: httpx.BaseTransport | None) -> ApiClient:
        def keep(tokens):
            self.refresh_token, self.access_token = tokens.refresh_token, tokens.access_token
            self.store.save_session(tokens.user.model_dump(mode="json"), tokens.refresh_token)
        client = ApiClient(server.url, self.store.device_id, transport=transport, on_tokens=keep,
                           on_offset=self.store.set_clock_offset, timeout=10)
        client.refresh_token, client.access_token = self.refresh_token, self.access_token
        return client


def _run_scenario(rng: random.Random, dev: Device, server: ApiServer, kill_rate: float) -> int:
    transport = FaultyTransport(server, rng, kill_rate)
    engine = SyncEngine(dev.store, dev.api(server, transport), batch_size=rng.randint(1, 6),
                        max_attempts=rng.randint(1, 3), sleep=lambda s: None, rng=rng)
    big = kill_rate > 0
    if big:  # a large batch, so the SIGKILL lands while the server is applying it
        engine.batch_size = 200
        for _ in range(rng.randint(150, 250)):
            dev.notes.add(dev.actions().add_note(dev.store_id, f"bulk {rng.random()}"))
        try:
            engine.sync_once()
        except SyncError:
            pass
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.08:
            spoof = f"nt-spoof-{rng.getrandbits(48):x}"
            dev.actions().raw("note.add", {"note_id": spoof, "user_id": "u-hq", "body": "spoof",
                                           "store_id": dev.store_id}, f"note:{spoof}")
            dev.spoofs.add(spoof)
        else:
            dev.notes.add(dev.actions().add_note(dev.store_id, f"n{rng.random()}"))
        if rng.random() < 0.1:  # killed between the local write and any push
            dev.crash()
            dev.open()
            engine = SyncEngine(dev.store, dev.api(server, transport), batch_size=rng.randint(1, 6),
                                max_attempts=2, sleep=lambda s: None, rng=rng)
        if rng.random() < 0.4:
            try:
                engine.sync_once()
            except SyncError:
                pass  # offline for now; nothing may be lost
    # The faults stop: stale copies still in flight land, and the device drains its outbox.
    transport.enabled = False
    for stale in transport.held:
        transport._swallow(stale)
    for _ in range(5):
        try:
            report = SyncEngine(dev.store, dev.api(server, None), sleep=lambda s: None).sync_once()
            if report.waiting == 0:
                break
        except SyncError:
            continue
    return transport.kills


def _check(dev: Device, db) -> None:
    with dev.store.reading() as local:
        assert outbox.waiting_count(local) == 0, "outbox did not drain"
        rows = {r["idempotency_key"]: r for r in local.query("SELECT idempotency_key, status, reason, type, payload FROM outbox")}
    with db.connect() as conn:
        server_rows = {r[0]: r[1] for r in conn.execute(
            text("SELECT idempotency_key, status FROM mutations WHERE device_id=:d"),
            {"d": dev.store.device_id})}
        notes = {r[0] for r in conn.execute(text("SELECT id FROM notes WHERE author_id IN "
                                                 "(SELECT id FROM users WHERE staff_no=:s)"),
                                            {"s": dev.staff_no})}
        spoofed = conn.execute(text("SELECT count(*) FROM notes WHERE id LIKE 'nt-spoof-%'")).scalar()
    # Exactly once: one server record per device mutation, same outcome on both sides.
    assert set(server_rows) == set(rows), "a mutation is missing on one side"
    for key, row in rows.items():
        assert row["status"] == ("rejected" if server_rows[key] == "rejected" else "done")
    assert notes == dev.notes, "a note was lost or invented"
    assert spoofed == 0
    rejected = {k for k, r in rows.items() if r["status"] == "rejected"}
    assert all(rows[k]["reason"] == "not_your_record" for k in rejected)
    assert len(rejected) == len(dev.spoofs)


@pytest.mark.slow
def test_randomised_faults_never_lose_or_double_an_action(tmp_path):
    """1,000 seeded fault scenarios across the two databases (the first 600 on SQLite, the first
    400 on PostgreSQL: the same paths, and the suite keeps to its time): the server holds every
    accepted action exactly once."""
    server = ApiServer(tmp_path / "server").start()
    db = create_engine(server.db_url)
    scenarios = SCENARIOS * 3 // 5 if server.db_url.startswith("sqlite") else SCENARIOS * 2 // 5
    try:
        devices = []
        for i, (staff_no, pin, store_id) in enumerate(DEVICES):
            dev = Device(tmp_path / f"dev{i}.db", staff_no, store_id)
            dev.open()
            dev.api(server, None).login(staff_no, pin)
            devices.append(dev)
        master = random.Random(SEED)
        kills = 0
        for n in range(scenarios):
            rng = random.Random(master.getrandbits(64))
            dev = devices[n % len(devices)]
            kill_rate = 1.0 if n % 50 == 25 else 0.0  # ~2% of scenarios SIGKILL the server
            try:
                kills += _run_scenario(rng, dev, server, kill_rate)
                _check(dev, db)
            except AssertionError as exc:
                raise AssertionError(f"scenario {n} (seed {SEED}) failed: {exc}") from exc
        print(f"{scenarios} scenarios, {kills} server kills, seed {SEED}")
        assert kills > 0, "the SIGKILL fault never fired"
    finally:
        server.stop()
        for dev in devices:
            if dev.store:
                dev.store.close()
