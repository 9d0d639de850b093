"""Issue 13, trainstaff: signing in to a training session, signing out and answering its quiz on
the staff phone, offline first.

Each is one local transaction: the record ("signed in, confirming"; "waiting for the result")
and its outbox row. Before queueing, the phone runs the shared rules without the session secret
(``check_sign_in(..., secret=None)``: the code's form, the invitation, the window at its clock
plus the server-offset estimate, the place by clock-in's rules), so an obvious refusal is said
at once. The server decides again with the secret and the push's corrected time; a refusal
undoes the record (``app.store.undo``) and its reason stays in the outbox for the screens.
The code is never kept outside the outbox row that carries it to the server.
"""

import json
from datetime import UTC, datetime, timedelta

from app.domain.access import AccessDenied
from app.domain.geofence import Fix
from app.domain.training import quizzes
from app.domain.training.codes import normalize_code
from app.domain.training.signin import Attempt, check_sign_in, check_sign_out
from app.protocol import Reason
from app.protocol.mutations import LocationFix
from app.protocol.training import PublicQuizOut, QuizSheet, TrainingQuizAnswer, TrainingSignIn, TrainingSignOut, feed_key
from app.store import training_queries as q
from app.store.actions import Actions


def _wire_fix(fix: Fix | None) -> LocationFix | None:
    if fix is None:
        return None
    return LocationFix(latitude=fix.latitude, longitude=fix.longitude, accuracy_m=float(fix.accuracy_m),
                       timestamp=fix.timestamp, mocked=fix.mocked)


class TrainingActions(Actions):
    """A staff member's training actions (see the module docstring)."""

    def _server_now(self) -> datetime:
        """The phone's clock corrected by the sync engine's estimate of the server's offset."""
        return self._now() + timedelta(milliseconds=self._clock.offset_ms or 0)

    def _judged(self, session_id: str, code: str, fix: Fix | None, check):
        """The shared rules' verdict without the secret; raises the refusal, else the attempt."""
        with self._store.reading() as db:
            row = q.session_row(db, session_id)
            roll = q.my_roll(db, self.actor.user_id, session_id)
        if row is None:
            raise AccessDenied(Reason.NOT_FOUND.value, "This training session is not on this phone.")
        attempt = Attempt(self.actor.user_id, str(self.actor.role), code, at=self._server_now(), fix=fix,
                          device_time=self._now())
        decision = check(q.domain_session(row), roll, attempt, None)
        if not decision.accepted:
            raise AccessDenied(decision.reason, decision.message)
        return attempt, decision

    def sign_in_to_session(self, session_id: str, code: str, fix: Fix | None) -> int:
        """Record the code as typed (or scanned), the time and the fix: "signed in, confirming"."""
        attempt, decision = self._judged(session_id, code, fix, check_sign_in)
        p = TrainingSignIn(session_id=session_id, user_id=self.actor.user_id, code=normalize_code(code),
                           fix=_wire_fix(fix))
        key, place = feed_key(session_id, self.actor.user_id), decision.geofence
        row = {"id": key, "session_id": session_id, "user_id": self.actor.user_id,
               "signed_in_at": attempt.at.isoformat(), "device_time": attempt.device_time.isoformat(),
               "outcome": "pending", "geofence": place and place.verdict.value,
               "distance_m": place and round(place.distance_m, 1), "manual_reason": None, "added_by": None,
               "flags": "[]", "signed_out_at": None, "sync_state": "pending"}
        return self._record("training.sign_in", p, f"training_sign_in:{key}",
                            lambda db: db["training_sign_ins"].upsert(row, pk="id"))

    def sign_out_of_session(self, session_id: str, code: str, fix: Fix | None) -> int:
        """Sign out at the end (code and place again), when the course asks for it."""
        attempt, _ = self._judged(session_id, code, fix, check_sign_out)
        p = TrainingSignOut(session_id=session_id, user_id=self.actor.user_id, code=normalize_code(code),
                            fix=_wire_fix(fix))
        key = feed_key(session_id, self.actor.user_id)
        return self._record("training.sign_out", p, f"training_sign_in:{key}", lambda db: db.execute(
            "UPDATE training_sign_ins SET signed_out_at=?, sync_state='pending' WHERE id=?",
            [attempt.at.isoformat(), key]))

    def answer_quiz(self, session_id: str, answers: dict[str, str]) -> int:
        """Send my answers to the next attempt of the session's quiz: graded by the server when
        it syncs ("waiting for the result" until then)."""
        with self._store.reading() as db:
            row = q.session_row(db, session_id)
            view = row and q.next_view(db, self.actor.user_id, session_id, row["quiz_id"])
            signed_in = q.attendance(db, self.actor.user_id, session_id).signed_in
        if view is None:
            raise AccessDenied(Reason.TRAINING_QUIZ_NO_ATTEMPTS_LEFT.value, "No attempt of this quiz is on this phone.")
        if not signed_in:
            raise AccessDenied(Reason.TRAINING_NOT_SIGNED_IN.value, "Sign in to the session before taking its quiz.")
        quizzes.check_view_answers(view, answers)
        p = TrainingQuizAnswer(session_id=session_id, user_id=self.actor.user_id, sheet=QuizSheet(
            quiz_id=view.quiz_id, version=view.version, attempt=view.attempt, answers=answers))
        key = feed_key(session_id, self.actor.user_id, view.quiz_id, str(view.version), str(view.attempt))
        result = {"id": key, "session_id": session_id, "user_id": self.actor.user_id, "quiz_id": view.quiz_id,
                  "version": view.version, "attempt": view.attempt, "answers": json.dumps(answers),
                  "answered_at": self._now().isoformat(), "sync_state": "pending"}
        return self._record("training.quiz_answer", p, f"training_quiz_result:{key}",
                            lambda db: db["training_quiz_results"].upsert(result, pk="id"))


def keep_quiz_views(store, user_id: str, session_id: str, quiz_id: str, views: list[PublicQuizOut]) -> int:
    """Keep the views the server gave (``GET .../quiz``: one per attempt still allowed, no key),
    replacing this person's older ones of the quiz (none given: no attempt left). Returns how many."""
    now = datetime.now(UTC).isoformat()
    with store.transaction() as db:
        db.execute("DELETE FROM training_quiz_views WHERE user_id=? AND quiz_id=?", [user_id, quiz_id])
        for v in views:
            db["training_quiz_views"].upsert({
                "id": f"{user_id}:{v.quiz_id}:{v.version}:{v.attempt}", "user_id": user_id, "session_id": session_id,
                "quiz_id": v.quiz_id, "version": v.version, "attempt": v.attempt, "title": v.title,
                "pass_mark": v.pass_mark, "attempts_allowed": v.attempts_allowed,
                "questions": json.dumps([qn.model_dump(mode="json") for qn in v.questions], ensure_ascii=False),
                "fetched_at": now}, pk="id")
    return len(views)
