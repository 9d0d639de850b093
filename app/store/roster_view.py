"""Issue 10, roster: read models of My shifts and the managers' roster, from the device's
database (so both work offline). Days and hours follow ``app.domain.roster``: a shift
belongs to the day it starts."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from app.domain import roster
from app.store import queries
from app.store.roster_actions import person_store_ids


def _span(s: queries.Shift) -> roster.ShiftSpan:
    return roster.ShiftSpan(s.id, s.user_id, s.store_id, s.starts_at, s.ends_at, s.status, s.role, s.version)


def _week(monday: date) -> tuple[datetime, datetime]:
    return roster.week_bounds(monday)


def by_day(shifts: list[queries.Shift], monday: date) -> list[tuple[date, list[queries.Shift]]]:
    """The seven days of the week, each with the shifts that start on it."""
    days = [monday + timedelta(days=i) for i in range(7)]
    return [(day, [s for s in shifts if roster.work_day(s.starts_at) == day]) for day in days]


@dataclass(frozen=True)
class MyShift:
    """One of my shifts, with who else works at that store that day."""

    shift: queries.Shift
    others: list[str]


@dataclass(frozen=True)
class MyWeek:
    days: list[tuple[date, list[MyShift]]]
    hours_week: float
    hours_month: float


def my_week(db: Database, user_id: str, monday: date, today: date) -> MyWeek:
    """My published shifts of the week by day, colleagues on each, and my hours this week and month."""
    start, end = _week(monday)
    mine = queries.shifts_for_user(db, user_id, start, end)
    stores = sorted({s.store_id for s in mine})
    everyone = queries.shifts_for_stores(db, stores, start, end) if stores else []
    days = []
    for day, shifts in by_day(mine, monday):
        rows = [MyShift(s, sorted({o.user_name for o in everyone if o.user_id != user_id and o.store_id == s.store_id
                                   and roster.work_day(o.starts_at) == day})) for s in shifts]
        days.append((day, rows))
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    month_start = min(roster.week_bounds(roster.week_start(first))[0], start)
    around = queries.shifts_for_user(db, user_id, month_start, roster.week_bounds(roster.week_start(last))[1])
    spans = [_span(s) for s in around]
    this_week = roster.week_start(today)
    return MyWeek(days, roster.scheduled_hours(spans, this_week, this_week + timedelta(days=6)),
                  roster.scheduled_hours(spans, first, last))


def store_week(db: Database, store_ids: list[str], monday: date) -> dict[str, list[queries.Shift]]:
    """Every shift of each store's week (drafts and cancelled too), by store."""
    start, end = _week(monday)
    shifts = queries.shifts_for_stores(db, store_ids, start, end, live_only=False)
    return {sid: [s for s in shifts if s.store_id == sid] for sid in store_ids}


def store_names(db: Database, store_ids: list[str]) -> dict[str, str]:
    names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM stores")}
    return {sid: names.get(sid, sid) for sid in sorted(store_ids, key=lambda s: names.get(s, s))}


def people_at(db: Database, store_id: str) -> list[tuple[str, str]]:
    """(id, name) of the staff and store managers this device knows at a store."""
    rows = db.query("SELECT id, name FROM users WHERE role IN ('staff', 'store_manager') ORDER BY name")
    return [(r["id"], r["name"]) for r in rows if store_id in person_store_ids(db, r["id"])]
