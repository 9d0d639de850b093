"""Simulated devices for benchmarks/bench_load.py: accounts, batches, the closed and open loops."""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from argon2 import PasswordHasher
from sqlalchemy import select

from backend_stub import db
from backend_stub.engine import make_engine

PIN = "2468"
#: The load accounts' PIN hash is argon2id with light parameters (verify_pin reads them
#: from the hash): logging 200 devices in is set-up, not what is measured.
_LIGHT_HASH = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root_pids: list[int]) -> float:
    """CPU time (user + system) of these processes and all their descendants, ended ones
    included, from /proc."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0.0, [p for p in root_pids if p in stats]
    while todo:
        pid = todo.pop()
        # utime, stime, and cutime, cstime: the children it has reaped (PostgreSQL's
        # backends end when their connection closes; their CPU then counts here).
        total += sum(int(v) for v in stats[pid][11:15]) / _TICK
        todo += children.get(pid, [])
    return total


@dataclass
class Device:
    """One simulated phone: its account, token, sequence and pull cursor."""

    n: int
    user_id: str
    staff_no: str
    store: dict
    device_id: str = ""
    token: str = ""
    seq: int = 0
    cursor: str = ""
    clocked_in: bool = False
    conn: Connection | None = None

    def __post_init__(self) -> None:
        self.device_id = f"load-device-{self.n:04d}"


class TransportError(Exception):
    """The connection failed or closed mid-request (the request may be resent once)."""


class Connection:
    """One device's kept-alive HTTP/1.1 connection over asyncio streams.

    The load generator shares the 2 cores with the server, so it must be cheap: httpx spent
    0.2-0.6 CPU-s per 1,000 events (batch 25), this a fraction of that. It speaks just what
    the API answers here: a status line, headers, a Content-Length body.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, target: str, token: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request and read its answer: (status, body)."""
        if self.reader is None or self.reader.at_eof():  # the server closed an idle connection
            await self._open()
        head = (f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        try:
            self.writer.write(head.encode() + body)
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            fields = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
            answer = await self.reader.readexactly(int(fields.get("content-length", "0")))
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            self.close()
            raise TransportError(type(exc).__name__) from exc
        if fields.get("connection") == "close":
            self.close()
        return status, answer


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100)[p - 1]


@dataclass
class Tally:
    """What one phase measured."""

    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    events: int = 0
    applied: int = 0
    rejected: int = 0
    errors: int = 0
    resent: int = 0  # requests sent again after a transport error (an error if that fails too)
    unsent: int = 0  # open loop: rounds due before the end that had not started by then
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def summary(self, secs: float) -> dict:
        return {"events/s": self.events / secs, "push p50 ms": _pct(self.push_ms, 50),
                "push p99 ms": _pct(self.push_ms, 99), "pull p50 ms": _pct(self.pull_ms, 50),
                "pull p99 ms": _pct(self.pull_ms, 99), "pushes": len(self.push_ms),
                "applied": self.applied, "rejected": self.rejected, "errors": self.errors,
                "unsent rounds": self.unsent, "resent": self.resent, "error kinds": dict(self.error_kinds)}


def add_load_accounts(db_url: str, count: int) -> list[Device]:
    """``count`` staff accounts spread over the demo stores, sharing one PIN hash."""
    engine = make_engine(db_url)
    pin_hash = _LIGHT_HASH.hash(PIN)
    with engine.begin() as conn:
        stores = [dict(r) for r in conn.execute(select(db.stores)).mappings()]
        devices = []
        for n in range(count):
            store = stores[n % len(stores)]
            user_id, staff_no = f"u-load-{n:04d}", f"L{n:05d}"
            conn.execute(db.users.insert().values(id=user_id, staff_no=staff_no, name=f"Load {n}",
                                                  role="staff", pin_hash=pin_hash,
                                                  home_store_id=store["id"], active=True))
            conn.execute(db.user_stores.insert().values(user_id=user_id, store_id=store["id"]))
            devices.append(Device(n, user_id, staff_no, store))
    engine.dispose()
    return devices


async def log_in_all(client: httpx.AsyncClient, devices: list[Device], parallel: int = 8) -> None:
    gate = asyncio.Semaphore(parallel)

    async def one(dev: Device) -> None:
        async with gate:
            resp = await client.post("/v1/auth/login", json={
                "staff_no": dev.staff_no, "pin": PIN, "device_id": dev.device_id, "platform": "load"})
            resp.raise_for_status()
            dev.token = resp.json()["access_token"]

    await asyncio.gather(*(one(d) for d in devices))


def build_batch(dev: Device, size: int, started: float) -> dict:
    """One punch (clock in or out, by PIN at the store) and ``size - 1`` notes."""
    now = datetime.now(UTC)
    clock = {"device_time": now.isoformat(), "boot_id": "load",
             "monotonic_ms": int((time.monotonic() - started) * 1000)}
    kind = "clock_out" if dev.clocked_in else "clock_in"
    dev.clocked_in = not dev.clocked_in
    store = dev.store
    payloads = [("punch.record", {
        "punch_id": f"pu-{uuid.uuid4().hex}", "user_id": dev.user_id, "store_id": store["id"],
        "kind": kind, "method": "pin",
        "fix": {"latitude": store["latitude"], "longitude": store["longitude"], "accuracy_m": 8,
                "timestamp": now.isoformat()}})]
    payloads += [("note.add", {"note_id": f"nt-{uuid.uuid4().hex}", "user_id": dev.user_id,
                               "store_id": store["id"], "body": f"Shelf {i} restocked"})
                 for i in range(size - 1)]
    mutations = []
    for type_, payload in payloads:
        dev.seq += 1
        mutations.append({"seq": dev.seq, "idempotency_key": str(uuid.uuid4()), "type": type_,
                          "payload": payload, "clock": clock})
    return {"device_id": dev.device_id, "sent": clock, "mutations": mutations}


async def _send(dev: Device, tally: Tally, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request, sent again once after a transport error (e.g. a kept-alive connection
    the server closed as it was reused), as the app does: a resent push carries the same
    keys, so it is never applied twice. A second failure is an error."""
    try:
        return await dev.conn.request(method, target, dev.token, body)
    except TransportError:
        tally.resent += 1
        return await dev.conn.request(method, target, dev.token, body)


