"""A chain setting kept under its own key in ``chain_settings`` (JSON) and sent to every device
as the ``chain_setting`` entity of that key. Used by the urgent-repeat settings (issue 11) and
the photo settings (issue 12, photoprep)."""

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.availability import AvailabilityInvalid, REASON_BAD_SETTINGS, require_may_change_settings
from app.domain.roles import Actor
from backend_stub import db
from backend_stub.services.changes import emit

log = logging.getLogger(__name__)
_C = db.chain_settings.c
S = TypeVar("S")


def load(conn: Connection, key: str, parse: Callable[[Any], S], default: Callable[[], S]) -> S:
    """The setting stored under ``key`` (``default()`` until HQ stores one)."""
    value = conn.execute(select(_C.value).where(_C.key == key)).scalar()
    return default() if value is None else parse(json.loads(value))


def change(conn: Connection, actor: Actor, key: str, parse: Callable[[Any], Any], data: object,
           now: datetime) -> dict:
    """HQ replaces the setting; refused whole (nothing stored) when bad; every device pulls it.
    ``parse`` builds the setting from ``data`` (ValueError/TypeError when bad) and has ``to_dict``."""
    require_may_change_settings(actor)
    try:
        settings = parse(data).to_dict()
    except (ValueError, TypeError) as exc:
        raise AvailabilityInvalid(REASON_BAD_SETTINGS, f"Invalid settings: {exc}") from None
    values = {"value": json.dumps(settings), "updated_at": now, "updated_by": actor.user_id}
    if not db.insert_missing(conn, db.chain_settings, key=key, **values):
        conn.execute(db.chain_settings.update().where(_C.key == key).values(**values))
    emit(conn, "chain_setting", key, {"settings": settings, "updated_at": now}, audience="all")
    log.info("chain settings %s changed by %s", key, actor.user_id)
    return settings
