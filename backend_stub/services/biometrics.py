"""Face data under Hong Kong's PDPO: consent, enrolment, verification, erasure, purge.

Only encrypted 128-d embeddings are kept, never enrolment photos. Selfies sent with
punches are kept ``selfie_retention_days`` for disputes, then purged by ``purge_selfies``.
"""

import base64
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from app.protocol.consent import CONSENT_TEXT_VERSION
from backend_stub import db
from backend_stub.services import photo_refs
from backend_stub.settings import Settings

#: How far back past the retention cutoff the purge looks for uploads no record cites.
ORPHAN_WINDOW = timedelta(days=2)


__all__ = ["CONSENT_TEXT_VERSION", "erase_biometrics", "has_consent", "purge_selfies", "record_consent"]


def has_consent(conn: Connection, user_id: str) -> bool:
    """True when the latest consent event of the user is a grant."""
    row = conn.execute(select(db.face_consents.c.action).where(db.face_consents.c.user_id == user_id)
                       .order_by(db.face_consents.c.id.desc()).limit(1)).first()
    return row is not None and row[0] == "grant"


def record_consent(conn: Connection, user_id: str, *, granted: bool, version: str, locale: str | None) -> None:
    """Record a grant or a withdrawal (with time and text version); withdrawal deletes the embedding."""
    conn.execute(db.face_consents.insert().values(
        user_id=user_id, action="grant" if granted else "withdraw", text_version=version,
        locale=locale, at=datetime.now(UTC)))
    if not granted:
        conn.execute(delete(db.face_embeddings).where(db.face_embeddings.c.user_id == user_id))


def store_embeddings(conn: Connection, settings: Settings, user_id: str, embeddings) -> None:
    """Encrypt (AES-GCM, bound to the user id) and keep the embeddings; replaces older ones."""
    from app.face import encrypt_embedding

    blobs = [base64.b64encode(encrypt_embedding(e, settings.face_key, context=user_id.encode())).decode()
             for e in embeddings]
    conn.execute(delete(db.face_embeddings).where(db.face_embeddings.c.user_id == user_id))
    conn.execute(db.face_embeddings.insert().values(user_id=user_id, blobs=json.dumps(blobs),
                                                    enrolled_at=datetime.now(UTC)))


def load_embeddings(conn: Connection, settings: Settings, user_id: str) -> list:
    """The user's decrypted embeddings ([] when not enrolled)."""
    from app.face import decrypt_embedding

    row = conn.execute(select(db.face_embeddings.c.blobs).where(db.face_embeddings.c.user_id == user_id)).first()
    if row is None:
        return []
    return [decrypt_embedding(base64.b64decode(b), settings.face_key, context=user_id.encode())
            for b in json.loads(row[0])]


def photo_bytes(settings: Settings, sha256: str) -> bytes | None:
    path = settings.photo_dir / sha256
    return path.read_bytes() if path.exists() else None


def _evidence(rows) -> list[str]:
    """Selfie and liveness-frame photo hashes of punch rows (selfie_sha256, frame_sha256s)."""
    shas: list[str] = []
    for selfie, frames in rows:
        shas.extend(([selfie] if selfie else []) + json.loads(frames or "[]"))
    return shas


def _forget_evidence(conn: Connection, which) -> list[str]:
    """Unlink the selfies and frames from the punches ``which`` selects; returns their hashes
    (the photos themselves go only once no other record cites them)."""
    p = db.punches.c
    shas = _evidence(conn.execute(select(p.selfie_sha256, p.frame_sha256s).where(which)))
    conn.execute(db.punches.update().where(which).values(selfie_sha256=None, frame_sha256s="[]"))
    return shas


def erase_biometrics(conn: Connection, settings: Settings, user_id: str) -> dict:
    """Staff erasure: embeddings, selfies and the consent records' data go; counts are returned.

    Only the person's own data goes: the selfies and frames of their punches (even a
    kiosk's upload) and their own uploads no record uses; never a photo another person's
    record or a task still uses.
    """
    shas = _forget_evidence(conn, db.punches.c.user_id == user_id)
    shas += conn.execute(select(db.photos.c.sha256).where(db.photos.c.uploaded_by == user_id)).scalars().all()
    removed = photo_refs.delete_uncited(conn, settings, shas)
    embeddings = conn.execute(delete(db.face_embeddings).where(db.face_embeddings.c.user_id == user_id)).rowcount
    consents = conn.execute(delete(db.face_consents).where(db.face_consents.c.user_id == user_id)).rowcount
    conn.execute(delete(db.selfie_fingerprints).where(db.selfie_fingerprints.c.user_id == user_id))
    return {"embeddings": embeddings, "selfies": removed, "consent_records": consents}


def purge_selfies(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Delete selfies older than the retention period (the punch record itself stays).

    Uploads older than that which no record ever cited (the selfie of a rejected punch)
    go too, so a face photo is not kept past the retention period. Only the last
    ``ORPHAN_WINDOW`` of uploads is looked at each run (the job runs hourly), which keeps
    the run short however many cited photos (task photos) accumulate.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.selfie_retention_days)
    p = db.punches.c
    with engine.begin() as conn:
        expired = (p.received_at < cutoff) & ((p.selfie_sha256.is_not(None)) | (p.frame_sha256s != "[]"))
        shas = _forget_evidence(conn, expired)
        created = db.photos.c.created_at
        shas += conn.execute(select(db.photos.c.sha256).where(
            created < cutoff, created >= cutoff - ORPHAN_WINDOW)).scalars().all()
        return photo_refs.delete_uncited(conn, settings, shas)
