""""This looks wrong": a person asks their store's managers to check a day of their own record.

One rule for the device (refused at once, offline) and the server (authoritative).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from app.domain.access import AccessDenied, require_self, require_works_at
from app.domain.roles import Actor

#: How far back a person may ask about: beyond the last pay period or two, payroll has closed.
QUERY_WINDOW = timedelta(days=100)
MIN_MESSAGE = 3
MAX_MESSAGE = 500


def check_timesheet_query(actor: Actor, user_id: str, user_store_ids: Iterable[str], store_id: str,
                          day: date, today: date) -> None:
    """Raise ``AccessDenied`` unless this is the actor's own record, at one of their stores, for a
    day that has begun and is recent enough for payroll to fix."""
    require_self(actor, user_id)
    require_works_at(user_id, user_store_ids, store_id)
    if day > today or day < today - QUERY_WINDOW:
        raise AccessDenied("invalid_payload", "Ask about a day of the last few months, not the future.")
