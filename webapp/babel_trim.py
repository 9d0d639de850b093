"""Babel with the CLDR data of the app's 8 locales only.

The babel wheel is 10 MB, nearly all of it data of ~1,000 locales the app never loads. Which
files the app needs is measured, not guessed: a subprocess runs the app's own Translator
formatting for every supported locale and lists what Babel loaded (its locale and parents).
The trimmed wheel is then checked by running the same again on it alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .pins import BuildError

DATA_DIR = "babel/locale-data/"

#: Runs every Babel-backed formatter of app.i18n.Translator in each supported locale and
#: prints the locale-data files Babel loaded (babel 2.18's load cache: pinned in requirements).
EXERCISE = r"""
import datetime as dt, json, babel, babel.localedata
from app.i18n import SUPPORTED_LOCALES, Translator, is_rtl
now = dt.datetime(2026, 3, 8, 9, 30, tzinfo=dt.timezone.utc)
for code in SUPPORTED_LOCALES:
    t = Translator(code)
    is_rtl(code)
    t.format_date(now, "full"); t.format_date(now.date(), "short"); t.format_time(now, "short")
    t.format_datetime(now); t.format_skeleton("MMMEd", now); t.format_interval(now, now + dt.timedelta(hours=8))
    t.format_timedelta(dt.timedelta(minutes=90)); t.format_relative(now - dt.timedelta(minutes=5))
    t.format_number(1234); t.format_decimal(12.5); t.format_percent(0.25); t.format_hkd(88)
    t.format_list(["a", "b", "c"])
print(json.dumps({"babel": babel.__file__, "loaded": sorted(babel.localedata._cache)}))
"""


def loaded_locales(repo: Path, babel_first: Path | None = None) -> tuple[str, list[str]]:
    paths = ([str(babel_first)] if babel_first else []) + [str(repo)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    result = subprocess.run([sys.executable, "-c", EXERCISE], cwd=repo, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"the app's locale formatting failed with {'trimmed ' if babel_first else ''}Babel:\n"
                         f"{result.stderr[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["babel"], report["loaded"]


def _dropped(name: str, keep: set[str]) -> bool:
    return name.startswith(DATA_DIR) and name.endswith(".dat") and name[len(DATA_DIR):-4] not in keep


def trim_wheel(wheel: Path, out: Path, dropped: Callable[[str], bool],
               edit: Callable[[str, bytes], bytes] | None = None) -> None:
    """Copy ``wheel`` to ``out`` without the files ``dropped`` says (RECORD updated);
    ``edit(name, data)`` may rewrite the others."""
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if dropped(info.filename):
                continue
            data = src.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = [ln for ln in data.decode().splitlines() if not dropped(ln.split(",")[0])]
                data = ("\n".join(lines) + "\n").encode()
            elif edit is not None:
                data = edit(info.filename, data)
            dst.writestr(info, data)


def trimmed_babel(repo: Path, wheel: Path) -> Path:
    """The babel wheel with only the locale data the app loads; cached beside the download."""
    _babel, keep = loaded_locales(repo)
    digest = hashlib.sha256(json.dumps(keep).encode()).hexdigest()[:12]
    out = wheel.parent / f"trimmed-{digest}" / wheel.name
    if out.exists():
        return out
    out.parent.mkdir(exist_ok=True)
    partial = out.with_name(f"{out.name}.{os.getpid()}.partial")
    trim_wheel(wheel, partial, lambda name: _dropped(name, set(keep)))
    with tempfile.TemporaryDirectory() as unpacked:
        with zipfile.ZipFile(partial) as zf:
            zf.extractall(unpacked)
        used, loaded = loaded_locales(repo, Path(unpacked))
        if not used.startswith(unpacked) or loaded != keep:
            raise BuildError(f"trimmed Babel check: used {used}, loaded {loaded}, expected {keep}")
    os.replace(partial, out)
    shutil.rmtree(partial, ignore_errors=True)
    return out
