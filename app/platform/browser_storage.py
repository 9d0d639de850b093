"""The device's files in the browser: Pyodide's file system kept in IndexedDB (IDBFS).

Pyodide's file system lives in memory. The folder ``MOUNT`` is an IDBFS mount: it is
loaded from IndexedDB once at start (before the database is opened) and written back by
``flush()``, which the device store calls after every committed transaction and the app
calls when the page is hidden. In a handler the flush is waited for (stack switching), so
a committed action is in IndexedDB before the screen says so; a tab closed right after
loses nothing. See docs/web-app.md.
"""

import asyncio
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

MOUNT = "/shopfloor"


def _syncfs(populate: bool) -> asyncio.Future:
    """``FS.syncfs`` as an awaitable: True loads IndexedDB into memory, False saves."""
    import pyodide_js
    from pyodide.ffi import create_once_callable

    done = asyncio.get_event_loop().create_future()

    def finished(err) -> None:
        if done.done():
            return
        if err:  # JS null when all went well (not None), an Error otherwise
            done.set_exception(OSError(f"IndexedDB sync failed: {err}"))
        else:
            done.set_result(None)

    pyodide_js.FS.syncfs(populate, create_once_callable(finished))
    return done


async def open_persistent(mount: str = MOUNT) -> Path:
    """Mount IndexedDB at ``mount`` and load what it holds; returns the folder."""
    import pyodide_js

    fs = pyodide_js.FS
    os.makedirs(mount, exist_ok=True)
    if not os.path.ismount(mount):
        fs.mount(fs.filesystems.IDBFS, _empty_js_object(), mount)
    await _syncfs(True)
    log.info("device files loaded from IndexedDB at %s", mount)
    return Path(mount)


def _empty_js_object():
    from js import Object

    return Object.new()


def flush() -> None:
    """Write the in-memory files to IndexedDB now.

    Waited for when the caller can suspend (event handlers, tasks, ``main``); otherwise
    started and left to finish on its own (it still completes unless the tab dies first).
    A failed save is logged: the data stays in memory and the next flush saves it.
    """
    from pyodide.ffi import can_run_sync, run_sync

    if can_run_sync():
        try:
            run_sync(_syncfs(False))
        except OSError:
            log.exception("device files not saved to IndexedDB (next commit retries)")
        return
    future = _syncfs(False)
    future.add_done_callback(_log_failure)


def _log_failure(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("device files not saved to IndexedDB: %s", future.exception())


async def persistence_granted() -> bool:
    """Whether the browser promised to keep the app's IndexedDB under storage pressure.

    The page asks for it as it loads (``navigator.storage.persist()`` in app-update.js: the
    request exists in pages only); the answer is read here, in the worker. Without the promise
    the browser may delete the device database, outbox included, when space runs low.
    """
    from js import navigator  # Pyodide only

    storage = getattr(navigator, "storage", None)
    if storage is None or not hasattr(storage, "persisted"):
        return False
    try:
        return bool(await storage.persisted())
    except Exception:  # noqa: BLE001 - a JS error of any kind: no promise was given
        log.warning("storage persistence unknown: navigator.storage.persisted() failed")
        return False
