"""Issue 12, inspreport: the inspection report benchmark runs and compares like with like."""

from benchmarks.bench_inspection_report import main


def test_the_benchmark_reports_both_timings_and_the_photos_are_in_the_pdf():
    """On small camera-like photos: both p50s and their ratio are measured, and the PDFs with
    photos are far larger than the one without (the photos were embedded)."""
    result = main(["--runs", "1", "--width", "1200", "--height", "900"])
    assert result["prepared_p50_ms"] > 0 and result["baseline_p50_ms"] > 0
    assert result["ratio_p50"] == result["baseline_p50_ms"] / result["prepared_p50_ms"]
    assert min(result["prepared_pdf_kb"], result["baseline_pdf_kb"]) > 5 * result["no_photos_pdf_kb"]
