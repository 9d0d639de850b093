"""Issue 11, bcattach: what a broadcast may carry (photos and PDF files), checked on the phone
before queuing and on the server on arrival, by the same rule.

A file's kind is read from its first bytes, never from its name or a declared type: a PDF
begins with ``%PDF-`` and ends with ``%%EOF`` (a truncated one does not), a photo is JPEG, PNG
or WebP (the server also decodes it fully, as every photo: ``backend_stub.services.uploads``).
"""

from app.domain.access import AccessDenied

PDF = "application/pdf"
#: The photo types accepted anywhere: magic bytes -> MIME type (WebP: RIFF....WEBP).
_IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
KINDS = IMAGE_TYPES | {PDF}
#: At most this many files on one broadcast.
MAX_FILES = 5
#: A PDF may be at most this large (a photo: the server's ``max_photo_bytes``, 8 MB).
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 8 * 1024 * 1024
#: A PDF's end marker must be within this many bytes of its end (the format allows trailing junk).
_PDF_TAIL = 1024

REASON_TOO_MANY_FILES = "broadcast_too_many_files"
REASON_PDF_CORRUPT = "pdf_corrupt"
REASON_UNSUPPORTED = "unsupported_media_type"
REASON_TOO_LARGE = "payload_too_large"


def sniff_image_type(head: bytes) -> str | None:
    """The image type from a file's first bytes (None: not a JPEG, PNG or WebP)."""
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def sniff_kind(head: bytes) -> str | None:
    """A photo's image type, ``PDF``, or None (anything else) from a file's first bytes."""
    return PDF if head.startswith(b"%PDF-") else sniff_image_type(head)


def limit(kind: str | None, max_photo_bytes: int = MAX_PHOTO_BYTES) -> int:
    """The most bytes a file of ``kind`` may have."""
    return MAX_PDF_BYTES if kind == PDF else max_photo_bytes


def check_file(data: bytes, max_photo_bytes: int = MAX_PHOTO_BYTES) -> str:
    """The kind of an attachment that may be sent, by its bytes.

    Raises:
        AccessDenied: ``unsupported_media_type`` (neither a photo nor a PDF, or empty),
            ``payload_too_large``, ``pdf_corrupt`` (a PDF without its end: truncated).
    """
    kind = sniff_kind(bytes(data[:16]))
    if kind is None:
        raise AccessDenied(REASON_UNSUPPORTED, "Only photos (JPEG, PNG, WebP) or PDF files can be attached.")
    if len(data) > limit(kind, max_photo_bytes):
        raise AccessDenied(REASON_TOO_LARGE, f"A file of this kind may be at most {limit(kind, max_photo_bytes)} bytes.")
    if kind == PDF and b"%%EOF" not in bytes(data[-_PDF_TAIL:]):
        raise AccessDenied(REASON_PDF_CORRUPT, "This PDF is damaged or incomplete.")
    return kind


def check_count(count: int) -> None:
    """A broadcast carries at most ``MAX_FILES`` files."""
    if count > MAX_FILES:
        raise AccessDenied(REASON_TOO_MANY_FILES, f"A broadcast can carry at most {MAX_FILES} files.")
