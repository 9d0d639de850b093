"""Issue 12, insptrend: the last copy of an online-only read, kept in device meta so a screen can
show it offline, marked with when it was fetched.

Kept per person (a shared phone never shows one person's copy to the next) and per subject; a
refusal forgets it (someone no longer allowed to see it stops seeing it here too).
"""

import json
from dataclasses import dataclass
from datetime import datetime

from app.store.device import DeviceStore

PREFIX = "kept:"


@dataclass(frozen=True)
class Kept:
    """An answer of the server (JSON) and when this phone fetched it (its own clock)."""

    body: dict
    fetched_at: datetime


def _key(user_id: str, subject: str) -> str:
    return f"{PREFIX}{user_id}:{subject}"


def keep(store: DeviceStore, user_id: str, subject: str, body: dict, fetched_at: datetime) -> Kept:
    store.set_meta(_key(user_id, subject), json.dumps({"body": body, "fetched_at": fetched_at.isoformat()},
                                                      ensure_ascii=False))
    return Kept(body, fetched_at)


def kept(store: DeviceStore, user_id: str, subject: str) -> Kept | None:
    """The last copy kept for this person, or ``None``."""
    raw = store.get_meta(_key(user_id, subject))
    if raw is None:
        return None
    saved = json.loads(raw)
    return Kept(saved["body"], datetime.fromisoformat(saved["fetched_at"]))


def forget(store: DeviceStore, user_id: str, subject: str) -> None:
    store.set_meta(_key(user_id, subject), None)


__all__ = ["Kept", "forget", "keep", "kept"]
