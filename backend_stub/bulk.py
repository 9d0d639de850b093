"""Many rows into one table in one statement (a push's notes, action records, feed rows).

On PostgreSQL the rows go as one array per column, unnested by the server: a short statement
that psycopg prepares once and the server plans once. SQLAlchemy's multi-row VALUES sent a
statement with a placeholder per value (1,300 for 100 action records): psycopg re-parsed
that text on every push (it is too long for its cache) and the server parsed and planned it
every time, a third of the API's and much of PostgreSQL's CPU under the load benchmark.
Elsewhere (SQLite) the driver's executemany is already one cheap loop.
"""

from collections.abc import Sequence
from functools import cache

from sqlalchemy import Table
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) in order."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(*_unnest(conn, table, rows, skip_existing=False))
    else:
        conn.execute(table.insert(), list(rows))


def insert_new_rows(conn: Connection, table: Table, rows: Sequence[dict]) -> set:
    """Insert ``rows`` whose primary key is not taken yet; return the keys inserted."""
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        return set(conn.exec_driver_sql(*_unnest(conn, table, rows, skip_existing=True)).scalars())
    return set(conn.execute(_skip_existing_returning_key(table), list(rows)).scalars())


def _unnest(conn: Connection, table: Table, rows: Sequence[dict], skip_existing: bool) -> tuple[str, dict]:
    columns = tuple(c.name for c in table.columns if c.name in rows[0])
    sql = _unnest_sql(conn.dialect, table, columns, skip_existing)
    return sql, {f"c{i}": [row[name] for row in rows] for i, name in enumerate(columns)}


@cache
def _unnest_sql(dialect, table: Table, columns: tuple[str, ...], skip_existing: bool) -> str:  # noqa: ANN001
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    # %(...)b: binary arrays. As text, psycopg escaped every quote of every value with a
    # regular expression (the feed's JSON payloads are full of them).
    arrays = ", ".join(f"%(c{i})b::{table.c[name].type.compile(dialect=dialect)}[]"
                       for i, name in enumerate(columns))
    # WITH ORDINALITY ... ORDER BY: rows keep their order (feed positions follow it).
    sql = (f"INSERT INTO {quote(table.name)} ({names}) SELECT {names} FROM unnest({arrays}) "
           f"WITH ORDINALITY AS rows({names}, row_number) ORDER BY row_number")
    if skip_existing:
        (key,) = table.primary_key.columns
        sql += f" ON CONFLICT ({quote(key.name)}) DO NOTHING RETURNING {quote(key.name)}"
    return sql


@cache
def _skip_existing_returning_key(table: Table):
    (key,) = table.primary_key.columns
    return sqlite_insert(table).on_conflict_do_nothing(index_elements=[key]).returning(key)

