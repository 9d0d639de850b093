"""Server schema (SQLAlchemy Core) and engine set-up.

Core rather than raw SQL so the same code runs on SQLite (WAL) and PostgreSQL.
"""

import logging
import threading
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)
metadata = MetaData()


def insert_missing(conn: Connection, table: Table, **values) -> bool:
    """Insert a row unless its primary key exists (no race between workers); True if inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    keys = [c.name for c in table.primary_key.columns]
    return conn.execute(dialect.insert(table).values(**values)
                        .on_conflict_do_nothing(index_elements=keys)).rowcount == 1


def aware(value: datetime) -> datetime:
    """A timestamp read back from the database, in UTC: SQLite returns them without a zone."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _ts(name: str, **kw) -> Column:
    return Column(name, DateTime(timezone=True), **kw)


stores = Table(
    "stores", metadata,
    Column("id", String(64), primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("area", String(64), nullable=False),
    Column("address", String(300), nullable=False, default=""),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("radius_m", Float, nullable=False),
    Column("timezone", String(64), nullable=False, default="Asia/Hong_Kong"),
)

users = Table(
    "users", metadata,
    Column("id", String(64), primary_key=True),
    Column("staff_no", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("home_store_id", String(64), ForeignKey("stores.id")),
    Column("locale", String(16)),
    Column("active", Boolean, nullable=False, default=True),
)

user_stores = Table(
    "user_stores", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), primary_key=True),
)

devices = Table(
    "devices", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("name", String(120), nullable=False, default=""),
    Column("platform", String(40), nullable=False, default=""),
    _ts("registered_at", nullable=False),
    _ts("last_seen_at"),
)

refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("device_id", String(64), ForeignKey("devices.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    _ts("revoked_at"),
)

#: One signed-in session of a user on a device (issue 7, auth part). Access tokens name it
#: (``sid``) so logout, re-binding and theft end them at once; ``refresh_hash`` is the live
#: refresh token, ``previous_hash`` the one it replaced (``rotated_at``), honoured for a short
#: grace when a refresh answer was lost and the old token is sent again.
auth_sessions = Table(
    "auth_sessions", metadata,
    Column("id", String(32), primary_key=True),
    Column("device_id", String(64), ForeignKey("devices.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    _ts("ended_at"),
    Column("end_reason", String(16)),
    Column("refresh_hash", String(64), nullable=False, unique=True),
    Column("previous_hash", String(64)),
    _ts("rotated_at"),
)
Index("ix_auth_sessions_device", auth_sessions.c.device_id, auth_sessions.c.ended_at)
Index("ix_auth_sessions_previous", auth_sessions.c.previous_hash)

#: Wrong PINs in a row per staff number (scope "account") and per device (scope "device"),
#: shared by every worker (issue 7, auth part). Rules: ``app.domain.login_throttle``.
login_attempts = Table(
    "login_attempts", metadata,
    Column("scope", String(8), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    _ts("last_failure_at"),
)

#: Audit of what managers do to other people's sign-in (issue 7, auth part): ``action`` is
#: "unlock" (cleared a PIN lock: ``failures`` and ``was_locked`` say what it held) or
#: "sign_out" (ended every session of the person, e.g. a shared phone left signed in).
sign_in_audit = Table(
    "sign_in_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("by_user", String(64), ForeignKey("users.id"), nullable=False),
    _ts("at", nullable=False),
    Column("failures", Integer),
    Column("was_locked", Boolean),
)

device_state = Table(
    "device_state", metadata,
    Column("device_id", String(64), primary_key=True),
    Column("last_seq", Integer, nullable=False, default=0),
    _ts("updated_at"),
)

mutations = Table(
    "mutations", metadata,
    Column("idempotency_key", String(36), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(64)),
    Column("message", Text),
    Column("flags", Text, nullable=False, default="[]"),
    _ts("device_time"),
    _ts("estimated_time"),
    _ts("received_at", nullable=False),
    UniqueConstraint("device_id", "seq", name="uq_mutations_device_seq"),
)

shifts = Table(
    "shifts", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("starts_at", nullable=False),
    _ts("ends_at", nullable=False),
    Column("position", String(64), nullable=False, default=""),
)

broadcasts = Table(
    "broadcasts", metadata,
    Column("id", String(64), primary_key=True),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False, default=""),
    _ts("created_at", nullable=False),
)

broadcast_stores = Table(
    "broadcast_stores", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), primary_key=True),
)

broadcast_reads = Table(
    "broadcast_reads", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    _ts("read_at", nullable=False),
    _ts("received_at", nullable=False),
)

notes = Table(
    "notes", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("shift_id", String(64)),
    Column("body", Text, nullable=False),
    _ts("created_at", nullable=False),
)

tasks = Table(
    "tasks", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    _ts("due_at"),
    Column("status", String(16), nullable=False, default="open"),
    Column("completed_by", String(64)),
    _ts("completed_at"),
    Column("comment", Text, nullable=False, default=""),
    Column("photo_sha256", String(64)),
)
Index("ix_tasks_photo", tasks.c.photo_sha256)

photos = Table(
    "photos", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    _ts("created_at", nullable=False),
)

punches = Table(
    "punches", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("shift_id", String(64)),
    Column("kind", String(16), nullable=False),
    Column("method", String(8), nullable=False),
    _ts("at", nullable=False),  # the server's estimate of when it happened
    _ts("device_time", nullable=False),
    _ts("received_at", nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("accuracy_m", Float),
    Column("mocked", Boolean, nullable=False, default=False),
    Column("geofence", String(16)),
    Column("distance_m", Float),
    Column("face", String(16), nullable=False, default="not_used"),
    Column("face_distance", Float),
    Column("selfie_sha256", String(64)),
    Column("frame_sha256s", Text, nullable=False, default="[]"),  # liveness frames (photos)
    # 32: "awaiting_confirmation" is 21 characters (PostgreSQL enforces the length).
    Column("status", String(32), nullable=False, default="accepted"),
    Column("flags", Text, nullable=False, default="[]"),
    Column("recorded_by", String(64), nullable=False),
)
Index("ix_punches_user_at", punches.c.user_id, punches.c.at)
#: Which punch cites a photo (photo reads, erasure and the purge look it up).
Index("ix_punches_selfie", punches.c.selfie_sha256)

punch_corrections = Table(
    "punch_corrections", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), nullable=False),
    Column("shift_id", String(64)),
    Column("kind", String(16), nullable=False),
    _ts("at", nullable=False),
    Column("reason", Text, nullable=False),
    Column("by_user", String(64), nullable=False),
    _ts("created_at", nullable=False),
)

