"""Issue 13, traintrainer: who keeps a session's secret on their phone, and until when.

The secret goes to one phone per session: its **named trainer's** (``require_trainer``). Managers
of the store see the code of the moment online (``GET .../code``) but never hold the secret:
every extra phone holding it is one more place to pull it out of. A manager who runs a session
themselves names themselves as its trainer. The secret is handed out until the last code is
needed (``codes_until``) and the phone deletes it after that, or at logout (shared phones).
Pure rules, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.access import AccessDenied
from app.domain.roles import Actor
from app.domain.training import codes
from app.domain.training.sessions import TrainingSession
from app.domain.training.signin import REASON_CLOSED, REASON_SESSION_CANCELLED as REASON_CANCELLED

REASON_FORBIDDEN = "forbidden_role"


def codes_until(session: TrainingSession) -> datetime:
    """The last moment anyone needs the session's code: the sign-out's close when the course
    asks for one, else the sign-in's close. After it the secret has no use left."""
    return session.sign_out_closes if session.sign_out_required else session.sign_in_closes


def require_trainer(actor: Actor, session: TrainingSession, now: datetime) -> None:
    """Only the session's named trainer takes its secret home, and only while codes are needed.

    Raises:
        AccessDenied: ``forbidden_role`` for anyone else (a manager of the store included),
            ``training_session_cancelled``, or ``training_closed`` once ``codes_until`` has passed.
    """
    if actor.user_id != session.trainer_id:
        raise AccessDenied(REASON_FORBIDDEN, "Only the session's trainer keeps its code on their phone.")
    if session.cancelled:
        raise AccessDenied(REASON_CANCELLED, "This session was cancelled.")
    if now > codes_until(session):
        raise AccessDenied(REASON_CLOSED, "Sign-in for this session has closed.")


def keeps_secret(until: datetime, now: datetime) -> bool:
    """Whether a phone still keeps a secret it was given until ``until`` (both ends included)."""
    return now <= until


@dataclass(frozen=True)
class ShownCode:
    """What the trainer's screen shows at one moment: the code, its QR text, and the countdown."""

    code: str
    qr_text: str
    seconds_left: int
    step: int


def shown_now(session_id: str, secret: bytes, device_now: datetime, clock_offset_ms: int | None) -> ShownCode:
    """The code the trainer's phone shows now: its clock corrected by the sync engine's estimate of
    the server offset (as ``codes.shown_code``), with whole seconds left until the next code (the
    countdown never shows 0: at 0 the next code is shown)."""
    corrected = device_now + timedelta(milliseconds=clock_offset_ms or 0)
    code = codes.shown_code(secret, device_now, clock_offset_ms)
    return ShownCode(code, codes.qr_text(session_id, code), math.ceil(codes.seconds_left(corrected)),
                     codes.time_step(corrected))
