"""Issue 13, trainapi: sign-in, sign-out and quiz answers arriving by sync push.

The server re-runs ``app.domain.training.signin`` with the session secret and the push's
drift-corrected time of the action (``ctx.event_time``, from ``app.domain.clock.assess_event_time``
as for a punch) and the phone's own stamp (``ctx.device_time``, against which the fix's age is
judged). A refusal is the rule's reason code; nothing is written. Quiz sheets are graded here
only (``quizzes.grade_for``, seeds from a server-only key); a pass records a completion.
"""

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app.domain.access import require_self
from app.domain.geofence import Fix
from app.domain.training import codes, completions, quizzes
from app.domain.training import signin as rules_
from app.domain.training.signin import Attempt, LocationRules, check_sign_in, check_sign_out
from app.domain.roles import Actor
from app.protocol import Reason
from app.protocol import training as p_
from backend_stub import db
from backend_stub.services import training_sessions as ts
from backend_stub.services import training_skills
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, lock_people, person_store_ids
from backend_stub.services.outcomes import Rejected
from backend_stub.services.training_catalogue import course as load_course
from backend_stub.services.training_catalogue import current_quiz, quiz_secret

_I, _A = db.training_sign_ins.c, db.quiz_attempts.c


def _session(conn: Connection, session_id: str, actor: Actor, user_id: str) -> dict:
    """The session, locked (one roll change at a time), for someone who works at its store or
    is invited by name; anyone else learns nothing of it."""
    require_self(actor, user_id)
    row = ts.load_row(conn, session_id, lock=True)
    if row is None or not (row["store_id"] in person_store_ids(conn, user_id)
                           or user_id in json.loads(row["invited_user_ids"])):
        raise Rejected(Reason.NOT_FOUND, "There is no such training session at your store.")
    return row


def _attempt(p: p_.TrainingSignIn, ctx: Context) -> Attempt:
    fix = p.fix and Fix(p.fix.latitude, p.fix.longitude, p.fix.accuracy_m, p.fix.timestamp, p.fix.mocked)
    return Attempt(p.user_id, str(ctx.actor.role), p.code, at=ctx.event_time, fix=fix, device_time=ctx.device_time)


def _rules(ctx: Context) -> LocationRules:
    return LocationRules(max_accuracy_m=ctx.settings.max_fix_accuracy_m) if ctx.settings else LocationRules()


_CODE_TYPES = ("training.sign_in", "training.sign_out")
_WRONG_CODES = (Reason.TRAINING_CODE_WRONG, Reason.TRAINING_CODE_EXPIRED)
_GUESSES = "training_wrong_codes"  # conn.info: (batch's received_at, {user: wrong codes in it})


def _batch_guesses(conn: Connection, ctx: Context) -> dict[str, int]:
    """This batch's wrong codes per person (its refusals are recorded only when it ends)."""
    held = conn.info.get(_GUESSES)
    if held is None or held[0] != ctx.received_at:
        held = conn.info[_GUESSES] = (ctx.received_at, {})
    return held[1]


def _judged(conn: Connection, decision, user_id: str, ctx: Context):
    """Raise the refusal of someone guessing codes, or of the decision; count a wrong code."""
    m = db.mutations.c
    recorded = conn.execute(select(func.count()).select_from(db.mutations).where(
        m.user_id == user_id, m.type.in_(_CODE_TYPES), m.reason.in_([str(r) for r in _WRONG_CODES]),
        m.received_at >= ctx.received_at - rules_.GUESS_WINDOW)).scalar_one()
    batch = _batch_guesses(conn, ctx)
    refusal = rules_.guessing_refusal(recorded + batch.get(user_id, 0))
    if refusal is None and not decision.accepted and decision.reason in _WRONG_CODES:
        batch[user_id] = batch.get(user_id, 0) + 1
    refusal = refusal or (None if decision.accepted else decision)
    if refusal is not None:
        raise Rejected(Reason(refusal.reason), refusal.message)


def sign_in(conn: Connection, p: p_.TrainingSignIn, ctx: Context) -> None:
    """``training.sign_in``: on time, late, or refused with the first rule that fails (and for
    anyone who sent too many wrong codes lately, ``training_code_locked``)."""
    row = _session(conn, p.session_id, ctx.actor, p.user_id)
    decision = check_sign_in(ts.domain_session(conn, row), ts.roll(conn, row["id"]), _attempt(p, ctx),
                             codes.decode_secret(row["secret"]), _rules(ctx))
    _judged(conn, decision, p.user_id, ctx)
    place = decision.geofence
    conn.execute(db.training_sign_ins.insert().values(
        session_id=row["id"], user_id=p.user_id, device_time=ctx.device_time, signed_in_at=ctx.event_time,
        outcome=decision.outcome.value, geofence=place and place.verdict.value,
        distance_m=place and round(place.distance_m, 1), flags=json.dumps(list(ctx.flags)),
        received_at=ctx.received_at))
    complete_by_attendance(conn, row, p.user_id, ctx.event_time, None)
    ts.emit_sign_in(conn, row, p.user_id)


