"""Issue 10, roster: managers create, edit, delete, copy and publish shifts.

Every rule comes from ``app.domain.roster`` (the device ran the same ones). Scope: the caller
manages the shift's store (store managers their stores, area managers their area, HQ all;
staff none) and the person works there. Drafts go to the store's managers alone (audience
"managers"): staff never pull them. Published and cancelled shifts go to the whole store.
"""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import roster
from app.domain.access import require_manager_of
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services import open_shift_handlers, shift_news
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, lock_people, person_store_ids
from backend_stub.services.outcomes import Rejected

log = logging.getLogger(__name__)
_S = db.shifts.c


def _utc(value: datetime) -> datetime:
    # SQLite keeps no offset: every stored time is UTC (db.aware reads it back so).
    return value.astimezone(UTC)


def shift_audience(status: str) -> str:
    """Who may pull a shift in this status: drafts reach managers only."""
    return "managers" if status == roster.DRAFT else "store"


def span(row: dict) -> roster.ShiftSpan:
    """A stored shift as the domain's ``ShiftSpan``."""
    return roster.ShiftSpan(row["id"], row["user_id"], row["store_id"], db.aware(row["starts_at"]),
                            db.aware(row["ends_at"]), row["status"], row["role"], row["version"],
                            row["published_version"], row.get("told_user_id"))


def _emit_shift(conn: Connection, row: dict) -> None:
    emit(conn, "shift", row["id"], row, audience=shift_audience(row["status"]), store_ids=[row["store_id"]])


def _insert_draft(conn: Connection, shift: roster.ShiftSpan, ctx: Context) -> None:
    row = {"id": shift.id, "store_id": shift.store_id, "user_id": shift.user_id, "starts_at": shift.starts_at,
           "ends_at": shift.ends_at, "position": shift.role, "status": roster.DRAFT, "role": shift.role,
           "version": 1, "published_version": 0, "updated_at": ctx.received_at, "updated_by": ctx.actor.user_id}
    conn.execute(db.shifts.insert(), row)
    _emit_shift(conn, row)


def _load(conn: Connection, shift_id: str, ctx: Context) -> dict:
    """The stored shift, for a manager of its store (staff learn nothing of a draft's existence)."""
    require_manager_of(ctx.actor, [])
    row = conn.execute(select(db.shifts).where(_S.id == shift_id)).mappings().first()
    if row is None:
        raise Rejected(Reason.NOT_FOUND, "This shift no longer exists.")
    require_manager_of(ctx.actor, [row["store_id"]])
    return dict(row)


def _around(conn: Connection, user_id: str, start: datetime, end: datetime) -> list[roster.ShiftSpan]:
    """The person's shifts at any store that could overlap [start, end) (the longest shift is
    shorter than a day), drafts included: two drafts for one person clash too."""
    rows = conn.execute(select(db.shifts).where(
        _S.user_id == user_id, _S.status != roster.CANCELLED,
        _S.starts_at > start - timedelta(days=1), _S.starts_at < end)).mappings()
    return [span(dict(r)) for r in rows]


def _check(conn: Connection, shift: roster.ShiftSpan) -> None:
    # Issue 10, issue10fix: hold the person before reading their shifts, so two managers giving
    # them overlapping shifts at once are checked one after the other (PostgreSQL; SQLite's
    # writer already runs one at a time): the second sees the first and is refused.
    lock_people(conn, {shift.user_id})
    roster.check_shift(shift, person_store_ids(conn, shift.user_id),
                       _around(conn, shift.user_id, shift.starts_at, shift.ends_at))


def shift_create(conn: Connection, p: m.ShiftCreate, ctx: Context) -> None:
    """A new draft on the store's roster."""
    require_manager_of(ctx.actor, [p.store_id])
    shift = roster.ShiftSpan(p.shift_id, p.user_id, p.store_id, _utc(p.starts_at), _utc(p.ends_at),
                             roster.DRAFT, p.role, 1, 0)
    _check(conn, shift)
    # An existing id fails the primary key: the push layer answers this item "conflict".
    _insert_draft(conn, shift, ctx)


