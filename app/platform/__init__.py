"""Where the client runs, and the few things that differ there.

The same client runs natively (desktop, phone builds, the server-driven web mode) and in
the browser on Pyodide (the installable web app). In the browser there are no threads and
blocking calls must suspend the WebAssembly stack instead (JSPI, ``pyodide.ffi.run_sync``),
so the rest of the code asks this package instead of calling ``asyncio.to_thread``,
``time.sleep`` or ``threading.Lock`` directly. See docs/web-app.md.
"""

from app.platform.runtime import (
    browser_languages, defer_model_builds, in_browser, make_lock, offload, pause, startup_mark,
)

__all__ = ["browser_languages", "defer_model_builds", "in_browser", "make_lock", "offload", "pause",
           "startup_mark"]
