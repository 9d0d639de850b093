"""Load: simulated devices over real HTTP against uvicorn workers, PostgreSQL beside SQLite.

Run: .venv/bin/python -m benchmarks.bench_load [--devices 200] [--seconds 20] [--batch 25]
     [--workers 2] [--backends postgresql,sqlite]

For each backend: a real ``python -m backend_stub serve --workers N`` on 127.0.0.1 (PostgreSQL:
a throwaway cluster with its durable defaults, fsync and synchronous_commit on; SQLite: WAL,
synchronous=FULL), one staff account per device added to the demo chain, every device logged
in before the clock starts (argon2 is slow by design). Then each device, as an asyncio task,
repeats until the time is up: push a batch (one punch, the rest hand-over notes), then pull
one page of its changes. Printed: events/s (mutations answered), push and pull latency
p50/p99, HTTP errors, and the PostgreSQL/SQLite ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import select  # noqa: E402

from backend_stub import db  # noqa: E402
from backend_stub.engine import make_engine  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from tests.servers import ApiServer, pg_cluster  # noqa: E402

PIN = "2468"
#: The load accounts' PIN hash is argon2id with light parameters (verify_pin reads them
#: from the hash): logging 200 devices in is set-up, not what is measured.
_LIGHT_HASH = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root_pids: list[int]) -> float:
    """CPU time (user + system) of these processes and all their descendants, from /proc."""
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
        total += (int(stats[pid][11]) + int(stats[pid][12])) / _TICK  # utime, stime
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

    def __post_init__(self) -> None:
        self.device_id = f"load-device-{self.n:04d}"


@dataclass
class Tally:
    """What the timed phase measured."""

    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    events: int = 0
    applied: int = 0
    rejected: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


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


def _clock(now: datetime, started: float) -> dict:
    return {"device_time": now.isoformat(), "monotonic_ms": int((time.monotonic() - started) * 1000),
            "boot_id": "load"}


def build_batch(dev: Device, size: int, started: float) -> dict:
    """One punch (clock in or out, by PIN at the store) and ``size - 1`` notes."""
    now = datetime.now(UTC)
    clock = _clock(now, started)
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


async def _timed(tally_list: list[float], call) -> httpx.Response:
    t = time.perf_counter()
    resp = await call
    tally_list.append((time.perf_counter() - t) * 1000)
    return resp


async def device_loop(client: httpx.AsyncClient, dev: Device, args, deadline: float, tally: Tally,
                      started: float) -> None:
    """Push, then pull, until the deadline. Any non-200 or transport failure is an error."""
    headers = {"Authorization": f"Bearer {dev.token}"}
    while time.monotonic() < deadline:
        body = build_batch(dev, args.batch, started)
        try:
            resp = await _timed(tally.push_ms, client.post("/v1/sync/push", json=body, headers=headers))
            if resp.status_code != 200:
                tally.error(f"push {resp.status_code}")
                continue
            results = resp.json()["results"]
            tally.events += len(results)
            tally.applied += sum(r["status"] == "applied" for r in results)
            tally.rejected += sum(r["status"] == "rejected" for r in results)
            resp = await _timed(tally.pull_ms, client.get(
                "/v1/sync/pull", params={"cursor": dev.cursor, "limit": args.pull_limit}, headers=headers))
            if resp.status_code != 200:
                tally.error(f"pull {resp.status_code}")
                continue
            dev.cursor = resp.json()["cursor"]
        except httpx.HTTPError as exc:
            tally.error(type(exc).__name__)


def _client(url: str, devices: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=devices, max_keepalive_connections=devices)
    return httpx.AsyncClient(base_url=url, limits=limits, timeout=httpx.Timeout(60.0))


async def run_load(url: str, devices: list[Device], args, api_pid: int, db_pids: list[int]) -> dict:
    """Log every device in, then run the timed phase; CPU is counted for the timed phase only."""
    async with _client(url, len(devices)) as client:
        t = time.perf_counter()
        await log_in_all(client, devices)
        login_s = time.perf_counter() - t
        tally, started = Tally(), time.monotonic()
        cpu_api, cpu_db, cpu_client = cpu_seconds([api_pid]), cpu_seconds(db_pids), time.process_time()
        deadline = started + args.seconds
        await asyncio.gather(*(device_loop(client, d, args, deadline, tally, started) for d in devices))
        return {"tally": tally, "secs": time.monotonic() - started, "login_s": login_s,
                "cpu_api": cpu_seconds([api_pid]) - cpu_api, "cpu_db": cpu_seconds(db_pids) - cpu_db,
                "cpu_client": time.process_time() - cpu_client, "load": os.getloadavg()[0]}


def run_backend(name: str, args, tmp: Path) -> dict:
    """Start the API on ``name``, add the accounts, run the load, stop everything."""
    env = {"SHOPFLOOR_JWT_SECRET": "load-" + "x" * 40}
    pids = []
    if name == "postgresql":
        cluster = pg_cluster(durable=True)
        env["SHOPFLOOR_DATABASE_URL"] = cluster.create_database()
        pids += [cluster.proc.pid] if cluster.proc else []
    server = ApiServer(tmp / name, env=env, workers=args.workers).start()
    try:
        devices = add_load_accounts(server.db_url, args.devices)
        run = asyncio.run(run_load(server.url, devices, args, server.proc.pid, pids))
    finally:
        server.stop()
    return {"backend": name, **run}


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100)[p - 1]


def report(runs: list[dict], args) -> None:
    print(f"{args.devices} devices, batch {args.batch} (1 punch + {args.batch - 1} notes), "
          f"pull page {args.pull_limit}, {args.workers} uvicorn workers, {args.seconds:.0f} s each")
    rows = {}
    for run in runs:
        t: Tally = run["tally"]
        rows[run["backend"]] = {
            "events/s": t.events / run["secs"], "wall s": run["secs"], "push p50 ms": _pct(t.push_ms, 50),
            "push p99 ms": _pct(t.push_ms, 99), "pull p50 ms": _pct(t.pull_ms, 50),
            "pull p99 ms": _pct(t.pull_ms, 99), "pushes": len(t.push_ms), "applied": t.applied,
            "rejected": t.rejected, "errors": t.errors, "login all (s)": run["login_s"],
            "API CPU s": run["cpu_api"], "PostgreSQL CPU s": run["cpu_db"],
            "events/CPU-s": t.events / max(run["cpu_api"] + run["cpu_db"], 1e-9),
            "client CPU s": run["cpu_client"], "load avg": run["load"]}
        if t.error_kinds:
            print(f"  {run['backend']} errors: {t.error_kinds}")
    names = list(rows)
    header = f"{'':<15}" + "".join(f"{n:>14}" for n in names)
    if {"postgresql", "sqlite"} <= set(names):
        header += f"{'pg / sqlite':>14}"
    print(header)
    for metric in rows[names[0]]:
        line = f"{metric:<15}" + "".join(f"{rows[n][metric]:>14,.1f}" for n in names)
        if {"postgresql", "sqlite"} <= set(names) and rows["sqlite"][metric]:
            line += f"{rows['postgresql'][metric] / rows['sqlite'][metric]:>13.2f}x"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=25, help="mutations per push")
    parser.add_argument("--pull-limit", type=int, default=100, help="changes per pull page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="postgresql,sqlite")
    args = parser.parse_args()
    if not (1 <= args.devices <= 1000 and 1 <= args.seconds <= 300 and 2 <= args.batch <= 500):
        parser.error("keep it bounded: 1-1000 devices, 1-300 s, batch 2-500")
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_backend(name.strip(), args, Path(tmp)) for name in args.backends.split(",")]
    report(runs, args)


if __name__ == "__main__":
    main()
