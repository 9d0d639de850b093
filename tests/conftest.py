"""Shared fixtures: a real API server, an in-process API, device stores."""

import sqlite3
from contextlib import closing
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


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo chain seeded once per session (seeding argon2-hashes every PIN: seconds)."""
    path = tmp_path_factory.getbasetemp() / "seeded-demo.db"
    if not path.exists():
        work = tmp_path_factory.mktemp("seeding") / "seed.db"
        engine = make_engine(f"sqlite:///{work}")
        create_schema(engine)
        seed_demo(engine)
        engine.dispose()
        with closing(sqlite3.connect(work)) as src, closing(sqlite3.connect(path)) as dst:
            src.backup(dst)
    return path


def seeded_api(settings: Settings, template: Path):
    """An in-process API (TestClient, with ``.engine``) on a fresh copy of the seeded chain."""
    target = Path(settings.db_url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(template)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    app = create_app(settings)
    with TestClient(app) as client:
        client.engine = app.state.engine
        yield client


@pytest.fixture
def api(settings: Settings, seeded_template: Path):
    """The API in-process (TestClient) on a seeded temporary SQLite database."""
    yield from seeded_api(settings, seeded_template)


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
