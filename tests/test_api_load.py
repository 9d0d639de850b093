"""Many devices at once against a real server: every push is answered, none stalls."""

import asyncio
import time
import uuid
from datetime import UTC, datetime

import httpx

from backend_stub.settings import Settings
from tests.servers import ApiServer
from tests.tokens import device_tokens

SECRET = "load-test-secret-" + "x" * 40
DEVICES = 150  # well above the server's 40 worker threads


def _device_tokens(server: ApiServer) -> dict[str, str]:
    """A live session for each device, as login would open it (150 argon2 logins would take
    longer than the test; login itself is pinned in test_api_auth)."""
    settings = Settings(data_dir=server.data_dir, jwt_secret=SECRET)
    return device_tokens(server.db_url, settings, "u-s01", [f"load-dev-{n:04d}" for n in range(DEVICES)])


def _push(device_id: str, notes: int) -> dict:
    clock = {"device_time": datetime.now(UTC).isoformat(), "monotonic_ms": 1, "boot_id": "b"}
    return {"device_id": device_id, "sent": clock, "mutations": [
        {"seq": i + 1, "idempotency_key": str(uuid.uuid4()), "type": "note.add", "clock": clock,
         "payload": {"note_id": f"nt-{uuid.uuid4().hex}", "user_id": "u-s01", "store_id": "st-cwb",
                     "body": f"note {i}"}}
        for i in range(notes)]}


async def _all_at_once(url: str, tokens: dict[str, str]) -> list[tuple[int, float]]:
    limits = httpx.Limits(max_connections=DEVICES)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        async def one(n: int) -> tuple[int, float]:
            device = f"load-dev-{n:04d}"
            t = time.monotonic()
            resp = await client.post("/v1/sync/push", json=_push(device, 10),
                                     headers={"Authorization": f"Bearer {tokens[device]}"})
            return resp.status_code, time.monotonic() - t

        return await asyncio.gather(*(one(n) for n in range(DEVICES)))


def test_150_devices_pushing_at_once_are_all_answered_without_stalls(tmp_path):
    """150 devices push at the same moment to one server process: every push is applied
    (no 500), and none waits anywhere near the 30 s database lock/pool timeout (before the
    fix, requests blocked in worker threads starved the connection holders of threads)."""
    server = ApiServer(tmp_path / "server", env={"SHOPFLOOR_JWT_SECRET": SECRET}).start()
    try:
        answers = asyncio.run(_all_at_once(server.url, _device_tokens(server)))
    finally:
        server.stop()
    statuses = [status for status, _ in answers]
    slowest = max(seconds for _, seconds in answers)
    assert statuses == [200] * DEVICES, {s: statuses.count(s) for s in set(statuses)}
    assert slowest < 20, f"the slowest push took {slowest:.1f} s"


def test_a_tiny_load_benchmark_run_reports_every_phase_without_errors(backend):
    """A small run of benchmarks/bench_load.py on each backend reports, for the open-loop rate and
    the closed loop, events/s, push and pull p50/p99, CPU and 0 errors (never timings)."""
    from benchmarks import bench_load

    opts = bench_load.parse_args(["--devices", "6", "--seconds", "2", "--batch", "5",
                                  "--rates", "30", "--backends", backend, "--workers", "2"])
    rows = bench_load.measure(opts)
    assert [(r["backend"], r["offered"]) for r in rows] == [(backend, 30.0), (backend, "max")]
    for row in rows:
        assert row["errors"] == 0 and row["rejected"] == 0 and row["applied"] > 0
        for metric in ("events/s", "push p50 ms", "push p99 ms", "pull p50 ms", "pull p99 ms",
                       "API CPU s", "DB CPU s", "client CPU s", "unsent rounds"):
            assert row[metric] >= 0, metric
    table = bench_load.report(rows, opts)
    assert table.count(f"| {backend} |") == 2 and "| max |" in table
