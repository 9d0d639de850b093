"""Machine-readable reason codes and flags shared by the API, the sync engine and the UI.

A code is stable: clients map it to a translated message, logs and tests match on it.
Never rename one; add a new member instead. Every code the server sends is a member of
``Reason`` (refusals, error bodies) or ``Flag`` (accepted, shown to a manager); the shift
rules in ``app.domain`` keep theirs as plain strings (the domain imports nothing above
it) and the members below take their values from there, so each code is written once.
``tests/test_protocol_codes.py`` checks that nothing sends a code outside these enums.
"""

from enum import StrEnum

from app.domain import approvals, attachments, attendance, availability, broadcasts, open_shifts, roster, shift_rules, timesheet, trades
from app.domain import broadcast_checks  # issue 11, bccheck
from app.domain import saved_audiences  # issue 11, bcsaved
from app.domain.inspections import scoring as inspection_scoring, templates as inspection_templates  # issue 12, inspscore
from app.domain import photo_checks  # issue 12, photoprep
from app.domain.tasks import transitions as task_rules  # issue 12, taskboard
from app.domain.tasks import schedules as task_schedules  # issue 12, taskrecur
from app.domain.tasks import departments as task_departments  # issue 12, taskrecur
from app.domain.requests import kinds as request_kinds
from app.domain.training import codes as training_codes, sessions as training_sessions, signin as training_signin  # issue 13, trainsign
from app.domain.training import completions as training_completions  # issue 13, trainquiz
from app.domain.training import courses as training_courses, quizzes as training_quizzes  # issue 13, trainquiz
from app.domain.training import session_edits as training_session_edits  # issue 13, trainmanage


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
    # Clock-in rules (app.domain.attendance decides them on the device and the server).
    ALREADY_CLOCKED_IN = attendance.REASON_ALREADY_CLOCKED_IN
    NOT_CLOCKED_IN = attendance.REASON_NOT_CLOCKED_IN
    ALREADY_ON_BREAK = attendance.REASON_ALREADY_ON_BREAK
    NOT_ON_BREAK = attendance.REASON_NOT_ON_BREAK
    NO_SHIFT = attendance.REASON_NO_SHIFT
    TOO_EARLY = attendance.REASON_TOO_EARLY
    # Face data (PDPO consent, enrolment and kiosk photos).
    CONSENT_REQUIRED = "consent_required"
    CONSENT_OUTDATED = "consent_outdated"
    INCONSISTENT_FACES = "inconsistent_faces"
    # Photo quality: the values of app.face.QualityCode, forwarded as error codes.
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_SMALL = "too_small"
    TOO_DARK = "too_dark"
    TOO_BLURRY = "too_blurry"
    # -- issue 8, face-quality: a covered lower face is never judged ----------------------
    MASK = "mask"
    #: The server's face engine (dlib) is missing: face photos cannot be judged at all.
    FACE_ENGINE_UNAVAILABLE = "face_engine_unavailable"
    # Request-level errors (HTTP status + this code in the error body).
    VALIDATION_ERROR = "validation_error"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    SEQUENCE_GAP = "sequence_gap"
    INVALID_CURSOR = "invalid_cursor"
    UPLOAD_OFFSET_MISMATCH = "upload_offset_mismatch"
    DEVICE_MISMATCH = "device_mismatch"
    INVALID_CREDENTIALS = "invalid_credentials"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_INVALID = "token_invalid"
    REFRESH_INVALID = "refresh_invalid"
    HASH_MISMATCH = "hash_mismatch"
    INTERNAL_ERROR = "internal_error"
    # -- issue 7, device sync (refused on the device itself) ----------------------------
    #: The photo an action cites is no longer on the device (storage cleared).
    PHOTO_MISSING = "photo_missing"
    # Issue 7, scope and uploads: photo ownership, received images, failed processing.
    PHOTO_NOT_YOURS = "photo_not_yours"
    IMAGE_CORRUPT = "image_corrupt"
    IMAGE_TOO_LARGE = "image_too_large"
    PROCESSING_FAILED = "processing_failed"
    # Sign-in protection (issue 7, auth part): PIN guessing and device binding.
    LOGIN_THROTTLED = "login_throttled"
    REPORTS_BUSY = "reports_busy"  # issue 12: every report slot is drawing (429 with Retry-After)
    ACCOUNT_LOCKED = "account_locked"
    DEVICE_BOUND = "device_bound"
    # -- issue 8, team-approvals: a correction needs a reason (app.domain.approvals) ----
    REASON_TOO_SHORT = approvals.REASON_TOO_SHORT
    # -- issue 8, my-punches: a manager reset the PIN; the person chooses a new one ----------
    PIN_CHANGE_REQUIRED = "pin_change_required"
    # -- issue 8, clock-kiosk: shift ended (offer an unscheduled clock-in), kiosk PIN of
    # someone who does not work at the kiosk's store.
    SHIFT_ENDED = attendance.REASON_SHIFT_ENDED
    NOT_AT_THIS_STORE = "not_at_this_store"
    # -- issue 10, shiftrules: a swap, offer, cover or open-shift claim refused by the chain's
    # rules (app.domain.shift_rules decides them on the device and the server).
    SHIFT_NOT_TRADEABLE = shift_rules.REASON_SHIFT_NOT_TRADEABLE
    SHIFT_ALREADY_STARTED = shift_rules.REASON_SHIFT_STARTED
    SHIFT_NOTICE_TOO_SHORT = shift_rules.REASON_NOTICE_TOO_SHORT
    SHIFT_OTHER_STORE = shift_rules.REASON_OTHER_STORE
    SHIFT_ROLE_MISSING = shift_rules.REASON_ROLE_MISSING
    SHIFT_UNAVAILABLE = shift_rules.REASON_UNAVAILABLE
    SHIFT_OVERLAP = shift_rules.REASON_OVERLAP
    SHIFT_REST_TOO_SHORT = shift_rules.REASON_REST_TOO_SHORT
    SHIFT_WEEKLY_CAP = shift_rules.REASON_WEEKLY_CAP
    # -- issue 10, roster: a shift a manager creates or edits (app.domain.roster) --------
    SHIFT_ENDS_BEFORE_START = roster.REASON_ENDS_BEFORE_START
    SHIFT_TOO_LONG = roster.REASON_TOO_LONG
    # SHIFT_OVERLAP (roster.REASON_OVERLAP) is the shiftrules member above: the same code.
    PERSON_NOT_AT_STORE = roster.REASON_PERSON_NOT_AT_STORE
    SHIFT_CANCELLED = roster.REASON_CANCELLED
    # -- issue 10, leave: requests and approval chains (app.domain.requests) ---------------
    LEAVE_OVER_BALANCE = request_kinds.REASON_OVER_BALANCE
    LEAVE_NO_WORKING_DAYS = request_kinds.REASON_NO_WORKING_DAYS
    REQUEST_BAD_DATES = request_kinds.REASON_BAD_DATES
    CERTIFICATE_REQUIRED = request_kinds.REASON_CERTIFICATE_REQUIRED
    REQUEST_MISSING_DETAIL = request_kinds.REASON_MISSING_DETAIL
    REQUEST_NOT_OPEN = request_kinds.REASON_NOT_OPEN
    REQUEST_NOT_YOUR_TURN = request_kinds.REASON_NOT_YOUR_TURN
    REQUEST_OWN = request_kinds.REASON_OWN_REQUEST
    REQUEST_ALREADY_DECIDED = request_kinds.REASON_ALREADY_DECIDED
    REQUEST_NO_APPROVER = request_kinds.REASON_NO_APPROVER
    REQUEST_COMMENT_REQUIRED = request_kinds.REASON_COMMENT_REQUIRED
    REQUEST_NOT_SENT_BACK = request_kinds.REASON_NOT_SENT_BACK
    # -- issue 10, trades: a swap, offer or cover request that can no longer go ahead ----
    TRADE_SHIFT_CHANGED = trades.REASON_SHIFT_CHANGED
    TRADE_CLOSED = trades.REASON_TRADE_CLOSED
    TRADE_OVERRIDE_NEEDED = trades.REASON_OVERRIDE_NEEDED
    TRADE_ALREADY_TAKEN = trades.REASON_ALREADY_TAKEN
    TRADE_INVALID = trades.REASON_TRADE_SHAPE
    # -- issue 10, availability: weekly windows, days off and the chain's settings ----------
    AVAILABILITY_BAD_WINDOW = availability.REASON_BAD_WINDOW
    UNAVAILABILITY_BAD_DAYS = availability.REASON_BAD_DAYS
    CHAIN_SETTINGS_INVALID = availability.REASON_BAD_SETTINGS
    # -- issue 10, availview: two of a person's weekly windows overlap ----------------------
    AVAILABILITY_OVERLAP = availability.REASON_OVERLAP
    # -- issue 10, openshifts: a claim on an open shift (app.domain.open_shifts) ------------
    OPEN_SHIFT_FULL = open_shifts.REASON_FULL
    OPEN_SHIFT_ALREADY_CLAIMED = open_shifts.REASON_ALREADY_CLAIMED
    OPEN_SHIFT_NOT_OPEN = open_shifts.REASON_NOT_OPEN
    OPEN_SHIFT_CLAIM_DECIDED = open_shifts.REASON_CLAIM_DECIDED
    OPEN_SHIFT_BAD_SLOTS = open_shifts.REASON_BAD_SLOTS
    # -- issue 10, openshiftedit: a manager edits or cancels an open shift ---------------------
    OPEN_SHIFT_CHANGED = open_shifts.REASON_CHANGED
    OPEN_SHIFT_BELOW_FILLED = open_shifts.REASON_BELOW_FILLED
    OPEN_SHIFT_HAS_FILLED = open_shifts.REASON_HAS_FILLED
    OPEN_SHIFT_CANCELLED = open_shifts.REASON_CANCELLED
    # -- issue 10, issue10fix: a started (or past) open shift is no longer edited or cancelled
    OPEN_SHIFT_STARTED = open_shifts.REASON_STARTED
    OPEN_SHIFT_IN_PAST = open_shifts.REASON_IN_PAST
    # issue 10, tradeflow: one waiting request per shift
    TRADE_ALREADY_OPEN = trades.REASON_ALREADY_OPEN
    # issue 10, delegation: one hand-over at a time per approver
    DELEGATION_OVERLAPS = request_kinds.REASON_DELEGATION_OVERLAPS
    # -- issue 11, broadcasts: audiences (app.domain.broadcasts) and acknowledgements ------
    BROADCAST_AUDIENCE_EMPTY = "broadcast_audience_empty"
    BROADCAST_NOT_URGENT = "broadcast_not_urgent"
    # -- issue 11, bcwrite: an edit made on an older version of a broadcast --------------
    BROADCAST_EDITED_MEANWHILE = broadcasts.REASON_EDITED_MEANWHILE
    BROADCAST_BAD_SCHEDULE = broadcasts.REASON_BAD_SCHEDULE
    # -- issue 11, bcattach: photos and PDF files on a broadcast (app.domain.attachments) ---
    BROADCAST_TOO_MANY_FILES = attachments.REASON_TOO_MANY_FILES
    PDF_CORRUPT = attachments.REASON_PDF_CORRUPT
    # -- issue 11, bcsaved: a saved audience outside the stores its owner manages now ----
    SAVED_AUDIENCE_OUT_OF_SCOPE = saved_audiences.REASON_OUT_OF_SCOPE
    # -- issue 11, bccheck: an urgent broadcast's one-question check ----------------------
    BROADCAST_BAD_CHECK = broadcast_checks.REASON_BAD_CHECK
    BROADCAST_WRONG_ANSWER = broadcast_checks.REASON_WRONG_ANSWER
    # -- issue 11, probe11: "remind them" of a broadcast held for later or expired ---------
    BROADCAST_NOT_SHOWN = broadcasts.REASON_NOT_SHOWN
    BROADCAST_REMINDED_RECENTLY = broadcasts.REASON_REMINDED_RECENTLY
    # -- issue 12, inspscore: inspection templates and answers -----------------------------
    INSPECTION_BAD_TEMPLATE = inspection_templates.REASON_BAD_TEMPLATE
    INSPECTION_BAD_ANSWER = inspection_scoring.REASON_BAD_ANSWER
    INSPECTION_UNANSWERED = inspection_scoring.REASON_UNANSWERED
    INSPECTION_PHOTO_REQUIRED = inspection_scoring.REASON_PHOTO_REQUIRED
    INSPECTION_NOTE_REQUIRED = inspection_scoring.REASON_NOTE_REQUIRED
    # -- issue 12, taskboard: store tasks with photo proof (app.domain.tasks) --------------
    TASK_BAD_TASK = task_rules.REASON_BAD_TASK
    TASK_NOT_ASSIGNED = task_rules.REASON_NOT_ASSIGNED
    TASK_NOT_OPEN = task_rules.REASON_NOT_OPEN
    TASK_PHOTO_COUNT = task_rules.REASON_PHOTO_COUNT
    TASK_CHECKLIST_INCOMPLETE = task_rules.REASON_CHECKLIST_INCOMPLETE
    TASK_REASON_REQUIRED = task_rules.REASON_REASON_REQUIRED
    TASK_NOT_UNDOABLE = task_rules.REASON_NOT_UNDOABLE
    TASK_NOT_WAITING_REVIEW = task_rules.REASON_NOT_WAITING_REVIEW
    TASK_BAD_REVIEW = task_rules.REASON_BAD_REVIEW
    TASK_COMMENT_REQUIRED = task_rules.REASON_COMMENT_REQUIRED
    TASK_OWN_WORK = task_rules.REASON_OWN_WORK
    # -- issue 12, taskrecur: a recurring task's schedule (app.domain.tasks.schedules) --------
    TASK_BAD_SCHEDULE = task_schedules.REASON_BAD_SCHEDULE
    TASK_NOT_REPAIR = task_departments.REASON_NOT_REPAIR
    TASK_UNKNOWN_DEPARTMENT = task_departments.REASON_UNKNOWN_DEPARTMENT
    # -- issue 13, trainsign: training sign-in (app.domain.training.codes, .sessions, .signin) --
    TRAINING_BAD_SESSION = training_sessions.REASON_BAD_SESSION
    TRAINING_CODE_MALFORMED = training_codes.REASON_CODE_MALFORMED
    TRAINING_CODE_WRONG = training_codes.REASON_CODE_WRONG
    TRAINING_CODE_EXPIRED = training_codes.REASON_CODE_EXPIRED
    TRAINING_SESSION_CANCELLED = training_signin.REASON_SESSION_CANCELLED
    TRAINING_ALREADY_SIGNED_IN = training_signin.REASON_ALREADY_SIGNED_IN
    TRAINING_NOT_INVITED = training_signin.REASON_NOT_INVITED
    TRAINING_NOT_OPEN_YET = training_signin.REASON_NOT_OPEN_YET
    TRAINING_CLOSED = training_signin.REASON_CLOSED
    TRAINING_NO_LOCATION = training_signin.REASON_NO_LOCATION
    TRAINING_LOCATION_MOCKED = training_signin.REASON_LOCATION_MOCKED
    TRAINING_LOCATION_INACCURATE = training_signin.REASON_LOCATION_INACCURATE
    TRAINING_LOCATION_STALE = training_signin.REASON_LOCATION_STALE
    TRAINING_OUTSIDE_FENCE = training_signin.REASON_OUTSIDE_FENCE
    TRAINING_SESSION_FULL = training_signin.REASON_SESSION_FULL
    TRAINING_NO_SIGN_OUT = training_signin.REASON_NO_SIGN_OUT
    TRAINING_NOT_SIGNED_IN = training_signin.REASON_NOT_SIGNED_IN
    TRAINING_ALREADY_SIGNED_OUT = training_signin.REASON_ALREADY_SIGNED_OUT
    TRAINING_SIGN_OUT_TOO_EARLY = training_signin.REASON_SIGN_OUT_TOO_EARLY
    TRAINING_MANUAL_REASON_REQUIRED = training_signin.REASON_MANUAL_REASON_REQUIRED
    TRAINING_MANUAL_SELF = training_signin.REASON_MANUAL_SELF  # probe13: nobody vouches for themselves
    TRAINING_CODE_LOCKED = training_signin.REASON_CODE_LOCKED  # probe13: no guessing the 6 digits
    # -- issue 13, trainquiz: courses, quizzes graded on the server, completions ----------
    TRAINING_BAD_COURSE = training_courses.REASON_BAD_COURSE
    TRAINING_BAD_QUIZ = training_quizzes.REASON_BAD_QUIZ
    TRAINING_QUIZ_BAD_ANSWER = training_quizzes.REASON_BAD_ANSWER
    TRAINING_QUIZ_UNANSWERED = training_quizzes.REASON_UNANSWERED
    TRAINING_QUIZ_NO_ATTEMPTS_LEFT = training_quizzes.REASON_NO_ATTEMPTS_LEFT
    TRAINING_QUIZ_CHANGED = training_quizzes.REASON_QUIZ_CHANGED
    TRAINING_QUIZ_NOT_PASSED = training_completions.REASON_NOT_PASSED
    TRAINING_QUIZ_REQUIRED = training_completions.REASON_QUIZ_REQUIRED
    TRAINING_SIGN_OUT_MISSING = training_completions.REASON_SIGN_OUT_MISSING
    # -- issue 13, trainmanage: a manager edits or cancels a session (app.domain.training.session_edits)
    TRAINING_SESSION_CHANGED = training_session_edits.REASON_CHANGED
    TRAINING_SESSION_STARTED = training_session_edits.REASON_STARTED
    TRAINING_SESSION_IN_PAST = training_session_edits.REASON_IN_PAST
    TRAINING_CAPACITY_BELOW_ROLL = training_session_edits.REASON_BELOW_ROLL
    TRAINING_SESSION_OVER = training_session_edits.REASON_OVER
    TRAINING_PERSON_INACTIVE = training_sessions.REASON_PERSON_INACTIVE  # issue 13, traininvite


