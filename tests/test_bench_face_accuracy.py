"""benchmarks/bench_face_accuracy.py on a tiny subset: the table a chain reads, in docs/face.md."""

import subprocess
import sys
from pathlib import Path

from benchmarks.bench_face_accuracy import SECTION, write_section
from tests.face_conditions import CONDITIONS

REPO = Path(__file__).resolve().parents[1]
HEADER = ("condition", "genuine attempts", "FRR (refused)", "retry rate", "retry reasons",
          "impostor attempts", "FAR (accepted)", "asked to lower mask")


def _table_rows(text: str) -> dict[str, list[str]]:
    """Markdown table rows keyed by their first cell (the header row included)."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells
    return rows


def test_script_reports_far_frr_and_retry_for_every_condition_into_the_docs(tmp_path):
    """The script prints and writes a row per selfie condition with FRR, retry and FAR, and keeps the other sections."""
    docs = tmp_path / "face.md"
    original = (REPO / "docs" / "face.md").read_text(encoding="utf-8")
    docs.write_text(original + "\n## Quality gates\n\nAnother helper's text.\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_face_accuracy", "--photos",
         "obama_1.jpg,obama_2.jpg,biden_1.jpg,biden_2.jpg", "--variants", "1", "--outside", "1",
         "--write-docs", "--docs", str(docs)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=True,
    )
    for text in (run.stdout, docs.read_text(encoding="utf-8")):
        rows = _table_rows(text)
        assert set(HEADER) <= set(rows["condition"])
        assert set(CONDITIONS) <= set(rows), f"missing conditions: {set(CONDITIONS) - set(rows)}"
        for condition in CONDITIONS:
            cells = dict(zip(rows["condition"], rows[condition], strict=True))
            # 2 photos x 1 other photo each per person, every one a genuine attempt.
            assert cells["genuine attempts"] == "4"
            assert cells["FRR (refused)"].endswith("/4)") and cells["retry rate"].endswith("/4)")
            assert cells["FAR (accepted)"].endswith("/12)")  # 2 x 2 other-person + 4 outside
        assert "Grace Hopper: matplotlib/mpl-data/sample_data/grace_hopper.jpg" in text
    written = docs.read_text(encoding="utf-8")
    assert written.count(SECTION) == 1
    assert written.count("## Quality gates\n\nAnother helper's text.\n") == 1
    headings = [line for line in (original + "## Quality gates\n").splitlines() if line.startswith("## ")]
    assert [line for line in written.splitlines() if line.startswith("## ")] == (
        headings if SECTION in headings else headings + [SECTION])


def test_rewriting_the_section_replaces_it_in_place(tmp_path):
    """A second run replaces the accuracy section where it stands; the sections around it are untouched."""
    docs = tmp_path / "face.md"
    docs.write_text("# Face\n\n## Pipeline\n\ntext\n\n" + SECTION + "\n\nold figures\n\n## Liveness\n\nkept\n",
                    encoding="utf-8")
    write_section(docs, SECTION + "\n\nnew figures\n")
    assert docs.read_text(encoding="utf-8") == (
        "# Face\n\n## Pipeline\n\ntext\n\n" + SECTION + "\n\nnew figures\n\n## Liveness\n\nkept\n"
    )
