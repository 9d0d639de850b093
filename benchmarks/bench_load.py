"""Load: simulated devices over real HTTP against uvicorn workers, PostgreSQL beside SQLite.

Run: .venv/bin/python -m benchmarks.bench_load [--devices 200] [--batch 25] [--workers 2]
     [--rates 1000,2500,5000] [--seconds 10] [--backends postgresql,sqlite] [--profile DIR]

For each backend: a real ``python -m backend_stub serve --workers N`` on 127.0.0.1 (PostgreSQL:
a throwaway cluster with its durable defaults, fsync and synchronous_commit on; SQLite: WAL,
synchronous=FULL), one staff account per device added to the demo chain, every device logged
in before the clock starts (argon2 is slow by design). A round is: push a batch (one punch,
the rest hand-over notes), then pull one page of the device's changes. Phases:

- open loop at each offered rate (events/s): each device starts a round every
  ``devices x batch / rate`` s, whatever the server does; push latency counts from when the
  round was due, so a server that falls behind shows it as latency (no coordinated omission);
  rounds still not started when the phase ends are counted as unsent, not sent late;
- closed loop ("max"): every device runs rounds back to back, the most the server takes.

Printed per phase: offered and achieved events/s, push and pull p50/p99, errors, and the CPU
seconds of the API processes, PostgreSQL and this load generator (from /proc), so the
server's share of the 2 cores is known; "server CPU ms / 1,000 events" (API + DB) is what
the server code costs per event, the figure to compare between versions on a busy machine. ``--profile DIR`` also samples the API workers with
py-spy during the closed loop (DIR/<backend>.txt: collapsed stacks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.load_devices import (  # noqa: E402
    Connection, Device, Tally, add_load_accounts, closed_loop, cpu_seconds, log_in_all, open_loop)
from tests.servers import ApiServer, pg_cluster  # noqa: E402

log = logging.getLogger("bench_load")
MAX = "max"


def _client(url: str, devices: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=devices, max_keepalive_connections=devices)
    return httpx.AsyncClient(base_url=url, limits=limits, timeout=httpx.Timeout(60.0))


def _profiler(api_pid: int, opts, backend: str) -> subprocess.Popen | None:
    """py-spy sampling the API workers for the closed loop (None when not asked or absent)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not opts.profile or not Path(spy).exists():
        return None
    Path(opts.profile).mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([spy, "record", "--pid", str(api_pid), "--subprocesses", "--nonblocking",
                             "--rate", "100", "--duration", str(int(opts.seconds)), "--format", "raw",
                             "-o", str(Path(opts.profile) / f"{backend}.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _phase(devices: list[Device], opts, rate, pids: tuple[int, list[int]],
                 started: float, backend: str) -> dict:
    """One phase (an offered rate or the closed loop), CPU counted from its start to its end."""
    api_pid, db_pids = pids
    tally, begin = Tally(), time.monotonic()
    cpu = cpu_seconds([api_pid]), cpu_seconds(db_pids), time.process_time()
    end = begin + opts.seconds
    spy = _profiler(api_pid, opts, backend) if rate == MAX else None
    if rate == MAX:
        loops = (closed_loop(d, opts, tally, started, end) for d in devices)
    else:
        loops = (open_loop(d, opts, tally, started, end, rate) for d in devices)
    await asyncio.gather(*loops)
    secs = time.monotonic() - begin  # rounds still in flight at the end are waited for
    if spy is not None:
        spy.wait(opts.seconds + 30)
    if tally.error_kinds:
        log.warning("%s at %s: errors %s", backend, rate, tally.error_kinds)
    row = {"backend": backend, "offered": rate, "secs": secs, **tally.summary(secs),
           "API CPU s": cpu_seconds([api_pid]) - cpu[0], "DB CPU s": cpu_seconds(db_pids) - cpu[1],
           "client CPU s": time.process_time() - cpu[2], "load avg": os.getloadavg()[0]}
    row["server CPU ms / 1,000 events"] = (1e6 * (row["API CPU s"] + row["DB CPU s"])
                                           / max(row["events/s"] * secs, 1))
    return row


async def run_phases(url: str, devices: list[Device], opts, pids, backend: str) -> list[dict]:
    """Log every device in (httpx: set-up), then each offered rate in turn, then the closed
    loop, each device on its own kept-alive connection."""
    async with _client(url, len(devices)) as client:
        await log_in_all(client, devices)
    address = httpx.URL(url)
    for dev in devices:
        dev.conn = Connection(address.host, address.port)
    try:
        started = time.monotonic()
        return [await _phase(devices, opts, rate, pids, started, backend)
                for rate in [*opts.rates, MAX]]
    finally:
        for dev in devices:
            dev.conn.close()


def _pin(pids: list[int], cpus: set[int]) -> None:
    """Keep these processes and all their descendants on ``cpus`` (new children inherit it)."""
    todo, seen = list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            os.sched_setaffinity(pid, cpus)
            todo += [int(c) for t in os.listdir(f"/proc/{pid}/task")
                     for c in Path(f"/proc/{pid}/task/{t}/children").read_text().split()]
        except OSError:
            continue  # ended meanwhile


def run_backend(name: str, opts, tmp: Path) -> list[dict]:
    """Start the API on ``name``, add the accounts, run every phase, stop everything."""
    env = {"SHOPFLOOR_JWT_SECRET": "load-" + "x" * 40}
    db_pids = []
    if name == "postgresql":
        cluster = pg_cluster(durable=True)
        env["SHOPFLOOR_DATABASE_URL"] = cluster.create_database()
        db_pids += [cluster.proc.pid] if cluster.proc else []
    else:
        env["SHOPFLOOR_DATABASE_URL"] = f"sqlite:///{(tmp / name / 'shopfloor.db').resolve()}"
    server = ApiServer(tmp / name, env=env, workers=opts.workers).start()
    if opts.server_cpus:
        _pin([server.proc.pid, *db_pids], opts.server_cpus)
    try:
        devices = add_load_accounts(server.db_url, opts.devices)
        return asyncio.run(run_phases(server.url, devices, opts, (server.proc.pid, db_pids), name))
    finally:
        server.stop()


def _fmt(value, ms: bool = False) -> str:
    if isinstance(value, str):
        return value
    if ms and value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:,.0f}" if not ms else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _per_thousand(cpu_s: float, events: float) -> str:
    """CPU milliseconds per 1,000 events: what the code costs, least disturbed by other jobs."""
    return f"{1e6 * cpu_s / max(events, 1):.0f}"


def report(rows: list[dict], opts) -> str:
    """A Markdown table, one line per backend and phase."""
    lines = [f"{opts.devices} devices, batch {opts.batch} (1 punch + {opts.batch - 1} notes), "
             f"pull page {opts.pull_limit}, {opts.workers} uvicorn workers, {opts.seconds:.0f} s a phase",
             "", "| backend | offered events/s | achieved events/s | push p50 / p99 | pull p50 / p99 "
             "| errors | unsent rounds | API + DB CPU s | server CPU ms / 1,000 events (API + DB) "
             "| events / server CPU-s | client CPU-s / 1,000 events | server share of 2 cores | load avg |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        server_cpu = r["API CPU s"] + r["DB CPU s"]
        events = r["events/s"] * r["secs"]
        lines.append(
            f"| {r['backend']} | {_fmt(r['offered'])} | {r['events/s']:,.0f} "
            f"| {_fmt(r['push p50 ms'], True)} / {_fmt(r['push p99 ms'], True)} "
            f"| {_fmt(r['pull p50 ms'], True)} / {_fmt(r['pull p99 ms'], True)} | {r['errors']} "
            f"| {r['unsent rounds']} | {r['API CPU s']:.1f} + {r['DB CPU s']:.1f} "
            f"| {_per_thousand(r['API CPU s'] + r['DB CPU s'], events)} "
            f"({_per_thousand(r['API CPU s'], events)} + {_per_thousand(r['DB CPU s'], events)}) "
            f"| {events / max(server_cpu, 0.01):,.0f} | {1000 * r['client CPU s'] / max(events, 1):.3f} "
            f"| {server_cpu / (2 * r['secs']):.0%} | {r['load avg']:.1f} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase")
    parser.add_argument("--batch", type=int, default=25, help="mutations per push")
    parser.add_argument("--rates", default="1000,2500,5000", help="offered events/s, open loop")
    parser.add_argument("--pull-limit", type=int, default=100, help="changes per pull page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--profile", default="", help="folder for py-spy profiles of the closed loop")
    parser.add_argument("--json", default="", help="also write the rows to this file")
    parser.add_argument("--server-cpus", default="", help="pin the API and PostgreSQL to these CPUs (e.g. 0)")
    parser.add_argument("--client-cpus", default="", help="pin this load generator to these CPUs (e.g. 1)")
    opts = parser.parse_args(argv)
    opts.server_cpus = {int(c) for c in opts.server_cpus.split(",") if c.strip()}
    opts.client_cpus = {int(c) for c in opts.client_cpus.split(",") if c.strip()}
    opts.rates = [float(r) for r in opts.rates.split(",") if r.strip()]
    if not (1 <= opts.devices <= 1000 and 1 <= opts.seconds <= 300 and 2 <= opts.batch <= 500
            and all(0 < r <= 100_000 for r in opts.rates)):
        parser.error("keep it bounded: 1-1000 devices, 1-300 s, batch 2-500, rates up to 100,000/s")
    return opts


def measure(opts) -> list[dict]:
    """Every phase on every backend asked for, in order."""
    with tempfile.TemporaryDirectory() as tmp:
        return [row for name in opts.backends.split(",")
                for row in run_backend(name.strip(), opts, Path(tmp))]


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    opts = parse_args()
    if opts.client_cpus:
        os.sched_setaffinity(0, opts.client_cpus)
    rows = measure(opts)
    if opts.json:
        Path(opts.json).write_text(json.dumps(rows, indent=1, default=str))
    log.info("%s", report(rows, opts))


if __name__ == "__main__":
    main()
