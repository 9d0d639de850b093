"""colleague availability: share availability set before this revision with store colleagues

Issue 10, availview: staff phones hold their store colleagues' windows and days off (no notes),
through change rows of audience ``colleagues``. Records written before that existed have no such
rows, so this data migration adds one per record and store (no schema change). Downgrade
removes them.

Revision ID: 0014_colleague_availability
Revises: 0011_shift_change_broadcasts
Create Date: 2026-12-01 12:00:00
"""

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.domain import availability as rules
from backend_stub import db
from backend_stub.engine import insert_changes
from backend_stub.services.changes import to_json

revision = '0014_colleague_availability'
# Issue 10, availview: after 0013 (written beside it; re-chained at the merge).
down_revision = '0013_broadcast_audiences'
branch_labels = None
depends_on = None

_W, _U, _S = db.availability_windows.c, db.unavailability.c, db.user_stores.c


def _records(conn) -> list[tuple[str, str, str, dict]]:
    """(entity, id, person, full data) of every stored availability record."""
    windows = defaultdict(list)
    for r in conn.execute(sa.select(_W.user_id, _W.weekday, _W.starts, _W.ends)):
        windows[r.user_id].append({"weekday": r.weekday, "start": r.starts, "end": r.ends})
    by_time = lambda w: (w["weekday"], w["start"])  # noqa: E731 - as the service stores them
    found = [("availability", uid, uid, {"user_id": uid, "windows": sorted(ws, key=by_time)})
             for uid, ws in windows.items()]
    for r in conn.execute(sa.select(_U.id, _U.user_id, _U.first_day, _U.last_day)):
        found.append(("unavailability", r.id, r.user_id, {"id": r.id, "user_id": r.user_id,
                                                          "first_day": r.first_day, "last_day": r.last_day}))
    return found


def upgrade() -> None:
    conn = op.get_bind()
    stores = defaultdict(list)
    for r in conn.execute(sa.select(_S.user_id, _S.store_id)):
        stores[r.user_id].append(r.store_id)
    now = datetime.now(UTC)
    rows = [{"entity": entity, "entity_id": key, "op": "upsert",
             "data": to_json(rules.colleague_copy(entity, data)), "audience": "colleagues", "store_id": store,
             "user_id": person, "created_at": now}
            for entity, key, person, data in _records(conn) for store in sorted(stores[person])]
    insert_changes(conn, rows)


def downgrade() -> None:
    op.execute(db.changes.delete().where(db.changes.c.audience == "colleagues"))
