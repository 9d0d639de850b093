"""Engines for the server database: SQLite (WAL, durable commits, one queued writer per
process) or PostgreSQL (psycopg 3), each flushing buffered change-feed rows at commit."""

import logging
import select
import threading

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError

from backend_stub import feed_order
from backend_stub.bulk import insert_rows
from backend_stub.db import changes

log = logging.getLogger(__name__)


def insert_changes(conn, rows: list[dict]) -> None:  # noqa: ANN001
    """Write change-feed rows, in order. Every feed write goes through here: on PostgreSQL
    the transaction is first registered as a feed writer, so no pull passes its rows before
    they commit (backend_stub/feed_order.py; SQLite serialises writers anyway)."""
    feed_order.register_writer(conn)
    insert_rows(conn, changes, rows)


def _flush_changes_before_commit(engine: Engine) -> None:
    @event.listens_for(engine, "commit")
    def _on_commit(conn):  # noqa: ANN001
        # Change rows are buffered per transaction (services.changes.emit); writing them
        # here means no code path can commit its writes and forget their change rows.
        rows = conn.info.pop("pending_changes", None)
        if rows:
            insert_changes(conn, rows)
        feed_order.transaction_ended(conn)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn):  # noqa: ANN001
        conn.info.pop("pending_changes", None)
        feed_order.transaction_ended(conn)


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
#: Connections kept open beyond the request slots, for those look-ups: with none kept, under
#: load nearly every look-up opened and closed a connection (on PostgreSQL a new server
#: process and its set-up round trips), which the load benchmark's profile showed.
_LOOKUP_ROOM = 10


def request_slots(engine: Engine) -> int:
    return REQUEST_SLOTS[engine.dialect.name]


#: Pooled PostgreSQL connections are replaced after this long (server or firewall idle
#: limits would otherwise cut them while they wait in the pool).
_RECYCLE_S = 1800


def _server_hung_up(dbapi_conn) -> bool:  # noqa: ANN001
    """Whether the server has closed (or is closing) this idle pooled connection.

    An idle connection's socket has nothing to read unless the server spoke first: a
    terminated backend (pg_terminate_backend, a restart, a failover) sends its farewell and
    closes. Checking that costs one poll() system call, where a pre-ping costs a round trip
    to the server on every checkout (two a request, 11-16% of the API's time under load).
    """
    try:
        fd = dbapi_conn.pgconn.socket
    except Exception:  # noqa: BLE001 - psycopg raises when the connection is already lost
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _postgres_engine(url: str) -> Engine:
    engine = create_engine(url, pool_recycle=_RECYCLE_S,
                           pool_size=REQUEST_SLOTS["postgresql"] + _LOOKUP_ROOM,
                           max_overflow=_IN_THREAD_ROOM - _LOOKUP_ROOM)
    # Any other executemany as one multi-row INSERT (a push's own bulk writes go through
    # backend_stub.bulk), not one statement per row (psycopg pipelines executemany, but the
    # server still runs each row as its own statement).
    engine.dialect.use_insertmanyvalues_wo_returning = True
    _flush_changes_before_commit(engine)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, _record, _proxy):  # noqa: ANN001
        # The pool then drops this connection and hands out another (or a new one). A
        # connection lost silently (network) fails its request's first statement instead;
        # SQLAlchemy then replaces every pooled connection of that time.
        if _server_hung_up(dbapi_conn):
            raise DisconnectionError("the server closed this pooled connection")

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
                           pool_size=REQUEST_SLOTS["sqlite"] + _LOOKUP_ROOM,
                           max_overflow=_IN_THREAD_ROOM - _LOOKUP_ROOM)
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
