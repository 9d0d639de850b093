"""Issue 12, photoprep: the photo-preparation benchmark runs and compares like with like."""

from benchmarks.bench_photo_prepare import main


def test_the_benchmark_reports_both_timings_and_the_prepared_photo_is_smaller():
    """On a small camera-like photo: both p50s are measured, their ratio printed, the prepared JPEG is the smaller."""
    result = main(["--runs", "2", "--width", "2400", "--height", "1800"])
    assert result["prepared_p50_ms"] > 0 and result["baseline_p50_ms"] > 0
    assert result["ratio_p50"] == result["baseline_p50_ms"] / result["prepared_p50_ms"]
    assert result["prepared_bytes"] < result["baseline_bytes"] < result["input_bytes"] * 2
