"""The client's browser runtime pieces, run natively on real SQLite (issue 9, webruntime).

What only Pyodide can run (fetch, IndexedDB, stack switching) is proven in real Chromium by
tests/e2e/test_web_offline_device.py; here: the parts that decide what runs where.
"""

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from app.platform import in_browser, make_lock, offload
from app.platform.fetch import fetch_options, request_timeout_s, response_headers
from app.store import DeviceStore
from app.ui.devices import DeviceStores

REPO = Path(__file__).resolve().parents[1]


def test_offload_uses_a_thread_natively_and_runs_inline_in_the_browser(monkeypatch):
    """Blocking work leaves the event loop natively; in the browser (no threads) it runs inline."""
    async def where() -> int:
        return await offload(threading.get_ident)

    here = threading.get_ident()
    assert not in_browser()
    assert asyncio.run(where()) != here, "natively the work must run off the event loop's thread"
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert in_browser()
    assert asyncio.run(where()) == here, "the browser has no threads: the work runs where it is awaited"


def test_native_lock_is_a_thread_lock():
    """Natively the sync round and token refresh are guarded by a real thread lock."""
    lock = make_lock()
    assert isinstance(lock, type(threading.Lock()))


def test_every_committed_transaction_is_saved_after_commit_and_only_then(tmp_path):
    """The browser's save runs after each committed action, sees it on disk, and never runs
    for a rolled-back one or in the middle of a nested transaction."""
    path = tmp_path / "device.db"
    seen: list[int] = []

    def save() -> None:  # what IndexedDB would receive: the file as another reader sees it
        with sqlite3.connect(path) as other:
            seen.append(other.execute("SELECT count(*) FROM meta WHERE key LIKE 'note%'").fetchone()[0])

    store = DeviceStore(path, after_commit=save)
    assert seen == [0], "a new database is saved as soon as it has its device id"
    store.set_meta("note1", "a")
    with store.transaction() as db:
        db["meta"].upsert({"key": "note2", "value": "b"}, pk="key")
        with store.transaction() as inner:
            inner["meta"].upsert({"key": "note3", "value": "c"}, pk="key")
        assert seen == [0, 1], "a nested transaction commits nothing yet: no save"
    assert seen == [0, 1, 3]
    try:
        with store.transaction() as db:
            db["meta"].upsert({"key": "note4", "value": "d"}, pk="key")
            raise RuntimeError("the action fails half way")
    except RuntimeError:
        pass
    assert seen == [0, 1, 3], "a rolled-back action is not saved (nothing changed)"
    store.close()


def test_device_stores_pass_the_save_to_every_store(tmp_path):
    """Stores opened for a device (install or browser id) save after their commits."""
    saves: list[str] = []
    stores = DeviceStores(tmp_path, after_commit=lambda: saves.append("saved"))
    store = stores.install()
    before = len(saves)
    store.set_meta("locale", "en")
    assert len(saves) == before + 1
    store.close()


def test_browser_database_uses_a_rollback_journal(tmp_path, monkeypatch):
    """In the browser the database is one self-contained file (no WAL): what is saved to
    IndexedDB after a commit is complete by itself."""
    monkeypatch.setattr(sys, "platform", "emscripten")
    store = DeviceStore(tmp_path / "web.db")
    with store.reading() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    store.set_meta("x", "1")
    store.close()
    assert not (tmp_path / "web.db-wal").exists()


def test_fetch_request_and_response_shapes():
    """What the fetch transport sends and hands back: our headers and body, not the ones the
    browser owns; no Content-Encoding on a body the browser already decoded; httpx's timeout."""
    req = httpx.Request("PUT", "http://127.0.0.1:8000/v1/photos/ab", content=b"\x00\x01",
                        headers={"Authorization": "Bearer t", "Content-Range": "bytes 0-1/2"},
                        extensions={"timeout": {"connect": 5.0, "read": 90.0, "write": 5.0, "pool": 5.0}})
    options = fetch_options(req)
    assert options["method"] == "PUT" and options["body"] == b"\x00\x01"
    assert options["headers"]["authorization"] == "Bearer t"
    assert "host" not in options["headers"] and "content-length" not in options["headers"]
    assert options["credentials"] == "omit"
    assert request_timeout_s(req) == 90.0
    assert "body" not in fetch_options(httpx.Request("GET", "http://x/v1/sync/pull"))
    kept = response_headers([("content-type", "application/json"), ("content-encoding", "gzip"),
                             ("date", "Mon, 30 Nov 2026 23:00:00 GMT"), ("upload-offset", "3")])
    assert kept == [("content-type", "application/json"), ("date", "Mon, 30 Nov 2026 23:00:00 GMT"),
                    ("upload-offset", "3")]


BLOCK_NATIVE_ONLY = """
import importlib.abc, sys
BLOCKED = {"numpy", "PIL", "face_recognition", "face_recognition_models", "dlib", "cv2",
           "cryptography", "flet_web", "fastapi", "sqlalchemy", "openpyxl", "backend_stub"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not available in the browser")
sys.meta_path.insert(0, Block())
import app.web_main, app.main, app.ui.shell
from app.ui.screens.clock import verify_on_device
from app.ui.screens.face_setup import _quality_problem
sys.platform = "emscripten"  # after the imports: the stdlib reads it while importing
assert verify_on_device(None, [b"jpeg"]) == "pending"
assert _quality_problem(b"jpeg") is None
print("started without", sorted(m for m in BLOCKED if m in sys.modules))
"""


def test_browser_client_starts_without_numpy_pil_dlib_or_server_packages():
    """The web app's Python starts with no numpy, PIL, dlib, cryptography or server code, and a
    face punch there is 'verification pending' (the server verifies the synced selfie)."""
    done = subprocess.run([sys.executable, "-c", BLOCK_NATIVE_ONLY], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "started without []" in done.stdout


DEFERRED_MODELS = """
import app.web_main  # the browser's entry: models of modules it imports are built on first use
from app.protocol import TokenPair
assert not TokenPair.__pydantic_complete__, "built at import"
pair = TokenPair.model_validate_json(
    '{"access_token": "a", "refresh_token": "r", "expires_in": 900, '
    '"user": {"id": "u-1", "staff_no": "S1", "name": "Ann", "role": "staff", "store_ids": ["st-1"]}}')
assert TokenPair.__pydantic_complete__ and pair.user.name == "Ann"
print("deferred and built on first use")
"""


def test_browser_app_builds_each_model_when_first_used():
    """In the browser app pydantic builds a model's validator on its first use, not at import
    (the start does not pay for models it never uses), and the model still validates."""
    done = subprocess.run([sys.executable, "-c", DEFERRED_MODELS], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "deferred and built on first use" in done.stdout


def test_face_enrolment_in_the_browser_keeps_no_face_data_and_needs_no_crypto(tmp_path, monkeypatch):
    """Face set-up in the browser records 'enrolled' (so punches take the face path, verified
    by the server) without the crypto library and without any face data on the device."""
    from app.store import face_profile

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "app.face.crypto", None)  # importing it fails, as on Pyodide
    store = DeviceStore(tmp_path / "web.db")
    face_profile.save(store, "u-s01", consented=True, version="v1", embeddings=[[0.1] * 128] * 3)
    assert face_profile.status(store, "u-s01") == (True, True)
    with store.reading() as db:
        (blob,) = db.execute("SELECT embeddings FROM face_profile WHERE user_id='u-s01'").fetchone()
    assert json.loads(blob) == []
    assert not list(tmp_path.glob("*.facekey"))
    store.close()
