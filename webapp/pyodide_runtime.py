"""Give ``flet publish`` its Python build manifest and Pyodide runtime without the internet.

flet-cli 1.0.5 downloads both from GitHub. It reads a local manifest from
``FLET_PYTHON_BUILD_MANIFEST``, and takes Pyodide from ``$FLET_CACHE_DIR/pyodide/<version>``
when that folder's lock file names the version: flet-web already ships that exact core
(minus the ``info.version`` field), so we copy it there.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .patches import check_pyodide, read_json
from .pins import PYODIDE_PYTHON, PYODIDE_VERSION, PYTHON_SHORT

MANIFEST = {
    "default_python_version": PYTHON_SHORT,
    "pythons": {
        PYTHON_SHORT: {
            "full_version": PYODIDE_PYTHON,
            "pyodide_version": PYODIDE_VERSION,
            "android_abis": [],
        }
    },
}


def flet_web_pyodide_dir() -> Path:
    """The Pyodide core folder inside the installed flet-web package."""
    import flet_web

    return Path(flet_web.get_package_web_dir()) / "pyodide"


def check_shipped_pyodide(pyodide_dir: Path) -> None:
    """BuildError unless flet-web's Pyodide is the pinned one."""
    lock = read_json(pyodide_dir / "pyodide-lock.json")
    check_pyodide(read_json(pyodide_dir / "package.json"), lock.get("info", {}))


def prepare_flet_cache(cache: Path) -> dict[str, str]:
    """Write the manifest and seed the Pyodide cache; return the env vars for ``flet publish``."""
    source = flet_web_pyodide_dir()
    check_shipped_pyodide(source)
    manifest = cache / "python-build-manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(MANIFEST, indent=2), "utf-8")
    flet_cache = cache / "flet"
    target = flet_cache / "pyodide" / PYODIDE_VERSION
    lock_path = target / "pyodide-lock.json"
    if not (lock_path.exists() and read_json(lock_path).get("info", {}).get("version") == PYODIDE_VERSION):
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source, staging)
        lock = read_json(staging / "pyodide-lock.json")
        lock["info"]["version"] = PYODIDE_VERSION
        (staging / "pyodide-lock.json").write_text(json.dumps(lock), "utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)  # atomic: a parallel build sees all or nothing
    return {"FLET_PYTHON_BUILD_MANIFEST": str(manifest), "FLET_CACHE_DIR": str(flet_cache)}
