"""Shared set-up for the trade tests: future published shifts written straight into a server's
database, and trade actions pushed as a device would push them."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from sqlalchemy import select

from app.domain.attendance import HONG_KONG
from backend_stub import db
from backend_stub.services.changes import emit, flush

_ids = count(1)


def future_monday(weeks: int = 6) -> date:
    """A Monday far enough ahead that no seeded shift and no notice rule is in the way."""
    today = datetime.now(HONG_KONG).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), HONG_KONG)


def add_shift(engine, user_id: str, day: date, start: int = 9, end: int = 17, store_id: str = "st-cwb",
              role: str = "Sales") -> str:
    """A published shift (version 1) for ``user_id``; its id."""
    shift_id = f"sh-t{next(_ids):05d}-{day:%m%d}"
    row = dict(id=shift_id, store_id=store_id, user_id=user_id, starts_at=at(day, start).astimezone(UTC),
               ends_at=at(day, end).astimezone(UTC), position=role, role=role, status="published", version=1,
               published_version=1)
    with engine.begin() as conn:
        conn.execute(db.shifts.insert().values(**row))
        emit(conn, "shift", shift_id, row, audience="store", store_ids=[store_id])  # devices pull it
        flush(conn)
    return shift_id


def full_week(engine, user_id: str, monday: date, days=(1, 2, 3)) -> None:
    """Three more 8-hour days, so giving one shift away leaves 24 h (no "468" warning)."""
    for offset in days:
        add_shift(engine, user_id, monday + timedelta(days=offset))


def shift_row(engine, shift_id: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(db.shifts).where(db.shifts.c.id == shift_id)).mappings().one())


def trade_row(engine, trade_id: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(db.shift_trades).where(db.shift_trades.c.id == trade_id)).mappings().one())


def offer(trade_id: str, shift_id: str, taker_id: str | None, kind: str = "offer", version: int = 1, **extra) -> dict:
    return {"trade_id": trade_id, "kind": kind, "shift_id": shift_id, "shift_version": version,
            "taker_id": taker_id, **extra}
