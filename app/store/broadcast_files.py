"""Issue 11, bcattach: a broadcast's photos and PDF files on the sender's phone.

Each file is checked (``app.domain.attachments``) before anything is kept: a bad one changes
nothing. Kept files wait in the photo queue (``photo_uploads``) like any photo, offline too; the
sync engine uploads them before it pushes the ``broadcast.create`` that names them.
"""

from collections.abc import Sequence
from pathlib import Path

from app.domain import attachments
from app.store import actions  # its photo folder (module: actions imports this one)
from app.store.database import Locked

__all__ = ["keep_fetched", "local_file", "prepare", "queue"]


def local_file(store: Locked, sha: str) -> bytes | None:
    """A file kept on this phone (sent from here, or fetched once), or None."""
    return actions.local_photo(store, sha)


def keep_fetched(store: Locked, data: bytes) -> None:
    """Keep a file fetched from the server, so it opens again offline."""
    actions.keep_photo(store, data)


def prepare(store: Locked, files: Sequence[tuple[str, bytes]]) -> list[tuple[dict, Path]]:
    """Check every file (name, bytes), then keep them on the phone; returns each one's
    description as ``broadcast.create`` carries it and where it is kept.

    Raises:
        AccessDenied: too many files, a kind other than photo or PDF, too large, a damaged PDF.
    """
    attachments.check_count(len(files))
    kinds = [attachments.check_file(data) for _, data in files]  # all checked before any is kept
    kept = []
    for (name, data), kind in zip(files, kinds, strict=True):
        sha, path = actions.keep_photo(store, data)
        kept.append(({"sha256": sha, "kind": kind, "name": (name or "").strip()[:120] or sha[:12],
                      "size": len(data)}, path))
    return kept


def queue(db, kept: list[tuple[dict, Path]], now: str) -> None:
    """Queue the kept files for upload (inside the action's transaction)."""
    for described, path in kept:
        db["photo_uploads"].upsert({"sha256": described["sha256"], "path": str(path), "size": described["size"],
                                    "status": "pending", "created_at": now}, pk="sha256")
