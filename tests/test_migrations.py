"""Schema migrations (Alembic) on SQLite and PostgreSQL: data survives, metadata agrees."""

import json
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app.domain.roles import Actor, Role
from backend_stub.db import metadata
from backend_stub.engine import create_schema, make_engine
from backend_stub.migrations import BASELINE, current_revision, upgrade
from backend_stub.services import changes

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# Rows written with the baseline's columns only (the tables in backend_stub/db.py grow).
BASELINE_ROWS = [
    ("INSERT INTO stores (id, code, name, area, address, latitude, longitude, radius_m, timezone)"
     " VALUES ('st-1', 'S1', 'Store 1', 'HK', '', 22.3, 114.2, 80, 'Asia/Hong_Kong')", {}),
    ("INSERT INTO users (id, staff_no, name, role, pin_hash, home_store_id, locale, active)"
     " VALUES ('u-1', 'S1001', 'Chan', 'staff', 'x', 'st-1', 'en', :yes)", {"yes": True}),
    ("INSERT INTO punches (id, user_id, store_id, kind, method, at, device_time, received_at,"
     " mocked, face, frame_sha256s, status, flags, recorded_by) VALUES ('pu-1', 'u-1', 'st-1',"
     " 'clock_in', 'pin', :t, :t, :t, :no, 'not_used', '[]', 'accepted', '[]', 'u-1')",
     {"t": NOW, "no": False}),
    ("INSERT INTO changes (entity, entity_id, op, data, audience, store_id, created_at)"
     " VALUES ('punch', 'pu-1', 'upsert', '{}', 'store', 'st-1', :t)", {"t": NOW}),
]


@pytest.fixture
def engine(settings):
    eng = make_engine(settings.db_url)
    yield eng
    eng.dispose()


def _insert_baseline_rows(engine) -> None:
    with engine.begin() as conn:
        for sql, params in BASELINE_ROWS:
            conn.execute(text(sql), params)


