"""benchmarks/bench_broadcast_receipts.py compares like with like: the per-store aggregate of
the receipts endpoint and the naive per-person version give the same counts (timings are for the
benchmark run, recorded in docs/benchmarks.md, never asserted in a test)."""

from benchmarks import bench_broadcast_receipts as bench


def test_aggregate_and_per_person_counts_agree(tmp_path):
    """300 people in 6 stores on a real SQLite file: both versions agree (measure raises
    otherwise) and every person is counted once, under one store."""
    result = bench.measure(f"sqlite:///{tmp_path / 'bench.db'}", people=300, stores=6, others=1, runs=2,
                           naive_runs=1)
    assert result["people"] == 300 and result["stores"] == 6
    lines = bench.report("sqlite", result)
    assert lines[-1].endswith("(same counts)")