#: Consent events (grant / withdraw) with the version of the text the person saw.
face_consents = Table(
    "face_consents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("text_version", String(32), nullable=False),
    Column("locale", String(16)),
    _ts("at", nullable=False),
)

#: Encrypted 128-d face embeddings (AES-GCM, bound to the user id). Never photos.
face_embeddings = Table(
    "face_embeddings", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("blobs", Text, nullable=False),  # JSON list of base64 ciphertexts
    _ts("enrolled_at", nullable=False),
)

#: Fingerprints of selfies already used, to refuse a replayed photo.
selfie_fingerprints = Table(
    "selfie_fingerprints", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("dhash", String(80), nullable=False),
    _ts("seen_at", nullable=False),
)

#: The change feed. ``seq`` is the server's monotonic sequence that pull cursors name.
#: ``audience`` scopes who may pull a row: all, store (store_id's people),
#: managers (store_id's managers) or user (user_id alone).
changes = Table(
    "changes", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("op", String(8), nullable=False),
    Column("data", Text),
    Column("audience", String(16), nullable=False),
    Column("store_id", String(64)),
    Column("user_id", String(64)),
    _ts("created_at", nullable=False),
)
Index("ix_changes_store", changes.c.store_id, changes.c.seq)
Index("ix_changes_user", changes.c.user_id, changes.c.seq)


def _flush_changes_before_commit(engine: Engine) -> None:
    @event.listens_for(engine, "commit")
    def _on_commit(conn):  # noqa: ANN001
        # Change rows are buffered per transaction (services.changes.emit); writing them
        # here means no code path can commit its writes and forget their change rows.
        rows = conn.info.pop("pending_changes", None)
        if rows:
            if conn.dialect.name == "postgresql":
                # Serialise feed writers until commit, so sequence order is commit order and
                # a pull can never pass a row that commits late (SQLite serialises anyway).
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7301)")
            conn.execute(changes.insert(), rows)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn):  # noqa: ANN001
        conn.info.pop("pending_changes", None)


