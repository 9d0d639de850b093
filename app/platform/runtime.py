"""Threads natively, stack switching in the browser: ``offload``, ``pause`` and ``make_lock``."""

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_browser() -> bool:
    """True when Python runs inside a browser (Pyodide, the installable web app)."""
    return sys.platform == "emscripten"


def browser_languages() -> list[str]:
    """The browser's preferred languages, best first (``navigator.languages``; the page's
    worker, where Python runs, has them too). Empty outside a browser."""
    if not in_browser():
        return []
    from js import navigator  # Pyodide only

    tags = list(navigator.languages or []) or [navigator.language]
    return [str(tag) for tag in tags if tag]


async def offload(fn: Callable[..., T], *args) -> T:
    """Run blocking work without freezing the UI.

    Natively it runs on a worker thread. The browser has no threads: the call runs here,
    and its network waits suspend the WebAssembly stack (see ``app.platform.fetch``), so
    the page keeps drawing and other handlers keep running meanwhile.
    """
    if in_browser():
        return fn(*args)
    return await asyncio.to_thread(fn, *args)


def pause(seconds: float) -> None:
    """Wait inside blocking code (retry backoff): ``time.sleep`` natively; in the browser
    the stack is suspended instead, because a busy wait would freeze the page."""
    if not in_browser():
        time.sleep(seconds)
        return
    from pyodide.ffi import can_run_sync, run_sync  # Pyodide only

    if seconds > 0 and can_run_sync():
        run_sync(asyncio.sleep(seconds))


class SuspendingLock:
    """A lock for the browser, where every caller shares the one thread.

    ``threading.Lock`` would wait forever there (the holder cannot run while we block),
    and an ``RLock`` would let a second caller straight in. This one lets the holder finish:
    a second caller suspends its stack in short sleeps until the lock is free.
    """

    def __init__(self) -> None:
        self._held = False

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        from pyodide.ffi import can_run_sync, run_sync

        deadline = None if timeout < 0 else time.monotonic() + timeout
        while self._held:
            if not blocking or not can_run_sync() or (deadline and time.monotonic() >= deadline):
                return False
            run_sync(asyncio.sleep(0.02))
        self._held = True
        return True

    def release(self) -> None:
        self._held = False

    def locked(self) -> bool:
        return self._held

    def __enter__(self) -> bool:
        if not self.acquire():
            raise RuntimeError("lock is held and this call cannot wait for it")
        return True

    def __exit__(self, *exc) -> None:
        self.release()


def make_lock():
    """A mutual-exclusion lock that works where the client runs (thread lock natively)."""
    return SuspendingLock() if in_browser() else threading.Lock()


def startup_mark(step: str) -> None:
    """In the browser, log a step of the app's start with the page's clock (the start-up
    benchmark reads these marks, see webapp/startup.py); nothing natively."""
    if not in_browser():
        return
    import js  # Pyodide only

    js.console.log(f"[startup] {step} @{js.performance.timeOrigin + js.performance.now():.1f}")


def defer_model_builds() -> bool:
    """Let pydantic build each model's validator when the model is first used instead of when
    its class is defined (for classes defined after this call). The browser app calls it
    before importing its modules: building them all took ~0.5 s CPU of every start there,
    for models most starts never use. Returns False if this pydantic has no such default."""
    try:
        from pydantic._internal._config import config_defaults  # pinned pydantic (requirements.txt)
    except ImportError:
        return False
    if "defer_build" not in config_defaults:
        return False
    config_defaults["defer_build"] = True
    return True
