"""Start-up of the published app: timing marks and the cuts, as edits of flet-web 1.0.5's
``python.js`` and ``python-worker.js`` (pinned like every patch in :mod:`webapp.patches`).

Marks: the page and the Python worker log ``[startup] <step> @<ms since the epoch>`` to the
console at each step of a start (``performance.timeOrigin + performance.now()``, so page and
worker share one clock); ``benchmarks/bench_web_start.py`` reads them to say where the time
goes. The app adds its own steps through :func:`app.platform.startup_mark`.
"""

from __future__ import annotations

from .patches import replace_once

#: A mark as the page, the worker and the app log it (the benchmark parses this).
MARK_JS = (
    "self.startupMark = (name) => console.log("
    "`[startup] ${name} @${(performance.timeOrigin + performance.now()).toFixed(1)}`);\n"
)

# -- python.js (the page): when Dart asks for Python, and Flutter's first frame -------------
PAGE_CONNECT = "    console.log(`Starting up Python worker: ${appId}, args: ${args}`);\n"
PAGE_FIRST_FRAME = (
    "self.startupMark(\"page script\");\n"
    "window.addEventListener(\"flutter-first-frame\", () => self.startupMark(\"flutter first frame\"));\n"
)

# -- python-worker.js: Pyodide boot, the app's archive, the wheels, the app's module --------
WORKER_IMPORT = "        const pyodideModule = await import(self.pyodideUrl);\n"
WORKER_BOOTED = '        self.pyodide.registerJsModule("flet_js", flet_js);\n'
WORKER_UNPACKED = "            await response.unpack_archive(format=_archive_format)\n"
WORKER_APP_STARTS = "        flet_js.userAppStarting()\n"
WORKER_CONNECTED = '        self.postMessage("initialized");\n'


def mark_page(python_js: str) -> str:
    """python.js with marks: the page's script ran, Flutter's first frame, Python asked for."""
    text = MARK_JS + PAGE_FIRST_FRAME + python_js
    return replace_once(text, PAGE_CONNECT, PAGE_CONNECT + '    self.startupMark("python requested");\n',
                        where="python.js")


def mark_worker(worker_js: str) -> str:
    """python-worker.js with a mark after each step of Python's start."""
    text = MARK_JS + worker_js
    steps = [
        (WORKER_IMPORT, '        self.flet_js.startupMark = self.startupMark;\n'
         '        self.startupMark("worker started");\n' + WORKER_IMPORT
         + '        self.startupMark("pyodide.mjs imported");\n'),
        (WORKER_BOOTED, '        self.startupMark("pyodide booted");\n' + WORKER_BOOTED),
        (WORKER_UNPACKED, WORKER_UNPACKED + '            flet_js.startupMark("app archive unpacked")\n'),
        (WORKER_APP_STARTS, '        flet_js.startupMark("wheels loaded")\n' + WORKER_APP_STARTS),
        (WORKER_CONNECTED, '        self.startupMark("python initialized");\n' + WORKER_CONNECTED),
    ]
    for old, new in steps:
        text = replace_once(text, old, new, where="python-worker.js")
    return text


def patch_dist(dist) -> None:
    """Apply the start-up edits to a fresh ``flet publish`` output in ``dist``."""
    for name, change in (("python.js", mark_page), ("python-worker.js", mark_worker)):
        path = dist / name
        path.write_text(change(path.read_text("utf-8")), "utf-8")
