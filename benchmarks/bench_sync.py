"""Sync throughput and local action latency (prints figures; not a test).

Run: .venv/bin/python -m benchmarks.bench_sync [--events 10000] [--baseline-events 1000]

1. End-to-end sync of N queued events from a device database to a real uvicorn server
   over loopback HTTP, batched (the engine's normal path).
2. Baseline in the same run: one POST per event (batch size 1), same server, same code.
3. Local action commit latency (record + outbox row in one transaction): p50/p95/p99.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.domain.roles import Actor  # noqa: E402
from app.store import Actions, DeviceStore  # noqa: E402
from app.sync import ApiClient, SyncEngine  # noqa: E402
from tests.servers import ApiServer  # noqa: E402


def _device(tmp: Path, name: str, url: str, staff_no: str, pin: str) -> tuple[DeviceStore, ApiClient, Actions]:
    store = DeviceStore(tmp / f"{name}.db")
    api = ApiClient(url, store.device_id, on_offset=store.set_clock_offset)
    user = api.login(staff_no, pin).user
    actions = Actions(store, store.clock, Actor(user.id, user.role, frozenset(user.store_ids)))
    return store, api, actions


def _queue(actions: Actions, n: int) -> list[float]:
    latencies = []
    for i in range(n):
        t = time.perf_counter()
        actions.add_note("st-cwb", f"Benchmark note {i}")
        latencies.append((time.perf_counter() - t) * 1000)
    return latencies


def _push_all(store: DeviceStore, api: ApiClient, batch: int) -> tuple[float, int]:
    engine = SyncEngine(store, api, batch_size=batch)
    t = time.perf_counter()
    report = engine.push()
    return time.perf_counter() - t, report.applied


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--baseline-events", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        server = ApiServer(tmp / "server").start()
        try:
            store, api, actions = _device(tmp, "batched", server.url, "S3001", "1111")
            lat = _queue(actions, args.events)
            secs, applied = _push_all(store, api, args.batch)
            assert applied == args.events, applied
            batched = applied / secs

            b_store, b_api, b_actions = _device(tmp, "single", server.url, "S3002", "2222")
            _queue(b_actions, args.baseline_events)
            b_secs, b_applied = _push_all(b_store, b_api, 1)
            assert b_applied == args.baseline_events
            single = b_applied / b_secs
        finally:
            server.stop()
    q = statistics.quantiles(lat, n=100)
    print(f"batched sync   : {args.events} events in {secs:.2f} s = {batched:,.0f} events/s (batch {args.batch})")
    print(f"one POST/event : {args.baseline_events} events in {b_secs:.2f} s = {single:,.0f} events/s")
    print(f"ratio          : {batched / single:.1f}x")
    print(f"local commit   : p50 {statistics.median(lat):.3f} ms  p95 {q[94]:.3f} ms  p99 {q[98]:.3f} ms"
          f"  ({args.events} actions)")


if __name__ == "__main__":
    main()
