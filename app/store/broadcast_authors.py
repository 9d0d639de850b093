"""Issue 11, bcsaved: what the phone knows of a broadcast's author, for the same rule the server
uses to let someone edit it or read its history (app.domain.broadcasts.may_edit)."""

import json

from sqlite_utils import Database

from app.domain.roles import Role


def author(db: Database, user_id: str) -> tuple[Role, list[str]] | None:
    """The author's role and stores, when this phone holds them (None: unknown here)."""
    row = db.execute("SELECT role, store_ids, home_store_id FROM users WHERE id=?", [user_id]).fetchone()
    if row is None or not row[0]:
        return None
    stores = json.loads(row[1]) if row[1] else [row[2]] if row[2] else []
    return Role(row[0]), stores
