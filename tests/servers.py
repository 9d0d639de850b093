"""Real servers for tests and benchmarks: the API (uvicorn) and a throwaway PostgreSQL.

The API runs in a subprocess (not a thread) so a test can SIGKILL it mid-request and start
it again on the same database, as a crashed server would be restarted. Its database is a
SQLite file in its data directory or, when the current backend is ``postgresql``, a fresh
database in the session's throwaway cluster (:func:`pg_cluster`).
"""

from __future__ import annotations

import atexit
import logging
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

REPO = Path(__file__).resolve().parents[1]
BACKENDS = ("sqlite", "postgresql")
log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- which database backend new servers use ------------------------------------------------

_backend = {"name": "sqlite"}


def current_backend() -> str:
    """The backend that new :class:`ApiServer` and test databases use (set per test)."""
    return _backend["name"]


def use_backend(name: str) -> None:
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose from {BACKENDS}")
    _backend["name"] = name


def test_backends() -> tuple[str, ...]:
    """The backends the API tests run on: ``SHOPFLOOR_TEST_BACKENDS`` (default both)."""
    names = tuple(n.strip() for n in os.environ.get("SHOPFLOOR_TEST_BACKENDS", ",".join(BACKENDS)).split(",")
                  if n.strip())
    for name in names:
        if name not in BACKENDS:
            raise ValueError(f"SHOPFLOOR_TEST_BACKENDS names {name!r}; choose from {BACKENDS}")
    return names


def new_database(template: str | None = None) -> str:
    """A URL to a fresh database on the current backend (None on SQLite: the data dir's file)."""
    if current_backend() == "sqlite":
        return None
    return pg_cluster().create_database(template=template)


# ---- throwaway PostgreSQL ----------------------------------------------------------------


def _pg_bindir() -> Path:
    """Where initdb and postgres are: SHOPFLOOR_PG_BIN, PATH, or Debian's versioned folders."""
    candidates = [Path(os.environ["SHOPFLOOR_PG_BIN"])] if os.environ.get("SHOPFLOOR_PG_BIN") else []
    if found := shutil.which("initdb"):
        candidates.append(Path(found).resolve().parent)
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                         reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    raise RuntimeError("PostgreSQL server binaries not found: install Debian's postgresql "
                       "(scripts/test.sh does), set SHOPFLOOR_PG_BIN, or run SQLite only with "
                       "SHOPFLOOR_TEST_BACKENDS=sqlite")


def _unprivileged() -> dict:
    """subprocess arguments that drop root (postgres refuses to run as root)."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


class PgCluster:
    """A PostgreSQL cluster in a temporary folder on 127.0.0.1, removed by :meth:`stop`.

    ``durable=False`` (tests) turns fsync off and sets synchronous_commit=off as the server
    default (the API must turn it back on per connection); ``durable=True`` (benchmarks)
    keeps PostgreSQL's defaults, so commits are flushed to disk as in production.
    ``SHOPFLOOR_TEST_PG_URL`` (an admin URL of an existing server) is used instead when set.
    """

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.proc: subprocess.Popen | None = None
        self.root: Path | None = None
        self.admin_url = os.environ.get("SHOPFLOOR_TEST_PG_URL", "")

    def start(self, timeout: float = 60) -> PgCluster:
        if self.admin_url:
            return self
        bindir, ids = _pg_bindir(), _unprivileged()
        self.root = Path(tempfile.mkdtemp(prefix="shopfloor-pg-"))
        if ids:
            os.chown(self.root, ids["user"], ids["group"])
        env = {**os.environ, "HOME": str(self.root), "LC_ALL": "C"}
        subprocess.run([bindir / "initdb", "-D", self.root / "data", "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C", "--no-sync"],
                       cwd=self.root, env=env, check=True, capture_output=True, **ids)
        port = free_port()
        options = ["-c", "listen_addresses=127.0.0.1", "-p", str(port), "-k", str(self.root),
                   "-c", "max_connections=300"]
        if not self.durable:
            options += ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"]
        self.log = self.root / "postgres.log"
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([bindir / "postgres", "-D", self.root / "data", *options],
                                         cwd=self.root, env=env, stdout=out, stderr=subprocess.STDOUT, **ids)
        self.admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        self._wait_ready(timeout)
        atexit.register(self.stop)
        return self

    def _wait_ready(self, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited early:\n{self.log.read_text()[-3000:]}")
            try:
                psycopg.connect(self.admin_url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` (psycopg 3)."""
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{database}"

    def admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        source = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else " TEMPLATE template0"
        self.admin(f'CREATE DATABASE "{name}"{source}')
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        name = url_or_name.rpartition("/")[2]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then remove the folder."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None


_clusters: dict[bool, PgCluster] = {}


