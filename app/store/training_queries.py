"""Issue 13, trainstaff: what the staff training screens read from the phone's database.

The sessions of my stores I may attend (``sessions.invites``), where my sign-in stands
(confirming while the server has not answered; on time, late or added by hand once it has;
refused with the rule's reason when it refused, the local record then undone), my quiz views and
results, my completions and the skills they grant now. Nothing is decided here: the rules are
``app.domain.training``; this module only turns rows into what those rules take.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.geofence import Fence
from app.domain.roles import Actor
from app.domain.training import completions as done_rules
from app.domain.training.courses import Catalogue, Course
from app.domain.training.quizzes import PublicChoice, PublicQuestion, PublicQuiz, QuestionKind
from app.domain.training.sessions import MAX_MARGIN, Roll, TrainingSession
from app.protocol.training import feed_key

SIGN_IN, SIGN_OUT, QUIZ_ANSWER = "training.sign_in", "training.sign_out", "training.quiz_answer"


class SignInState(StrEnum):
    """Where my sign-in to a session stands on this phone."""

    NONE = "none"
    CONFIRMING = "confirming"  # recorded here, the server has not answered yet
    ON_TIME = "on_time"
    LATE = "late"
    MANUAL = "manual"  # the trainer added me by hand
    REFUSED = "refused"  # the last try was refused (its reason is kept)


@dataclass(frozen=True)
class Refusal:
    """The server's refusal of my last try (the rule's reason code and its message)."""

    reason: str
    message: str


@dataclass(frozen=True)
class Attendance:
    """My sign-in (and sign-out) of one session."""

    state: SignInState
    signed_in_at: datetime | None = None
    signed_out_at: datetime | None = None
    sign_out_confirming: bool = False
    refusal: Refusal | None = None  # of the sign-in (state REFUSED) or of the last sign-out

    @property
    def signed_in(self) -> bool:
        return self.state not in (SignInState.NONE, SignInState.REFUSED)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def domain_session(row: dict) -> TrainingSession:
    """A pulled session as the shared sign-in rules see it. Seats are left to the server (the
    phone does not know the roll); a window it was not told of is taken as wide as allowed, so
    the phone never refuses what the server would accept."""
    starts, ends = _dt(row["starts_at"]), _dt(row["ends_at"])
    opens, closes = _dt(row["sign_in_opens"]) or starts - MAX_MARGIN, _dt(row["sign_in_closes"]) or ends
    on_time, out_opens, out_closes = (_dt(row.get("on_time_until")), _dt(row.get("sign_out_opens")),
                                      _dt(row.get("sign_out_closes")))
    return TrainingSession(
        id=row["id"], trainer_id=row["trainer_id"] or "",
        fence=Fence(row["store_id"], row["latitude"], row["longitude"], row["radius_m"]),
        starts_at=starts, ends_at=ends, invite_only=bool(row["invite_only"]),
        invited_user_ids=frozenset(json.loads(row["invited_user_ids"] or "[]")),
        invited_roles=frozenset(json.loads(row["invited_roles"] or "[]")), capacity=None,
        sign_out_required=bool(row["sign_out_required"]), cancelled=row["status"] == "cancelled",
        early_margin=starts - opens, late_margin=closes - starts,
        late_allowance=(on_time or closes) - starts,
        sign_out_early=(ends - out_opens) if out_opens else MAX_MARGIN,
        sign_out_margin=(out_closes - ends) if out_closes else MAX_MARGIN)


def session_row(db, session_id: str) -> dict | None:
    """One pulled session, with its course's title and quiz and its store's name."""
    rows = list(db.query(
        "SELECT s.*, coalesce(c.title, s.course_id) AS course_title, c.quiz_id AS quiz_id,"
        " coalesce(st.name, s.store_id) AS store_name FROM training_sessions s"
        " LEFT JOIN training_courses c ON c.id = s.course_id LEFT JOIN stores st ON st.id = s.store_id"
        " WHERE s.id=?", [session_id]))
    return rows[0] if rows else None


def _listed_until(session: TrainingSession, quiz: bool, signed_in: bool) -> datetime:
    """Until when a session is worth listing: its end (or its sign-out's), and for someone signed
    in to a session with a quiz, a day more (the quiz is often taken after it)."""
    last = max(session.sign_in_closes, session.ends_at, session.sign_out_closes if session.sign_out_required
               else session.ends_at)
    return max(last, session.manual_add_closes) if quiz and signed_in else last


def my_sessions(db, actor: Actor, now: datetime) -> list[dict]:
    """Sessions I may attend, upcoming or now (or whose quiz I may still take), soonest first."""
    out = []
    for row in db.query("SELECT id FROM training_sessions WHERE status != 'cancelled' ORDER BY starts_at, id"):
        found = session_row(db, row["id"])
        session = domain_session(found)
        signed_in = attendance(db, actor.user_id, found["id"]).signed_in
        if (_listed_until(session, bool(found["quiz_id"]), signed_in) >= now
                and session.invites(actor.user_id, str(actor.role))):
            out.append(found)
    return out


def _last_try(db, ref: str, type_: str) -> dict | None:
    rows = list(db.query("SELECT status, reason, message FROM outbox WHERE entity_ref=? AND type=?"
                         " ORDER BY seq DESC LIMIT 1", [ref, type_]))
    return rows[0] if rows else None


def _refusal(found: dict | None) -> Refusal | None:
    return Refusal(found["reason"] or "", found["message"] or "") if found and found["status"] == "rejected" else None


def attendance(db, user_id: str, session_id: str) -> Attendance:
    """Where my sign-in to ``session_id`` stands (see ``SignInState``)."""
    key = feed_key(session_id, user_id)
    ref = f"training_sign_in:{key}"
    rows = list(db.query("SELECT * FROM training_sign_ins WHERE id=?", [key]))
    sign_out = _last_try(db, ref, SIGN_OUT)
    if not rows:
        refused = _refusal(_last_try(db, ref, SIGN_IN))
        return Attendance(SignInState.REFUSED if refused else SignInState.NONE, refusal=refused)
    row = rows[0]
    state = SignInState.CONFIRMING if row["outcome"] == "pending" else SignInState(row["outcome"])
    out_waiting = bool(sign_out and sign_out["status"] == "pending")
    return Attendance(state, _dt(row["signed_in_at"]), _dt(row["signed_out_at"]), out_waiting,
                      None if row["signed_out_at"] else _refusal(sign_out))


def my_roll(db, user_id: str, session_id: str) -> Roll:
    """The roll as far as this phone knows it: me, when I have signed in (or out)."""
    mine = attendance(db, user_id, session_id)
    return Roll(frozenset({user_id} if mine.signed_in else ()), frozenset({user_id} if mine.signed_out_at else ()))


# -- quizzes -------------------------------------------------------------------------------------


def view_from_row(row: dict) -> PublicQuiz:
    """A stored quiz view (the public view only: no key, no seed) as the shared rules take it."""
    questions = tuple(PublicQuestion(q["id"], QuestionKind(q["kind"]), q["text"],
                                     tuple(PublicChoice(c["id"], c["text"]) for c in q["choices"]))
                      for q in json.loads(row["questions"]))
    return PublicQuiz(row["quiz_id"], row["version"], row["attempt"], row["title"], row["pass_mark"],
                      row["attempts_allowed"], questions)


def results(db, user_id: str, session_id: str) -> list[dict]:
    """My answers to the session's quiz, by attempt (``passed`` None: waiting for the result)."""
    out = []
    for row in db.query("SELECT * FROM training_quiz_results WHERE user_id=? AND session_id=? ORDER BY version, attempt",
                        [user_id, session_id]):
        out.append({**row, "right": json.loads(row["right"] or "{}"),
                    "passed": None if row["passed"] is None else bool(row["passed"])})
    return out


def next_view(db, user_id: str, session_id: str, quiz_id: str | None) -> PublicQuiz | None:
    """The view of my next attempt (the first one not answered here), or None."""
    if not quiz_id:
        return None
    answered = {(r["version"], r["attempt"]) for r in results(db, user_id, session_id)}
    for row in db.query("SELECT * FROM training_quiz_views WHERE user_id=? AND quiz_id=? ORDER BY version DESC, attempt",
                        [user_id, quiz_id]):
        if (row["version"], row["attempt"]) not in answered:
            return view_from_row(row)
    return None


def quiz_refusal(db, user_id: str, session_id: str) -> Refusal | None:
    """The refusal of my last answers to this session's quiz, when the last were refused."""
    for row in db.query("SELECT status, reason, message, payload FROM outbox WHERE type=? ORDER BY seq DESC",
                        [QUIZ_ANSWER]):
        payload = json.loads(row["payload"])
        if payload.get("session_id") == session_id and payload.get("user_id") == user_id:
            return _refusal(row)
    return None


# -- what I have done ----------------------------------------------------------------------------


def catalogue(db) -> Catalogue:
    """The pulled course catalogue."""
    return Catalogue(tuple(Course(r["id"], r["title"], r["skill"], r["validity_months"], bool(r["sign_out_required"]),
                                  r["quiz_id"]) for r in db.query("SELECT * FROM training_courses ORDER BY rowid")))


def completions_of(db, user_id: str) -> list[done_rules.Completion]:
    """The person's completions this phone holds (its own; a manager's phone: the store's)."""
    return [done_rules.Completion(r["user_id"], r["course_id"], _dt(r["completed_at"]), _dt(r["expires_at"]),
                                  r["via"] or done_rules.VIA_ATTENDANCE, r["score"])
            for r in db.query("SELECT * FROM training_completions WHERE user_id=? ORDER BY completed_at", [user_id])]


def held_skills_of(db, user_id: str, now: datetime) -> dict[str, datetime | None]:
    """The person's skills from training (skill -> until) as this phone knows them: those the server
    sent to the store (any colleague's, issue 13 trainskill) and those of the completions it holds
    (its own, even before the next pull). The shift rules take them via ``with_skills``."""
    held = done_rules.held_skills(completions_of(db, user_id), catalogue(db), user_id, now)
    for row in db.query("SELECT skills FROM training_skills WHERE id=?", [user_id]):
        for item in json.loads(row["skills"] or "[]"):
            done_rules.keep_longest(held, item["skill"], _dt(item.get("until")))
    return held


def my_training(db, user_id: str, now: datetime) -> tuple[list[dict], list[str]]:
    """My certificates (per course, the completion that counts, with its status now) and the
    skills they grant now."""
    mine, courses = completions_of(db, user_id), catalogue(db)
    certificates = []
    for course_id in dict.fromkeys(c.course_id for c in mine):
        best = done_rules.best(mine, user_id, course_id, now)
        if best is None:
            continue
        course = courses.get(course_id)
        certificates.append({"course_id": course_id, "title": course.title if course else course_id,
                             "completion": best, "status": done_rules.status_of(best, now)})
    return certificates, sorted(done_rules.skills_at(mine, courses, user_id, now))
