"""The client's Python packages as wheels inside ``dist``, registered in Pyodide's lock file.

micropip resolves every requirement on PyPI at run time unless the package is in
``pyodide-lock.json``; then Pyodide loads the wheel from beside the lock file. So pip
downloads every wheel once (pure ones, and ``pyemscripten_2026_0_wasm32`` builds of
pydantic-core and msgpack) into a cache, and the build copies and registers them.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from .patches import read_json
from .pins import PYODIDE_PYTHON, PYTHON_SHORT, WASM_ABI, WASM_PLATFORM, BuildError

log = logging.getLogger(__name__)

#: How Pyodide 314 evaluates environment markers of a wheel's dependencies.
PYODIDE_ENV = {
    "python_version": PYTHON_SHORT, "python_full_version": PYODIDE_PYTHON,
    "sys_platform": "emscripten", "platform_system": "Emscripten", "platform_machine": "wasm32",
    "os_name": "posix", "implementation_name": "cpython", "platform_python_implementation": "CPython",
    "platform_release": "", "platform_version": "", "implementation_version": PYODIDE_PYTHON,
    "extra": "",
}


@dataclass(frozen=True)
class Wheel:
    """One downloaded wheel and what the lock file needs to know about it."""

    path: Path
    name: str
    version: str
    depends: tuple[str, ...]
    imports: tuple[str, ...]

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"


def client_requirements(repo: Path) -> list[str]:
    """The client's own dependencies that Pyodide loads: ``[project].dependencies`` of
    pyproject.toml (pinned) whose marker holds in the browser (Pillow, for native builds only,
    has no browser wheel: the browser prepares photos itself)."""
    with open(repo / "pyproject.toml", "rb") as f:
        wanted = [Requirement(r) for r in tomllib.load(f)["project"]["dependencies"]]
    return [str(r) for r in wanted if r.marker is None or r.marker.evaluate(PYODIDE_ENV)]


def requirement_pins(repo: Path) -> list[str]:
    """``name==version`` lines of requirements.txt (extras dropped): pip constraints."""
    pins = []
    for line in (repo / "requirements.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            name = re.sub(r"\[.*\]", "", name).strip()
            pins.append(f"{name}=={version.strip()}")
    return pins


def download(requirements: list[str], constraints: list[str], cache: Path) -> list[Path]:
    """Every wheel the requirements need for Pyodide, downloaded once into ``cache/wheels``."""
    key = hashlib.sha256(json.dumps([requirements, constraints, WASM_PLATFORM]).encode()).hexdigest()[:16]
    folder = cache / "wheels" / key
    if not (folder / ".complete").exists():
        partial = folder.with_name(f"{key}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        (partial / "constraints.txt").write_text("\n".join(constraints) + "\n", "utf-8")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "--platform", WASM_PLATFORM, "--platform", "any",
               "--python-version", PYTHON_SHORT, "--implementation", "cp",
               "--abi", WASM_ABI, "--abi", "abi3", "--abi", "none",
               "-c", str(partial / "constraints.txt"), "-d", str(partial), *requirements]
        log.info("downloading the client's wheels for Pyodide (once)")
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(f"pip could not download the client's wheels for Pyodide:\n{result.stderr}")
        (partial / "constraints.txt").unlink()
        (partial / ".complete").write_text("ok\n", "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
    return sorted(folder.glob("*.whl"))


def inspect_wheel(path: Path) -> Wheel:
    """Name, version, Pyodide-side dependencies and top-level imports of a wheel."""
    name, version, _build, _tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode("utf-8"))
    depends = []
    for spec in meta.get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate(PYODIDE_ENV):
            depends.append(canonicalize_name(req.name))
    tops = {n.split("/", 1)[0] for n in names}
    imports = sorted(t.removesuffix(".py") for t in tops
                     if not t.endswith((".dist-info", ".data")) and (t.endswith(".py") or "." not in t))
    return Wheel(path, canonicalize_name(name), str(version), tuple(sorted(set(depends))), tuple(imports))


def split_later(bundle: list[Wheel], later_names: frozenset[str]) -> tuple[list[Wheel], list[Wheel]]:
    """The wheels loaded before the app and those loaded after its first view.

    A start wheel's lock entry forgets its dependencies among the later ones: Pyodide's
    ``loadPackage`` loads every dependency it lists, which would undo the split.
    """
    names = {w.name for w in bundle}
    if not later_names <= names:
        raise BuildError(f"loaded-later wheels not in the bundle: {sorted(later_names - names)}")
    start = [replace(w, depends=tuple(d for d in w.depends if d not in later_names))
             for w in bundle if w.name not in later_names]
    later = [w for w in bundle if w.name in later_names]
    needed_first = {d for w in later for d in w.depends} - later_names
    if not needed_first <= {w.name for w in start}:
        raise BuildError(f"loaded-later wheels need {sorted(needed_first)}")
    return start, later


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's content (read in 1 MB pieces)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def lock_entry(wheel: Wheel, file_name: str, sha256: str) -> dict:
    """The pyodide-lock.json record that makes micropip load ``wheel`` from beside the lock."""
    return {"name": wheel.name, "version": wheel.version, "file_name": file_name,
            "install_dir": "site", "sha256": sha256, "package_type": "package",
            "imports": list(wheel.imports), "depends": list(wheel.depends),
            "unvendored_tests": False, "shared_library": False}


def register(pyodide_dir: Path, wheels: list[Wheel]) -> None:
    """Copy the wheels beside the lock file and make the lock list exactly what is there.

    Entries whose file is not shipped are dropped, so nothing can resolve to a missing file
    (Pyodide's full distribution lists ~350 packages; flet-web ships two of them).
    """
    lock_path = pyodide_dir / "pyodide-lock.json"
    lock = read_json(lock_path)
    ours = {w.name for w in wheels}
    missing = {d for w in wheels for d in w.depends if d not in ours}
    if missing:
        raise BuildError(f"in Pyodide the client's wheels also need {sorted(missing)}: add them to the download")
    packages = {key: entry for key, entry in lock["packages"].items()
                if (pyodide_dir / entry["file_name"]).exists() and canonicalize_name(key) not in ours}
    for wheel in wheels:
        shutil.copy2(wheel.path, pyodide_dir / wheel.path.name)
        packages[wheel.name] = lock_entry(wheel, wheel.path.name, sha256_of(wheel.path))
    lock["packages"] = dict(sorted(packages.items()))
    lock_path.write_text(json.dumps(lock, separators=(",", ":")), "utf-8")
