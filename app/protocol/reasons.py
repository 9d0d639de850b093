"""Machine-readable reason codes shared by the API, the sync engine and the UI.

A reason code is stable: clients map it to a translated message, logs and tests
match on it. Never rename one; add a new code instead.
"""

from enum import StrEnum


class Reason(StrEnum):
    """Why the server refused a request or a single mutation."""

    # Per-mutation rejections (never retried by the client).
    FORBIDDEN_ROLE = "forbidden_role"
    NOT_YOUR_RECORD = "not_your_record"
    UNKNOWN_MUTATION_TYPE = "unknown_mutation_type"
    INVALID_PAYLOAD = "invalid_payload"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    SEQ_REUSED = "seq_reused"
    # Clock-in rules (issue "Clock in and out").
    OUTSIDE_GEOFENCE = "outside_geofence"
    MOCKED_LOCATION = "mocked_location"
    INACCURATE_LOCATION = "inaccurate_location"
    STALE_LOCATION = "stale_location"
    FACE_MISMATCH = "face_mismatch"
    REPLAY_DETECTED = "replay_detected"
    ALREADY_CLOCKED_IN = "already_clocked_in"
    NOT_CLOCKED_IN = "not_clocked_in"
    ALREADY_ON_BREAK = "already_on_break"
    NOT_ON_BREAK = "not_on_break"
    NO_SHIFT = "no_shift"
    TOO_EARLY = "too_early"
    CONSENT_REQUIRED = "consent_required"
    # Request-level errors (HTTP status + this code in the error body).
    VALIDATION_ERROR = "validation_error"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    SEQUENCE_GAP = "sequence_gap"
    DEVICE_MISMATCH = "device_mismatch"
    INVALID_CREDENTIALS = "invalid_credentials"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_INVALID = "token_invalid"
    REFRESH_INVALID = "refresh_invalid"
    HASH_MISMATCH = "hash_mismatch"
    INTERNAL_ERROR = "internal_error"
    # Sign-in protection (issue 7, auth part): PIN guessing and device binding.
    LOGIN_THROTTLED = "login_throttled"
    ACCOUNT_LOCKED = "account_locked"
    DEVICE_BOUND = "device_bound"


class Flag(StrEnum):
    """Things the server accepted but wants a manager to look at."""

    CLOCK_DRIFT = "clock_drift"
