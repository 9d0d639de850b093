"""Issue 12, inspreport: the inspection PDF report for 60 items with 20 photos, prepared photos
against full-size camera photos.

Run: .venv/bin/python -m benchmarks.bench_inspection_report [--runs 7] [--width 4000] [--height 3000]

The input is one finished inspection of a 60-item template (6 sections, Chinese and English
labels): 25 items failed, 20 of them with one photo each and a note. The 20 photos are made once,
all different (camera-like texture, EXIF orientation 6, time and GPS), and each run draws the
report from the same bytes, from the photo files to the PDF (what the route does after its
database read: ``inspection_report.embeddable`` for each photo, then the drawing):

- prepared: the photos as the phone uploads them (``app.media.prepare``: JPEG, 1600 px, upright),
  embedded as they are;
- baseline: the same photos at full camera size (12 MP by default), as a browser's file picker
  uploads them where the web app cannot prepare photos (no Pillow in the Pyodide build, see
  docs/photos.md); the report prepares each one before embedding it.

Why this baseline: it answers whether the report may rely on the phone's preparation or must
keep preparing photos itself, and what an unprepared upload costs a report. The same report
without any photo is printed for reference (what the text, fonts and tables cost). p50 and
p95 of each, the ratio at p50 and the PDF sizes are printed (log lines on stderr).
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.media.prepare import prepare_photo  # noqa: E402
from backend_stub.services import inspection_report_fonts  # noqa: E402
from backend_stub.services.inspection_report import (  # noqa: E402
    CorrectiveTask,
    InspectionReport,
    ReportFinding,
    embeddable,
    render_gathered,
)
from benchmarks.bench_photo_prepare import percentile, timed  # noqa: E402

log = logging.getLogger("bench_inspection_report")
ITEMS, SECTIONS, FAILED, PHOTOS = 60, 6, 25, 20


def camera_photos(n: int, width: int, height: int) -> list[bytes]:
    """``n`` different camera-like JPEGs (texture as bench_photo_prepare's, a distinct patch each)."""
    from PIL import Image

    coarse = [Image.effect_noise((width // 4, height // 4), 64).resize((width, height), Image.Resampling.BICUBIC)
              for _ in range(3)]
    base = Image.blend(Image.merge("RGB", coarse), Image.effect_noise((width, height), 12).convert("RGB"), 0.3)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8769).update({0x9003: "2026:12:01 09:30:00", 0x9011: "+08:00"})
    exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 16.0, 48.0), 3: "E", 4: (114.0, 10.0, 12.0)})
    photos = []
    for i in range(n):
        picture = base.copy()
        picture.paste((40 * i % 256, 90, 200 - 5 * i), (100 * i, 100, 100 * i + 300, 400))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=90, exif=exif.tobytes())
        photos.append(out.getvalue())
    return photos


def draw(photos: list[bytes]) -> bytes:
    """The report of the 60-item inspection from the photos' stored bytes to the PDF."""
    per_section = ITEMS // SECTIONS
    sections = tuple((f"第{s + 1}區 Section {s + 1}", 90.0 - s) for s in range(SECTIONS))
    findings = []
    for n in range(FAILED):
        shots = (embeddable(f"{n:064x}", photos[n]),) if n < len(photos) else ()
        findings.append(ReportFinding(
            f"item-{n * 2}", sections[n * 2 // per_section][0], f"貨架價錢牌齊全 Price labels on shelf {n * 2}",
            n == 0, n % 4 == 0, f"第{n}號貨架缺少價錢牌 Labels missing on shelf {n}", shots))
    report = InspectionReport("bench", "銅鑼灣 Causeway Bay (Times Square)", "門市巡查 Store walk", 3,
                              "Cheung Wai Man 張慧敏", datetime(2026, 12, 1, 9, 30, tzinfo=UTC), 58.33, False, 80,
                              (findings[0].label,), sections, tuple(findings))
    tasks = [CorrectiveTask(f"跟進 Fix: {f.label}", "open", datetime(2026, 12, 2, 18, tzinfo=UTC),
                            "Chan Siu Ming 陳小明", f.item_id) for f in findings]
    return render_gathered(report, tasks, "en")


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    camera = camera_photos(PHOTOS, args.width, args.height)
    prepared = [prepare_photo(p).data for p in camera]
    inspection_report_fonts.register()  # once per process (the HK font conversion): not timed
    rows = {"prepared": timed(lambda: draw(prepared), args.runs),
            "baseline": timed(lambda: draw(camera), args.runs),
            "no_photos": timed(lambda: draw([]), args.runs)}
    result = {"camera_mb": sum(map(len, camera)) / 1e6, "prepared_mb": sum(map(len, prepared)) / 1e6}
    for name, (times, size) in rows.items():
        result |= {f"{name}_p50_ms": 1000 * statistics.median(times), f"{name}_p95_ms": 1000 * percentile(times, 0.95),
                   f"{name}_pdf_kb": size / 1024}
    result["ratio_p50"] = result["baseline_p50_ms"] / result["prepared_p50_ms"]
    log.info("input: %d items, %d findings, %d photos: %dx%d camera JPEGs (%.1f MB) or prepared (%.1f MB); "
             "%d runs each", ITEMS, FAILED, PHOTOS, args.width, args.height, result["camera_mb"],
             result["prepared_mb"], args.runs)
    log.info("%-44s %9s %9s %10s", "", "p50 ms", "p95 ms", "PDF KB")
    for name, label in (("prepared", "prepared photos (1600 px, embedded as is)"),
                        ("baseline", "baseline: full camera size (prepared here)"),
                        ("no_photos", "reference: no photos")):
        log.info("%-44s %9.0f %9.0f %10.0f", label, result[f"{name}_p50_ms"], result[f"{name}_p95_ms"],
                 result[f"{name}_pdf_kb"])
    log.info("baseline / prepared at p50: %.2fx", result["ratio_p50"])
    return result


if __name__ == "__main__":
    main()
