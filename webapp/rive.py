"""The Rive runtime, served from the app's origin (flet-web's client loads it at start).

The npm package ``@rive-app/flutter-native-wasm`` holds the files the client would fetch
from jsDelivr; ``npm pack`` downloads it once into the cache.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from .pins import RIVE_PACKAGE, RIVE_VERSION, BuildError

log = logging.getLogger(__name__)

#: Folders of the package the client loads from (``rive/wasm/rive_native.js`` + its wasm).
SHIPPED_FOLDERS = ("wasm",)


def fetch_package(cache: Path) -> Path:
    """The npm tarball of the pinned Rive runtime, downloaded once."""
    folder = cache / "npm"
    tarball = folder / f"rive-app-flutter-native-wasm-{RIVE_VERSION}.tgz"
    if tarball.exists():
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is needed once to fetch the Rive runtime (apt-get install npm)")
    partial = folder / f"partial-{os.getpid()}"
    partial.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s@%s (once)", RIVE_PACKAGE, RIVE_VERSION)
    result = subprocess.run([npm, "pack", "--silent", f"{RIVE_PACKAGE}@{RIVE_VERSION}",
                             "--pack-destination", str(partial)], capture_output=True, text=True)
    packed = partial / tarball.name
    if result.returncode != 0 or not packed.exists():
        raise BuildError(f"npm could not fetch {RIVE_PACKAGE}@{RIVE_VERSION}:\n{result.stderr}")
    os.replace(packed, tarball)
    shutil.rmtree(partial, ignore_errors=True)
    return tarball


def install_rive(cache: Path, dist: Path) -> list[Path]:
    """Unpack the runtime into ``dist/rive/``; return the files written."""
    written = []
    with tarfile.open(fetch_package(cache)) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts  # "package/wasm/rive_native.js"
            if not member.isfile() or len(parts) < 3 or parts[1] not in SHIPPED_FOLDERS:
                continue
            target = dist / "rive" / Path(*parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(target)
    if not any(p.name == "rive_native.js" for p in written):
        raise BuildError(f"{RIVE_PACKAGE}@{RIVE_VERSION} has no wasm/rive_native.js")
    return written
