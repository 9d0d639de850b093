"""Face data on the device: the consent decision and encrypted embeddings (never photos)."""

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path

from app.platform import in_browser
from app.store.device import DeviceStore


def _device_key(store: DeviceStore) -> bytes:
    # Kept beside the database, not in it (0600). TODO(phone builds): platform secure storage.
    path = Path(f"{store.path}.facekey")
    if not path.exists():
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()


def save(store: DeviceStore, user_id: str, *, consented: bool, version: str, embeddings=None) -> None:
    """Record the consent decision; embeddings are encrypted (AES-GCM, bound to the user).

    In the browser the device has no face engine to use them: it keeps only the fact that
    the person is enrolled (an empty list), and the server verifies every selfie."""
    blob = None
    if consented and embeddings and in_browser():
        blob = b"[]"
    elif consented and embeddings:
        from app.face.crypto import encrypt_embedding

        key = _device_key(store)
        blob = json.dumps([encrypt_embedding(e, key, context=user_id.encode()).hex()
                           for e in embeddings]).encode()
    with store.transaction() as db:
        db["face_profile"].upsert({"user_id": user_id, "consented": int(consented), "consent_version": version,
                                   "embeddings": blob, "updated_at": datetime.now(UTC).isoformat()},
                                  pk="user_id")


def status(store: DeviceStore, user_id: str) -> tuple[bool, bool]:
    """(consented, enrolled) as this device knows it."""
    with store.reading() as db:
        row = db.execute("SELECT consented, embeddings FROM face_profile WHERE user_id=?", [user_id]).fetchone()
    return (bool(row[0]), row[1] is not None) if row else (False, False)


def embeddings(store: DeviceStore, user_id: str) -> list:
    """The decrypted embeddings for on-device verification ([] when not enrolled)."""
    from app.face.crypto import decrypt_embedding

    with store.reading() as db:
        row = db.execute("SELECT embeddings FROM face_profile WHERE user_id=?", [user_id]).fetchone()
    if not row or not row[0]:
        return []
    key = _device_key(store)
    return [decrypt_embedding(bytes.fromhex(h), key, context=user_id.encode()) for h in json.loads(row[0])]


def forget(store: DeviceStore, user_id: str) -> None:
    """Withdrawal: delete the embeddings from this device."""
    with store.transaction() as db:
        db.execute("UPDATE face_profile SET consented=0, embeddings=NULL WHERE user_id=?", [user_id])
