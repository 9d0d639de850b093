"""'Who can take this shift?' on the device: the indexed domain rules against a naive baseline.

Run: .venv/bin/python -m benchmarks.bench_shift_eligibility [--staff 60] [--weeks 4] [--targets 60]

One store (and a sister store in its store group) with ``--staff`` people and ``--weeks`` weeks
of shifts (mornings, days, evenings and overnight 22:00-06:00). For each of ``--targets`` shifts
in the last two weeks, every colleague gets a verdict:

- fast: ``who_can_take`` on a ``RosterIndex`` built once (the device builds it when the roster
  screen opens; its cost is printed too);
- naive: the same domain rules, but every rule group re-queries a real SQLite file per
  candidate (person, stores, roles, availability, nearby shifts, the week's shifts, the giver's
  four weeks), the way a first version reading the database inside each rule would.

Both must give the same verdicts (checked each run); p50/p95 per question and the ratio are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.domain.shift_rules import (  # noqa: E402
    ALL_RULES, Availability, Person, RosterIndex, Shift, ShiftTradeSettings, Trade, TradeKind, Unavailability,
    WeeklyWindow, check_trade, who_can_take,
)
from app.domain.shift_rules.model import WEEK, hk_midnight  # noqa: E402

FIRST_MONDAY = date(2026, 11, 2)
NOW = hk_midnight(FIRST_MONDAY) - timedelta(days=1)
SETTINGS = ShiftTradeSettings(store_groups=(frozenset({"s1", "s2"}),))
ROLES = ("cashier", "cashier", "stock", "supervisor")
#: (start hour, length): morning, day, evening, overnight.
PATTERNS = ((7, 8), (10, 8), (14, 8), (22, 8))
#: Rules checked together (one verdict suppresses the other, so they share one query).
RULE_GROUPS = (("store",), ("role",), ("availability",), ("overlap", "min_rest"), ("weekly_cap", "overtime"),
               ("rest_day",), ("continuous_contract",), ("started", "min_notice"))


def build_store(staff: int, weeks: int, seed: int = 10) -> tuple[list[Person], list[Shift]]:
    """``staff`` people with stores, roles and availability, each on about 5 shifts a week."""
    rng = random.Random(seed)
    people, shifts = [], []
    for n in range(staff):
        stores = frozenset({"s1"} if n % 6 else {"s2"})
        roles = frozenset({ROLES[n % len(ROLES)], "cashier"} if n % 5 else {ROLES[n % len(ROLES)]})
        windows = () if n % 3 else tuple(WeeklyWindow(d, clock(6), clock(23)) for d in range(7))
        off = (Unavailability(hk_midnight(FIRST_MONDAY + timedelta(days=n % 28)),
                              hk_midnight(FIRST_MONDAY + timedelta(days=n % 28 + 1))),) if n % 4 == 0 else ()
        people.append(Person(f"p{n:02d}", stores, roles, Availability(windows, off)))
        for day in range(weeks * 7):
            if rng.random() < 5 / 7:
                start, length = rng.choice(PATTERNS)
                begins = hk_midnight(FIRST_MONDAY + timedelta(days=day)) + timedelta(hours=start)
                shifts.append(Shift(f"sh{n:02d}-{day:02d}", f"p{n:02d}", sorted(stores)[0],
                                    rng.choice(sorted(roles)), begins, begins + timedelta(hours=length)))
    return people, shifts


def pick_targets(shifts: list[Shift], weeks: int, count: int, seed: int = 11) -> list[Shift]:
    """Shifts in the last two weeks (so the giver has weeks before them for the "468" window)."""
    late = [s for s in shifts if s.day >= FIRST_MONDAY + (weeks - 2) * WEEK]
    return random.Random(seed).sample(late, min(count, len(late)))


def write_database(path: Path, people: list[Person], shifts: list[Shift]) -> sqlite3.Connection:
    """The same store in a real SQLite file, indexed as a sensible first schema would be."""
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE person_stores (person_id TEXT, store_id TEXT);
        CREATE TABLE person_roles (person_id TEXT, role TEXT);
        CREATE TABLE weekly_windows (person_id TEXT, weekday INT, start TEXT, end TEXT);
        CREATE TABLE time_off (person_id TEXT, start TEXT, end TEXT);
        CREATE TABLE shifts (id TEXT PRIMARY KEY, person_id TEXT, store_id TEXT, role TEXT, start TEXT, end TEXT,
                             status TEXT);
        CREATE INDEX shifts_by_person ON shifts (person_id, start);
        CREATE INDEX stores_by_person ON person_stores (person_id);
        CREATE INDEX roles_by_person ON person_roles (person_id);
        CREATE INDEX windows_by_person ON weekly_windows (person_id);
        CREATE INDEX off_by_person ON time_off (person_id);
    """)
    for p in people:
        db.executemany("INSERT INTO person_stores VALUES (?, ?)", [(p.id, s) for s in p.store_ids])
        db.executemany("INSERT INTO person_roles VALUES (?, ?)", [(p.id, r) for r in p.roles])
        db.executemany("INSERT INTO weekly_windows VALUES (?, ?, ?, ?)",
                       [(p.id, w.weekday, w.start.isoformat(), w.end.isoformat()) for w in p.availability.weekly])
        db.executemany("INSERT INTO time_off VALUES (?, ?, ?)",
                       [(p.id, o.start.isoformat(), o.end.isoformat()) for o in p.availability.unavailable])
    db.executemany("INSERT INTO shifts VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(s.id, s.person_id, s.store_id, s.role, s.start.isoformat(), s.end.isoformat(), s.status)
                    for s in shifts])
    db.commit()
    return db