def sign_out(conn: Connection, p: p_.TrainingSignOut, ctx: Context) -> None:
    """``training.sign_out``: at the end, when the course asks for it (code and place again)."""
    row = _session(conn, p.session_id, ctx.actor, p.user_id)
    decision = check_sign_out(ts.domain_session(conn, row), ts.roll(conn, row["id"]), _attempt(p, ctx),
                              codes.decode_secret(row["secret"]), _rules(ctx))
    _judged(conn, decision, p.user_id, ctx)
    conn.execute(db.training_sign_ins.update().where(_I.session_id == row["id"], _I.user_id == p.user_id)
                 .values(signed_out_at=ctx.event_time, sign_out_device_time=ctx.device_time))
    signed_in = conn.execute(select(_I.signed_in_at).where(
        _I.session_id == row["id"], _I.user_id == p.user_id)).scalar()
    complete_by_attendance(conn, row, p.user_id, db.aware(signed_in), ctx.event_time)
    ts.emit_sign_in(conn, row, p.user_id)


def _completion_id(*parts: str) -> str:
    return "tc-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _record(conn: Connection, session: dict, completion: completions.Completion, key: str) -> None:
    """Store a completion and tell the person and the store's managers (the matrix)."""
    row = dict(id=key, user_id=completion.person_id, course_id=completion.course_id, session_id=session["id"],
               completed_at=completion.completed_at, expires_at=completion.expires_at, via=completion.via,
               score=completion.score)
    if not db.insert_missing(conn, db.training_completions, **row):
        return
    emit(conn, "training_completion", key, row, audience="user", user_id=completion.person_id)
    emit(conn, "training_completion", key, row, audience="managers", store_ids=[session["store_id"]])
    training_skills.emit_skills(conn, completion.person_id, datetime.now(UTC))  # issue 13: colleagues' pickers


def complete_by_attendance(conn: Connection, session: dict, user_id: str, signed_in_at: datetime,
                           signed_out_at: datetime | None) -> None:
    """A course without a quiz is completed by attending (and signing out when it asks)."""
    course = load_course(conn, session["course_id"])
    if course is None or course.quiz_id is not None or (course.sign_out_required and signed_out_at is None):
        return
    done = completions.record_attendance(course, user_id, signed_in_at, signed_out_at)
    _record(conn, session, done, _completion_id(user_id, course.id, session["id"]))


# -- quizzes ----------------------------------------------------------------------------------------


def _attempts_used(conn: Connection, user_id: str, quiz: quizzes.Quiz) -> int:
    return conn.execute(select(func.count()).select_from(db.quiz_attempts).where(
        _A.user_id == user_id, _A.quiz_id == quiz.id, _A.version == quiz.version)).scalar_one()


def _session_quiz(conn: Connection, row: dict) -> quizzes.Quiz:
    course = load_course(conn, row["course_id"])
    quiz = course and course.quiz_id and current_quiz(conn, course.quiz_id)
    if not quiz:
        raise Rejected(Reason.TRAINING_QUIZ_BAD_ANSWER, "This session has no quiz.")
    return quiz


def quiz_views(conn: Connection, actor: Actor, session_id: str, signing_key: str) -> list[dict]:
    """The views of the caller's attempts still allowed (no key, no seed), for their device."""
    row = ts.load_row(conn, session_id)
    if row is None or not (row["store_id"] in person_store_ids(conn, actor.user_id) or actor.covers(row["store_id"])
                           or actor.user_id in json.loads(row["invited_user_ids"])):
        raise Rejected(Reason.NOT_FOUND, "There is no such training session at your store.")
    quiz = _session_quiz(conn, row)
    views = quizzes.views_for(quiz, quiz_secret(signing_key), actor.user_id, _attempts_used(conn, actor.user_id, quiz))
    return [v.as_dict() for v in views]


def quiz_answer(conn: Connection, p: p_.TrainingQuizAnswer, ctx: Context) -> None:
    """``training.quiz_answer``: graded here (only), by someone on the session's roll; the result
    goes back to the person's devices (``training_quiz_result``); a pass completes the course."""
    row = _session(conn, p.session_id, ctx.actor, p.user_id)
    if p.user_id not in ts.roll(conn, row["id"]).signed_in:
        raise Rejected(Reason.TRAINING_NOT_SIGNED_IN, "Sign in to the session before taking its quiz.")
    lock_people(conn, [p.user_id])  # one grading at a time per person: attempts count in turn
    quiz = _session_quiz(conn, row)
    sheet = quizzes.sheet_from_dict(p.sheet.model_dump())
    result = quizzes.grade_for(quiz, sheet, quiz_secret(ctx.settings.signing_key), p.user_id,
                               _attempts_used(conn, p.user_id, quiz))
    conn.execute(db.quiz_attempts.insert().values(
        user_id=p.user_id, quiz_id=quiz.id, version=quiz.version, attempt=result.attempt, session_id=row["id"],
        answers=json.dumps(dict(sheet.answers)), correct=result.correct, total=result.total, passed=result.passed,
        right=json.dumps(dict(result.right)), device_time=ctx.device_time, graded_at=ctx.received_at))
    data = {**result.as_dict(), "session_id": row["id"], "user_id": p.user_id, "graded_at": ctx.received_at}
    key = ts.feed_key(row["id"], p.user_id, quiz.id, str(quiz.version), str(result.attempt))
    emit(conn, "training_quiz_result", key, data, audience="user", user_id=p.user_id)
    if result.passed:
        course = load_course(conn, row["course_id"])
        done = completions.record_pass(course, p.user_id, result, ctx.received_at)
        _record(conn, row, done, _completion_id(p.user_id, course.id, row["id"], quiz.id, str(result.attempt)))


# Push handlers (services/registry.py): (conn, payload, handlers.Context).
TRAINING_HANDLERS = {
    "training.sign_in": sign_in,
    "training.sign_out": sign_out,
    "training.quiz_answer": quiz_answer,
}