def pg_cluster(durable: bool = False) -> PgCluster:
    """This process's throwaway cluster, started on first use and stopped at exit."""
    if durable not in _clusters:
        _clusters[durable] = PgCluster(durable).start()
    return _clusters[durable]


# ---- the API --------------------------------------------------------------------------------


class ApiServer:
    """``python -m backend_stub serve --seed`` with its own data directory and database."""

    def __init__(self, data_dir: Path, port: int | None = None, env: dict | None = None,
                 workers: int = 1, database_url: str | None = None) -> None:
        self.data_dir, self.port, self.workers = data_dir, port or free_port(), workers
        self.env = {**os.environ, "SHOPFLOOR_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO),
                    **(env or {})}
        self.cluster: PgCluster | None = None  # set when this server's database is ours
        if "SHOPFLOOR_DATABASE_URL" not in (env or {}):
            url = database_url or new_database()
            if url:
                self.env["SHOPFLOOR_DATABASE_URL"], self.cluster = url, pg_cluster()
            else:
                self.env.pop("SHOPFLOOR_DATABASE_URL", None)
        self.proc: subprocess.Popen | None = None
        self.log = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_url(self) -> str:
        """The server's SQLAlchemy database URL (open it to check what the server holds)."""
        return (self.env.get("SHOPFLOOR_DATABASE_URL")
                or f"sqlite:///{(self.data_dir / 'shopfloor.db').resolve()}")

    def start(self, timeout: float = 60) -> ApiServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backend_stub", "serve", "--seed", "--port", str(self.port),
             "--workers", str(self.workers)],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own group: kill() reaches every uvicorn worker
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"API exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()  # never leave a half-started server running behind a failed test
        raise RuntimeError(f"API did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the server and its workers: no shutdown handlers, no flushing, like a crash."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def restart_without_face_engine(self, scratch: Path) -> None:
        """Restart where ``face_recognition`` (dlib) cannot be imported, as on a server built
        without it; ``scratch`` is a folder for the stand-in module."""
        self.stop()
        scratch.mkdir(parents=True, exist_ok=True)
        (scratch / "face_recognition.py").write_text('raise ImportError("dlib is not installed here")\n')
        self.env["PYTHONPATH"] = f"{scratch}:{self.env['PYTHONPATH']}"
        self.start()

    @classmethod
    def on_copy(cls, data_dir: Path, snapshot: str | Path, env: dict | None = None) -> ApiServer:
        """A server (not started) on a fresh copy of ``snapshot``: a :meth:`snapshot` or a
        seeded template of the current backend (a SQLite file, or a PostgreSQL database name)."""
        if current_backend() == "sqlite":
            data_dir.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(snapshot)) as src, \
                    closing(sqlite3.connect(data_dir / "shopfloor.db")) as dst:
                src.backup(dst)
            return cls(data_dir, env=env)
        return cls(data_dir, env=env, database_url=pg_cluster().create_database(template=str(snapshot)))

    def snapshot(self) -> str:
        """Copy the database as it is now (a backup to restore later); the server keeps running."""
        name = f"snap_{uuid.uuid4().hex[:12]}"
        url = self.db_url
        if url.startswith("sqlite"):
            target = self.data_dir / f"{name}.db"
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as src, \
                    closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
            return str(target)
        import psycopg

        db = url.rpartition("/")[2]
        for attempt in range(10):
            # A template must have no other sessions: the server's pooled connections are
            # cut (its pool reconnects on the next request).
            self.cluster.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'")
            try:
                self.cluster.create_database(name, template=db)
                return name
            except psycopg.errors.ObjectInUse:
                time.sleep(0.1 * (attempt + 1))
        raise RuntimeError(f"could not snapshot {db}: still in use")

    def restore(self, snapshot: str) -> None:
        """Put back a :meth:`snapshot` (as an operator restoring a backup would): stop, replace,
        start (a stopped server is started too). The snapshot stays usable for another restore."""
        self.stop()
        url = self.db_url
        if url.startswith("sqlite"):
            path = Path(url.removeprefix("sqlite:///"))
            for extra in ("-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            shutil.copyfile(snapshot, path)
        else:
            db = url.rpartition("/")[2]
            self.cluster.drop_database(db)
            self.cluster.create_database(db, template=snapshot)
        self.start()


# ---- what a server holds ------------------------------------------------------------------


def server_engine(server: ApiServer) -> Engine:
    """An engine on ``server``'s database, either backend, that keeps no connection between
    uses (a snapshot or restore may replace the database at any time). Dispose it after use."""
    return create_engine(server.db_url, poolclass=NullPool)


def server_rows(server: ApiServer, sql: str, params: dict | None = None) -> list[tuple]:
    """Rows of ``sql`` (portable SQL, named ``:binds``) read from ``server``'s database."""
    engine = server_engine(server)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params or {})]
    finally:
        engine.dispose()