def _normalise(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver requirements.txt installs)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


#: Requests that may hold a pooled connection at once per process (deps.write_conn gates
#: them on the event loop). The pool has room beyond that for the short look-ups done
#: inside one thread-pool call (the caller's token check), up to the 40 threads.
REQUEST_SLOTS = {"sqlite": 16, "postgresql": 10}
_IN_THREAD_ROOM = 40


def request_slots(engine: Engine) -> int:
    return REQUEST_SLOTS[engine.dialect.name]


def _postgres_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, pool_size=REQUEST_SLOTS["postgresql"],
                           max_overflow=_IN_THREAD_ROOM)
    _flush_changes_before_commit(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # A push is acknowledged only once its commit is on disk: synchronous_commit=off
        # would answer first and could lose the last commits in a crash. Stricter settings
        # (remote_write, remote_apply: wait for a replica too) are left alone.
        with dbapi_conn.cursor() as cur:
            cur.execute("SHOW synchronous_commit")
            if cur.fetchone()[0] == "off":
                cur.execute("SET synchronous_commit = on")
        dbapi_conn.commit()

    @event.listens_for(engine, "first_connect")
    def _check_fsync(dbapi_conn, _record):  # noqa: ANN001
        with dbapi_conn.cursor() as cur:
            cur.execute("SHOW fsync")
            if cur.fetchone()[0] == "off":
                log.warning("PostgreSQL runs with fsync=off: a power cut can lose pushes "
                            "already answered as applied (docs/sync.md, Durability)")
        dbapi_conn.commit()

    return engine


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           pool_size=REQUEST_SLOTS["sqlite"], max_overflow=_IN_THREAD_ROOM)
    _flush_changes_before_commit(engine)
    writer = _WriterQueue(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: every commit syncs the WAL before the push is answered. NORMAL would sync
        # only at checkpoints, so a power cut could lose commits the device already
        # recorded as done (it would never send them again).
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # Writers take the lock up front (IMMEDIATE) so two pushes never deadlock upgrading
        # a read lock; SQLite serialises writers anyway. Readers (pulls) stay concurrent.
        if conn.get_execution_options().get("readonly", False):
            conn.exec_driver_sql("BEGIN")
            return
        writer.enter(conn)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except Exception:
            writer.leave(conn.info)
            raise

    return engine


class _WriterQueue:
    """One writer per process at a time, queued on a lock, in front of SQLite's file lock.

    SQLite makes a waiting writer poll (sleep, retry, sleep longer): with dozens of request
    threads waiting, the lock sat idle between polls and throughput collapsed (200 devices:
    15 events/s and "database is locked" 500s). Queued here, a writer starts as soon as the
    previous one's connection is back in the pool (after its COMMIT); across worker
    processes only one thread each polls.
    """

    def __init__(self, engine: Engine) -> None:
        self.lock = threading.Lock()
        event.listen(engine, "checkin", lambda _dbapi, record: self.leave(record.info))

    def enter(self, conn) -> None:  # noqa: ANN001
        if conn.info.get("writer_turn"):
            return  # this connection already has the turn (a second transaction before checkin)
        if not self.lock.acquire(timeout=30):
            raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked (writer queue)"))
        conn.info["writer_turn"] = True

    def leave(self, info: dict) -> None:
        if info.pop("writer_turn", False):
            self.lock.release()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite (WAL, synchronous=FULL, foreign keys, IMMEDIATE write
    transactions) or PostgreSQL (psycopg 3, synchronous_commit never off)."""
    url = _normalise(url)
    return _sqlite_engine(url) if url.startswith("sqlite") else _postgres_engine(url)


def create_schema(engine: Engine) -> None:
    """Bring the schema up to date: ``alembic upgrade head`` (idempotent)."""
    from backend_stub.migrations import upgrade  # imports this module's metadata

    upgrade(engine)
