"""Issue 13, trainsign: may this person sign in to (or out of) this session, and were they late?

The staff phone never holds the session secret. It records the code it was shown (typed or
scanned), the time and a location fix, and shows "signed in, confirming"; the server runs
``check_sign_in`` with the secret and its estimate of when the phone recorded the code (the
push's drift-corrected event time, ``app.domain.clock.assess_event_time``), at once when online
or on sync when offline. The phone may call the same function without a secret
(``secret=None``) to refuse early everything but the code.

Checks, in this order; the first that fails is the one reason given:

1. the session is cancelled;
2. the person already signed in (a second tap is told so, whatever else is wrong with it);
3. the session is invite-only and they are not invited;
4. the code is not 6 digits; it is not the code of the recorded time or of the step before
   (expired when it is an older step's, wrong otherwise);
5. the recorded time is before sign-in opens or after it closes;
6. the location: no fix, a mocked one, one too inaccurate, too old (or from the future), or
   outside the fence (the clock-in rules of ``app.domain.geofence``; *uncertain* near the
   boundary is accepted, and the decision is kept for the trainer's list);
7. the session is full (last, so a seat is only refused to someone otherwise accepted).

The code comes before the time and the place: without it nothing about the session is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain import geofence
from app.domain.geofence import Fix, GeofenceDecision, GeofenceVerdict, decide
from app.domain.training.codes import CodeFormatError, CodeVerdict, normalize_code, verify_code
from app.domain.training.sessions import Roll, TrainingSession

REASON_SESSION_CANCELLED = "training_session_cancelled"
REASON_ALREADY_SIGNED_IN = "training_already_signed_in"
REASON_NOT_INVITED = "training_not_invited"
REASON_NOT_OPEN_YET = "training_not_open_yet"
REASON_CLOSED = "training_closed"
REASON_NO_LOCATION = "training_no_location"
REASON_LOCATION_MOCKED = "training_location_mocked"
REASON_LOCATION_INACCURATE = "training_location_inaccurate"
REASON_LOCATION_STALE = "training_location_stale"
REASON_OUTSIDE_FENCE = "training_outside_fence"
REASON_SESSION_FULL = "training_session_full"
REASON_NO_SIGN_OUT = "training_no_sign_out"
REASON_NOT_SIGNED_IN = "training_not_signed_in"
REASON_ALREADY_SIGNED_OUT = "training_already_signed_out"
REASON_SIGN_OUT_TOO_EARLY = "training_sign_out_too_early"
REASON_MANUAL_REASON_REQUIRED = "training_manual_reason_required"
REASON_MANUAL_SELF = "training_manual_self"
REASON_CODE_LOCKED = "training_code_locked"

#: The shortest reason a trainer may give for adding someone by hand.
MIN_MANUAL_REASON = 3
#: Wrong codes a person may send within GUESS_WINDOW before their sign-ins are refused: a few
#: typos pass; trying the million 6-digit codes (a tampered phone can pick its recorded time,
#: so the code to find stays put) does not.
MAX_WRONG_CODES = 10
GUESS_WINDOW = timedelta(hours=1)


class Outcome(StrEnum):
    """What became of an attempt."""

    ON_TIME = "on_time"
    LATE = "late"
    SIGNED_OUT = "signed_out"
    MANUAL = "manual"  # added by the trainer, with a reason
    REFUSED = "refused"


@dataclass(frozen=True)
class Attempt:
    """What a staff phone recorded when its user signed in or out.

    Attributes:
        user_id, role: who (the server takes them from the caller, never from the payload).
        code: the code as typed or scanned.
        at: when the phone recorded it, on the server's clock (the push's drift-corrected
            event time); the code and the session window are judged at this time.
        fix: the location fix taken with it, if any.
        device_time: the phone's own stamp of the attempt; the fix's age is judged against it
            (both come from the phone's clock, as for a punch). None: ``at``.
    """

    user_id: str
    role: str
    code: str
    at: datetime
    fix: Fix | None = None
    device_time: datetime | None = None


@dataclass(frozen=True)
class SignInDecision:
    """The verdict on one attempt: an outcome, and for a refusal its one reason."""

    outcome: Outcome
    reason: str | None = None
    message: str = ""
    geofence: GeofenceDecision | None = None

    @property
    def accepted(self) -> bool:
        """Whether the attempt goes on the roll."""
        return self.outcome is not Outcome.REFUSED


@dataclass(frozen=True)
class LocationRules:
    """The chain's clock-in accuracy rules, reused for sign-in."""

    max_accuracy_m: float = geofence.DEFAULT_MAX_ACCURACY_M
    max_age_s: float = geofence.DEFAULT_MAX_AGE_S


def _refused(reason: str, message: str, place: GeofenceDecision | None = None) -> SignInDecision:
    return SignInDecision(Outcome.REFUSED, reason, message, place)


def _code_refusal(secret: bytes | None, code: str, at: datetime) -> SignInDecision | None:
    """The code's refusal; without a secret (on the staff phone) only its form is checked."""
    try:
        if secret is None:
            normalize_code(code)
            return None
        verdict = verify_code(secret, code, at)
    except CodeFormatError as exc:
        return _refused(exc.reason, str(exc))
    if verdict is CodeVerdict.EXPIRED:
        return _refused(verdict.reason, "This code has expired. Use the code the trainer shows now.")
    if verdict is CodeVerdict.WRONG:
        return _refused(verdict.reason, "This is not the session's code. Check it and try again.")
    return None


#: The geofence's refusal codes (plain strings of clock-in) as sign-in reasons.
_FIX_REFUSALS = {
    geofence.REASON_MOCKED: (REASON_LOCATION_MOCKED, "The location seems to be faked."),
    geofence.REASON_INACCURATE: (REASON_LOCATION_INACCURATE, "The location is not accurate enough."),
}


def _location_refusal(session: TrainingSession, attempt: Attempt,
                      rules: LocationRules) -> tuple[SignInDecision | None, GeofenceDecision | None]:
    """The place check of clock-in: a believable fix inside (or on the edge of) the fence."""
    if attempt.fix is None:
        return _refused(REASON_NO_LOCATION, "Sign-in needs your location."), None
    decision = decide(attempt.fix, session.fence, now=attempt.device_time or attempt.at,
                      max_accuracy_m=rules.max_accuracy_m, max_age_s=rules.max_age_s)
    if decision.verdict is GeofenceVerdict.REFUSED:
        # stale and future: a fix from another moment than the sign-in.
        reason, message = _FIX_REFUSALS.get(decision.reason or "",
                                            (REASON_LOCATION_STALE, "The location is out of date."))
        return _refused(reason, message, decision), decision
    if decision.verdict is GeofenceVerdict.OUTSIDE:
        return _refused(REASON_OUTSIDE_FENCE, "You are not at the session's place.", decision), decision
    return None, decision


def _window_refusal(at: datetime, opens: datetime, closes: datetime, early_reason: str) -> SignInDecision | None:
    if at < opens:
        return _refused(early_reason, f"This opens at {opens.isoformat()}.")
    if at > closes:
        return _refused(REASON_CLOSED, f"This closed at {closes.isoformat()}.")
    return None


def check_sign_in(session: TrainingSession, roll: Roll, attempt: Attempt, secret: bytes | None,
                  rules: LocationRules = LocationRules()) -> SignInDecision:
    """Decide a sign-in: on time, late, or refused with one reason (order: module docstring).

    Args:
        session: the session.
        roll: who has signed in so far (the server's roll).
        attempt: what the phone recorded; ``attempt.at`` is the server's estimate of when.
        secret: the session secret; None on the staff phone, where the code is only
            checked for its form and the server decides the rest again.
        rules: the chain's location accuracy rules.
    """
    if session.cancelled:
        return _refused(REASON_SESSION_CANCELLED, "This session was cancelled.")
    if attempt.user_id in roll.signed_in:
        return _refused(REASON_ALREADY_SIGNED_IN, "You have already signed in to this session.")
    if not session.invites(attempt.user_id, attempt.role):
        return _refused(REASON_NOT_INVITED, "This session is for invited people only.")
    refusal = (_code_refusal(secret, attempt.code, attempt.at)
               or _window_refusal(attempt.at, session.sign_in_opens, session.sign_in_closes, REASON_NOT_OPEN_YET))
    if refusal:
        return refusal
    refusal, place = _location_refusal(session, attempt, rules)
    if refusal:
        return refusal
    if session.capacity is not None and len(roll.signed_in) >= session.capacity:
        return _refused(REASON_SESSION_FULL, "Every seat of this session is taken.", place)
    outcome = Outcome.ON_TIME if attempt.at <= session.on_time_until else Outcome.LATE
    return SignInDecision(outcome, geofence=place)


def check_sign_out(session: TrainingSession, roll: Roll, attempt: Attempt, secret: bytes | None,
                   rules: LocationRules = LocationRules()) -> SignInDecision:
    """Decide a sign-out at the end of a session whose course asks for one.

    Checks, in order: cancelled; the course asks for no sign-out; not signed in; already
    signed out; the code (as for sign-in); before the sign-out opens or after it closes; the
    location (as for sign-in). The code and the place are asked again so that nobody signs in
    and signs out later from elsewhere.
    """
    if session.cancelled:
        return _refused(REASON_SESSION_CANCELLED, "This session was cancelled.")
    if not session.sign_out_required:
        return _refused(REASON_NO_SIGN_OUT, "This session needs no sign-out.")
    if attempt.user_id not in roll.signed_in:
        return _refused(REASON_NOT_SIGNED_IN, "You have not signed in to this session.")
    if attempt.user_id in roll.signed_out:
        return _refused(REASON_ALREADY_SIGNED_OUT, "You have already signed out of this session.")
    refusal = (_code_refusal(secret, attempt.code, attempt.at)
               or _window_refusal(attempt.at, session.sign_out_opens, session.sign_out_closes,
                                  REASON_SIGN_OUT_TOO_EARLY))
    if refusal:
        return refusal
    refusal, place = _location_refusal(session, attempt, rules)
    return refusal or SignInDecision(Outcome.SIGNED_OUT, geofence=place)


def guessing_refusal(wrong_codes: int) -> SignInDecision | None:
    """The refusal of anyone who sent ``MAX_WRONG_CODES`` wrong or expired codes within
    ``GUESS_WINDOW`` (the server counts them), whatever they send next; else None."""
    if wrong_codes >= MAX_WRONG_CODES:
        return _refused(REASON_CODE_LOCKED, "Too many wrong codes. Ask the trainer to add you by hand.")
    return None


def check_manual_add(session: TrainingSession, roll: Roll, user_id: str, reason: str,
                     at: datetime, added_by: str | None = None) -> SignInDecision:
    """Decide the trainer's adding someone by hand (a dead phone, no location indoors).

    The trainer vouches for the code, the place and the invitation, so those are not asked;
    the reason is logged with the addition. Checks, in order: a reason of at least
    ``MIN_MANUAL_REASON`` characters; nobody adds themselves (``added_by``: nobody vouches for
    their own code and place; they sign in with the code); cancelled; already signed in; before
    sign-in opens or after ``manual_add_closes``; full. Who may add is ``sessions.require_runs``.
    """
    if len(reason.strip()) < MIN_MANUAL_REASON:
        return _refused(REASON_MANUAL_REASON_REQUIRED, "Write why you add this person by hand.")
    if added_by is not None and added_by == user_id:
        return _refused(REASON_MANUAL_SELF, "You cannot add yourself by hand. Sign in with the session's code.")
    if session.cancelled:
        return _refused(REASON_SESSION_CANCELLED, "This session was cancelled.")
    if user_id in roll.signed_in:
        return _refused(REASON_ALREADY_SIGNED_IN, "This person has already signed in.")
    refusal = _window_refusal(at, session.sign_in_opens, session.manual_add_closes, REASON_NOT_OPEN_YET)
    if refusal:
        return refusal
    if session.capacity is not None and len(roll.signed_in) >= session.capacity:
        return _refused(REASON_SESSION_FULL, "Every seat of this session is taken.")
    return SignInDecision(Outcome.MANUAL)
