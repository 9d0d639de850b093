"""Shared fixtures: a real API server, an in-process API, device stores.

The API fixtures (``api``, ``server``, ``settings``, ``seeded_template`` and tests whose
module uses ``ApiServer``) run once per database backend: SQLite and PostgreSQL (a
throwaway cluster started on first use, see tests/servers.py). ``SHOPFLOOR_TEST_BACKENDS``
picks them (default ``sqlite,postgresql``). Each test on PostgreSQL gets its own database.
"""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.store import DeviceStore
from app.sync import ApiClient
from backend_stub import create_app
from backend_stub.engine import create_schema, make_engine
from backend_stub.seed import seed_demo
from backend_stub.settings import Settings
from tests import servers
from tests.servers import ApiServer

# The report's font, converted once for every server of the run (and later runs) instead of once
# per server: it is derived from the bundled font only (keyed by its hash), written atomically.
os.environ.setdefault("SHOPFLOOR_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache" / "derived"))

#: Fixtures whose tests run on every backend.
_DATABASE_FIXTURES = {"api", "server", "settings", "seeded_template"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run database-backed tests on each backend (not the browser tests: one backend is enough)."""
    backends = servers.test_backends()
    if "e2e" in Path(str(metafunc.definition.path)).parts or len(backends) < 2:
        return
    uses_db = _DATABASE_FIXTURES & set(metafunc.fixturenames)
    if uses_db or getattr(metafunc.module, "ApiServer", None) is ApiServer:
        metafunc.parametrize("backend", backends, indirect=True, scope="module")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Convert the report's font before any test runs (once per cache, by the controlling
    process): done lazily, the first report of a fresh clone took 7-10 s under load, past the
    app's request timeout in the screen test that shares the report."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from backend_stub.services.inspection_report_fonts import warm_cache

    warm_cache(Path(os.environ["SHOPFLOOR_CACHE_DIR"]))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a browser test (``-m e2e``; scripts/test.sh runs those on
    their own), whether its module says so or not."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module", autouse=True)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test's servers and databases."""
    name = getattr(request, "param", None) or servers.test_backends()[0]
    if name == "postgresql":
        servers.pg_cluster()  # start it now, so its start-up is not charged to a test
    servers.use_backend(name)
    yield name
    servers.use_backend("sqlite")


@pytest.fixture
def settings(tmp_path: Path, backend: str) -> Settings:
    """Server settings on a fresh, empty database of the current backend."""
    url = servers.new_database()
    yield Settings(data_dir=tmp_path / "server", jwt_secret="test-secret-" + "x" * 40, database_url=url)
    if url:
        servers.pg_cluster().drop_database(url)


def _seed(url: str) -> None:
    engine = make_engine(url)
    create_schema(engine)
    seed_demo(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo chain seeded once per session (seeding argon2-hashes every PIN: seconds).

    This is the SQLite file; :func:`seeded_api` makes the PostgreSQL template on first use.
    """
    path = tmp_path_factory.getbasetemp() / "seeded-demo.db"
    if not path.exists():
        work = tmp_path_factory.mktemp("seeding") / "seed.db"
        _seed(f"sqlite:///{work}")
        with closing(sqlite3.connect(work)) as src, closing(sqlite3.connect(path)) as dst:
            src.backup(dst)
    return path


_PG_TEMPLATE = "seeded_demo"


def pg_seeded_template() -> str:
    """The name of the seeded demo chain's PostgreSQL template database (made once per cluster)."""
    cluster = servers.pg_cluster()
    if not getattr(cluster, "seeded", False):
        _seed(cluster.create_database(_PG_TEMPLATE))
        cluster.seeded = True
    return _PG_TEMPLATE


def seeded_copy_source(template: Path) -> str | Path:
    """What :meth:`ApiServer.on_copy` copies for the seeded chain on the current backend."""
    return pg_seeded_template() if servers.current_backend() == "postgresql" else template


def _pg_seeded_copy(settings: Settings) -> str:
    """A fresh copy of the seeded PostgreSQL template, under the name of the settings'
    database when it has one (that empty database is replaced)."""
    cluster = servers.pg_cluster()
    pg_seeded_template()
    name = None
    if settings.database_url:
        name = settings.database_url.rpartition("/")[2]
        cluster.drop_database(name)
    return cluster.create_database(name, template=_PG_TEMPLATE)


def seeded_api(settings: Settings, template: Path):
    """An in-process API (TestClient, with ``.engine``) on a fresh copy of the seeded chain."""
    if servers.current_backend() == "postgresql":
        settings.database_url = _pg_seeded_copy(settings)
        settings.__dict__.pop("db_url", None)  # a cached_property read before would be stale
    else:
        target = Path(settings.db_url.removeprefix("sqlite:///"))
        with closing(sqlite3.connect(template)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    app = create_app(settings)
    with TestClient(app) as client:
        client.engine = app.state.engine
        yield client
    if settings.database_url:
        servers.pg_cluster().drop_database(settings.database_url)


@pytest.fixture
def api(settings: Settings, seeded_template: Path):
    """The API in-process (TestClient) on a fresh copy of the seeded demo chain."""
    yield from seeded_api(settings, seeded_template)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, backend: str):
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
