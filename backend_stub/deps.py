"""FastAPI dependencies: the database connection and the authenticated caller."""

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Annotated

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool, run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from app.domain.roles import Actor, Role
from app.protocol import Reason
from backend_stub import db
from backend_stub.engine import request_slots
from backend_stub.errors import Unauthorized
from backend_stub.security import decode_access_token
from backend_stub.settings import Settings

_bearer = HTTPBearer(auto_error=False)
_db_slots: RunVar[dict[int, anyio.Semaphore]] = RunVar("shopfloor_db_slots")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def _slots(engine: Engine) -> anyio.Semaphore:
    """This event loop's gate in front of ``engine``'s pool (see write_conn)."""
    try:
        gates = _db_slots.get()
    except LookupError:
        gates = {}
        _db_slots.set(gates)
    if id(engine) not in gates:
        gates[id(engine)] = anyio.Semaphore(request_slots(engine))
    return gates[id(engine)]


@contextmanager
def _read_tx(engine: Engine) -> Iterator[Connection]:
    with engine.connect().execution_options(readonly=True) as conn, conn.begin():
        yield conn


async def write_conn(engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Connection]:
    """One write transaction per request: committed when the route returns, else rolled back.

    A request waits for a database slot on the event loop, never in a worker thread: the
    transaction opens in one thread-pool call and the route runs in the next, so threads
    blocked on the pool (or on SQLite's write lock) could hold every thread-pool token while
    the connection holders waited for one. Under 200 devices that stalled requests 30 s and
    ended them in 500s.
    """
    async with _slots(engine), contextmanager_in_threadpool(engine.begin()) as conn:
        yield conn


async def read_conn(engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Connection]:
    """A read transaction: one consistent snapshot for the whole request (gated as write_conn)."""
    async with _slots(engine), contextmanager_in_threadpool(_read_tx(engine)) as conn:
        yield conn


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
# scope="function": the transaction commits before the response is sent. With the default
# ("request") FastAPI sends the response first, so a crash in between would lose writes
# the client was told were applied (the fault simulation caught exactly that).
DbSession = Annotated[Connection, Depends(write_conn, scope="function")]
DbRead = Annotated[Connection, Depends(read_conn, scope="function")]


@dataclass(frozen=True)
class Caller:
    """The authenticated user behind a request and the device their token was issued to."""

    actor: Actor
    device_id: str
    name: str
    staff_no: str


def load_actor(conn: Connection, user_id: str) -> tuple[Actor, dict] | None:
    """The user's role and stores (HQ admins cover every store), or None if unknown/inactive."""
    row = conn.execute(select(db.users).where(db.users.c.id == user_id)).mappings().first()
    if row is None or not row["active"]:
        return None
    role = Role(row["role"])
    if role is Role.HQ_ADMIN:
        store_ids = conn.execute(select(db.stores.c.id)).scalars().all()
    else:
        store_ids = conn.execute(
            select(db.user_stores.c.store_id).where(db.user_stores.c.user_id == user_id)
        ).scalars().all()
    return Actor(user_id=user_id, role=role, store_ids=frozenset(store_ids)), dict(row)


