"""Schema migrations (Alembic), configured in code so they run from any working directory.

``create_schema`` (backend_stub.engine) calls :func:`upgrade`. To change the schema: edit the
tables in ``backend_stub/db.py``, then ``python -m backend_stub revision -m "what changed"``
writes a new file under ``versions/`` from the difference (review it: autogenerate misses
renames and server defaults). ``tests/test_migrations.py`` fails while the metadata and the
migrated schema differ, so a schema change cannot land without its migration.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
#: The first revision: the schema as it was before migrations existed (commit f573bb1).
BASELINE = "0001_baseline"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config with no alembic.ini: scripts here, the given connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("version_locations", str(HERE / "versions"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "%%(rev)s")  # the id is NNNN_slug: files sort in order
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; a database made before migrations is adopted first."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild SQLite tables (copy, drop, rename): with foreign keys
            # on, dropping a referenced table would fail. The pragma is ignored inside a
            # transaction, hence on the raw connection before SQLAlchemy begins one.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Several workers may start at once: one migrates, the others then
                    # find the schema at head.
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7302)")
                _upgrade(conn, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left rows that break a foreign key")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _upgrade(conn: Connection, revision: str) -> None:
    cfg = alembic_config(conn)
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables and "users" in tables:
        # Created by metadata.create_all before Alembic: it holds the baseline schema.
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before any migration ran)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def write_revision(engine: Engine, message: str) -> None:
    """Autogenerate a revision from the difference between ``engine``'s database (at head)
    and the metadata in backend_stub/db.py."""
    upgrade(engine)
    number = len(list((HERE / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))) + 1
    # alembic_version.version_num is VARCHAR(32), and PostgreSQL enforces it.
    slug = "_".join("".join(c if c.isalnum() else " " for c in message.lower()).split())[:27]
    with engine.begin() as conn:
        command.revision(alembic_config(conn), message=message, autogenerate=True,
                         rev_id=f"{number:04d}_{slug}")
