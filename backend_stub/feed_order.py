"""Keeping the change feed in order on PostgreSQL without making its writers wait in line.

Feed positions (``changes.seq``) come from a sequence when a row is inserted, but
transactions commit in their own order: a push holding position 10 may commit after one
holding 11. A pull that moved its cursor to 11 would then never deliver 10. SQLite cannot
get there (one writer at a time); PostgreSQL used to prevent it by making every feed
writer hold one lock from its insert through its COMMIT, which put every push's disk flush
in a single queue (a third of the API's request time under load was spent waiting there).

Now writers do not wait for each other; pulls stop short of any position still in flight:

- a writer, before its first position is taken, registers a *ticket*: the highest position
  handed out so far, as a shared advisory lock ``(FEED_WRITER, ticket)`` held until its
  transaction ends. Every position it takes afterwards is above its ticket.
- a pull first reads the *horizon*: the highest position handed out so far, then (in the
  same statement, after it) the lowest ticket still registered; the lower of the two.
  Every position at or below the horizon is then final, committed or never to be: a
  writer still registered took its positions above its ticket, and one registering later
  takes them above the position read first. The pull serves positions up to the horizon
  only, read in a snapshot taken after it (``services/changes.pull``).

A push registers when it starts (with its device's turn, one statement), so a slow push
holds the horizon back until it ends: pulls meanwhile return fewer changes, never wrong
ones. ``tests/test_feed_order.py`` pins the order and that writers do not wait.
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection

#: The advisory lock class of feed writers' tickets (two-key form: its own key space).
FEED_WRITER = 7303
#: The highest feed position handed out so far (0 before the first).
_HANDED_OUT = "SELECT (last_value - (NOT is_called)::int)::int AS position FROM changes_seq_seq"
#: Registers the transaction as a feed writer until it ends (shared: writers never wait).
TICKET = f"pg_advisory_xact_lock_shared({FEED_WRITER}, ({_HANDED_OUT}))"
_REGISTER = text(f"SELECT {TICKET}")
# The tickets' subquery is correlated to the position read first, so it runs after it.
_HORIZON = text(
    "SELECT LEAST(handed_out.position, (SELECT min(l.objid::text::bigint) FROM pg_locks l "
    f"WHERE l.locktype = 'advisory' AND l.classid = {FEED_WRITER} AND l.objsubid = 2 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    f"AND handed_out.position IS NOT NULL)) FROM ({_HANDED_OUT}) AS handed_out")

_REGISTERED = "feed_writer"


def register_writer(conn: Connection) -> None:
    """Register ``conn``'s transaction as a feed writer (PostgreSQL; once a transaction)."""
    if conn.dialect.name != "postgresql" or conn.info.get(_REGISTERED):
        return
    conn.execute(_REGISTER)
    mark_registered(conn)


def mark_registered(conn: Connection) -> None:
    """The transaction registered itself (``TICKET`` in a statement of its own)."""
    conn.info[_REGISTERED] = True


def transaction_ended(conn: Connection) -> None:
    """Forget the registration: its lock ended with the transaction."""
    conn.info.pop(_REGISTERED, None)


def horizon(conn: Connection) -> int | None:
    """The highest feed position a pull may serve now (None: no limit, SQLite)."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(_HORIZON).scalar_one()
