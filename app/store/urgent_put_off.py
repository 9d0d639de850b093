"""Issue 11, bcfollow: urgent broadcasts put off on this phone ("Later") and the chain's
urgent-repeat settings as last pulled. Local only: putting off is nobody else's business."""

import json
import logging
from datetime import datetime

from sqlite_utils import Database

from app.domain import urgent_repeats as repeat_rules
from app.domain.urgent_repeats import URGENT_REPEATS, RepeatSettings
from app.store.queries import ADDRESSED, _aware, addressed_params  # _aware: a stored time, UTC if no zone

log = logging.getLogger(__name__)


def repeat_settings(db: Database) -> RepeatSettings:
    """The chain's urgent-repeat settings (the defaults before the first pull)."""
    row = db.execute("SELECT settings FROM chain_settings WHERE id=?", [URGENT_REPEATS]).fetchone()
    if not row or not row[0]:
        return RepeatSettings()
    try:
        return RepeatSettings.from_dict(json.loads(row[0]))
    except ValueError:  # written by a newer server in a form this version cannot read
        log.warning("pulled urgent-repeat settings unreadable; using the defaults")
        return RepeatSettings()


def waiting(db: Database, user_id: str) -> list[tuple[str, datetime, datetime | None]]:
    """Each urgent broadcast sent to me and not acknowledged, oldest first, with when it was sent
    (the repeat period counts from then) and last put off here (None: never put off)."""
    rows = db.execute(
        "SELECT b.id, b.created_at, b.send_at, p.put_off_at FROM broadcasts b"
        " LEFT JOIN broadcast_acks a ON a.id = b.id || ':' || :me LEFT JOIN urgent_put_off p ON p.id = b.id"
        " WHERE b.kind = 'urgent' AND a.id IS NULL AND" + ADDRESSED + " ORDER BY b.created_at, b.id",
        addressed_params(user_id)).fetchall()
    return [(r[0], _sent(r[1], r[2]), r[3] and datetime.fromisoformat(r[3])) for r in rows]


def sent_at(db: Database, broadcast_id: str) -> datetime:
    """When the broadcast was sent (as pulled)."""
    return _sent(*db.execute("SELECT created_at, send_at FROM broadcasts WHERE id=?", [broadcast_id]).fetchone())


def _sent(created_at: str, send_at: str | None) -> datetime:
    return repeat_rules.sent_at(_aware(created_at), send_at and _aware(send_at))


def put_off(db: Database, broadcast_id: str, shown_at: datetime, now: datetime) -> None:
    """Remember that the urgent screen shown at ``shown_at`` was put off ``now`` (the first
    showing stands). Call in a transaction."""
    row = db.execute("SELECT first_shown FROM urgent_put_off WHERE id=?", [broadcast_id]).fetchone()
    first = min(datetime.fromisoformat(row[0]), shown_at) if row else shown_at
    db["urgent_put_off"].upsert({"id": broadcast_id, "first_shown": first.isoformat(),
                                 "put_off_at": now.isoformat()}, pk="id")
