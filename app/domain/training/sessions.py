"""Issue 13, trainsign: a training session as the sign-in rules see it, and who is on its roll.

A session has a place (the store's or training room's geofence), a time, who may come and how
many. Its times, for a session from ``starts_at`` to ``ends_at``:

- sign-in opens at ``starts_at - early_margin`` and closes at ``starts_at + late_margin``
  (never after ``ends_at``); both ends included;
- a sign-in is *on time* up to and including ``starts_at + late_allowance``, *late* after it;
- when the course asks for a sign-out, it is taken from ``ends_at - sign_out_early`` to
  ``ends_at + sign_out_margin``, both included;
- the trainer may add someone by hand from the opening until ``ends_at + manual_add_margin``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.domain.access import AccessDenied
from app.domain.geofence import Fence
from app.domain.roles import Actor

REASON_BAD_SESSION = "training_bad_session"
#: A deactivated person is neither invited nor added by hand (the server knows who is active).
REASON_PERSON_INACTIVE = "training_person_inactive"

DEFAULT_EARLY_MARGIN = timedelta(minutes=15)
DEFAULT_LATE_ALLOWANCE = timedelta(minutes=5)
DEFAULT_LATE_MARGIN = timedelta(minutes=30)
DEFAULT_SIGN_OUT_EARLY = timedelta(minutes=10)
DEFAULT_SIGN_OUT_MARGIN = timedelta(minutes=15)
DEFAULT_MANUAL_ADD_MARGIN = timedelta(hours=24)
#: The longest session (a full training day); margins are at most a few hours.
MAX_LENGTH = timedelta(hours=12)
MAX_MARGIN = timedelta(hours=4)
MAX_CAPACITY = 500


def _aware(at: datetime) -> bool:
    return at.tzinfo is not None and at.utcoffset() is not None


@dataclass(frozen=True)
class TrainingSession:
    """One session of a course, as its sign-in rules need it.

    Attributes:
        id: the session's id (also in its QR code).
        trainer_id: who runs it (their phone shows the code).
        fence: the store's or training room's geofence.
        starts_at, ends_at: the session's time (timezone-aware).
        invite_only: when set, only ``invited_user_ids`` and people whose role is in
            ``invited_roles`` may sign in.
        capacity: seats; None for no limit.
        sign_out_required: the course asks people to sign out at the end.
        cancelled: the session was called off.
    """

    id: str
    trainer_id: str
    fence: Fence
    starts_at: datetime
    ends_at: datetime
    invite_only: bool = False
    invited_user_ids: frozenset[str] = field(default_factory=frozenset)
    invited_roles: frozenset[str] = field(default_factory=frozenset)
    capacity: int | None = None
    sign_out_required: bool = False
    cancelled: bool = False
    early_margin: timedelta = DEFAULT_EARLY_MARGIN
    late_allowance: timedelta = DEFAULT_LATE_ALLOWANCE
    late_margin: timedelta = DEFAULT_LATE_MARGIN
    sign_out_early: timedelta = DEFAULT_SIGN_OUT_EARLY
    sign_out_margin: timedelta = DEFAULT_SIGN_OUT_MARGIN
    manual_add_margin: timedelta = DEFAULT_MANUAL_ADD_MARGIN

    @property
    def sign_in_opens(self) -> datetime:
        """The first moment a sign-in is taken."""
        return self.starts_at - self.early_margin

    @property
    def sign_in_closes(self) -> datetime:
        """The last moment a sign-in is taken."""
        return min(self.starts_at + self.late_margin, self.ends_at)

    @property
    def on_time_until(self) -> datetime:
        """Sign-ins up to and including this moment are on time; later ones are late."""
        return self.starts_at + self.late_allowance

    @property
    def sign_out_opens(self) -> datetime:
        """The first moment a sign-out is taken."""
        return self.ends_at - self.sign_out_early

    @property
    def sign_out_closes(self) -> datetime:
        """The last moment a sign-out is taken."""
        return self.ends_at + self.sign_out_margin

    @property
    def manual_add_closes(self) -> datetime:
        """The last moment the trainer may add someone by hand."""
        return self.ends_at + self.manual_add_margin

    def invites(self, user_id: str, role: str) -> bool:
        """Whether this person may come (everyone may when the session is open to all)."""
        return not self.invite_only or user_id in self.invited_user_ids or str(role) in self.invited_roles


@dataclass(frozen=True)
class Roll:
    """Who has signed in and who has signed out (user ids), as the server holds it."""

    signed_in: frozenset[str] = frozenset()
    signed_out: frozenset[str] = frozenset()

    def with_sign_in(self, user_id: str) -> Roll:
        """The roll once ``user_id`` has signed in."""
        return Roll(self.signed_in | {user_id}, self.signed_out)

    def with_sign_out(self, user_id: str) -> Roll:
        """The roll once ``user_id`` has signed out."""
        return Roll(self.signed_in, self.signed_out | {user_id})


def _margins(session: TrainingSession) -> tuple[timedelta, ...]:
    return (session.early_margin, session.late_allowance, session.late_margin, session.sign_out_early,
            session.sign_out_margin)


def session_problem(session: TrainingSession) -> str | None:
    """What is wrong with a session as a trainer or manager set it up, or None."""
    if not (_aware(session.starts_at) and _aware(session.ends_at)):
        return "A session's times need a time zone."
    if not session.starts_at < session.ends_at <= session.starts_at + MAX_LENGTH:
        return f"A session must end after it starts, within {MAX_LENGTH.total_seconds() / 3600:g} hours."
    if any(not timedelta(0) <= m <= MAX_MARGIN for m in _margins(session)):
        return f"Margins are between 0 and {MAX_MARGIN.total_seconds() / 3600:g} hours."
    if session.late_allowance > session.late_margin:
        return "Sign-ins close after the time up to which they count as on time."
    if not timedelta(0) <= session.manual_add_margin <= timedelta(days=7):
        return "Additions by hand close at most 7 days after the session."
    if session.capacity is not None and not 1 <= session.capacity <= MAX_CAPACITY:
        return f"A session has 1 to {MAX_CAPACITY} seats, or no limit."
    if session.invite_only and not (session.invited_user_ids or session.invited_roles):
        return "An invite-only session needs invited people or roles."
    return None


def check_session(session: TrainingSession) -> None:
    """Refuse a session that cannot be run as set up (``REASON_BAD_SESSION``)."""
    problem = session_problem(session)
    if problem:
        raise AccessDenied(REASON_BAD_SESSION, problem)


def require_runs(actor: Actor, session: TrainingSession) -> None:
    """Only the session's trainer, or a manager of its store, runs its roll (adds people by hand)."""
    if actor.user_id == session.trainer_id:
        return
    if not (actor.role.is_manager and actor.covers(session.fence.store_id)):
        raise AccessDenied("forbidden_role", "Only the trainer or a manager of the store runs this session.")