class NaiveRules:
    """Each rule group asks the database for what it needs, for each candidate, every time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def _shifts(self, person_id: str, lo: datetime, hi: datetime) -> list[Shift]:
        rows = self.db.execute("SELECT id, person_id, store_id, role, start, end, status FROM shifts "
                               "WHERE person_id = ? AND start < ? AND start >= ? ORDER BY start",
                               (person_id, hi.isoformat(), (lo - timedelta(days=1)).isoformat())).fetchall()
        found = [Shift(i, p, st, r, datetime.fromisoformat(a), datetime.fromisoformat(b), s)
                 for i, p, st, r, a, b, s in rows]
        return [s for s in found if s.end > lo]

    def _person(self, person_id: str) -> Person:
        q = self.db.execute
        stores = frozenset(r[0] for r in q("SELECT store_id FROM person_stores WHERE person_id = ?", (person_id,)))
        roles = frozenset(r[0] for r in q("SELECT role FROM person_roles WHERE person_id = ?", (person_id,)))
        windows = tuple(WeeklyWindow(d, clock.fromisoformat(a), clock.fromisoformat(b)) for d, a, b in
                        q("SELECT weekday, start, end FROM weekly_windows WHERE person_id = ?", (person_id,)))
        off = tuple(Unavailability(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in
                    q("SELECT start, end FROM time_off WHERE person_id = ?", (person_id,)))
        return Person(person_id, stores, roles, Availability(windows, off))

    def _window(self, group: tuple[str, ...], shift: Shift) -> tuple[datetime, datetime]:
        monday = hk_midnight(shift.week)
        if group == ("continuous_contract",):
            return monday - 3 * WEEK, monday + WEEK
        if group in (("weekly_cap", "overtime"), ("rest_day",)):
            return monday, monday + WEEK
        return shift.start - timedelta(hours=SETTINGS.min_rest_hours), shift.end + timedelta(
            hours=SETTINGS.min_rest_hours)

    def check(self, shift: Shift, taker_id: str) -> set:
        """Every finding for ``taker_id`` covering ``shift``, one database round per rule group."""
        found = set()
        for group in RULE_GROUPS:
            person = self._person(taker_id)  # re-read by every rule, as a rule reading the database does
            lo, hi = self._window(group, shift)
            mine = self._shifts(taker_id, lo, hi) + self._shifts(shift.person_id, lo, hi)
            one = ShiftTradeSettings(store_groups=SETTINGS.store_groups, switched_off=ALL_RULES - set(group))
            verdict = check_trade(Trade(TradeKind.COVER, shift, taker_id), {taker_id: person},
                                  RosterIndex.build(mine + [shift]), one, NOW)
            found |= {_key(f) for f in verdict.refusals + verdict.warnings}
        return found


def _key(finding) -> tuple:
    return finding.code, finding.person_id, tuple(sorted(finding.details.items()))


def naive_who_can_take(naive: NaiveRules, shift: Shift, people_ids: list[str]) -> dict[str, set]:
    return {pid: naive.check(shift, pid) for pid in people_ids if pid != shift.person_id}


def timed(run: Callable[[], object], repeats: int = 1) -> tuple[float, float, object]:
    """Wall and CPU milliseconds of one run (the best of ``repeats``) and its result. CPU time is
    what the phone would spend; wall time also holds waits for the other jobs on a shared machine."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        t, cpu = time.perf_counter(), time.process_time()
        result = run()
        best = min(best, (time.perf_counter() - t) * 1000)
        best_cpu = min(best_cpu, (time.process_time() - cpu) * 1000)
    return best, best_cpu, result