async def bearer_claims(
    settings: SettingsDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> dict:
    """The verified claims of the request's bearer token (signature, issuer, audience, expiry).

    No I/O: an HMAC check of a few microseconds, run on the event loop because a hop to a
    worker thread would cost more than the check.
    """
    if creds is None:
        raise Unauthorized(Reason.TOKEN_INVALID, "Missing bearer token")
    return decode_access_token(
        creds.credentials,
        key=settings.signing_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


Claims = Annotated[dict, Depends(bearer_claims)]


def needs_token(dependant: Dependant) -> bool:
    """Whether a route (or a dependency of it) asks for the bearer token's claims."""
    return any(dep.call is bearer_claims or needs_token(dep) for dep in dependant.dependencies)


async def ended_session(request: Request) -> Unauthorized | None:
    """The 401 a request's token earns when its session has ended, for a request refused
    before its route ran (invalid input). Routes behind DatabaseGate check the session inside
    their own transaction, after FastAPI has validated the body: without this a logged-out
    token would learn what its body got wrong (422) instead of being refused (401). Only
    refused requests pay for the look-up."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not needs_token(dependant):
        return None
    creds = await _bearer(request)
    if creds is None:
        return None  # bearer_claims has already answered 401
    settings, engine = get_settings(request), get_engine(request)

    def check() -> None:
        claims = decode_access_token(creds.credentials, key=settings.signing_key,
                                     issuer=settings.jwt_issuer, audience=settings.jwt_audience)
        with _read_tx(engine) as conn:
            caller_on(conn, claims)

    try:
        await run_in_threadpool(check)
    except Unauthorized as refusal:
        return refusal
    return None


def caller_on(conn: Connection, claims: dict) -> Caller:
    """The caller behind ``claims``, checked on ``conn``: their session is live, they are active.

    One query (session, user and stores joined; an HQ admin's stores are a second), so a
    request pays one round trip for it. A token of an ended session (logout, a device
    re-bound, a stolen refresh token) or of a deactivated user is refused at once, not when
    it expires.
    """
    s, u, us = db.auth_sessions.c, db.users.c, db.user_stores.c
    rows = conn.execute(
        select(s.user_id, s.device_id, s.ended_at, u.active, u.role, u.name, u.staff_no, us.store_id)
        .select_from(db.auth_sessions.join(db.users, u.id == s.user_id)
                     .outerjoin(db.user_stores, us.user_id == s.user_id))
        .where(s.id == claims["sid"])
    ).all()
    first = rows[0] if rows else None
    if first is None or first.ended_at is not None or (first.user_id, first.device_id) != (
            claims["sub"], claims["did"]):
        raise Unauthorized(Reason.TOKEN_INVALID, "Session ended, please log in again")
    if not first.active:
        raise Unauthorized(Reason.TOKEN_INVALID, "User no longer active")
    role = Role(first.role)
    if role is Role.HQ_ADMIN:
        store_ids = conn.execute(select(db.stores.c.id)).scalars().all()
    else:
        store_ids = [r.store_id for r in rows if r.store_id is not None]
    return Caller(actor=Actor(user_id=first.user_id, role=role, store_ids=frozenset(store_ids)),
                  device_id=first.device_id, name=first.name, staff_no=first.staff_no)


def current_caller(claims: Claims, engine: EngineDep) -> Caller:
    """The caller, checked in a short read transaction of its own (routes without one)."""
    with _read_tx(engine) as conn:
        return caller_on(conn, claims)


@dataclass(frozen=True)
class Checked:
    """A request's transaction and its caller, checked on that transaction."""

    conn: Connection
    caller: Caller


@contextmanager
def _checked(tx: AbstractContextManager[Connection], claims: dict) -> Iterator[Checked]:
    with tx as conn:
        yield Checked(conn, caller_on(conn, claims))


@dataclass(frozen=True)
class Gate:
    """A database slot, taken: the route opens its transaction with the caller checked on it
    (``write()`` or ``read()``) in its own thread."""

    engine: Engine
    claims: dict

    def write(self) -> AbstractContextManager[Checked]:
        """The request's write transaction (committed when the block ends without error)."""
        return _checked(self.engine.begin(), self.claims)

    def read(self) -> AbstractContextManager[Checked]:
        """A read transaction: one consistent snapshot."""
        return _checked(_read_tx(self.engine), self.claims)


async def database_gate(claims: Claims, engine: EngineDep) -> AsyncIterator[Gate]:
    """Wait for a database slot on the event loop (as write_conn) for a route that opens,
    checks and commits its transaction itself, in the one thread-pool call it runs in. A
    transaction opened by a dependency spans three thread-pool calls (open, route, commit)
    with trips back to the event loop between them: under load SQLite's write lock (and on
    PostgreSQL the transaction's locks) stayed held while those trips waited their turn."""
    async with _slots(engine):
        yield Gate(engine, claims)


CurrentUser = Annotated[Caller, Depends(current_caller)]
#: A database slot for a route that opens its own checked transaction (hot paths: push and
#: pull); scope as DbSession: the slot is given back before the answer is sent.
DatabaseGate = Annotated[Gate, Depends(database_gate, scope="function")]
