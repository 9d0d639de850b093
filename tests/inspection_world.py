"""Issue 12, insprun: shared pieces of the inspection-on-the-phone tests: a template written
through the real API, and phones (real device stores) signed in to the real server."""

from datetime import UTC, datetime

import httpx

from app.domain.geofence import Fix
from app.store import Actions, DeviceStore
from app.sync import SyncEngine
from tests.conftest import login
from tests.test_api_inspections import WALK  # the same template as the API tests
from tests.test_photo_prepare import camera_jpeg
from tests.test_sync_rollback import _actor

#: Seed logins: HK Island's area manager (Causeway Bay, Stanley), Kowloon's, HQ, a store manager.
HK_AM, KLN_AM, HQ, CWB_MANAGER = ("A1002", "8200"), ("A1001", "8100"), ("A0001", "9000"), ("M2001", "7100")


class Phone:
    """One person's phone: its device store, sync engine and actions."""

    def __init__(self, server, tmp_path, staff_no: str, pin: str) -> None:
        self.server = server
        self.store = DeviceStore(tmp_path / staff_no / "device.db")
        self.api = login(server.url, self.store, staff_no, pin)
        self.sync = SyncEngine(self.store, self.api)
        self.sync.sync_once()
        self.actions = Actions(self.store, self.store.clock, _actor(self.store))

    def post(self, path: str, body: dict) -> dict:
        resp = httpx.post(f"{self.server.url}{path}", json=body,
                          headers={"Authorization": f"Bearer {self.api.access_token}"})
        assert resp.status_code < 300, resp.text
        return resp.json()

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.server.url}{path}", headers={"Authorization": f"Bearer {self.api.access_token}"})

    def rows(self, sql: str, params=()) -> list[dict]:
        with self.store.reading() as db:
            return list(db.query(sql, list(params)))

    def close(self) -> None:
        self.store.close()


def write_template(phone: Phone, name: str, **changes) -> dict:
    """A new template (through ``POST /v1/inspection-templates``), named ``name``."""
    return phone.post("/v1/inspection-templates", {**WALK, "name": name, **changes})


def at_store(lat: float = 22.27834, lon: float = 114.18222, at: datetime | None = None) -> Fix:
    """A good fix (10 m accuracy, taken ``at``: now by default); by default at Causeway Bay's seeded entrance."""
    return Fix(lat, lon, 10.0, at or datetime.now(UTC))


def photo(seed: int) -> bytes:
    return camera_jpeg(width=800, height=600, seed=seed)