def _assert_rows_kept(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM users WHERE id = 'u-1'")).scalar_one() == "Chan"
        assert conn.execute(text("SELECT status FROM punches WHERE id = 'pu-1'")).scalar_one() == "accepted"
        assert conn.execute(text("SELECT count(*) FROM changes")).scalar_one() == 1


def _schema_diff(engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)


def test_migrated_schema_matches_the_tables_in_code(engine):
    """After `upgrade head` the database has exactly the tables and columns of backend_stub/db.py
    (a schema change without its migration fails here)."""
    create_schema(engine)
    assert _schema_diff(engine) == []
    create_schema(engine)  # idempotent: a restart changes nothing
    assert _schema_diff(engine) == []


def test_upgrade_from_the_baseline_keeps_the_data(engine):
    """A database at the first revision, with data in it, upgrades to head without losing a row."""
    upgrade(engine, BASELINE)
    assert current_revision(engine) == BASELINE
    assert _schema_diff(engine), "the check must see the baseline's narrower punch status"
    _insert_baseline_rows(engine)
    create_schema(engine)
    assert current_revision(engine) != BASELINE
    _assert_rows_kept(engine)
    # 0002 applied: the punch status column holds "awaiting_confirmation".
    status = next(c for c in inspect(engine).get_columns("punches") if c["name"] == "status")
    assert status["type"].length >= len("awaiting_confirmation")
    with engine.begin() as conn:
        conn.execute(text("UPDATE punches SET status = 'awaiting_confirmation' WHERE id = 'pu-1'"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM punches")).scalar_one() == "awaiting_confirmation"
    assert _schema_diff(engine) == []


def test_database_made_before_migrations_is_adopted_and_upgraded(engine):
    """A server database created before Alembic (no alembic_version) is upgraded in place, data kept."""
    upgrade(engine, BASELINE)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    _insert_baseline_rows(engine)
    create_schema(engine)
    _assert_rows_kept(engine)
    assert _schema_diff(engine) == []


def test_sqlite_migration_keeps_foreign_keys_enforced_afterwards(tmp_path):
    """Migrations rebuild SQLite tables with foreign keys off; the server's connection has them on again."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    upgrade(engine, BASELINE)
    _insert_baseline_rows(engine)
    create_schema(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    engine.dispose()


def test_availability_set_before_colleague_sharing_reaches_store_colleagues_after_upgrade(engine):
    """Issue 10, availview: Chan's windows and day off ("Exam") stored at revision 0011 are, after
    the upgrade, pulled by Siti at the same store as times only, and not by Leung at another."""
    upgrade(engine, "0011_shift_change_broadcasts")
    stores = "INSERT INTO stores (id, code, name, area, address, latitude, longitude, radius_m, timezone) VALUES "
    people = "INSERT INTO users (id, staff_no, name, role, pin_hash, home_store_id, locale, active) VALUES "
    with engine.begin() as conn:
        conn.execute(text(stores + "('st-1', 'S1', 'One', 'HK', '', 22.3, 114.2, 80, 'Asia/Hong_Kong'),"
                                   " ('st-2', 'S2', 'Two', 'HK', '', 22.3, 114.2, 80, 'Asia/Hong_Kong')"))
        conn.execute(text(people + "('u-1', 'S1', 'Chan', 'staff', 'x', 'st-1', 'en', :y),"
                                   " ('u-2', 'S2', 'Siti', 'staff', 'x', 'st-1', 'en', :y),"
                                   " ('u-3', 'S3', 'Leung', 'staff', 'x', 'st-2', 'en', :y)"), {"y": True})
        conn.execute(text("INSERT INTO user_stores (user_id, store_id) VALUES ('u-1', 'st-1'), ('u-2', 'st-1'),"
                          " ('u-3', 'st-2')"))
        conn.execute(text("INSERT INTO availability_windows (user_id, weekday, starts, ends) VALUES"
                          " ('u-1', 0, '09:00', '13:00'), ('u-1', 0, '17:00', '21:00')"))
        conn.execute(text("INSERT INTO unavailability (id, user_id, first_day, last_day, note, created_at)"
                          " VALUES ('un-1', 'u-1', '2027-01-04', '2027-01-04', 'Exam', :t)"), {"t": NOW})
    create_schema(engine)

    def pulled(user_id: str) -> dict:
        with engine.connect() as conn:
            page = changes.pull(conn, Actor(user_id, Role.STAFF, frozenset({"st-1" if user_id != "u-3" else "st-2"})),
                                "dev-1", 0, 100)
        return {(c["entity"], c["id"]): c["data"] for c in map(json.loads, page.changes)}

    assert pulled("u-2") == {
        ("availability", "u-1"): {"user_id": "u-1", "windows": [{"weekday": 0, "start": "09:00", "end": "13:00"},
                                                                {"weekday": 0, "start": "17:00", "end": "21:00"}]},
        ("unavailability", "un-1"): {"id": "un-1", "user_id": "u-1", "first_day": "2027-01-04",
                                     "last_day": "2027-01-04"}}
    assert pulled("u-3") == {} and pulled("u-1") == {}


def test_templates_written_before_the_feed_carried_them_reach_inspectors_after_upgrade(engine):
    """Issue 12, inspbuild: two templates stored at revision 0024 with no feed row (HK Island's and
    a chain-wide one) and one already in the feed: after the upgrade a first pull gives HK Island's
    area manager both of his, Kowloon's only the chain's, HQ all three once each; a store manager
    none; the one already in the feed is not sent twice."""
    upgrade(engine, "0024_training")
    stores = "INSERT INTO stores (id, code, name, area, address, latitude, longitude, radius_m, timezone) VALUES "
    templates = "INSERT INTO inspection_templates (id, name, area, current_version, created_by, created_at) VALUES "
    versions = ("INSERT INTO inspection_template_versions (template_id, version, body, written_by, written_at)"
                " VALUES (:id, :v, :body, 'u-hq', :t)")

    def body(template_id: str, name: str, area: str | None, version: int) -> str:
        return json.dumps({"id": template_id, "name": name, "version": version, "pass_mark": 80, "area": area,
                           "sections": [{"id": "s", "title": "Floor", "items": [
                               {"id": "clean", "label": "Clean", "kind": "yes_no"}]}]})

    with engine.begin() as conn:
        conn.execute(text(stores + "('st-cwb', 'C', 'CWB', 'hk-island', '', 22.3, 114.2, 80, 'Asia/Hong_Kong'),"
                                   " ('st-mk', 'M', 'MK', 'kowloon', '', 22.3, 114.2, 80, 'Asia/Hong_Kong')"))
        conn.execute(text("INSERT INTO users (id, staff_no, name, role, pin_hash, home_store_id, locale, active)"
                          " VALUES ('u-hq', 'A0001', 'HQ', 'hq_admin', 'x', NULL, 'en', :y)"), {"y": True})
        conn.execute(text(templates + "('t-hk', 'HK walk', 'hk-island', 2, 'u-hq', :t),"
                                      " ('t-all', 'Opening', NULL, 1, 'u-hq', :t), ('t-fed', 'Fed', NULL, 1, 'u-hq', :t)"),
                     {"t": NOW})
        for template_id, name, area, version in (("t-hk", "HK walk old", "hk-island", 1),
                                                 ("t-hk", "HK walk", "hk-island", 2), ("t-all", "Opening", None, 1),
                                                 ("t-fed", "Fed", None, 1)):
            conn.execute(text(versions), {"id": template_id, "v": version, "t": NOW,
                                          "body": body(template_id, name, area, version)})
        conn.execute(text("INSERT INTO changes (entity, entity_id, op, data, audience, store_id, created_at)"
                          " VALUES ('inspection_template', 't-fed', 'upsert', '{}', 'inspectors', NULL, :t)"),
                     {"t": NOW})
    create_schema(engine)

    def pulled(role: Role, store_ids: set[str]) -> list[tuple[str, str, int]]:
        with engine.connect() as conn:
            page = changes.pull(conn, Actor("u-x", role, frozenset(store_ids)), "dev-1", 0, 100)
        return sorted((c["id"], c["data"].get("name"), c["data"].get("version"))
                      for c in map(json.loads, page.changes) if c["entity"] == "inspection_template")

    assert pulled(Role.AREA_MANAGER, {"st-cwb"}) == [("t-all", "Opening", 1), ("t-fed", None, None),
                                                     ("t-hk", "HK walk", 2)]
    assert pulled(Role.AREA_MANAGER, {"st-mk"}) == [("t-all", "Opening", 1), ("t-fed", None, None)]
    assert pulled(Role.HQ_ADMIN, {"st-cwb", "st-mk"}) == [("t-all", "Opening", 1), ("t-fed", None, None),
                                                          ("t-hk", "HK walk", 2)]
    assert pulled(Role.STORE_MANAGER, {"st-cwb"}) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT written_by FROM inspection_template_versions WHERE template_id='t-hk'"
                                 " AND version=2")).scalar_one() == "u-hq"
