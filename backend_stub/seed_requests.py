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
    """Give everyone the default yearly leave for the seeded years; each person's phone pulls
    their own (it shows the balance before a request is sent)."""
    rows = [{"user_id": u, "type": t.value, "year": y, "days": days}
            for u in user_ids for y in SEEDED_YEARS for t, days in DEFAULT_ENTITLEMENTS.items()]
    conn.execute(db.leave_entitlements.insert(), rows)
    for row in rows:
        emit(conn, "leave_entitlement", entitlement_id(row["user_id"], row["type"], row["year"]), row,
             audience="user", user_id=row["user_id"])


def entitlement_id(user_id: str, type_: str, year: int) -> str:
    """The feed id of one person's entitlement of one leave type and year."""
    return f"{user_id}:{type_}:{year}"
