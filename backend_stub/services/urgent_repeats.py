"""Issue 11, bcfollow: the chain's urgent-repeat settings (app.domain.urgent_repeats), stored in
the chain's settings table under their own key and sent to every device like the others."""

import json
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.availability import AvailabilityInvalid, REASON_BAD_SETTINGS, require_may_change_settings
from app.domain.roles import Actor
from app.domain.urgent_repeats import URGENT_REPEATS, RepeatSettings
from backend_stub import db
from backend_stub.services.changes import emit

log = logging.getLogger(__name__)
_C = db.chain_settings.c


def load(conn: Connection) -> RepeatSettings:
    """The chain's urgent-repeat settings (the defaults until HQ stores some)."""
    value = conn.execute(select(_C.value).where(_C.key == URGENT_REPEATS)).scalar()
    return RepeatSettings() if value is None else RepeatSettings.from_dict(json.loads(value))


def change(conn: Connection, actor: Actor, data: object, now: datetime) -> dict:
    """HQ replaces them; refused whole (nothing stored) when bad; every device pulls them."""
    require_may_change_settings(actor)
    try:
        settings = RepeatSettings.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise AvailabilityInvalid(REASON_BAD_SETTINGS, f"Invalid settings: {exc}") from None
    values = {"value": json.dumps(settings.to_dict()), "updated_at": now, "updated_by": actor.user_id}
    if not db.insert_missing(conn, db.chain_settings, key=URGENT_REPEATS, **values):
        conn.execute(db.chain_settings.update().where(_C.key == URGENT_REPEATS).values(**values))
    emit(conn, "chain_setting", URGENT_REPEATS, {"settings": settings.to_dict(), "updated_at": now}, audience="all")
    log.info("chain settings %s changed by %s", URGENT_REPEATS, actor.user_id)
    return settings.to_dict()
