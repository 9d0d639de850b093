"""Issue 10, roster: a manager builds and publishes the week, offline too.

Each action is one local transaction (the shifts and the outbox row) checked first with the
same ``app.domain.roster`` rules the server runs again. A refused action is undone by
``app.store.undo``: single shifts by their own kept copy, copy-week and publish by the group's.
"""

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from app.domain import roster
from app.domain.access import require_manager_of
from app.protocol import Reason
from app.protocol import mutations as m
from app.store.actions import Actions
from app.store.outbox import enqueue
from app.store.undo import remember_group


def _iso(value: datetime) -> str:
    # Stored in UTC, as pulled rows are, so string order is time order.
    return value.astimezone(UTC).isoformat()


def _span(row: dict) -> roster.ShiftSpan:
    return roster.ShiftSpan(row["id"], row["user_id"], row["store_id"], datetime.fromisoformat(row["starts_at"]),
                            datetime.fromisoformat(row["ends_at"]), row["status"] or roster.PUBLISHED,
                            row["role"] or "", row["version"] or 1, row["published_version"] or 0)


def person_store_ids(db: Database, user_id: str) -> set[str]:
    """The stores a person works at, as far as this device knows (home store, stores of their
    shifts); the server checks against its own list."""
    found = db.execute("SELECT home_store_id FROM users WHERE id=? UNION SELECT store_id FROM shifts"
                       " WHERE user_id=?", [user_id, user_id]).fetchall()
    return {r[0] for r in found if r[0]}


def _person_shifts(db: Database, user_id: str, start: datetime, end: datetime) -> list[roster.ShiftSpan]:
    rows = db.query("SELECT * FROM shifts WHERE user_id=? AND status != 'cancelled' AND starts_at > ?"
                    " AND starts_at < ?", [user_id, _iso(start - timedelta(days=1)), _iso(end)])
    return [_span(r) for r in rows]


def store_week(db: Database, store_id: str, monday: date) -> list[roster.ShiftSpan]:
    """Every shift of a store's roster week, any status."""
    start, end = roster.week_bounds(monday)
    rows = db.query("SELECT * FROM shifts WHERE store_id=? AND starts_at >= ? AND starts_at < ?",
                    [store_id, _iso(start), _iso(end)])
    return [_span(r) for r in rows]


def _row(shift: roster.ShiftSpan) -> dict:
    return {"id": shift.id, "store_id": shift.store_id, "user_id": shift.user_id,
            "starts_at": _iso(shift.starts_at), "ends_at": _iso(shift.ends_at), "position": shift.role,
            "status": shift.status, "role": shift.role, "version": shift.version,
            "published_version": shift.published_version, "sync_state": "pending"}


