"""Face embeddings encrypted at rest with AES-256-GCM.

An embedding is biometric data: it is stored only encrypted, and GCM's tag means a
tampered or swapped blob is detected instead of silently matching someone else. Pass the
staff member's id as ``context`` so a blob copied onto another staff record fails to
decrypt.

Blob layout (version 1): ``b"\\x01" | nonce (12 bytes) | ciphertext of 128 float64
little-endian | tag (16 bytes)``; the version byte is authenticated too.
"""

from __future__ import annotations

import os

import numpy as np

from app.face.errors import EmbeddingDecryptError
from app.face.matching import as_embedding

_VERSION = b"\x01"
_NONCE_BYTES = 12
_DTYPE = np.dtype("<f8")
_BLOB_BYTES = 1 + _NONCE_BYTES + 128 * _DTYPE.itemsize + 16


def new_key() -> bytes:
    """A fresh random 256-bit key (keep it in the server's secret store, not the DB)."""
    return os.urandom(32)


def _aead(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not isinstance(key, (bytes, bytearray)) or len(key) not in (16, 24, 32):
        raise ValueError("key must be 16, 24 or 32 bytes (use new_key())")
    return AESGCM(bytes(key))


def encrypt_embedding(vec, key: bytes, *, context: bytes = b"") -> bytes:
    """Encrypt one 128-d embedding.

    Args:
        vec: the embedding (any array-like of 128 finite floats).
        key: AES key from new_key().
        context: bytes the blob is bound to (e.g. the staff id); needed again to decrypt.

    Returns:
        The versioned blob (1053 bytes).
    """
    plain = as_embedding(vec).astype(_DTYPE).tobytes()
    # A random 96-bit nonce per blob: safe for far more embeddings than a shop will have.
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(key).encrypt(nonce, plain, _VERSION + bytes(context))
    return _VERSION + nonce + sealed


def decrypt_embedding(blob: bytes, key: bytes, *, context: bytes = b"") -> np.ndarray:
    """Decrypt a blob from encrypt_embedding().

    Returns:
        The float64 (128,) embedding, bit-identical to what was encrypted.

    Raises:
        EmbeddingDecryptError: wrong key or context, tampered, truncated or unknown version.
    """
    from cryptography.exceptions import InvalidTag

    blob = bytes(blob)
    if len(blob) != _BLOB_BYTES or blob[:1] != _VERSION:
        raise EmbeddingDecryptError("not an encrypted embedding (bad length or version)")
    nonce, sealed = blob[1:1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES:]
    try:
        plain = _aead(key).decrypt(nonce, sealed, _VERSION + bytes(context))
    except InvalidTag as exc:
        raise EmbeddingDecryptError("embedding failed authentication") from exc
    return np.frombuffer(plain, dtype=_DTYPE).astype(np.float64)
