"""Approvals: which punches wait for a manager, who may sign them off, what a correction needs.

Called by the device (Approvals screen, punch actions) for speed and offline use, and by the
server (``punch.record``, ``punch.confirm``, ``punch.correct``) for trust: one rule, one place.
"""

from collections.abc import Iterable

from app.domain.access import AccessDenied, require_may_sign_off
from app.domain.attendance import FLAG_UNSCHEDULED
from app.domain.roles import Actor, Role

#: Statuses of a punch (``punches.status`` on the server and the device).
ACCEPTED, AWAITING, REFUSED = "accepted", "awaiting_confirmation", "refused"
#: Shortest reason a manager may give for correcting a punch (after trimming spaces).
MIN_REASON_LENGTH = 3
#: Reason code for a correction whose reason is too short (``app.protocol.Reason``).
REASON_TOO_SHORT = "reason_too_short"


class ApprovalRefused(AccessDenied):
    """A sign-off or correction that breaks an approvals rule (reason code in ``reason``)."""


def punch_status(method: str, has_selfie: bool, flags: Iterable[str]) -> str:
    """A new punch's status: waiting for a manager, or accepted.

    A PIN punch (no face check) and a kiosk punch without a selfie wait for the store
    manager; so does a clock-in off the roster, which a manager must see and approve.
    """
    if method == "pin" or (method == "kiosk" and not has_selfie):
        return AWAITING
    return AWAITING if FLAG_UNSCHEDULED in set(flags) else ACCEPTED


def may_sign_off(actor: Actor, subject_id: str, subject_role: Role, subject_store_ids: Iterable[str],
                 store_id: str) -> bool:
    """Whether ``actor`` may confirm or correct this person's punch at ``store_id``: a manager
    of the store, above the person, for someone who works there; never their own punch."""
    try:
        require_may_sign_off(actor, subject_id, subject_role, subject_store_ids, store_id)
    except AccessDenied:
        return False
    return True


def require_reason(reason: str | None) -> str:
    """The trimmed reason for a correction; refused when shorter than ``MIN_REASON_LENGTH``."""
    text = (reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise ApprovalRefused(REASON_TOO_SHORT,
                              f"Write a reason of at least {MIN_REASON_LENGTH} characters for the record.")
    return text
