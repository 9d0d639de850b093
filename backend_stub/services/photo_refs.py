"""Which records cite a photo, and who may cite or read it.

Photos are addressed by SHA-256 and the addresses are visible in pulls, so knowing an
address proves nothing: a record may cite only a photo its own user uploaded (at a kiosk,
the signed-in manager's upload), and a photo is read only by its uploader and the managers
of a store where a record citing it lives (an inspection's finding photo: only when its
inspector uploaded it, issue 12).
"""

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.engine import Connection

from app.domain.access import may_read_example_photo, may_read_photo
from app.domain.attachments import IMAGE_TYPES
from app.domain.roles import Actor
from app.protocol import Reason
from backend_stub import db
from backend_stub.services import broadcast_attachments
from backend_stub.services.outcomes import Rejected
from backend_stub.settings import Settings


def _citing_punches(sha: str):
    p = db.punches.c
    # frame_sha256s is a JSON list of hex digests: a substring match is exact for a digest.
    return or_(p.selfie_sha256 == sha, p.frame_sha256s.contains(sha, autoescape=True))


def _citing_tasks(sha: str):
    t = db.tasks.c  # issue 12, taskboard: a task's example photo is cited too
    return or_(t.photo_sha256 == sha, t.example_photo_sha256 == sha)


def require_own_photos(conn: Connection, shas: Iterable[str | None], uploader_id: str) -> None:
    """Every photo a mutation cites is stored and was uploaded by ``uploader_id``.

    Raises:
        Rejected: ``invalid_payload`` when a photo never arrived, ``photo_not_yours`` when
            someone else uploaded it.
    """
    wanted = {s for s in shas if s}
    if not wanted:
        return
    rows = conn.execute(select(db.photos.c.sha256, db.photos.c.uploaded_by, db.photos.c.content_type)
                        .where(db.photos.c.sha256.in_(wanted))).all()
    if wanted - {r.sha256 for r in rows}:
        raise Rejected(Reason.INVALID_PAYLOAD, "A photo of this action has not been uploaded.")
    if any(r.uploaded_by != uploader_id for r in rows):
        raise Rejected(Reason.PHOTO_NOT_YOURS, "A photo of this action was uploaded by someone else.")
    if any(r.content_type not in IMAGE_TYPES for r in rows):  # issue 11, bcattach: a PDF is no photo
        raise Rejected(Reason.UNSUPPORTED_MEDIA_TYPE, "A file of this action is not a photo.")


def example_stores(conn: Connection, sha: str) -> set[str]:
    """Stores of the tasks showing the photo as their example (a photo sent for a task stays its
    sender's and the managers')."""
    return set(conn.execute(select(db.tasks.c.store_id).where(db.tasks.c.example_photo_sha256 == sha)).scalars())


def _citing_inspections(sha: str, uploaded_by: str | None = None):
    """Issue 12, inspe2e: inspections whose answers name the photo; with ``uploaded_by``, only
    those done by its uploader (an answer may name any address, as addresses are visible in
    pulls: naming someone else's photo must not open it to the inspected store's managers)."""
    i = db.inspections.c
    # answers is JSON holding hex digests: a substring match is exact for a digest.
    cited = i.answers.contains(sha, autoescape=True)
    return cited if uploaded_by is None else cited & (i.inspector_id == uploaded_by)


def citing_stores(conn: Connection, sha: str, uploaded_by: str | None = None) -> set[str]:
    """Stores of the punches, tasks and (issue 12: the uploader's own) inspections that cite the photo."""
    punches = select(db.punches.c.store_id).where(_citing_punches(sha))
    tasks = select(db.tasks.c.store_id).where(_citing_tasks(sha))
    sent = select(db.tasks.c.store_id).join(db.task_photos, db.task_photos.c.task_id == db.tasks.c.id).where(
        db.task_photos.c.photo_sha256 == sha)  # issue 12, taskboard: every photo of a completion
    parts = [tasks, sent]
    if uploaded_by is not None:
        parts.append(select(db.inspections.c.store_id).where(_citing_inspections(sha, uploaded_by)))
    return set(conn.execute(punches.union(*parts)).scalars())


def may_read(conn: Connection, actor: Actor, sha: str, uploaded_by: str) -> bool:
    """The read rule of ``app.domain.access.may_read_photo`` against the stored records."""
    if may_read_photo(actor, uploaded_by, ()):
        return True  # the uploader or HQ: no need to look for citing records
    if actor.role.is_manager and may_read_photo(actor, uploaded_by, citing_stores(conn, sha, uploaded_by)):
        return True
    if may_read_example_photo(actor, example_stores(conn, sha)):  # issue 12: what to do, for the store
        return True
    return broadcast_attachments.may_read(conn, actor, sha, uploaded_by)  # issue 11, bcattach


def is_cited(conn: Connection, sha: str) -> bool:
    """True while any punch, task or broadcast (issue 11, bcattach) still cites the photo."""
    return bool(conn.execute(select(
        exists().where(_citing_punches(sha)) | exists().where(_citing_tasks(sha))
        | exists().where(db.task_photos.c.photo_sha256 == sha)
        | exists().where(_citing_inspections(sha)))).scalar()) \
        or broadcast_attachments.is_cited(conn, sha)


def delete_uncited(conn: Connection, settings: Settings, shas: Iterable[str]) -> int:
    """Delete the photos no record cites any more (rows and files); returns files deleted.

    Callers first drop their own records' references; a photo another record still uses
    (another person's punch, a task) is kept.
    """
    removed = 0
    for sha in sorted(set(shas)):
        if is_cited(conn, sha):
            continue
        conn.execute(delete(db.photo_details).where(db.photo_details.c.sha256 == sha))  # issue 12, photoprep
        conn.execute(delete(db.photos).where(db.photos.c.sha256 == sha))
        path: Path = settings.photo_dir / sha
        if path.exists():
            path.unlink()
            removed += 1
    return removed
