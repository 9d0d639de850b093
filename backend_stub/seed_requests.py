"""Issue 10, leave: the default approval chains and each person's leave entitlements, seeded
into a new chain; the chains enter the change feed so every device pulls them."""

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

from app.domain.requests.chains import DEFAULT_CHAINS
from app.domain.requests.kinds import RequestType
from backend_stub import db
from backend_stub.services.changes import emit

#: Days a year: annual leave of a person with a few years' service, paid sick days accrued.
DEFAULT_ENTITLEMENTS = {RequestType.ANNUAL_LEAVE: 12, RequestType.SICK_LEAVE: 24}
SEEDED_YEARS = (2026, 2027)


def seed_chains(conn: Connection) -> None:
    """Store the default chain of every request type and publish it to all devices."""
    now = datetime.now(UTC)
    for chain in DEFAULT_CHAINS:
        conn.execute(db.request_chains.insert().values(type=chain["type"], steps=json.dumps(chain["steps"]),
                                                       updated_at=now))
        emit(conn, "request_chain", chain["type"], chain, audience="all")


def seed_entitlements(conn: Connection, user_ids: Iterable[str]) -> None:
    """Give everyone the default yearly leave for the seeded years."""
    conn.execute(db.leave_entitlements.insert(), [
        {"user_id": u, "type": t.value, "year": y, "days": days}
        for u in user_ids for y in SEEDED_YEARS for t, days in DEFAULT_ENTITLEMENTS.items()])
