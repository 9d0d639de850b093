"""The exact versions every patch of the build was written against, and the build's error.

Each patch in :mod:`webapp.patches` edits generated files of these releases. When one of
them changes, the build stops with :class:`BuildError` instead of shipping an app that
silently loads from the internet or fails offline: re-check the patches, then update here.
"""

from __future__ import annotations

FLET_VERSION = "1.0.5"
PYODIDE_VERSION = "314.0.7"
#: The CPython inside that Pyodide (its pyodide-lock.json ``info.python``).
PYODIDE_PYTHON = "3.14.2"
PYTHON_SHORT = "3.14"
#: pip's platform tag for compiled wheels that load in Pyodide 314 (older tags give only
#: a placeholder pydantic_core).
WASM_PLATFORM = "pyemscripten_2026_0_wasm32"
WASM_ABI = "cp314"
#: The Rive runtime the Flutter client of flet-web 1.0.5 loads (npm package).
RIVE_PACKAGE = "@rive-app/flutter-native-wasm"
RIVE_VERSION = "44.0.0"


class BuildError(RuntimeError):
    """The web build cannot go on; the message says what changed and what to do."""
