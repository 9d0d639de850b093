"""Inserts held back during a push and written in one multi-row statement.

A handler that only checks and then inserts one row (``note.add``) stages the row here
instead of inserting it: a batch of 99 notes then costs one ``INSERT ... ON CONFLICT DO
NOTHING RETURNING`` instead of 99 inserts, each in its own savepoint (3 round trips each
on PostgreSQL). A row whose key already exists comes back as that mutation's conflict.
"""

from dataclasses import dataclass, field
from sqlalchemy import Table
from sqlalchemy.engine import Connection

from app.protocol import Reason
from backend_stub.bulk import insert_new_rows
from backend_stub.services.outcomes import Rejected

#: Said for a record id that already exists, whichever way the insert found out.
CONFLICT_MESSAGE = "This record already exists or conflicts with another."


@dataclass
class StagedInserts:
    """Rows staged by the mutation currently applied (``owner``), by table, in order."""

    owner: object = None
    rows: list[tuple[Table, dict, object]] = field(default_factory=list)
    _keys: set[tuple[str, str]] = field(default_factory=set)

    def add(self, table: Table, row: dict) -> None:
        """Stage ``row``; an id already staged in this batch is refused at once."""
        (key_column,) = table.primary_key.columns
        key = (table.name, row[key_column.name])
        if key in self._keys:
            raise Rejected(Reason.CONFLICT, CONFLICT_MESSAGE)
        self._keys.add(key)
        self.rows.append((table, row, self.owner))

    def write(self, conn: Connection) -> list[object]:
        """Insert every staged row; return the owners whose row's id already existed.

        Database errors other than a key conflict propagate (the caller replays the batch
        one mutation at a time to find the culprit).
        """
        staged, self.rows, self._keys = self.rows, [], set()
        conflicted = []
        by_table: dict[str, list[tuple[Table, dict, object]]] = {}
        for item in staged:
            by_table.setdefault(item[0].name, []).append(item)
        for items in by_table.values():
            table = items[0][0]
            (key_column,) = table.primary_key.columns
            written = insert_new_rows(conn, table, [row for _, row, _ in items])
            conflicted += [owner for _, row, owner in items if row[key_column.name] not in written]
        return conflicted

