"""Liveness margins: prints (turned, keystoned) against real pose pairs of one person.

Prints, per kind of frame set, how many check_liveness calls as live and the range of the
two signals it decides on (``depth``: flat-picture fit residual, ``eye_change``: blink).
The thresholds in app/face/liveness.py and the table in docs/face.md come from this.
Run from the repo root:

    python -m benchmarks.bench_liveness
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.face import FaceError, check_liveness  # noqa: E402
from tests.face_conditions import keystone_sequence, print_sequence  # noqa: E402
from tests.face_fixtures import identity_of, photo  # noqa: E402

log = logging.getLogger("bench_liveness")

PHOTOS = ["obama_1.jpg", "obama_2.jpg", "obama_3.jpg", "biden_1.jpg", "biden_2.jpg", "kit_harington_1.jpg",
          "kit_harington_2.jpg", "rose_leslie_1.jpg", "rose_leslie_2.jpg", "alex_lacamoire_1.png",
          "alex_lacamoire_2.jpg", "lin_manuel_miranda_1.png"]


def _row(label: str, frame_sets: Iterable[list[bytes]]) -> str:
    live = total = unusable = 0
    depths, blinks = [], []
    for frames in frame_sets:
        try:
            result = check_liveness(frames)
        except FaceError:
            unusable += 1  # a frame without one face: refused before liveness is judged
            continue
        total += 1
        live += result.live
        depths.append(result.depth)
        blinks.append(result.eye_change)
    return (f"| {label} | {live}/{total} | {min(depths):.3f}-{max(depths):.3f} | "
            f"{min(blinks):.3f}-{max(blinks):.3f} | {unusable} |")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    pairs = [(a, b) for a, b in itertools.combinations(PHOTOS, 2) if identity_of(a) == identity_of(b)]
    rows = ["| frames | live | depth | blink | no face |", "| --- | --- | --- | --- | --- |"]
    rows.append(_row("real pose pairs, both orders", (
        frames for a, b in pairs for frames in ([photo(a), photo(b)], [photo(b), photo(a)]))))
    for yaw in (15, 25, 35, 45):
        rows.append(_row(f"print turned 0 to +-{yaw} deg", (
            print_sequence(name, sign * yaw) for name in PHOTOS for sign in (1, -1))))
    for amount in (0.1, 0.2, 0.3, 0.4):
        rows.append(_row(f"print keystoned 0 to +-{amount}", (
            keystone_sequence(name, sign * amount) for name in PHOTOS for sign in (1, -1))))
    log.info("%d photos, 3 frames per print\n%s", len(PHOTOS), "\n".join(rows))


if __name__ == "__main__":
    main()
