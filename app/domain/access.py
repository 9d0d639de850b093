"""Who may act on which record. Checked on the device for speed and on the server for trust."""

from collections.abc import Iterable

from app.domain.roles import Actor


class AccessDenied(Exception):
    """An actor tried something their role or stores do not allow.

    Attributes:
        reason: a reason code from ``app.protocol.Reason`` (kept as a plain string so
            the domain does not import the wire format).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def require_self(actor: Actor, user_id: str) -> None:
    """Staff act only for themselves; a record naming someone else is refused."""
    if user_id != actor.user_id:
        raise AccessDenied("not_your_record", "This record belongs to another person.")


def require_store(actor: Actor, store_id: str) -> None:
    """The actor must cover the store the record belongs to."""
    if not actor.covers(store_id):
        raise AccessDenied("forbidden_role", f"You do not work at store {store_id}.")


def require_manager_of(actor: Actor, store_ids: Iterable[str]) -> None:
    """Only a manager covering every listed store may act for those stores."""
    if not actor.role.is_manager:
        raise AccessDenied("forbidden_role", "Only managers can do this.")
    missing = sorted(set(store_ids) - actor.store_ids)
    if missing:
        raise AccessDenied("forbidden_role", f"You do not manage store(s): {', '.join(missing)}.")
