"""Issue 12, photoprep: the chain's photo settings, what the server reads from a received photo,
and the reviewer's flags on a task's photo (rules: ``app.domain.photo_checks``).

On upload (``services.uploads``) a photo's picture hash and camera time are kept in
``photo_details``. When a task is completed with a photo, ``check_task_photo`` compares it with
the photos of every other task (same picture: ``photo_reused``) and its camera time with the
completion's time as the server estimates it (``photo_time_differs``, by the chain's
``max_time_gap_minutes``); issue 12, taskboard: the flags are kept per photo in ``task_photos``.
"""

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.attendance import HONG_KONG
from app.domain.photo_checks import PHOTO_SETTINGS, PhotoSettings, review_flags
from app.domain.roles import Actor
from app.media.prepare import PhotoUnreadable, picture_hash, taken_at
from backend_stub import db
from backend_stub.services import keyed_settings

log = logging.getLogger(__name__)


def load(conn: Connection) -> PhotoSettings:
    """The chain's photo settings (the defaults until HQ stores some)."""
    return keyed_settings.load(conn, PHOTO_SETTINGS, PhotoSettings.from_dict, PhotoSettings)


def change(conn: Connection, actor: Actor, data: object, now: datetime) -> dict:
    """HQ replaces them; refused whole (nothing stored) when bad; every device pulls them."""
    return keyed_settings.change(conn, actor, PHOTO_SETTINGS, PhotoSettings.from_dict, data, now)


def record_details(conn: Connection, sha: str, data: bytes) -> None:
    """Keep a received photo's picture hash and camera time (the photo was checked already)."""
    try:
        taken = taken_at(data, HONG_KONG)
        # In UTC: SQLite keeps a time's clock reading without its zone.
        details = {"picture_hash": picture_hash(data), "taken_at": taken and taken.astimezone(UTC)}
    except PhotoUnreadable:  # cannot happen after check_image; a photo without details is never flagged
        log.warning("photo %s: no picture hash", sha[:12])
        return
    db.insert_missing(conn, db.photo_details, sha256=sha, **details)


def check_task_photo(conn: Connection, task_id: str, sha: str | None, done_at: datetime) -> list[str]:
    """The reviewer's flags on one photo sent with a task (empty: nothing to look at). Issue 12,
    taskboard: every photo of a completion is checked, against the photos of every other task
    (the old single photo and the board's ``task_photos``); the caller keeps the flags with it."""
    details = sha and conn.execute(select(db.photo_details).where(db.photo_details.c.sha256 == sha)).mappings().first()
    if not details:
        return []
    t, d, tp = db.tasks.c, db.photo_details.c, db.task_photos.c
    # Chain scale: one indexed column read per task photo; a large chain would bucket by hash prefix.
    old = select(d.picture_hash).join(db.tasks, t.photo_sha256 == d.sha256).where(t.id != task_id)
    board = select(d.picture_hash).join(db.task_photos, tp.photo_sha256 == d.sha256).where(tp.task_id != task_id)
    elsewhere = conn.execute(old.union_all(board)).scalars()
    taken = details["taken_at"] and db.aware(details["taken_at"])
    flags = review_flags(details["picture_hash"], elsewhere, taken, db.aware(done_at), load(conn))
    if flags:
        log.info("task %s photo %s flagged: %s", task_id, sha[:12], ",".join(flags))
    return flags
