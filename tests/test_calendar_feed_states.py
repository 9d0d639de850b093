"""The calendar feed once shifts have states (issue 10, roster: draft, published, cancelled):
drafts never reach a calendar, a cancelled shift is STATUS:CANCELLED. Run on a real database
with the shifts table's ``status`` column."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import Table

from backend_stub import db
from backend_stub.services import calendar_feed, ics
from backend_stub.services.changes import emit
from tests.conftest import make_engine_for

NOW = datetime.now(UTC).replace(microsecond=0)


def _shift(conn, shifts: Table, shift_id: str, status: str, day: int, user_id: str = "u-1") -> None:
    row = dict(id=shift_id, store_id="st-1", user_id=user_id, starts_at=NOW + timedelta(days=day),
               ends_at=NOW + timedelta(days=day, hours=8), position="Cashier", status=status)
    conn.execute(shifts.insert().values(**row))
    emit(conn, "shift", shift_id, row, audience="store", store_ids=["st-1"])


def _world(engine) -> Table:
    with engine.begin() as conn:
        conn.execute(db.stores.insert().values(id="st-1", code="S1", name="Mong Kok", area="kowloon",
                                               address="8 Argyle Street", latitude=22.3, longitude=114.2,
                                               radius_m=80))
        for uid in ("u-1", "u-2"):
            conn.execute(db.users.insert().values(id=uid, staff_no=uid, name=uid, role="staff", pin_hash="x"))
    shifts = db.shifts
    with engine.begin() as conn:
        _shift(conn, shifts, "sh-pub", "published", 1)
        _shift(conn, shifts, "sh-draft", "draft", 2)
        _shift(conn, shifts, "sh-cancel", "cancelled", 3)
        _shift(conn, shifts, "sh-odd", "archived", 4)  # a state the feed does not know: not shown
        _shift(conn, shifts, "sh-past", "published", -61)  # before the window
        _shift(conn, shifts, "sh-far", "published", 121)  # after it
        _shift(conn, shifts, "sh-other", "published", 1, user_id="u-2")
    return shifts


def test_drafts_never_reach_the_calendar_and_cancelled_shifts_say_so(settings):
    """With shift states, the feed lists published and cancelled shifts in the window (60 days
    back, 120 ahead) of that person only; the cancelled one is STATUS:CANCELLED, drafts are absent."""
    engine = make_engine_for(settings)
    try:
        shifts = _world(engine)
        with engine.connect() as conn:
            listed = calendar_feed.feed_shifts(conn, "u-1", NOW)
    finally:
        engine.dispose()
    events = {str(e["UID"]): e for e in Calendar.from_ical(ics.render(listed, NOW)).walk("VEVENT")}
    assert set(events) == {"shift-sh-pub@shopfloor", "shift-sh-cancel@shopfloor"}
    assert str(events["shift-sh-cancel@shopfloor"]["STATUS"]) == "CANCELLED"
    assert str(events["shift-sh-pub@shopfloor"]["STATUS"]) == "CONFIRMED"
    assert str(events["shift-sh-pub@shopfloor"]["SUMMARY"]) == "Cashier · Mong Kok"


def test_a_shift_cancelled_later_keeps_its_uid_with_a_higher_sequence(settings):
    """Cancelling a published shift (its row and change-feed entry) keeps its UID and raises its
    SEQUENCE, so a subscribed calendar updates the event instead of adding another."""
    engine = make_engine_for(settings)
    try:
        shifts = _world(engine)
        with engine.connect() as conn:
            before = {s.id: s for s in calendar_feed.feed_shifts(conn, "u-1", NOW)}
        with engine.begin() as conn:
            conn.execute(shifts.update().where(shifts.c.id == "sh-pub").values(status="cancelled"))
            emit(conn, "shift", "sh-pub", {"id": "sh-pub", "status": "cancelled"}, audience="store",
                 store_ids=["st-1"])
        with engine.connect() as conn:
            after = {s.id: s for s in calendar_feed.feed_shifts(conn, "u-1", NOW)}
    finally:
        engine.dispose()
    assert after["sh-pub"].cancelled and not before["sh-pub"].cancelled
    assert after["sh-pub"].sequence > before["sh-pub"].sequence
    assert after["sh-cancel"].sequence == before["sh-cancel"].sequence