def shift_update(conn: Connection, p: m.ShiftUpdate, ctx: Context) -> None:
    """New person, times or role; the version goes up (published shifts change for staff now)."""
    row = _load(conn, p.shift_id, ctx)
    current = span(row)
    roster.require_editable(current)
    shift = roster.ShiftSpan(p.shift_id, p.user_id, row["store_id"], _utc(p.starts_at), _utc(p.ends_at),
                             current.status, p.role, current.version + 1, current.published_version)
    _check(conn, shift)
    values = {"user_id": p.user_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at, "role": p.role,
              "position": p.role, "version": shift.version, "updated_at": ctx.received_at,
              "updated_by": ctx.actor.user_id}
    if current.published_version and p.user_id != row["user_id"] and not row.get("told_user_id"):
        values["told_user_id"] = row["user_id"]  # issue 10, shiftnews: publishing tells them too
    conn.execute(db.shifts.update().where(_S.id == p.shift_id).values(**values))
    _emit_shift(conn, {**row, **values})


def shift_delete(conn: Connection, p: m.ShiftDelete, ctx: Context) -> None:
    """A draft is removed; a published shift is cancelled (kept, version up)."""
    row = _load(conn, p.shift_id, ctx)
    current = span(row)
    roster.require_editable(current)
    if roster.after_delete(current) is None:
        conn.execute(db.shifts.delete().where(_S.id == p.shift_id))
        emit(conn, "shift", p.shift_id, None, audience="managers", store_ids=[row["store_id"]])
        return
    values = {"status": roster.CANCELLED, "version": current.version + 1, "updated_at": ctx.received_at,
              "updated_by": ctx.actor.user_id}
    conn.execute(db.shifts.update().where(_S.id == p.shift_id).values(**values))
    _emit_shift(conn, {**row, **values})


def _store_week(conn: Connection, store_id: str, monday) -> list[dict]:
    start, end = roster.week_bounds(monday)
    return [dict(r) for r in conn.execute(select(db.shifts).where(
        _S.store_id == store_id, _S.starts_at >= start, _S.starts_at < end).order_by(_S.starts_at)).mappings()]


def roster_copy_week(conn: Connection, p: m.RosterCopyWeek, ctx: Context) -> None:
    """Last week's live shifts of the store, a week later, as drafts (rule breakers skipped)."""
    require_manager_of(ctx.actor, [p.store_id])
    last_week = [span(r) for r in _store_week(conn, p.store_id, p.week_start - timedelta(days=7))]
    start, end = roster.week_bounds(p.week_start)
    people = {s.user_id for s in last_week}
    lock_people(conn, people)  # as _check does: a shift given meanwhile is seen, not doubled
    existing = [s for uid in people for s in _around(conn, uid, start, end + timedelta(days=1))]
    plan = roster.plan_copy_week(p.copy_key, last_week, existing,
                                 {uid: person_store_ids(conn, uid) for uid in people})
    for draft in plan.drafts:
        _insert_draft(conn, draft, ctx)
    log.info("copied %d shifts into week %s of %s (%d skipped)", len(plan.drafts), p.week_start,
             p.store_id, len(plan.skipped))


def roster_publish(conn: Connection, p: m.RosterPublish, ctx: Context) -> None:
    """Drafts of the store's week become published; every change since the last publish is
    told (``announce_changes``) and marked told."""
    require_manager_of(ctx.actor, [p.store_id])
    rows = _store_week(conn, p.store_id, p.week_start)
    changes = roster.publish_changes(span(r) for r in rows)
    for row in rows:
        if row["version"] == row["published_version"]:
            continue
        values = {"published_version": row["version"], "updated_at": ctx.received_at,
                  "updated_by": ctx.actor.user_id, "told_user_id": None}
        if row["status"] == roster.DRAFT:
            values["status"] = roster.PUBLISHED
        conn.execute(db.shifts.update().where(_S.id == row["id"]).values(**values))
        _emit_shift(conn, {**row, **values})
    open_shift_handlers.publish_week(conn, p.store_id, p.week_start, ctx)  # issue 10, openshifts
    announce_changes(conn, p.store_id, changes, ctx)


def announce_changes(conn: Connection, store_id: str, changes: dict[str, list[roster.ShiftChange]],
                     ctx: Context) -> None:
    """Each person affected gets one "shift change" broadcast naming the shifts publishing
    added, changed or cancelled for them (``changes``, per person)."""
    for user_id, lines in changes.items():
        shift_news.tell_person(conn, store_id, user_id, lines, ctx.actor.user_id, ctx.event_time)
    log.info("published %s: %d people affected", store_id, len(changes))


ROSTER_HANDLERS = {
    "shift.create": shift_create,
    "shift.update": shift_update,
    "shift.delete": shift_delete,
    "roster.copy_week": roster_copy_week,
    "roster.publish": roster_publish,
}