class Flag(StrEnum):
    """Things the server (or the shift rules) accepted but wants a manager to look at.

    The one complete list: punches, timesheets and the Team screen use these names.
    """

    # Set when the push arrives (app.domain.clock).
    CLOCK_DRIFT = "clock_drift"
    # Location, judged again by the server (app.domain.geofence).
    NO_LOCATION = "no_location"
    OUTSIDE = "outside"
    UNCERTAIN = "uncertain"
    MOCKED_GPS = "mocked_gps"
    INACCURATE_LOCATION = "inaccurate_location"
    STALE_LOCATION = "stale_location"
    LOCATION_REFUSED = "location_refused"
    GEOFENCE_DISAGREES = "geofence_disagrees"
    # Face check, done again by the server (app.face).
    NO_SELFIE = "no_selfie"
    NO_CONSENT = "no_consent"
    FACE_MISMATCH = "face_mismatch"
    FACE_DISAGREES = "face_disagrees"
    REPLAY = "replay"
    NO_LIVENESS = "no_liveness"
    LIVENESS_FAILED = "liveness_failed"
    # -- issue 8, face-quality: a selfie the server could not judge is never a mismatch --
    #: The selfie could not be judged (too small, too dark, masked...): a manager looks.
    FACE_RETRY = "face_retry"
    #: No face engine or no enrolment on the server: the face was not checked.
    FACE_UNCHECKED = "face_unchecked"
    # Shift rules and timesheets (app.domain.attendance, app.domain.timesheet).
    LATE = attendance.FLAG_LATE
    EARLY_LEAVE = attendance.FLAG_EARLY_LEAVE
    UNSCHEDULED = attendance.FLAG_UNSCHEDULED
    BREAK_AUTO_ENDED = attendance.FLAG_BREAK_AUTO_ENDED
    CORRECTED = attendance.FLAG_CORRECTED
    MISSING_CLOCK_OUT = attendance.FLAG_MISSING_CLOCK_OUT
    STRAY_PUNCH = attendance.FLAG_STRAY_PUNCH
    ABSENT = timesheet.FLAG_ABSENT
    # -- issue 10, shiftrules: a trade a manager may still approve, with a reason ----------
    OVERTIME = shift_rules.FLAG_OVERTIME
    NO_REST_DAY = shift_rules.FLAG_NO_REST_DAY
    CONTINUOUS_CONTRACT_AT_RISK = shift_rules.FLAG_CONTINUOUS_CONTRACT
    # -- issue 12, photoprep: a task photo the reviewer should look at (app.domain.photo_checks) --
    PHOTO_REUSED = photo_checks.FLAG_REUSED
    PHOTO_TIME_DIFFERS = photo_checks.FLAG_TIME_DIFFERS
