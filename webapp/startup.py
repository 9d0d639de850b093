"""Start-up of the published app: timing marks and the cuts, as edits of flet-web 1.0.5's
``python.js`` and ``python-worker.js`` (pinned like every patch in :mod:`webapp.patches`).

Python starts with the page, beside Flutter's boot: flet-web creates the Python worker only
when the Flutter client asks for it (``jsConnect``, after Flutter's first frame), so Pyodide's
boot, the wheels and the app's imports used to wait for Flutter. Now the page's script
creates the worker at once and it runs its whole bootstrap (Flet's own, unchanged, with the
arguments the published client passes: none); only the connection to the client waits for
``jsConnect``. If the client ever passes arguments, that worker is dropped and a new one
started as before.

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

# -- python.js: the worker started with the page, taken over by jsConnect --------------------
PAGE_NEW_WORKER = "    app.worker = new Worker(\n"
PAGE_INIT_WORKER = "    // initialize worker\n    app.worker.postMessage({\n"
PRESTART_JS = """
// Shopfloor (webapp/startup.py): start Python now, beside Flutter's boot.
flet.prestartedWorker = null;
if (flet.pyodide) {
    flet.prestartedWorker = new Worker(
        (flet.entrypointBaseUrl.endsWith("/") ?
            flet.entrypointBaseUrl.slice(0, -1) : flet.entrypointBaseUrl) + "/python-worker.js",
        { type: "module" });
    flet.prestartedWorker.postMessage({
        pyodideUrl: flet.pyodideUrl || "pyodide/pyodide.mjs", args: {}, documentUrl: document.URL,
        appPackageUrl: flet.appPackageUrl, micropipIncludePre: flet.micropipIncludePre,
        pythonModuleName: flet.pythonModuleName
    });
}
// The started worker, if it was started with the same (no) arguments; else null.
function takePrestartedWorker(args) {
    const worker = flet.prestartedWorker;
    flet.prestartedWorker = null;
    if (worker && args && Object.keys(args).length > 0) {
        worker.terminate();
        return null;
    }
    return worker;
}
"""

# -- python-worker.js: Pyodide boot, the app's archive, the wheels, the app's module --------
WORKER_IMPORT = "        const pyodideModule = await import(self.pyodideUrl);\n"
WORKER_BOOTED = '        self.pyodide.registerJsModule("flet_js", flet_js);\n'
WORKER_UNPACKED = "            await response.unpack_archive(format=_archive_format)\n"
WORKER_APP_STARTS = "        flet_js.userAppStarting()\n"
WORKER_CONNECTED = '        self.postMessage("initialized");\n'
#: Right after Flet's Python bootstrap (the app module ran, ``ft.run`` registered the connection).
WORKER_BOOTSTRAPPED = "        // `start_connection` is registered by `PyodideConnection.__init__`,\n"
WORKER_FAILED = "    } catch (error) {\n        self.postMessage(error.toString());\n"
WORKER_ON_MESSAGE = "    // run only once\n    if (!self.initialized) {\n"
#: Flet installs requirements.txt with micropip: it loads micropip and packaging, then resolves
#: each pin again although every wheel is in the lock file already.
WORKER_MICROPIP = (
    "                    micropip = await ensure_micropip()\n"
    '                    print("Loading requirements.txt:", deps)\n'
    "                    await micropip.install(deps, pre=micropip_include_pre)\n"
)
#: Pyodide loads the same wheels straight from its lock file (the build registered each pin
#: there, with its dependencies and sha256), all fetched at once.
WORKER_LOAD_PACKAGE = (
    "                    import pyodide_js\n"
    '                    print("Loading requirements.txt from pyodide-lock.json:", deps)\n'
    '                    await pyodide_js.loadPackage([d.split("==")[0] for d in deps])\n'
)
#: The worker runs its bootstrap as soon as the page starts it; it talks to the page only
#: after jsConnect took it over (the page listens from then on).
CONNECT_JS = "self.connected = new Promise((resolve) => { self.resolveConnected = resolve; });\n"


def mark_page(python_js: str) -> str:
    """python.js with marks: the page's script ran, Flutter's first frame, Python asked for."""
    text = MARK_JS + PAGE_FIRST_FRAME + python_js
    return replace_once(text, PAGE_CONNECT, PAGE_CONNECT + '    self.startupMark("python requested");\n',
                        where="python.js")


def prestart_page(python_js: str) -> str:
    """python.js that starts the Python worker with the page; jsConnect takes it over."""
    text = replace_once(python_js, PAGE_NEW_WORKER,
                        "    const prestarted = takePrestartedWorker(args);\n    app.worker = prestarted || new Worker(\n",
                        where="python.js")
    text = replace_once(text, PAGE_INIT_WORKER, "    // initialize worker (or connect the started one)\n"
                        "    if (prestarted) prestarted.postMessage({ shopfloorConnect: true });\n"
                        "    else app.worker.postMessage({\n", where="python.js")
    return text + PRESTART_JS


def prestart_worker(worker_js: str) -> str:
    """python-worker.js that bootstraps at once and connects when the page says so."""
    text = replace_once(worker_js, WORKER_ON_MESSAGE,
                        "    if (event.data && event.data.shopfloorConnect) {\n"
                        "        self.resolveConnected();\n        return;\n    }\n" + WORKER_ON_MESSAGE,
                        where="python-worker.js")
    text = replace_once(text, WORKER_BOOTSTRAPPED, "        await self.connected;\n" + WORKER_BOOTSTRAPPED,
                        where="python-worker.js")
    text = replace_once(text, WORKER_FAILED, "    } catch (error) {\n        await self.connected;\n"
                        "        self.postMessage(error.toString());\n", where="python-worker.js")
    return CONNECT_JS + text


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


def load_wheels_from_lock(worker_js: str) -> str:
    """python-worker.js that loads the requirements with ``loadPackage`` instead of micropip."""
    return replace_once(worker_js, WORKER_MICROPIP, WORKER_LOAD_PACKAGE, where="python-worker.js")


def patch_dist(dist) -> None:
    """Apply the start-up edits to a fresh ``flet publish`` output in ``dist``."""
    edits = {"python.js": (prestart_page, mark_page), "python-worker.js": (prestart_worker, load_wheels_from_lock, mark_worker)}
    for name, changes in edits.items():
        path = dist / name
        text = path.read_text("utf-8")
        for change in changes:
            text = change(text)
        path.write_text(text, "utf-8")
