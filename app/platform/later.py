"""Wheels the browser app loads after its first view (the installable web app only).

The build (webapp/build.py ``LOADED_LATER``) leaves out of the start the wheels nothing
imports before the first view: the geofence check, camera, geolocator, httpx's native
transports, sqlite-utils' command line. Each offline reload used to unpack them before the
app could start. They load in the background a few seconds after the first view (loading
them at once slowed Flutter drawing that view on a busy phone), or as soon as one is needed:

- code that needs them awaits :func:`ready` first (capture, before the camera or a fix);
- any other import of one of them waits for the load too (:class:`WaitForLaterPackages`,
  by suspending the stack, as blocking calls do in the browser), so a path nobody thought
  of still works, only later.

Natively every package is installed: nothing here does anything.
"""

import asyncio
import importlib
import json
import logging
from pathlib import Path

from app.platform.runtime import in_browser, startup_mark

log = logging.getLogger(__name__)

#: Written by webapp/stage.py at the root of the published app (beside ``app/``).
LATER_FILE = Path(__file__).resolve().parents[2] / "packages-later.json"

#: Seconds after the first view before the background load starts (unless needed sooner).
IDLE_DELAY_S = 3.0

_loading: asyncio.Future | None = None
_needed: asyncio.Event | None = None


def _listed() -> dict:
    try:
        return json.loads(LATER_FILE.read_text("utf-8"))
    except FileNotFoundError:  # not the published app
        return {"packages": [], "imports": []}


async def _load(names: list[str], delay_s: float) -> None:
    import pyodide_js  # Pyodide only

    try:
        await asyncio.wait_for(_needed.wait(), delay_s)
    except TimeoutError:
        pass  # idle long enough: load them now
    await pyodide_js.loadPackage(names)
    importlib.invalidate_caches()  # the import system cached site-packages before the new files
    startup_mark("later packages loaded")


class WaitForLaterPackages:
    """Import hook: an import of a package still loading waits until it is there."""

    def __init__(self, imports: set[str]) -> None:
        self.imports = imports

    def find_spec(self, fullname, path=None, target=None):
        if path is not None or fullname not in self.imports or _loading is None or _loading.done():
            return None
        from pyodide.ffi import can_run_sync, run_sync  # Pyodide only

        if can_run_sync():
            _needed.set()
            run_sync(asyncio.shield(_loading))
        else:  # cannot wait here: a clear error instead of "no module named"
            raise ImportError(f"{fullname} is still loading; await app.platform.later.ready() first")
        return None  # the regular finders find it now


def start_loading(delay_s: float = IDLE_DELAY_S) -> None:
    """In the browser, load the later wheels ``delay_s`` from now (once; after the first view)."""
    global _loading, _needed
    if _loading is not None or not in_browser():
        return
    listed = _listed()
    if not listed["packages"]:
        return
    import sys

    sys.meta_path.insert(0, WaitForLaterPackages(set(listed["imports"])))
    _needed = asyncio.Event()
    _loading = asyncio.ensure_future(_load(listed["packages"], delay_s))
    _loading.add_done_callback(_log_failure)


def _log_failure(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("loading the later packages failed", exc_info=future.exception())


async def ready() -> None:
    """Return once the later wheels are installed (at once natively)."""
    start_loading()
    if _loading is not None:
        _needed.set()
        await asyncio.shield(_loading)