def _cursor(answer: bytes) -> str:
    """The pull's next cursor, found without parsing the page (a JSON string value never
    holds an unescaped quote, so the key cannot occur inside one)."""
    start = answer.rindex(b'"cursor":"') + len(b'"cursor":"')
    return answer[start:answer.index(b'"', start)].decode()


async def sync_round(dev: Device, opts, tally: Tally, started: float, due: float | None = None) -> None:
    """Push a batch, then pull one page. Push latency counts from ``due`` (when the round
    should have started: waiting behind earlier rounds is latency too) or from sending."""
    body = json.dumps(build_batch(dev, opts.batch, started), separators=(",", ":")).encode()
    try:
        sent = time.monotonic()
        status, answer = await _send(dev, tally, "POST", "/v1/sync/push", body)
        tally.push_ms.append((time.monotonic() - (sent if due is None else due)) * 1000)
        if status != 200:
            tally.error(f"push {status}")
            return
        tally.events += answer.count(b'"idempotency_key"')
        tally.applied += answer.count(b'"status":"applied"')
        tally.rejected += answer.count(b'"status":"rejected"')
        sent = time.monotonic()
        status, answer = await _send(dev, tally, "GET", f"/v1/sync/pull?cursor={dev.cursor}&limit={opts.pull_limit}")
        tally.pull_ms.append((time.monotonic() - sent) * 1000)
        if status != 200:
            tally.error(f"pull {status}")
            return
        dev.cursor = _cursor(answer)
    except TransportError as exc:
        tally.error(str(exc))


async def closed_loop(dev: Device, opts, tally: Tally, started: float, end: float) -> None:
    """Round after round, back to back, until ``end``: the most the server can take."""
    while time.monotonic() < end:
        await sync_round(dev, opts, tally, started)


async def open_loop(dev: Device, opts, tally: Tally, started: float, end: float,
                    rate: float) -> None:
    """One round every ``devices x batch / rate`` seconds (a random phase spreads the
    devices), so all devices together offer ``rate`` events/s whatever the server does."""
    interval = opts.devices * opts.batch / rate
    due = time.monotonic() + random.uniform(0, interval)
    while due < end:
        now = time.monotonic()
        if now >= end:  # behind schedule at the end: these rounds were offered, never sent
            tally.unsent += int((end - due) / interval) + 1
            return
        if due > now:
            await asyncio.sleep(due - now)
        await sync_round(dev, opts, tally, started, due)
        due += interval
