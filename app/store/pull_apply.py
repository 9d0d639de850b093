"""Applying a pulled page of changes: one transaction, then the new cursor."""

import json

from sqlite_utils import Database

from app.protocol import Change
from app.store.undo import TABLES, hold_server_copy, waiting_refs

_CURSOR_KEY = "pull_cursor"


def _row(db: Database, table: str, data: dict) -> dict:
    columns = db[table].columns_dict
    row = {}
    for key, value in data.items():
        if key not in columns:
            continue  # fields a newer server added; this app version does not use them
        row[key] = json.dumps(value) if isinstance(value, list | dict) else value
    if "sync_state" in columns:
        row["sync_state"] = "synced"
    return row


def apply_page(db: Database, changes: list[Change], cursor: str) -> int:
    """Apply ``changes`` and store ``cursor``, all in one transaction. Returns rows changed.

    A record with a local change still waiting to be pushed keeps its local state; the
    server's copy is kept aside and shown if that change is refused (``undo``).
    """
    waiting = waiting_refs(db)
    count = 0
    with db.atomic():
        for ch in changes:
            table = TABLES.get(ch.entity)
            if table is None:
                continue
            if f"{ch.entity}:{ch.id}" in waiting:
                server_copy = None if ch.op == "delete" else _row(db, table, {**(ch.data or {}), "id": ch.id})
                hold_server_copy(db, f"{ch.entity}:{ch.id}", server_copy)
                continue
            if ch.op == "delete":
                db.execute(f"DELETE FROM {table} WHERE id = ?", [ch.id])
            else:
                db[table].upsert(_row(db, table, {**(ch.data or {}), "id": ch.id}), pk="id")
            count += 1
        db["meta"].upsert({"key": _CURSOR_KEY, "value": cursor}, pk="key")
    return count


def restart_pull(db: Database) -> None:
    """Pull everything again from the start (upserts make that safe)."""
    db["meta"].upsert({"key": _CURSOR_KEY, "value": ""}, pk="key")


def forget_pulled(db: Database) -> None:
    """The server's feed is not the one our cursor came from (it was restored from an older
    copy): drop every pulled row, keeping local changes the server has not confirmed, so
    the full pull that follows leaves exactly what the server holds. Call in a transaction."""
    keep = waiting_refs(db)
    for entity, table in TABLES.items():
        ids = [ref.partition(":")[2] for ref in keep if ref.partition(":")[0] == entity]
        db.execute(f"DELETE FROM {table} WHERE id NOT IN ({','.join('?' * len(ids))})", ids)
    db["meta"].upsert({"key": _CURSOR_KEY, "value": ""}, pk="key")


def get_cursor(db: Database) -> str:
    """The last stored pull cursor ('' before the first pull)."""
    row = db.execute("SELECT value FROM meta WHERE key=?", [_CURSOR_KEY]).fetchone()
    return row[0] if row else ""
