"""What the server acknowledges is on disk: SQLite synchronous=FULL, PostgreSQL synchronous_commit on."""

import httpx

from tests.servers import ApiServer


def _live_setting(api) -> tuple[str, str]:
    """(dialect, setting) read on a connection of the running API's own pool."""
    with api.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return "sqlite", conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        return "postgresql", conn.exec_driver_sql("SHOW synchronous_commit").scalar_one()


def test_a_push_is_answered_only_after_its_commit_is_durable(api):
    """The API's database connections wait for the disk before a commit returns: SQLite
    synchronous=FULL (2) in WAL mode; PostgreSQL synchronous_commit=on even where the
    server default is off (the test cluster's default is off on purpose)."""
    assert api.get("/v1/health").status_code == 200
    dialect, setting = _live_setting(api)
    if dialect == "sqlite":
        assert setting == 2  # FULL; NORMAL (1) may lose the last commits in a power cut
        with api.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    else:
        assert setting == "on"


def test_server_with_several_workers_serves_and_dies_whole(tmp_path):
    """`serve --workers 2` answers on both backends, and a kill stops every worker (port freed)."""
    server = ApiServer(tmp_path / "server", workers=2).start()
    try:
        ok = [httpx.get(f"{server.url}/v1/health", timeout=5).status_code for _ in range(10)]
        assert ok == [200] * 10
        resp = httpx.post(f"{server.url}/v1/auth/login", timeout=30,
                          json={"staff_no": "S3001", "pin": "1111", "device_id": "workers-test-1"})
        assert resp.status_code == 200, resp.text
    finally:
        server.kill()
    try:
        httpx.get(f"{server.url}/v1/health", timeout=1)
        raise AssertionError("a worker outlived the server's kill")
    except httpx.TransportError:
        pass


def test_restoring_a_backup_brings_back_exactly_what_it_held(tmp_path, device):
    """ApiServer.snapshot/restore (the fault suite's "older copy of the server database")
    work on both backends: after the restore the later note is gone, the earlier one kept."""
    from sqlalchemy import create_engine, text

    from app.domain.roles import Actor, Role
    from app.store import Actions
    from app.sync import SyncEngine
    from tests.conftest import login

    server = ApiServer(tmp_path / "server").start()
    try:
        api = login(server.url, device, "S3001", "1111")
        user, _ = device.load_session()
        actions = Actions(device, device.clock, Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"])))
        sync = SyncEngine(device, api)
        actions.add_note("st-cwb", "Before the backup")
        assert sync.push().applied == 1
        backup = server.snapshot()
        actions.add_note("st-cwb", "After the backup")
        assert sync.push().applied == 1
        server.restore(backup)
        engine = create_engine(server.db_url)
        with engine.connect() as conn:
            bodies = set(conn.execute(text("SELECT body FROM notes")).scalars())
        engine.dispose()
        assert "Before the backup" in bodies and "After the backup" not in bodies
    finally:
        server.stop()
