"""benchmarks/bench_shift_eligibility.py compares like with like (its timings are for the
benchmark run, recorded in docs/benchmarks.md, never asserted in a test)."""

from benchmarks import bench_shift_eligibility as bench


def test_fast_and_naive_paths_give_the_same_verdicts():
    """60 staff, 4 weeks: both paths agree for every colleague (measure raises otherwise)."""
    result = bench.measure(staff=60, weeks=4, targets=15, naive_targets=3)
    assert result["verdicts"] == 59 and result["shifts"] > 60 * 4 * 4
    lines = bench.report(result)
    assert lines[-1].startswith("ratio naive/fast p50: ") and "same verdicts" in lines[-1]


def test_the_store_has_every_kind_of_verdict():
    """The benchmark's store is not trivial: some colleagues are eligible, some warned, some refused."""
    people, shifts = bench.build_store(60, 4)
    roster = bench.RosterIndex.build(shifts)
    statuses = set()
    for target in bench.pick_targets(shifts, 4, 10):
        statuses |= {c.status for c in bench.who_can_take(target, people, roster, bench.SETTINGS, bench.NOW)}
    assert statuses == {"eligible", "warning", "refused"}