def measure(staff: int, weeks: int, targets: int, naive_targets: int) -> dict:
    """Both paths on the same store; raises if their verdicts ever differ."""
    people, shifts = build_store(staff, weeks)
    index_ms, _cpu, roster = timed(lambda: RosterIndex.build(shifts), repeats=5)
    chosen = pick_targets(shifts, weeks, targets)
    fast, naive, fast_cpu, naive_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        db = write_database(Path(tmp) / "store.db", people, shifts)
        rules = NaiveRules(db)
        ids = [p.id for p in people]
        for n, target in enumerate(chosen):
            ms, cpu, listed = timed(lambda: who_can_take(target, people, roster, SETTINGS, NOW))
            fast.append(ms)
            fast_cpu.append(cpu)
            if n < naive_targets:
                ms, cpu, slow = timed(lambda: naive_who_can_take(rules, target, ids))
                naive.append(ms)
                naive_cpu.append(cpu)
                quick = {c.person_id: {_key(f) for f in c.check.refusals + c.check.warnings} for c in listed}
                if quick != slow:
                    raise AssertionError(f"verdicts differ for shift {target.id}")
        db.close()
    return {"shifts": len(shifts), "index_ms": index_ms, "fast": fast, "naive": naive, "fast_cpu": fast_cpu,
            "naive_cpu": naive_cpu, "verdicts": len(people) - 1}


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(result: dict) -> list[str]:
    fast, naive, fcpu, ncpu = result["fast"], result["naive"], result["fast_cpu"], result["naive_cpu"]
    return [f"store: {result['verdicts'] + 1} staff, {result['shifts']} shifts; "
            f"{result['verdicts']} verdicts per question; index build {result['index_ms']:.1f} ms",
            f"fast  (RosterIndex, {len(fast)} shifts): wall p50 {_pct(fast, 50):.2f} ms  p95 {_pct(fast, 95):.2f} ms"
            f"  cpu p50 {_pct(fcpu, 50):.2f} ms",
            f"naive (SQLite per rule, {len(naive)} shifts): wall p50 {_pct(naive, 50):.1f} ms  "
            f"p95 {_pct(naive, 95):.1f} ms  cpu p50 {_pct(ncpu, 50):.1f} ms",
            f"ratio naive/fast p50: wall {_pct(naive, 50) / _pct(fast, 50):.1f}x, "
            f"cpu {_pct(ncpu, 50) / max(_pct(fcpu, 50), 1e-3):.1f}x (same verdicts for every colleague)"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--targets", type=int, default=60)
    parser.add_argument("--naive-targets", type=int, default=20)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for line in report(measure(args.staff, args.weeks, args.targets, args.naive_targets)):
        print(line)
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
