"""Issue 11, bcfollow: the chain's urgent-repeat settings (app.domain.urgent_repeats), stored in
the chain's settings table under their own key and sent to every device like the others
(``keyed_settings``)."""

from datetime import datetime

from sqlalchemy.engine import Connection

from app.domain.roles import Actor
from app.domain.urgent_repeats import URGENT_REPEATS, RepeatSettings
from backend_stub.services import keyed_settings


def load(conn: Connection) -> RepeatSettings:
    """The chain's urgent-repeat settings (the defaults until HQ stores some)."""
    return keyed_settings.load(conn, URGENT_REPEATS, RepeatSettings.from_dict, RepeatSettings)


def change(conn: Connection, actor: Actor, data: object, now: datetime) -> dict:
    """HQ replaces them; refused whole (nothing stored) when bad; every device pulls them."""
    return keyed_settings.change(conn, actor, URGENT_REPEATS, RepeatSettings.from_dict, data, now)
