"""Shared fixtures: a real API server, an in-process API, device stores."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.store import DeviceStore
from app.sync import ApiClient
from backend_stub import create_app
from backend_stub.db import create_schema, make_engine
from backend_stub.seed import seed_demo
from backend_stub.settings import Settings
from tests.servers import ApiServer


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "server", jwt_secret="test-secret-" + "x" * 40)


@pytest.fixture
def api(settings: Settings):
    """The API in-process (TestClient) on a seeded temporary SQLite database."""
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.engine
        create_schema(engine)
        seed_demo(engine)
        client.engine = engine
        yield client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A real uvicorn API on 127.0.0.1, seeded, shared by a module's tests."""
    srv = ApiServer(tmp_path_factory.mktemp("api")).start()
    yield srv
    srv.stop()


@pytest.fixture
def device(tmp_path: Path):
    store = DeviceStore(tmp_path / "device.db")
    yield store
    store.close()


def login(base_url: str, store: DeviceStore, staff_no: str, pin: str, **kw) -> ApiClient:
    """A signed-in API client for ``store``'s device."""
    client = ApiClient(base_url, store.device_id, on_offset=store.set_clock_offset, **kw)
    tokens = client.login(staff_no, pin)
    store.save_session(tokens.user.model_dump(mode="json"), tokens.refresh_token)
    return client


def make_engine_for(settings: Settings):
    engine = make_engine(settings.db_url)
    create_schema(engine)
    return engine
