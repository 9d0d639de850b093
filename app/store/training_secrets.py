"""Issue 13, traintrainer: the secrets of the sessions this phone's user trains, in device meta.

One meta row per session (``training_secret:<session id>``; no table of its own, so no
migration) holding the trainer's user id, the secret (base32), the last moment its codes are
needed and what the trainer's list shows of the session. Only the session's named trainer is
ever given a secret (``app.domain.training.trainer``); a secret is read back only for that
same user, and it is deleted once its codes are no longer needed, when the server no longer
lists the session as theirs, and at logout (phones are shared).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from app.domain.training import codes, trainer
from app.store.device import DeviceStore

log = logging.getLogger(__name__)
PREFIX = "training_secret:"
#: What the trainer's list shows of a session, kept with its secret for offline use.
SHOWN = ("course_title", "store_id", "room", "starts_at", "ends_at")


@dataclass(frozen=True)
class KeptSession:
    """A session whose code this phone can show offline."""

    session_id: str
    user_id: str
    secret: bytes
    codes_until: datetime
    shown: dict

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(self.shown["starts_at"])

    @property
    def ends_at(self) -> datetime:
        return datetime.fromisoformat(self.shown["ends_at"])


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def keep(store: DeviceStore, user_id: str, session: dict, secret: str, codes_until: datetime | str) -> None:
    """Remember a session's secret for its trainer ``user_id`` (``session``: its list entry)."""
    codes.decode_secret(secret)  # refuse a damaged secret now rather than when the code is due
    row = {"user_id": user_id, "secret": secret, "codes_until": _iso(codes_until),
           "shown": {k: _iso(session[k]) if k.endswith("_at") else session.get(k, "") for k in SHOWN}}
    store.set_meta(PREFIX + session["id"], json.dumps(row, ensure_ascii=False))


def _rows(store: DeviceStore) -> list[tuple[str, str]]:
    with store.reading() as db:
        return db.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ? ORDER BY key",
                          [len(PREFIX), PREFIX]).fetchall()


def _parse(key: str, value: str) -> KeptSession | None:
    try:
        row = json.loads(value)
        until = datetime.fromisoformat(row["codes_until"])
        return KeptSession(key.removeprefix(PREFIX), row["user_id"], codes.decode_secret(row["secret"]),
                           until, dict(row["shown"]))
    except (ValueError, KeyError, TypeError):
        return None


def kept(store: DeviceStore, user_id: str, now: datetime) -> list[KeptSession]:
    """The sessions ``user_id`` trains whose codes this phone can still show, soonest first."""
    out = [s for k, v in _rows(store) if (s := _parse(k, v)) is not None
           and s.user_id == user_id and trainer.keeps_secret(s.codes_until, now)]
    return sorted(out, key=lambda s: (s.starts_at, s.session_id))


def kept_one(store: DeviceStore, user_id: str, session_id: str, now: datetime) -> KeptSession | None:
    """One session's secret, for its trainer only, while its codes are needed."""
    raw = store.get_meta(PREFIX + session_id)
    found = _parse(PREFIX + session_id, raw) if raw else None
    if found is None or found.user_id != user_id or not trainer.keeps_secret(found.codes_until, now):
        return None
    return found


def forget_stale(store: DeviceStore, user_id: str, now: datetime, still_mine: set[str] | None = None) -> int:
    """Delete the secrets whose codes are no longer needed, damaged ones, and (when the server's
    list of ``user_id``'s sessions is known) that user's sessions the list no longer has."""
    gone = []
    for key, value in _rows(store):
        found = _parse(key, value)
        if found is None or not trainer.keeps_secret(found.codes_until, now) or (
                still_mine is not None and found.user_id == user_id and found.session_id not in still_mine):
            gone.append(key)
    _delete(store, gone)
    return len(gone)


def forget_all(store: DeviceStore) -> int:
    """Logout (or a session ended): delete every session secret on this phone."""
    gone = [key for key, _value in _rows(store)]
    _delete(store, gone)
    return len(gone)


def _delete(store: DeviceStore, keys: list[str]) -> None:
    if not keys:
        return
    with store.transaction() as db:
        for key in keys:
            db.execute("DELETE FROM meta WHERE key=?", [key])
    log.info("training: %d session secret(s) deleted from this phone", len(keys))
