"""Device database migrations: re-runnable, and an old database is upgraded in place."""

import sqlite3

from sqlite_utils import Database

from app.store import MIGRATIONS, DeviceStore, migrate, open_database
from app.store.migrations import applied


def test_fresh_database_gets_every_migration_and_wal(tmp_path):
    """A new device database is fully migrated and in WAL mode."""
    db = open_database(tmp_path / "d.db")
    assert applied(db) == {n for n, _ in MIGRATIONS}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "photo_uploads" in db.table_names()


def test_rerunning_migrations_changes_nothing(tmp_path):
    """Running migrate again applies nothing and keeps data."""
    db = open_database(tmp_path / "d.db")
    db["meta"].insert({"key": "k", "value": "v"})
    assert migrate(db) == []
    assert migrate(db) == []
    assert db["meta"].get("k")["value"] == "v"


def test_database_from_first_migration_is_upgraded_in_place(tmp_path):
    """A database made by the first app version keeps its queued action and data after upgrade."""
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(str(path), isolation_level=None))
    assert migrate(old, upto=1) == [1]
    old["stores"].insert({"id": "st-cwb", "code": "CWB", "name": "Causeway Bay", "area": "hk",
                          "address": "", "latitude": 22.27, "longitude": 114.18, "radius_m": 80,
                          "timezone": "Asia/Hong_Kong"})
    old.execute("INSERT INTO outbox (idempotency_key, type, payload, device_time, monotonic_ms,"
                " boot_id, status, created_at) VALUES ('k1','note.add','{}','2026-01-01T00:00:00+00:00',"
                " 1, 'b', 'pending', '2026-01-01T00:00:00+00:00')")
    old["notes"].insert({"id": "n1", "store_id": "st-cwb", "author_id": "u", "shift_id": None,
                         "body": "kept", "created_at": "2026-01-01"})
    old.conn.close()

    store = DeviceStore(path)  # opening migrates
    with store.reading() as db:
        assert applied(db) == {n for n, _ in MIGRATIONS}
        row = db.execute("SELECT seq, status, attempts, reason FROM outbox").fetchone()
        assert row == (1, "pending", 0, None)
        assert db["notes"].get("n1")["sync_state"] == "synced"
        assert db["stores"].get("st-cwb")["name"] == "Causeway Bay"
    store.close()


def test_training_phone_from_migration_22_keeps_pulled_expiry_reminders(tmp_path):
    """Issue 13, trainremind: a phone at migration 22 upgrades to 23 with its completion kept, and
    a pulled ``training_reminder`` is kept (its fields; one a newer server adds is dropped)."""
    from app.protocol import Change
    from app.store import apply_page

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(str(path), isolation_level=None))
    migrate(old, upto=22)
    old["training_completions"].insert({"id": "tc-1", "user_id": "u-s01", "course_id": "hygiene",
                                        "completed_at": "2026-01-02T00:00:00+00:00",
                                        "expires_at": "2027-01-02T00:00:00+00:00", "via": "attendance"})
    old.conn.close()
    store = DeviceStore(path)
    data = {"user_id": "u-s01", "course_id": "hygiene", "course_title": "Food hygiene", "days_before": 30,
            "expires_at": "2027-01-02T00:00:00+00:00", "sent_at": "2026-12-03T00:00:00+00:00", "newer": 1}
    with store.reading() as db:
        assert 23 in applied(db) and db["training_completions"].get("tc-1")["course_id"] == "hygiene"
        assert apply_page(db, [Change(seq=1, entity="training_reminder", id="tr-1", op="upsert", data=data)], "c1") == 1
        row = db["training_reminders"].get("tr-1")
    del data["newer"]
    assert row == {"id": "tr-1", **data}
    store.close()
