"""CPU time of the published app's Python start, per step, in Pyodide under Node.js.

Run: .venv/bin/python -m benchmarks.bench_web_python_cpu [--runs 5] REF_OR_WORKTREE...

Each argument is a git commit (or ``.`` for the working tree); each is built like
scripts/build_web.sh, then Node.js runs the build's own Pyodide (the browser's engine, V8)
``--runs`` times per build, interleaved: boot Pyodide, load the wheels from the lock file,
``import app.web_main`` (everything the app imports before its first view). It prints the
CPU time (user + system) of each step: on this shared 2-core machine wall-clock times swing
2-3x with the other helpers' load, CPU time much less; the browser adds Flutter and the
app's own start (benchmarks/bench_web_start.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.web_published import build_at  # noqa: E402

SCRIPT = Path(__file__).with_name("web_python_cpu.mjs")
STEPS = ("boot", "wheels", "imports")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("refs", nargs="+", help="git commits to build ('.' = the working tree)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        builds = {}
        for i, ref in enumerate(args.refs):
            dist = build_at(None if ref == "." else ref, tmp / f"web-{i}", "http://127.0.0.1:9")
            app = tmp / f"app-{i}"
            with tarfile.open(dist / "app.tar.gz") as tar:
                tar.extractall(app, filter="data")
            builds[ref] = (dist, app)
        results = {ref: [] for ref in builds}
        for _ in range(args.runs):
            for ref, (dist, app) in builds.items():
                out = subprocess.run(["node", str(SCRIPT), str(dist), str(app)], capture_output=True,
                                     text=True, check=True).stdout
                results[ref].append(json.loads(out.strip().splitlines()[-1]))
    print(f"CPU ms, median (min-max) of {args.runs} runs")
    print(f"{'build':14s} " + " ".join(f"{s:>20s}" for s in (*STEPS, "total")))
    for ref, runs in results.items():
        cells = []
        for step in (*STEPS, "total"):
            values = [sum(r[s] for s in STEPS) if step == "total" else r[step] for r in runs]
            cells.append(f"{statistics.median(values):6.0f} ({min(values):4.0f}-{max(values):4.0f})")
        print(f"{ref[:14]:14s} " + " ".join(f"{c:>20s}" for c in cells))


if __name__ == "__main__":
    main()
