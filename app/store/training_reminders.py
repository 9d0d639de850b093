"""Issue 13, trainremind: the expiry reminders this phone holds (pulled ``training_reminder``
entries: the server reminds a person 30 and 7 days before a completion expires, and the managers
of their stores). Only the latest reminder of each completion is shown, and only while it stands
(``completions.reminder_stands``: not expired, not renewed by a completion this phone holds)."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.domain.training import completions as done_rules


@dataclass(frozen=True)
class ExpiryReminder:
    user_id: str
    person_name: str
    course_id: str
    course_title: str
    days_before: int
    expires_at: datetime


def _completions(db: Database, user_ids: set[str]) -> list[done_rules.Completion]:
    marks = ",".join("?" * len(user_ids))
    return [done_rules.Completion(r["user_id"], r["course_id"], datetime.fromisoformat(r["completed_at"]),
                                  r["expires_at"] and datetime.fromisoformat(r["expires_at"]),
                                  r["via"] or done_rules.VIA_ATTENDANCE, r["score"])
            for r in db.query(f"SELECT * FROM training_completions WHERE user_id IN ({marks})"
                              " AND completed_at IS NOT NULL", sorted(user_ids))]


def _standing(db: Database, where: str, params: list, now: datetime) -> list[ExpiryReminder]:
    rows = list(db.query(
        "SELECT r.*, coalesce(u.name, r.user_id) AS person_name, coalesce(c.title, r.course_title) AS title"
        " FROM training_reminders r LEFT JOIN users u ON u.id = r.user_id"
        f" LEFT JOIN training_courses c ON c.id = r.course_id WHERE {where}"
        " ORDER BY r.expires_at, r.days_before DESC, r.user_id, r.course_id", params))
    held = _completions(db, {r["user_id"] for r in rows}) if rows else []
    latest: dict[tuple[str, str, str], ExpiryReminder] = {}  # the 7-day one replaces the 30-day one
    for r in rows:
        expires = datetime.fromisoformat(r["expires_at"])
        if done_rules.reminder_stands(expires, held, r["user_id"], r["course_id"], now):
            latest[(r["user_id"], r["course_id"], r["expires_at"])] = ExpiryReminder(
                r["user_id"], r["person_name"], r["course_id"], r["title"] or r["course_id"], r["days_before"], expires)
    return list(latest.values())


def my_expiry_reminders(db: Database, user_id: str, now: datetime) -> list[ExpiryReminder]:
    """My training expiring soon I was reminded of, the soonest first."""
    return _standing(db, "r.user_id = ?", [user_id], now)


def team_expiry_reminders(db: Database, manager_id: str, now: datetime) -> list[ExpiryReminder]:
    """On a manager's phone: the reminders of the people of their stores (not their own), soonest first."""
    return _standing(db, "r.user_id != ?", [manager_id], now)
