"""Issue 12, photoprep: a task photo taken on this phone, prepared before it is queued.

The photo is prepared (``app.media.prepare``: upright, long side 1600 px, JPEG, GPS and time
kept or stripped by the chain's photo settings as last pulled), written to the phone's photo
folder, and then queued (``photo_uploads``) in the same transaction as the action citing it.
Only the prepared copy is kept: the camera's original, with its GPS, never reaches the queue.
"""

import json
import logging
from pathlib import Path

from sqlite_utils import Database

from app.domain.photo_checks import PHOTO_SETTINGS, PhotoSettings
from app.domain.access import AccessDenied
from app.media.prepare import PhotoUnreadable, prepare_photo
from app.protocol import Reason
from app.store import actions  # its photo folder (module: actions imports this one)
from app.store.database import Locked

log = logging.getLogger(__name__)


def photo_settings(db: Database) -> PhotoSettings:
    """The chain's photo settings (the defaults before the first pull)."""
    row = db.execute("SELECT settings FROM chain_settings WHERE id=?", [PHOTO_SETTINGS]).fetchone()
    try:
        return PhotoSettings.from_dict(json.loads(row[0])) if row and row[0] else PhotoSettings()
    except ValueError:  # written by a newer server in a form this version cannot read
        log.warning("pulled photo settings unreadable; using the defaults")
        return PhotoSettings()


def prepare(store: Locked, photo: bytes) -> tuple[str, Path, int]:
    """Prepare and keep a photo; returns its sha256, where it is kept and its size.

    Raises:
        AccessDenied: ``image_corrupt``: not a photo, damaged, or too many pixels (nothing kept).
    """
    with store.reading() as db:
        settings = photo_settings(db)
    try:
        prepared = prepare_photo(photo, settings)
    except PhotoUnreadable as exc:
        raise AccessDenied(Reason.IMAGE_CORRUPT.value, "This photo cannot be read; take it again.") from exc
    sha, path = actions.keep_photo(store, prepared.data)
    return sha, path, len(prepared.data)


def queue(db, kept: tuple[str, Path, int], now: str) -> None:
    """Queue a kept photo for upload (inside the action's transaction)."""
    sha, path, size = kept
    db["photo_uploads"].upsert({"sha256": sha, "path": str(path), "size": size, "status": "pending",
                                "created_at": now}, pk="sha256")
