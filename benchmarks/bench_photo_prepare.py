"""Issue 12, photoprep: preparing a task photo on the device against re-encoding it at full size.

Run: .venv/bin/python -m benchmarks.bench_photo_prepare [--runs 15] [--width 4000] [--height 3000]

The input is one camera-like JPEG (12 MP by default, quality 90, texture at several scales so it
compresses like a real photo, EXIF with an Orientation tag, time and GPS), made once. Each run
times, on the same bytes:

- prepared: ``app.media.prepare.prepare_photo`` (JPEG decoded at a reduced DCT scale, turned
  upright, long side to 1600 px, JPEG written with only the kept EXIF);
- baseline: decode fully and write it again as a JPEG at full size (no resize, no rotation), the
  least a phone does that re-encodes at all.

p50 and p95 of each, their ratio, and the output sizes are printed (log lines on stderr).
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.domain.photo_checks import JPEG_QUALITY  # noqa: E402
from app.media.prepare import prepare_photo  # noqa: E402

log = logging.getLogger("bench_photo_prepare")


def camera_like_jpeg(width: int = 4000, height: int = 3000, orientation: int = 6, quality: int = 90) -> bytes:
    """A JPEG that compresses like a phone photo (about 5 MB at 12 MP), with camera EXIF."""
    from PIL import Image

    coarse = [Image.effect_noise((width // 4, height // 4), 64).resize((width, height), Image.Resampling.BICUBIC)
              for _ in range(3)]
    fine = Image.effect_noise((width, height), 12).convert("RGB")
    picture = Image.blend(Image.merge("RGB", coarse), fine, 0.3)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif.get_ifd(0x8769).update({0x9003: "2026:12:01 09:30:00", 0x9011: "+08:00"})
    exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 16.0, 48.0), 3: "E", 4: (114.0, 10.0, 12.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def reencode_full_size(data: bytes) -> bytes:
    """The baseline: decode and write again as JPEG, same size, same quality as a prepared photo."""
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as im:
        im.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def timed(work: Callable[[], bytes], runs: int) -> tuple[list[float], int]:
    """Seconds per run and the output's size (one warm-up run first)."""
    size = len(work())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times, size


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    data = camera_like_jpeg(args.width, args.height)
    prepared, prepared_size = timed(lambda: prepare_photo(data).data, args.runs)
    baseline, baseline_size = timed(lambda: reencode_full_size(data), args.runs)
    result = {"input_bytes": len(data), "prepared_p50_ms": 1000 * statistics.median(prepared),
              "prepared_p95_ms": 1000 * percentile(prepared, 0.95), "prepared_bytes": prepared_size,
              "baseline_p50_ms": 1000 * statistics.median(baseline),
              "baseline_p95_ms": 1000 * percentile(baseline, 0.95), "baseline_bytes": baseline_size}
    result["ratio_p50"] = result["baseline_p50_ms"] / result["prepared_p50_ms"]
    log.info("input: %dx%d camera-like JPEG, %.1f MB; %d runs each", args.width, args.height,
             len(data) / 1e6, args.runs)
    log.info("%-34s %9s %9s %10s", "", "p50 ms", "p95 ms", "out KB")
    log.info("%-34s %9.0f %9.0f %10.0f", "prepared (1600 px, upright, EXIF)", result["prepared_p50_ms"],
             result["prepared_p95_ms"], prepared_size / 1024)
    log.info("%-34s %9.0f %9.0f %10.0f", "baseline (re-encode full size)", result["baseline_p50_ms"],
             result["baseline_p95_ms"], baseline_size / 1024)
    log.info("baseline / prepared at p50: %.2fx", result["ratio_p50"])
    return result


if __name__ == "__main__":
    main()
