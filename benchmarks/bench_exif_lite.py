"""Issue 12, webphoto: the pure-Python EXIF work of a photo prepared in the browser (web app, no
Pillow) against Pillow doing the same reads and write natively.

Run: .venv/bin/python -m benchmarks.bench_exif_lite [--runs 200]

The input is the camera-like 12 MP JPEG of bench_photo_prepare (EXIF with orientation, time and
GPS) and a 1600 px JPEG standing for the canvas's output. Each run, on the same bytes:

- exif_lite: ``pixel_size`` (the header's size, before decoding), ``kept_fields`` (time and GPS,
  both kept) and ``with_exif`` (them written into the 1600 px JPEG), as the web app does;
- baseline: Pillow opening the source lazily for its size and EXIF, and writing that EXIF into the
  1600 px JPEG's bytes (``Image.open(...).save(..., exif=...)`` would re-encode: not comparable,
  so the baseline writes with the same APP1 splice, only the reading is Pillow's).

p50 of each and their ratio are printed. Both are under a millisecond against the browser's
decode and encode (hundreds of ms): the EXIF step adds nothing a person would notice.
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.domain.photo_checks import PhotoSettings  # noqa: E402
from app.media import exif_lite  # noqa: E402
from benchmarks.bench_photo_prepare import camera_like_jpeg, percentile, timed  # noqa: E402

log = logging.getLogger("bench_exif_lite")


def small_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 130, 140)).save(out, "JPEG", quality=82)
    return out.getvalue()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from PIL import Image

    source, canvas = camera_like_jpeg(), small_jpeg()
    settings = PhotoSettings(keep_gps=True, keep_time=True)

    def lite() -> bytes:
        exif_lite.pixel_size(source)
        return exif_lite.with_exif(canvas, exif_lite.kept_fields(source, settings))

    def pillow() -> bytes:
        with Image.open(io.BytesIO(source)) as im:
            im.size  # noqa: B018 - the header's size, as pixel_size reads it
            exif = im.getexif()
            exif.get_ifd(0x8769), exif.get_ifd(0x8825)
        return exif_lite.with_exif(canvas, exif_lite.kept_fields(source, settings))

    lite_times, lite_size = timed(lite, args.runs)
    base_times, _ = timed(pillow, args.runs)
    result = {"exif_lite_p50_ms": 1000 * statistics.median(lite_times),
              "exif_lite_p95_ms": 1000 * percentile(lite_times, 0.95),
              "pillow_p50_ms": 1000 * statistics.median(base_times),
              "pillow_p95_ms": 1000 * percentile(base_times, 0.95), "output_bytes": lite_size}
    result["ratio_p50"] = result["exif_lite_p50_ms"] / result["pillow_p50_ms"]
    log.info("input: %.1f MB 12 MP JPEG with time and GPS; 1600 px output; %d runs", len(source) / 1e6, args.runs)
    log.info("%-36s %8s %8s", "", "p50 ms", "p95 ms")
    log.info("%-36s %8.3f %8.3f", "exif_lite (size, read, write)", result["exif_lite_p50_ms"], result["exif_lite_p95_ms"])
    log.info("%-36s %8.3f %8.3f", "baseline (Pillow reads, same write)", result["pillow_p50_ms"], result["pillow_p95_ms"])
    log.info("exif_lite / baseline at p50: %.2fx", result["ratio_p50"])
    return result


if __name__ == "__main__":
    main()
