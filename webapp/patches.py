"""Edits of the files ``flet publish`` generates, each pinned to flet 1.0.5 / Pyodide 314.0.7.

Every patch replaces an exact string and fails with :class:`BuildError` when the string is
not there exactly once: a new flet-web or Pyodide must be looked at, not half-patched.
The text functions are pure (the unit tests call them); :func:`patch_dist` applies them.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.ui.fonts import REGULAR_FONT_FILES

from .pins import FLET_VERSION, PYODIDE_PYTHON, PYODIDE_VERSION, RIVE_VERSION, BuildError

#: flet-web 1.0.5's index.html, after ``flet publish --no-cdn``: a bare module specifier
#: that the Python worker's ``import()`` cannot resolve.
BARE_PYODIDE_URL = 'flet.pyodideUrl="pyodide/pyodide.mjs";'
RELATIVE_PYODIDE_URL = 'flet.pyodideUrl="./pyodide/pyodide.mjs";'

#: Where our scripts go in index.html (before Flet's own python.js).
PYTHON_JS_TAG = '<script src="python.js"></script>'

#: Flutter's deprecated service worker, registered by flet-web 1.0.5's flutter_bootstrap.js.
#: Left in, it replaces ours and aborts the app's requests.
FLUTTER_SW_SETTINGS = (
    "    serviceWorkerSettings: {\n"
    '        serviceWorkerVersion: "1804020039" /* Flutter\'s service worker is deprecated'
    ' and will be removed in a future Flutter release. */,\n'
    "    },\n"
)

#: The only URL outside the app's origin that flet-web 1.0.5's client loads with --no-cdn.
RIVE_CDN_BASE = f'"https://cdn.jsdelivr.net/npm/@rive-app/flutter-native-wasm@{RIVE_VERSION}/"'
#: Served from the app's own origin instead (resolved against the page's <base href>).
RIVE_LOCAL_BASE = '"rive/"'

#: Flutter's web engine (flet-web 1.0.5's main.dart.js): the global font fallback list,
#: appended to every paragraph's families ...
GLOBAL_FALLBACKS = 'p=A.d(["Roboto"],t.s)\ns=new A.biY('
#: ... and its check of a text's code points against the style's own families, which on a
#: miss downloads Noto subsets from ``fontFallbackBaseUrl`` (``assets/fonts/notosans*/``):
#: files no offline app has. It asked for hundreds of them per screen: the style's family
#: (say Noto Sans HK) lacks the Thai of a language name, or is not loaded yet when the first
#: frame is drawn (page.fonts load after Python starts).
FALLBACK_DOWNLOAD = "if(m.a.aNK(n,b).length!==0)m.by_(n)}"


def replace_once(text: str, old: str, new: str, *, where: str) -> str:
    """``text`` with the single occurrence of ``old`` replaced; BuildError unless exactly one."""
    count = text.count(old)
    if count != 1:
        raise BuildError(
            f"{where}: expected exactly one {old[:80]!r}, found {count}. The file changed "
            f"(flet {FLET_VERSION} / Pyodide {PYODIDE_VERSION} expected): check webapp/patches.py"
        )
    return text.replace(old, new)


def fix_pyodide_url(index_html: str) -> str:
    """Point the Python worker at ``./pyodide/pyodide.mjs`` (a bare specifier does not load)."""
    return replace_once(index_html, BARE_PYODIDE_URL, RELATIVE_PYODIDE_URL, where="index.html")


def add_head_scripts(index_html: str, scripts: list[str]) -> str:
    """Load our scripts (service worker, update prompt) before Flet's python.js."""
    tags = "".join(f'<script src="{src}"></script>\n  ' for src in scripts)
    return replace_once(index_html, PYTHON_JS_TAG, tags + PYTHON_JS_TAG, where="index.html")


def drop_flutter_service_worker(bootstrap_js: str) -> str:
    """Remove ``serviceWorkerSettings`` so Flutter never registers its own worker."""
    return replace_once(bootstrap_js, FLUTTER_SW_SETTINGS, "", where="flutter_bootstrap.js")


def serve_rive_locally(main_dart_js: str) -> str:
    """Load the Rive runtime from ``rive/`` on the app's origin instead of jsDelivr."""
    return replace_once(main_dart_js, RIVE_CDN_BASE, RIVE_LOCAL_BASE, where="main.dart.js")


def use_bundled_fallback_fonts(main_dart_js: str, families: list[str]) -> str:
    """Fall back to our bundled families (every text, every widget) and never download fonts.

    Skia picks each glyph from the first family of the paragraph that has it, so a Thai
    language name in a Chinese-themed menu is drawn in Noto Sans Thai. Text drawn before
    the fonts are loaded is laid out again when they are (Flutter's font-change message).
    """
    with_ours = GLOBAL_FALLBACKS.replace('["Roboto"]', json.dumps(["Roboto", *families], ensure_ascii=False))
    patched = replace_once(main_dart_js, GLOBAL_FALLBACKS, with_ours, where="main.dart.js")
    return replace_once(patched, FALLBACK_DOWNLOAD, "}", where="main.dart.js")


def check_flet_versions(versions: dict[str, str]) -> None:
    """BuildError unless every flet package installed is exactly the pinned release."""
    wrong = {name: v for name, v in versions.items() if v != FLET_VERSION}
    if wrong:
        raise BuildError(
            f"the web build is pinned to flet {FLET_VERSION}; installed: {wrong}. "
            "Re-check every patch in webapp/patches.py against the new release, then update webapp/pins.py"
        )


def check_pyodide(package_json: dict, lock_info: dict) -> None:
    """BuildError unless flet-web ships exactly Pyodide 314.0.7 (Python 3.14.2)."""
    found = (package_json.get("version"), lock_info.get("python"))
    if found != (PYODIDE_VERSION, PYODIDE_PYTHON):
        raise BuildError(
            f"flet-web ships Pyodide {found[0]} (Python {found[1]}); the web build is pinned to "
            f"Pyodide {PYODIDE_VERSION} (Python {PYODIDE_PYTHON}): re-check the wheels' platform "
            "tag and the lock-file format, then update webapp/pins.py"
        )


def _edit(path: Path, change) -> None:
    path.write_text(change(path.read_text("utf-8")), "utf-8")


def patch_dist(dist: Path, head_scripts: list[str]) -> None:
    """Apply every text patch to a fresh ``flet publish`` output in ``dist``."""
    _edit(dist / "index.html", lambda t: add_head_scripts(fix_pyodide_url(t), head_scripts))
    _edit(dist / "flutter_bootstrap.js", drop_flutter_service_worker)
    families = list(REGULAR_FONT_FILES)
    _edit(dist / "main.dart.js", lambda t: use_bundled_fallback_fonts(serve_rive_locally(t), families))


def read_json(path: Path) -> dict:
    """A JSON file, or BuildError naming it."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read {path}: {exc}") from exc
