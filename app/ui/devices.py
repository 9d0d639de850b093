"""Open device databases, shared by the sessions of one device (e.g. two tabs of a browser)."""

import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from app.store import DeviceStore, device_db_path


class DeviceStores:
    """One ``DeviceStore`` per device id, opened on first use.

    Sessions of the same browser share one store (and its lock), so their outbox numbers
    never collide; different browsers never share one, so two people never share an outbox.
    """

    def __init__(self, storage_dir: Path, *, after_commit: Callable[[], None] | None = None) -> None:
        self.storage_dir = storage_dir
        self._after_commit = after_commit  # e.g. save to IndexedDB in the browser
        self._open: dict[str, DeviceStore] = {}
        self._lock = threading.Lock()

    def get(self, device_id: str) -> DeviceStore:
        with self._lock:
            store = self._open.get(device_id)
            if store is None:
                store = DeviceStore(device_db_path(self.storage_dir, device_id), device_id=device_id,
                                    after_commit=self._after_commit)
                self._open[device_id] = store
            return store

    def install(self) -> DeviceStore:
        """The store of this install (desktop and native builds, where the device is the app).

        Its id is made at random on first start and kept in its own database, so every
        install is its own device, and stays the same one across restarts.
        """
        with self._lock:
            store = DeviceStore(self.storage_dir / "install.db", device_id=f"app-{uuid.uuid4().hex}",
                                after_commit=self._after_commit)
            self._open.setdefault(store.device_id, store)
            return self._open[store.device_id]

    @staticmethod
    def new_device_id() -> str:
        return f"web-{uuid.uuid4().hex}"
