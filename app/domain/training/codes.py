"""Issue 13, trainsign: the rotating session code a trainer's phone shows, and its QR text.

A code is 6 digits that change every 30 seconds, derived from a per-session secret and the
time (HMAC-SHA256 over the 30-second step, with the dynamic truncation of RFC 4226 section
5.3, as RFC 6238 does for TOTP). A photo of the code sent to a friend stops working a minute
later at most: the current step and the one before it (the grace) are accepted, older and
later ones are refused.

The secret lives on the server and the trainer's phone only, never on a staff phone: staff
phones record the code they were shown and the server checks it (``verify_code``) for the
time the phone recorded it. Pure rules, standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

REASON_CODE_MALFORMED = "training_code_malformed"
REASON_CODE_WRONG = "training_code_wrong"
REASON_CODE_EXPIRED = "training_code_expired"

#: Seconds each code is shown for.
STEP_S = 30
#: Digits in a code: short enough to type, 1 in a million to guess.
DIGITS = 6
#: Steps before the current one that are still accepted: a code read just before it changed.
GRACE_STEPS = 1
#: A code of the *next* step is accepted this many seconds before that step starts: the
#: trainer's and the server's clock estimates differ by a second or two, and a code that
#: changed on the trainer's screen a moment "early" is not a code from the future.
MAX_FORWARD_SKEW_S = 5
#: How far back a refused code is still recognised, to say "expired" rather than "wrong".
EXPIRED_LOOKBACK_STEPS = 20
#: Random bytes in a new secret (the HMAC-SHA256 block would take up to 64; 32 is its output size).
SECRET_BYTES = 32
#: A shorter secret is refused: it could be found by trying every key.
MIN_SECRET_BYTES = 16

#: What the QR code carries: ``shopfloor:training/<session id>/<code>``.
QR_PREFIX = "shopfloor:training/"
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CODE = re.compile(r"[0-9]{%d}" % DIGITS)
_QR = re.compile(re.escape(QR_PREFIX) + r"(?P<session>[A-Za-z0-9_-]{1,64})/(?P<code>[0-9]{%d})" % DIGITS)


class CodeFormatError(ValueError):
    """A typed code or a scanned QR text that is not one (wrong length, not digits, not ours)."""

    reason = REASON_CODE_MALFORMED


class CodeVerdict(StrEnum):
    """What a code says about the moment it was recorded."""

    CURRENT = "current"  # the code of that 30-second step
    PREVIOUS = "previous"  # the step before: read just before it changed (grace)
    EXPIRED = "expired"  # an older step's code: a photo or a message passed on
    WRONG = "wrong"  # no recent step's code: mistyped, another session's, or a future one

    @property
    def accepted(self) -> bool:
        """Whether the code proves the person saw the trainer's screen at that time."""
        return self in (CodeVerdict.CURRENT, CodeVerdict.PREVIOUS)

    @property
    def reason(self) -> str | None:
        """The refusal's reason code, None when accepted."""
        return {CodeVerdict.EXPIRED: REASON_CODE_EXPIRED, CodeVerdict.WRONG: REASON_CODE_WRONG}.get(self)


@dataclass(frozen=True)
class QrPayload:
    """What a scanned session QR code says: which session, and the code shown with it."""

    session_id: str
    code: str


def new_secret() -> bytes:
    """A fresh random secret for one session (kept on the server and the trainer's phone)."""
    return secrets.token_bytes(SECRET_BYTES)


