"""tzdata with the zones of Asia and Etc only (Pyodide has no system time zone database).

The app names its zones in code, all in Asia or fixed offsets (``app.i18n.locales.STORE_TIMEZONE``,
the fallbacks of ``app.i18n.translator``); the wheel ships 600 zone files, and every start of
the browser app unpacked them all. The trimmed wheel is checked by loading those zones from it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .babel_trim import trim_wheel
from .pins import BuildError

ZONE_DIR = "tzdata/zoneinfo/"
#: Areas kept: the stores' (Hong Kong, Macau) and their neighbours, and the fixed offsets.
KEPT_AREAS = ("Asia/", "Etc/")

#: Loads every zone the app names, from the trimmed tzdata alone (no system database).
CHECK = r"""
import zoneinfo
from app.i18n.locales import STORE_TIMEZONE
from app.i18n.translator import _FIXED_ZONES
for name in {STORE_TIMEZONE, *_FIXED_ZONES}:
    zoneinfo.ZoneInfo(name)
import tzdata
print(tzdata.__file__)
"""


def _zone_kept(zone: str) -> bool:
    """A zone name (``Asia/Hong_Kong``, ``UTC``) the trimmed wheel keeps."""
    return "/" not in zone or zone.startswith(KEPT_AREAS)


def _dropped(name: str) -> bool:
    return name.startswith(ZONE_DIR) and not _zone_kept(name[len(ZONE_DIR):])


def _edit(name: str, data: bytes) -> bytes:
    """The ``zones`` list (``zoneinfo.available_timezones``) names only the kept zones."""
    if name != "tzdata/zones":
        return data
    return "".join(f"{z}\n" for z in data.decode().splitlines() if _zone_kept(z)).encode()


def _check(repo: Path, unpacked: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(unpacked), str(repo)]), "PYTHONTZPATH": ""}
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=repo, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not result.stdout.strip().startswith(str(unpacked)):
        raise BuildError(f"the app's zones do not load from the trimmed tzdata:\n{result.stderr[-2000:]}")


def trimmed_tzdata(repo: Path, wheel: Path) -> Path:
    """The tzdata wheel with the kept areas only; cached beside the download."""
    areas = "-".join(area.rstrip("/") for area in KEPT_AREAS)
    out = wheel.parent / f"trimmed-tz-{areas}" / wheel.name
    if out.exists():
        return out
    out.parent.mkdir(exist_ok=True)
    partial = out.with_name(f"{out.name}.{os.getpid()}.partial")
    trim_wheel(wheel, partial, _dropped, _edit)
    with tempfile.TemporaryDirectory() as unpacked:
        with zipfile.ZipFile(partial) as zf:
            zf.extractall(unpacked)
        _check(repo, Path(unpacked))
    os.replace(partial, out)
    shutil.rmtree(partial, ignore_errors=True)
    return out
