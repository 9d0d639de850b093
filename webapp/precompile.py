"""Ship Python bytecode: every module of the standard library, the wheels and the app
compiled once, at build time.

Pyodide never writes bytecode (``sys.dont_write_bytecode``; its file system is in memory
anyway) and its core ships the standard library as sources only (``python_stdlib.zip``), so
without ``.pyc`` files every start compiles asyncio, json, email, flet, pydantic, httpx,
babel and the app from source again: seconds at each reload (docs/benchmarks.md, "Web
client start-up"). In the standard library's zip the bytecode sits beside each source
(``name.pyc``, where ``zipimport`` looks first).
The build runs the very Pyodide it ships (flet-web's, pinned) under Node.js and
``compileall`` writes ``__pycache__/*.cpython-314.pyc`` beside each source, with
unchecked-hash invalidation: the browser uses them without comparing timestamps (unpacking
sets new ones) and the same sources give the same bytes (stable build version). The sources
stay for tracebacks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from .pins import PYODIDE_VERSION, BuildError
from .wheels import Wheel, sha256_of

log = logging.getLogger(__name__)

#: Loads Pyodide in Node.js, mounts each host folder and compiles it; argv: pyodide dir, then
#: folders (a "legacy:" prefix writes name.pyc beside name.py, for zipimport).
NODE_SCRIPT = """
const [pyodideDir, ...folders] = process.argv.slice(2);
const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
const failed = [];
for (const [i, arg] of folders.entries()) {
  const legacy = arg.startsWith("legacy:");
  const folder = legacy ? arg.slice(7) : arg;
  const mount = "/compile" + i;
  py.FS.mkdirTree(mount);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: folder }, mount);
  py.globals.set("folder", mount);
  py.globals.set("legacy", legacy);
  const ok = py.runPython(`
import compileall, py_compile
compileall.compile_dir(folder, quiet=2, legacy=legacy,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
`);
  if (!ok) failed.push(folder);
}
const magic = py.runPython("import importlib.util; importlib.util.MAGIC_NUMBER.hex()");
console.log(JSON.stringify({ failed, magic }));
"""
STDLIB_ZIP = "python_stdlib.zip"
#: Fixed zip timestamps: the same wheel always gives the same bytes (and sha256 in the lock).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def compile_folders(folders: list[Path], pyodide_dir: Path, *, legacy: bool = False) -> str:
    """Compile every ``.py`` under ``folders`` with Pyodide's own CPython (Node.js); return
    that Python's bytecode magic number (hex)."""
    node = shutil.which("node")
    if node is None:
        raise BuildError("Node.js is needed to compile the app for Pyodide (apt-get install nodejs)")
    with tempfile.NamedTemporaryFile("w", suffix=".mjs", delete=False) as script:
        script.write(NODE_SCRIPT)
    try:
        args = [("legacy:" if legacy else "") + str(folder) for folder in folders]
        result = subprocess.run([node, script.name, str(pyodide_dir.resolve()), *args],
                                capture_output=True, text=True)
    finally:
        Path(script.name).unlink()
    if result.returncode != 0:
        raise BuildError(f"compiling for Pyodide failed:\n{result.stderr[-3000:]}")
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if answer["failed"]:  # a file that does not compile is compiled (or fails) in the browser as before
        log.warning("some modules did not compile for Pyodide in %s", answer["failed"])
    return answer["magic"]


def pyodide_magic(pyodide_dir: Path) -> bytes:
    """The bytecode magic number of Pyodide's Python (asks it, under Node.js)."""
    with tempfile.TemporaryDirectory() as empty:
        return bytes.fromhex(compile_folders([Path(empty)], pyodide_dir))


def zip_folder(folder: Path, out: Path) -> None:
    """A zip of ``folder`` (files and folders), sorted, with fixed timestamps."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix() + ("/" if path.is_dir() else "")
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o40755 << 16 | 0x10) if path.is_dir() else 0o644 << 16
            zf.writestr(info, b"" if path.is_dir() else path.read_bytes())


def _cache_key(*parts) -> str:
    return hashlib.sha256(json.dumps([PYODIDE_VERSION, NODE_SCRIPT, *parts]).encode()).hexdigest()[:16]


def compile_stdlib(pyodide_dir: Path, cache: Path) -> None:
    """Replace the standard library's zip in ``pyodide_dir`` by one with bytecode (cached)."""
    source = pyodide_dir / STDLIB_ZIP
    compiled = cache / "compiled-stdlib" / _cache_key(sha256_of(source)) / STDLIB_ZIP
    if not compiled.exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            tree = Path(tmp) / "stdlib"
            with zipfile.ZipFile(source) as zf:
                zf.extractall(tree)
            log.info("compiling the standard library for Pyodide (once)")
            compile_folders([tree], pyodide_dir, legacy=True)
            partial = Path(tmp) / STDLIB_ZIP
            zip_folder(tree, partial)
            compiled.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(partial, compiled)
    shutil.copyfile(compiled, source)


def compiled_wheels(bundle: list[Wheel], cache: Path, pyodide_dir: Path) -> list[Wheel]:
    """The wheels with their bytecode added; made once per set of wheels, cached."""
    folder = cache / "compiled-wheels" / _cache_key([sha256_of(w.path) for w in bundle])
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            trees = []
            for wheel in bundle:
                tree = Path(tmp) / wheel.path.name
                with zipfile.ZipFile(wheel.path) as zf:
                    zf.extractall(tree)
                trees.append(tree)
            log.info("compiling %d wheels for Pyodide (once)", len(trees))
            compile_folders(trees, pyodide_dir)
            folder.mkdir(parents=True)
            for tree in trees:
                zip_folder(tree, folder / tree.name)
        (folder / ".complete").write_text("ok\n", "utf-8")
    return [replace(w, path=folder / w.path.name) for w in bundle]


def compile_archive(archive: Path, pyodide_dir: Path) -> None:
    """Add the bytecode of the app's modules to ``app.tar.gz`` (rewritten in place)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "app"
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        compile_folders([tree], pyodide_dir)
        with tarfile.open(archive, "w:gz") as tar:
            for path in sorted(tree.iterdir()):
                tar.add(path, arcname=path.name)