class RosterActions(Actions):
    """Create, edit, delete, copy last week and publish (managers of the store only)."""

    def _check(self, db: Database, shift: roster.ShiftSpan) -> None:
        roster.check_shift(shift, person_store_ids(db, shift.user_id),
                           _person_shifts(db, shift.user_id, shift.starts_at, shift.ends_at))

    def _existing(self, shift_id: str) -> roster.ShiftSpan:
        with self._store.reading() as db:
            rows = list(db.query("SELECT * FROM shifts WHERE id=?", [shift_id]))
        if not rows:
            raise roster.RosterRefused(Reason.NOT_FOUND, "This shift no longer exists.")
        shift = _span(rows[0])
        require_manager_of(self.actor, [shift.store_id])
        roster.require_editable(shift)
        return shift

    def create_shift(self, *, store_id: str, user_id: str, starts_at: datetime, ends_at: datetime,
                     role: str = "") -> str:
        """A new draft on the store's roster; returns its id."""
        require_manager_of(self.actor, [store_id])
        p = m.ShiftCreate(shift_id=f"sh-{uuid.uuid4().hex}", store_id=store_id, user_id=user_id,
                          starts_at=starts_at, ends_at=ends_at, role=role)
        shift = roster.ShiftSpan(p.shift_id, user_id, store_id, p.starts_at, p.ends_at, roster.DRAFT, p.role, 1, 0)
        with self._store.reading() as db:
            self._check(db, shift)
        self._record("shift.create", p, f"shift:{p.shift_id}", lambda db: db["shifts"].insert(_row(shift)))
        return p.shift_id

    def update_shift(self, shift_id: str, *, user_id: str, starts_at: datetime, ends_at: datetime,
                     role: str = "") -> int:
        """New person, times or role for a shift (its version goes up)."""
        current = self._existing(shift_id)
        p = m.ShiftUpdate(shift_id=shift_id, user_id=user_id, starts_at=starts_at, ends_at=ends_at, role=role)
        shift = roster.ShiftSpan(shift_id, user_id, current.store_id, p.starts_at, p.ends_at, current.status,
                                 p.role, current.version + 1, current.published_version)
        with self._store.reading() as db:
            self._check(db, shift)
        return self._record("shift.update", p, f"shift:{shift_id}",
                            lambda db: db["shifts"].upsert(_row(shift), pk="id"))

    def delete_shift(self, shift_id: str) -> int:
        """A draft goes; a published shift is cancelled."""
        current = self._existing(shift_id)

        def write(db: Database) -> None:
            if roster.after_delete(current) is None:
                db.execute("DELETE FROM shifts WHERE id=?", [shift_id])
            else:
                db.execute("UPDATE shifts SET status=?, version=version+1, sync_state='pending' WHERE id=?",
                           [roster.CANCELLED, shift_id])

        return self._record("shift.delete", m.ShiftDelete(shift_id=shift_id), f"shift:{shift_id}", write)

    def _group(self, type_: str, payload: m.BaseModel, store_id: str, monday: date, ids: list[str], write) -> int:
        group_ref = f"roster:{store_id}:{monday.isoformat()}"
        stamp = self._clock.stamp()
        with self._store.transaction() as db:
            remember_group(db, group_ref, ids)
            write(db)
            return enqueue(db, type=type_, payload=payload.model_dump(mode="json"), clock=stamp,
                           entity_ref=group_ref)

    def copy_last_week(self, store_id: str, monday: date) -> int:
        """Last week's shifts into the week of ``monday``, as drafts; returns how many."""
        require_manager_of(self.actor, [store_id])
        p = m.RosterCopyWeek(copy_key=uuid.uuid4().hex[:16], store_id=store_id, week_start=monday)
        with self._store.reading() as db:
            last_week = store_week(db, store_id, monday - timedelta(days=7))
            people = {s.user_id for s in last_week}
            start, end = roster.week_bounds(monday)
            existing = [s for uid in people for s in _person_shifts(db, uid, start, end + timedelta(days=1))]
            plan = roster.plan_copy_week(p.copy_key, last_week, existing,
                                         {uid: person_store_ids(db, uid) for uid in people})

        def write(db: Database) -> None:
            for draft in plan.drafts:
                db["shifts"].insert(_row(draft))

        self._group("roster.copy_week", p, store_id, monday, [d.id for d in plan.drafts], write)
        return len(plan.drafts)

    def publish_week(self, store_id: str, monday: date) -> int:
        """The store's drafts of the week become published; returns how many drafts."""
        require_manager_of(self.actor, [store_id])
        p = m.RosterPublish(store_id=store_id, week_start=monday)
        with self._store.reading() as db:
            week = store_week(db, store_id, monday)
        told = [s for s in week if s.version != s.published_version]

        def write(db: Database) -> None:
            for s in told:
                db.execute("UPDATE shifts SET status=?, published_version=version, sync_state='pending' WHERE id=?",
                           [roster.PUBLISHED if s.status == roster.DRAFT else s.status, s.id])

        self._group("roster.publish", p, store_id, monday, [s.id for s in told], write)
        return roster.count_drafts(week)
