"""Issue 11: a broadcast's receipts per store, for a broadcast to 10,000 people, on SQLite and
PostgreSQL: the one aggregate query of ``GET /broadcasts/{id}/receipts`` against a naive version
asking the database about each person.

Run: .venv/bin/python -m benchmarks.bench_broadcast_receipts [--people 10000] [--stores 40]
     [--others 5] [--runs 30] [--backends sqlite,postgresql]

Each backend gets a fresh schema (Alembic head) with ``--stores`` stores, ``--people`` staff
(one in ten works at two stores), one broadcast to all of them (about 60 % delivered, 40 % read,
20 % acknowledged) and ``--others`` more broadcasts to the same people, so the tables hold more
than the one measured. Both versions must give the same counts (checked each run).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import select  # noqa: E402

from backend_stub import db  # noqa: E402
from backend_stub.engine import create_schema, make_engine  # noqa: E402
from backend_stub.services.broadcast_receipts import per_store  # noqa: E402

MEASURED = "bc-bench-0"
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def fill(conn, people: int, stores: int, others: int, seed: int = 11) -> None:
    """The chain, the people and the broadcasts with their recipients, reads and acks."""
    rng = random.Random(seed)
    store_ids = [f"st-{n:03d}" for n in range(stores)]
    conn.execute(db.stores.insert(), [{"id": s, "code": s, "name": s, "area": f"area-{n % 4}", "latitude": 22.3,
                                       "longitude": 114.2, "radius_m": 80} for n, s in enumerate(store_ids)])
    users = [{"id": "u-author", "staff_no": "A0", "name": "Author", "role": "hq_admin", "pin_hash": "x"}]
    users += [{"id": f"u-{n:05d}", "staff_no": f"S{n:05d}", "name": f"Person {n}", "role": "staff",
               "pin_hash": "x", "home_store_id": store_ids[n % stores]} for n in range(people)]
    conn.execute(db.users.insert(), users)
    links = [{"user_id": f"u-{n:05d}", "store_id": store_ids[n % stores]} for n in range(people)]
    links += [{"user_id": f"u-{n:05d}", "store_id": store_ids[(n + 1) % stores]} for n in range(0, people, 10)]
    conn.execute(db.user_stores.insert(), links)
    for b in range(others + 1):
        bid = f"bc-bench-{b}"
        conn.execute(db.broadcasts.insert(), {"id": bid, "author_id": "u-author", "title": bid, "body": "",
                                              "created_at": NOW, "kind": "urgent"})
        recipients, reads = [], []
        for n in range(people):
            roll = rng.random()
            recipients.append({"broadcast_id": bid, "user_id": f"u-{n:05d}", "store_id": store_ids[n % stores],
                               "delivered_at": NOW if roll < 0.6 else None,
                               "acknowledged_at": NOW + timedelta(minutes=2) if roll < 0.2 else None})
            if roll < 0.4:
                reads.append({"broadcast_id": bid, "user_id": f"u-{n:05d}", "read_at": NOW + timedelta(minutes=1),
                              "received_at": NOW + timedelta(minutes=3)})
        conn.execute(db.broadcast_recipients.insert(), recipients)
        conn.execute(db.broadcast_reads.insert(), reads)


def naive(conn, broadcast_id: str) -> list[dict]:
    """The same counts, asking the database about each person in turn (what a first version
    looping over people would do)."""
    r, rd = db.broadcast_recipients.c, db.broadcast_reads.c
    counts: dict[str, dict] = defaultdict(lambda: {"people": 0, "delivered": 0, "read": 0, "acknowledged": 0})
    for user_id in conn.execute(select(r.user_id).where(r.broadcast_id == broadcast_id)).scalars().all():
        mine = conn.execute(select(r.store_id, r.delivered_at, r.acknowledged_at).where(
            r.broadcast_id == broadcast_id, r.user_id == user_id)).one()
        read = conn.execute(select(rd.read_at).where(rd.broadcast_id == broadcast_id, rd.user_id == user_id)).first()
        c = counts[mine.store_id]
        c["people"] += 1
        c["delivered"] += bool(mine.delivered_at or read)
        c["read"] += read is not None
        c["acknowledged"] += mine.acknowledged_at is not None
    return [{"store_id": s, **c} for s, c in sorted(counts.items())]


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def measure(url: str, people: int, stores: int, others: int, runs: int, naive_runs: int = 3) -> dict:
    """Fill a fresh database at ``url``, time both versions, check they agree."""
    engine = make_engine(url)
    try:
        create_schema(engine)
        with engine.begin() as conn:
            fill(conn, people, stores, others)
        with engine.connect() as conn:
            fast_ms, fast = _timed(lambda: per_store(conn, MEASURED), runs)
            slow_ms, slow = _timed(lambda: naive(conn, MEASURED), naive_runs)
    finally:
        engine.dispose()
    keys = ("store_id", "people", "delivered", "read", "acknowledged")
    if [{k: row[k] for k in keys} for row in fast] != slow:
        raise AssertionError("the aggregate and the per-person counts differ")
    return {"people": sum(row["people"] for row in fast), "stores": len(fast), "fast_ms": fast_ms, "naive_ms": slow_ms}


def report(name: str, result: dict) -> list[str]:
    fast, slow = statistics.median(result["fast_ms"]), statistics.median(result["naive_ms"])
    p95 = statistics.quantiles(result["fast_ms"], n=20)[-1] if len(result["fast_ms"]) > 1 else fast
    return [f"{name}: {result['people']} people in {result['stores']} stores",
            f"  per-store summary (one aggregate query): p50 {fast:.1f} ms, p95 {p95:.1f} ms",
            f"  naive per-person queries: p50 {slow:.0f} ms",
            f"  ratio naive/aggregate p50: {slow / fast:.0f}x (same counts)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--stores", type=int, default=40)
    parser.add_argument("--others", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgresql")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in opts.backends.split(","):
            if name == "postgresql":
                from tests.servers import pg_cluster
                url = pg_cluster().create_database()
            else:
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            result = measure(url, opts.people, opts.stores, opts.others, opts.runs)
            sys.stdout.write("\n".join(report(name, result)) + "\n")


if __name__ == "__main__":
    main()
