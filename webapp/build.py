"""Build the installable web app into ``dist/web`` (``python -m webapp``, scripts/build_web.sh).

Only the package registries are used, once (PyPI for the wheels, npm for the Rive runtime);
everything else comes from the installed flet-web. The new build is made beside the old one
and swapped in at the end, so a server keeps serving a complete app throughout.
"""

from __future__ import annotations

import argparse
import gzip
import io
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

from . import (
    babel_trim, icons, offline, patches, precompile, pyodide_runtime, rive, stage, startup, tzdata_trim, wheels,
)
from .pins import BuildError

log = logging.getLogger("webapp.build")

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist" / "web"
#: Downloads kept between builds (git-ignored); SHOPFLOOR_WEB_CACHE moves it.
CACHE = Path(os.environ.get("SHOPFLOOR_WEB_CACHE") or REPO / ".cache" / "web")

#: What flet-web ships that this app never loads: the dart2wasm/skwasm build (we force the
#: CanvasKit renderer, default variants), Flutter's own service worker, source maps, Pyodide's node CLI.
UNUSED = ["main.dart.wasm", "canvaskit/wimp*", "canvaskit/experimental_webparagraph", "main.dart.mjs", "flutter.js", "flutter_service_worker.js",
          "canvaskit/skwasm*", "**/*.map", "**/*.symbols", "pyodide/python", "pyodide/python.bat",
          "pyodide/python.exe", "pyodide/python_cli_entry.mjs", "pyodide/*.d.ts"]


#: Declared dependencies no client code imports in the browser, left out (and out of the
#: lock's ``depends``): sqlite-utils wants pip only for its ``install`` command.
NOT_IN_BROWSER = {"pip"}

#: Wheels nothing imports before the first view, loaded right after it (app.platform.later):
#: the geofence check (geopy, geographiclib), the camera, the geolocator and secure storage
#: (clock-in, native only), httpx's native transports and CLI (the browser sends through
#: fetch), sqlite-utils' CLI (click-default-group, tabulate; its plugin hooks import click at
#: start) and what only those need. 13 of 29 wheels
#: that every offline reload unpacked before the app could start. A name missing from the
#: bundle stops the build.
LOADED_LATER = frozenset({
    "geopy", "geographiclib", "flet-camera", "flet-geolocator", "flet-secure-storage",
    "anyio", "certifi", "h11", "httpcore", "click-default-group", "tabulate", "six", "repath",
})


def check_versions() -> None:
    """BuildError unless flet, flet-web and flet-cli are the pinned release."""
    patches.check_flet_versions({name: metadata.version(name) for name in ("flet", "flet-web", "flet-cli")})


def shipped_wheels(requirements: list[str], downloaded: list[Path]) -> list[wheels.Wheel]:
    """The downloaded wheels Pyodide needs: the requirements and their dependencies there
    (babel with only the app's locale data, tzdata with Asia's zones)."""
    trimmed = {"babel-": babel_trim.trimmed_babel, "tzdata-": tzdata_trim.trimmed_tzdata}
    downloaded = [next((trim(REPO, p) for prefix, trim in trimmed.items() if p.name.startswith(prefix)), p)
                  for p in downloaded]
    by_name = {w.name: w for w in map(wheels.inspect_wheel, downloaded)}
    wanted = [canonicalize_name(r.split("==")[0].split("[")[0]) for r in requirements]
    needed: dict[str, wheels.Wheel] = {}
    while wanted:
        name = wanted.pop()
        if name in needed:
            continue
        if name not in by_name:
            raise BuildError(f"no wheel for {name!r} among the downloads (needed in Pyodide)")
        wheel = by_name[name]
        needed[name] = replace(wheel, depends=tuple(d for d in wheel.depends if d not in NOT_IN_BROWSER))
        wanted.extend(needed[name].depends)
    return sorted(needed.values(), key=lambda w: w.name)


def publish(stage_dir: Path, out: Path, env: dict[str, str]) -> None:
    """``flet publish`` of the staged app into ``out`` (CanvasKit renderer, no CDN)."""
    cmd = [sys.executable, "-m", "flet_cli.cli", "publish", str(stage_dir / "main.py"), "--no-cdn",
           "--distpath", str(out), "--app-name", "Shopfloor", "--app-short-name", "Shopfloor",
           "--web-renderer", "canvaskit", "--route-url-strategy", "path",
           "--pwa-theme-color", icons.SEED, "--pwa-background-color", "#FFFFFF",
           "--app-description", "Shopfloor: clock in, shifts, tasks and broadcasts, also offline"]
    result = subprocess.run(cmd, cwd=stage_dir, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"flet publish failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def normalise_archive(archive: Path) -> None:
    """Rewrite ``app.tar.gz`` without timestamps: the same sources give the same bytes, so a
    rebuild without changes keeps the build version (and installed apps see no update)."""
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
    with open(archive, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as out:
        for member, data in sorted(members, key=lambda item: item[0].name):
            member.mtime, member.uid, member.gid, member.uname, member.gname = 0, 0, 0, "", ""
            out.addfile(member, io.BytesIO(data) if data is not None else None)


def drop_unused(dist: Path) -> None:
    for pattern in UNUSED:
        for path in list(dist.glob(pattern)):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with two renames (never a half-written app)."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def build(dist: Path = DIST, cache: Path = CACHE, *, api_url: str | None = None) -> str:
    """Build the web app into ``dist``; return its build version."""
    check_versions()
    env = pyodide_runtime.prepare_flet_cache(cache)
    requirements = wheels.client_requirements(REPO)
    downloaded = wheels.download(requirements, wheels.requirement_pins(REPO), cache)
    bundle = precompile.compiled_wheels(shipped_wheels(requirements, downloaded), cache,
                                        pyodide_runtime.flet_web_pyodide_dir())
    work = dist.with_name(dist.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    stage_dir = Path(tempfile.mkdtemp(prefix="stage-", dir=cache))  # parallel builds never share it
    try:
        start, later = wheels.split_later(bundle, LOADED_LATER)
        module = stage.stage_app(REPO, stage_dir, pins=[w.pin for w in start], api_url=api_url,
                                 later={"packages": [w.name for w in later],
                                        "imports": sorted({i for w in later for i in w.imports})})
        publish(stage_dir, work, env)
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)
    drop_unused(work)
    precompile.compile_archive(work / "app.tar.gz", work / "pyodide")
    precompile.compile_stdlib(work / "pyodide", cache)
    normalise_archive(work / "app.tar.gz")
    wheels.register(work / "pyodide", start + later)
    patches.patch_dist(work, [offline.UPDATE_SCRIPT])
    startup.patch_dist(work)
    rive.install_rive(cache, work)
    icons.write_icons(work)
    offline.write_update_script(work, REPO / "locales")
    version = offline.write_service_worker(work)
    swap_in(work, dist)
    log.info("web app built: entry %s, %d wheels, version %s", module, len(bundle), version)
    return version


def dist_size(dist: Path) -> tuple[int, int]:
    files = [p for p in dist.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default dist/web)")
    parser.add_argument("--api-url", default=os.environ.get("SHOPFLOOR_API_URL"),
                        help="API the app talks to (default: $SHOPFLOOR_API_URL, else flet.toml)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.monotonic()
    try:
        version = build(args.dist.resolve(), api_url=args.api_url)
    except BuildError as exc:
        log.error("web build FAILED: %s", exc)
        return 1
    count, size = dist_size(args.dist)
    log.info("%s: %d files, %.1f MB, version %s, in %.1f s",
             args.dist, count, size / 1e6, version, time.monotonic() - started)
    return 0