def encode_secret(secret: bytes) -> str:
    """The secret as text for storage and the trainer's pull (base32, no padding)."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def decode_secret(text: str) -> bytes:
    """The secret back from ``encode_secret`` text.

    Raises:
        ValueError: the text is not base32 or decodes to a secret too short to be safe.
    """
    try:
        secret = base64.b32decode(text + "=" * (-len(text) % 8), casefold=True)
    except (binascii.Error, ValueError):
        raise ValueError("a session secret must be base32 text") from None
    _check_secret(secret)
    return secret


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"a session secret needs at least {MIN_SECRET_BYTES} bytes")


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the time must be timezone-aware")


def time_step(at: datetime) -> int:
    """The 30-second step ``at`` falls in (steps count from the Unix epoch, as in RFC 6238)."""
    _require_aware(at)
    return int(at.timestamp() // STEP_S)


def seconds_left(at: datetime) -> float:
    """Seconds until the code shown at ``at`` changes (the trainer's screen counts them down)."""
    _require_aware(at)
    return STEP_S - at.timestamp() % STEP_S


def code_for_step(secret: bytes, step: int) -> str:
    """The code of one step: HMAC-SHA256 of the step (8 bytes, big-endian), truncated to 6 digits."""
    _check_secret(secret)
    digest = hmac.new(secret, step.to_bytes(8, "big", signed=True), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def code_at(secret: bytes, at: datetime) -> str:
    """The code the trainer's phone shows at ``at`` (its clock corrected by the sync offset)."""
    return code_for_step(secret, time_step(at))


def shown_code(secret: bytes, device_now: datetime, clock_offset_ms: int | None) -> str:
    """The code the trainer's phone shows: at its clock corrected by the sync engine's estimate of
    the server offset (``DeviceClock.offset_ms``), so a trainer phone a few minutes off still
    shows the code the server expects. No estimate yet (never online): its own clock."""
    return code_at(secret, device_now + timedelta(milliseconds=clock_offset_ms or 0))


def normalize_code(text: str) -> str:
    """The 6 digits of a typed code: full-width digits (Chinese keyboards) become ASCII and
    spaces are dropped ("123 456"); anything else is refused.

    Raises:
        CodeFormatError: not exactly 6 digits once spaces are dropped.
    """
    digits = "".join(unicodedata.normalize("NFKC", text).split())
    if not _CODE.fullmatch(digits):
        raise CodeFormatError(f"A session code is {DIGITS} digits.")
    return digits


def verify_code(secret: bytes, code: str, at: datetime) -> CodeVerdict:
    """Judge a code recorded at ``at`` (the server's estimate of when the phone recorded it).

    Accepted: the code of ``at``'s step, of the step before (grace), or of the next step when
    ``at`` is within ``MAX_FORWARD_SKEW_S`` of it. Refused: an older step's code (expired, up to
    ``EXPIRED_LOOKBACK_STEPS`` back) or anything else (wrong, which includes future codes).
    Every candidate is compared in constant time and all are compared, so the time taken
    says nothing about which one matched.

    Raises:
        CodeFormatError: the code is not 6 digits (see ``normalize_code``).
    """
    typed = normalize_code(code).encode("ascii")
    now_step = time_step(at)
    newest = time_step(at + timedelta(seconds=MAX_FORWARD_SKEW_S))
    verdict = CodeVerdict.WRONG
    for step in range(newest, now_step - GRACE_STEPS - EXPIRED_LOOKBACK_STEPS - 1, -1):
        matched = hmac.compare_digest(code_for_step(secret, step).encode("ascii"), typed)
        if matched and verdict is CodeVerdict.WRONG:  # the newest match wins
            verdict = (CodeVerdict.CURRENT if step >= now_step else
                       CodeVerdict.PREVIOUS if step >= now_step - GRACE_STEPS else CodeVerdict.EXPIRED)
    return verdict


def qr_text(session_id: str, code: str) -> str:
    """The text the trainer's QR code carries: ``shopfloor:training/<session id>/<code>``.

    Raises:
        ValueError: the session id is not 1-64 letters, digits, ``-`` or ``_``, or the code is
            not 6 digits.
    """
    if not _SESSION_ID.fullmatch(session_id):
        raise ValueError(f"session id not fit for a QR code: {session_id!r}")
    return f"{QR_PREFIX}{session_id}/{normalize_code(code)}"


def parse_qr(text: str) -> QrPayload:
    """The session and code from a scanned QR text (surrounding whitespace ignored).

    Raises:
        CodeFormatError: the text is not a Shopfloor session code (another app's QR, a cut-off
            scan, a code of the wrong length...).
    """
    match = _QR.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CodeFormatError("This QR code is not a Shopfloor training session code.")
    return QrPayload(match["session"], match["code"])
