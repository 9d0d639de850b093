"""Who may act on which record. Checked on the device for speed and on the server for trust."""

from collections.abc import Iterable

from app.domain.roles import Actor, Role


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


def require_works_at(subject_id: str, subject_store_ids: Iterable[str], store_id: str) -> None:
    """A record about a person belongs to one of *their* stores (not just the actor's).

    A manager covering a store acts there only for people who work there: never for
    staff of another store, nor for the HQ admin, who works at no store.
    """
    if store_id not in set(subject_store_ids):
        raise AccessDenied("forbidden_role", f"{subject_id} does not work at store {store_id}.")


def require_other_person(actor: Actor, user_id: str) -> None:
    """Approvals and corrections are for others: nobody signs off their own attendance."""
    if user_id == actor.user_id:
        raise AccessDenied("forbidden_role", "Someone above you must approve or correct your own punches.")


def require_may_sign_off(actor: Actor, subject_id: str, subject_role: Role,
                         subject_store_ids: Iterable[str], store_id: str) -> None:
    """Confirming or correcting a person's punch at a store: a manager of that store, above
    the person (never a peer, a subordinate or oneself), for someone who works there."""
    require_manager_of(actor, [store_id])
    require_other_person(actor, subject_id)
    require_works_at(subject_id, subject_store_ids, store_id)
    if not actor.role.outranks(subject_role):
        raise AccessDenied("forbidden_role", "Only someone above this person can approve or correct their punches.")


def may_read_photo(actor: Actor, uploaded_by: str, citing_store_ids: Iterable[str]) -> bool:
    """A photo is read by its uploader, by managers of a store where a record citing it
    lives, and by the HQ admin (whose stores are all stores)."""
    if actor.user_id == uploaded_by or actor.role is Role.HQ_ADMIN:
        return True
    return actor.role.is_manager and any(actor.covers(s) for s in citing_store_ids)


def may_read_example_photo(actor: Actor, task_store_ids: Iterable[str]) -> bool:
    """Issue 12: a task's example photo shows how the work should look: everyone working at the
    task's store reads it (the people asked to do it are among them)."""
    return any(actor.covers(s) for s in task_store_ids)


def may_read_certificate(actor: Actor, uploaded_by: str, readers: Iterable[str]) -> bool:
    """Issue 10, delegation: a sick-leave certificate is medical data, read only by its uploader
    and ``readers`` (the requester and the people on the request's route, delegates in effect
    included); not by other managers, nor by HQ unless on the route."""
    return actor.user_id == uploaded_by or actor.user_id in set(readers)
