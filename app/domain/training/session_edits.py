"""Issue 13, trainmanage: a manager edits or cancels a training session.

The manager's phone runs these to say "no" at once; the server runs them again on its own row,
locked. An edit or cancel made on an older version than the stored one is refused "changed
meanwhile" (someone else edited it). Once sign-in has opened, people may be on the roll and
their on time / late was judged from the start: the start stays, only the end may move, and never
to before now. Seats never go below the people already signed in. A session that has ended is
history (its roll made completions): it is neither edited nor cancelled.
"""

from __future__ import annotations

from datetime import datetime

from app.domain.access import AccessDenied
from app.domain.training.sessions import TrainingSession, check_session
from app.domain.training.signin import REASON_SESSION_CANCELLED

REASON_CHANGED = "training_session_changed"
REASON_STARTED = "training_session_started"
REASON_IN_PAST = "training_session_in_past"
REASON_BELOW_ROLL = "training_capacity_below_roll"
REASON_OVER = "training_session_over"


def _require_current(session: TrainingSession, version: int, base_version: int, now: datetime) -> None:
    if session.cancelled:
        raise AccessDenied(REASON_SESSION_CANCELLED, "This session was cancelled.")
    if base_version != version:
        raise AccessDenied(REASON_CHANGED, "This session changed meanwhile; look at it again and retry.")
    if now >= session.ends_at:
        raise AccessDenied(REASON_OVER, "This session has ended; it can no longer be changed.")


def has_started(session: TrainingSession, now: datetime) -> bool:
    """Whether sign-in has opened (someone may be on the roll, judged against the start)."""
    return now >= session.sign_in_opens


def may_change(session: TrainingSession, now: datetime) -> bool:
    """Whether a manager may still edit or cancel it (the screen offers it then)."""
    return not session.cancelled and now < session.ends_at


def check_edit(session: TrainingSession, version: int, base_version: int, edited: TrainingSession,
               signed_in: int, now: datetime) -> None:
    """Refuse the edit (``AccessDenied`` with the rule) made on ``base_version`` of ``session``
    (stored at ``version``), giving ``edited``, with ``signed_in`` people on the roll, at ``now``."""
    _require_current(session, version, base_version, now)
    if has_started(session, now):
        if edited.starts_at != session.starts_at or edited.early_margin != session.early_margin:
            raise AccessDenied(REASON_STARTED, "Sign-in has opened: the start stays; only the end may move.")
        if edited.ends_at <= now:
            raise AccessDenied(REASON_IN_PAST, "A session cannot be made to end before now.")
    elif edited.sign_in_opens < now:
        raise AccessDenied(REASON_IN_PAST, "A session cannot be moved to before now.")
    check_session(edited)
    if edited.capacity is not None and edited.capacity < signed_in:
        raise AccessDenied(REASON_BELOW_ROLL, f"{signed_in} people have signed in; keep at least that many seats.")


def check_cancel(session: TrainingSession, version: int, base_version: int, now: datetime) -> None:
    """Refuse cancelling (``AccessDenied``): already cancelled, changed meanwhile, or ended."""
    _require_current(session, version, base_version, now)
