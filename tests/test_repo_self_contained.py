"""A clone in any folder, with nothing beside it, runs: no machine paths, no files from outside."""

import re
from pathlib import Path

from tests.face_fixtures import FACES_DIR, single_face_photos

REPO = Path(__file__).resolve().parents[1]
CODE_DIRS = ("app", "backend_stub", "tests", "benchmarks", "scripts")
# A machine path, or a path that climbs out of the checkout to a folder beside it.
OUTSIDE = re.compile(r"""["'](/work/|/home/|/root/)|\.\./shared|parents\[\d\]\.parent""")


def test_no_code_reaches_outside_the_repository():
    """No source or script names a machine path or a folder beside the checkout."""
    offenders = []
    for folder in CODE_DIRS:
        for path in (REPO / folder).rglob("*"):
            if path.suffix in (".py", ".sh") and path != Path(__file__):
                for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                    if OUTSIDE.search(line):
                        offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_face_fixtures_live_in_the_repository_with_their_licence():
    """The face photos come from tests/fixtures/faces, with their source and licence beside them."""
    assert FACES_DIR.resolve().is_relative_to(REPO)
    assert len(single_face_photos()) >= 16
    assert "MIT License" in (FACES_DIR / "LICENSE").read_text()
    assert "face_recognition" in (FACES_DIR / "README.md").read_text()
