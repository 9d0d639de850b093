"""Issue 10, availability on the device: I set my weekly windows and days off offline (one
transaction each, with its outbox row; undone if the server refuses), and the shift rules read
the pulled availability and the chain's settings (``load_availability``, ``load_settings``).
A staff phone also holds its store colleagues' windows and days off, without notes, so offering
a shift to an unavailable colleague is refused at once, offline too.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from app.domain import availability as rules
from app.domain.shift_rules import Availability, Shift, ShiftTradeSettings
from app.protocol import mutations as m
from app.store.actions import Actions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DayOff:
    """One of my one-off unavailable stretches, as the Me screen lists it."""

    id: str
    first_day: date
    last_day: date
    note: str
    sync_state: str


def stored_windows(db: Database, user_id: str) -> list[dict]:
    """The person's weekly windows as this device knows them (empty: any time)."""
    row = db.execute("SELECT windows FROM availability WHERE id=?", [user_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def days_off(db: Database, user_id: str, since: date | None = None) -> list[DayOff]:
    """The person's days off (those ending on or after ``since``), soonest first."""
    rows = db.query("SELECT * FROM unavailability WHERE user_id=? AND last_day >= ? ORDER BY first_day",
                    [user_id, (since or date.min).isoformat()])
    return [DayOff(r["id"], date.fromisoformat(r["first_day"]), date.fromisoformat(r["last_day"]), r["note"] or "",
                   r["sync_state"] or "synced") for r in rows]


def load_availability(db: Database, user_id: str) -> Availability:
    """When ``user_id`` can work, as the shift rules see it (nothing pulled: any time)."""
    absences = [(d.first_day, d.last_day) for d in days_off(db, user_id)]
    return rules.availability_of(stored_windows(db, user_id), absences)


def load_settings(db: Database) -> ShiftTradeSettings:
    """The chain's shift-trade settings as last pulled (the defaults before the first pull)."""
    row = db.execute("SELECT settings FROM chain_settings WHERE id=?", [rules.SHIFT_TRADES]).fetchone()
    if not row or not row[0]:
        return ShiftTradeSettings()
    try:
        return ShiftTradeSettings.from_json(row[0])
    except ValueError:  # written by a newer server in a form this version cannot read
        log.warning("pulled chain settings unreadable; using the defaults")
        return ShiftTradeSettings()


class AvailabilityActions(Actions):
    """What a person says about when they can work (their own only)."""

    def set_weekly(self, windows: list[dict]) -> int:
        """Replace my weekly windows (``{"weekday", "start", "end"}``; none: any time)."""
        user_id = self.actor.user_id
        rules.require_own_availability(self.actor, user_id)
        stored = rules.window_dicts(rules.windows_to_set(windows))
        p = m.AvailabilitySet(user_id=user_id, windows=stored)
        row = {"id": user_id, "user_id": user_id, "windows": json.dumps(stored),
               "updated_at": self._now().isoformat(), "sync_state": "pending"}
        return self._record("availability.set", p, f"availability:{user_id}",
                            lambda db: db["availability"].upsert(row, pk="id"))

    def add_days_off(self, first_day: date, last_day: date, note: str = "") -> str:
        """I cannot work from ``first_day`` to ``last_day`` (whole days); returns its id."""
        rules.check_days_off(first_day, last_day)
        p = m.UnavailabilityAdd(unavailability_id=f"un-{uuid.uuid4().hex}", user_id=self.actor.user_id,
                                first_day=first_day, last_day=last_day, note=note)
        row = {"id": p.unavailability_id, "user_id": p.user_id, "first_day": first_day.isoformat(),
               "last_day": last_day.isoformat(), "note": p.note, "created_at": self._now().isoformat(),
               "sync_state": "pending"}
        self._record("unavailability.add", p, f"unavailability:{p.unavailability_id}",
                     lambda db: db["unavailability"].insert(row))
        return p.unavailability_id

    def remove_days_off(self, unavailability_id: str) -> int:
        """Withdraw one of my days off."""
        with self._store.reading() as db:
            owner = db.execute("SELECT user_id FROM unavailability WHERE id=?", [unavailability_id]).fetchone()
        if owner:
            rules.require_own_availability(self.actor, owner[0])
        return self._record("unavailability.remove", m.UnavailabilityRemove(unavailability_id=unavailability_id),
                            f"unavailability:{unavailability_id}",
                            lambda db: db.execute("DELETE FROM unavailability WHERE id=?", [unavailability_id]))


def roster_conflicts(db: Database, shifts) -> dict[str, str]:
    """Shift id -> ``"weekly"``/``"one_off"`` for the roster's shifts (``queries.Shift``) whose
    person is not available then, as far as this device knows (a manager pulls their staff's,
    staff their store colleagues' times without notes)."""
    live = [s for s in shifts if s.user_id and s.status != "cancelled"]
    people = {s.user_id for s in live}
    known = {uid: load_availability(db, uid) for uid in people}
    rule_shifts = [Shift(s.id, s.user_id, s.store_id, s.role or "", s.starts_at, s.ends_at, s.status) for s in live
                   if s.ends_at > s.starts_at]
    return rules.roster_conflicts(rule_shifts, known, load_settings(db))
