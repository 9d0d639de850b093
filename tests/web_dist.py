"""The installable web app, built once per test session and API URL (scripts/build_web.sh's code).

Downloads are cached in ``.cache/web`` (as for scripts/build_web.sh), so after the first
build of a machine a build takes a few seconds. Each build goes to its own temporary folder
(removed at exit), never to ``dist/web`` of the developer.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from webapp.build import build

_builds: dict[str, Path] = {}


def built_web_app(api_url: str | None = None) -> Path:
    """``dist/web`` of a build talking to ``api_url`` (flet.toml's when None); built once."""
    key = api_url or ""
    if key not in _builds:
        root = Path(tempfile.mkdtemp(prefix="shopfloor-web-"))
        atexit.register(shutil.rmtree, root, True)
        build(root / "web", api_url=api_url)
        _builds[key] = root / "web"
    return _builds[key]


@contextlib.contextmanager
def serving_a_copy(api_url: str, folder: Path, port: int) -> Iterator[str]:
    """The app built for ``api_url``, copied to ``folder`` (a test may deploy a "new build"
    there) and served on ``port`` (the origin the API's CORS allows); yields its URL."""
    from webapp.serve import serving

    shutil.copytree(built_web_app(api_url), folder)
    with serving(folder, port=port) as url:
        yield url
