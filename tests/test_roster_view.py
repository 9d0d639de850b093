"""Issue 10, roster: what My shifts reads from the phone. An overnight shift sits on the day it
starts, colleagues on shift that day at that store are named (not a draft nor a cancelled one),
and the hours this week and this month count each shift once, on its start day."""

from datetime import UTC, date, datetime, time, timedelta

from app.domain.attendance import HONG_KONG
from app.store import roster_view

MON = date(2026, 12, 7)


def _shift(db, sid: str, user: str, day: date, start: int, hours: int, status: str = "published") -> None:
    begin = datetime.combine(day, time(start), HONG_KONG).astimezone(UTC)  # stored in UTC, as pulled
    db["shifts"].insert({"id": sid, "store_id": "st-cwb", "user_id": user, "position": "", "role": "Sales",
                         "starts_at": begin.isoformat(), "ends_at": (begin + timedelta(hours=hours)).isoformat(),
                         "status": status})


def test_my_week_puts_the_night_shift_on_its_start_day_with_colleagues_and_hours(device):
    """Sunday 22:00-06:00 is Sunday's (and the week's last); Monday names Siti, not the draft colleague."""
    with device.transaction() as db:
        db["users"].insert_all([{"id": "u-s01", "name": "Chan Tai Man"}, {"id": "u-s02", "name": "Siti Rahayu"},
                                {"id": "u-s08", "name": "Fatima Al-Sayed"}])
        _shift(db, "mine-mon", "u-s01", MON, 9, 8)
        _shift(db, "mine-sun-night", "u-s01", MON + timedelta(days=6), 22, 8)
        _shift(db, "mine-gone", "u-s01", MON + timedelta(days=2), 9, 8, "cancelled")
        _shift(db, "siti-mon", "u-s02", MON, 13, 8)
        _shift(db, "fatima-draft", "u-s08", MON, 10, 8, "draft")
    with device.reading() as db:
        week = roster_view.my_week(db, "u-s01", MON, MON + timedelta(days=1))
    days = {day: [(row.shift.id, row.others) for row in rows] for day, rows in week.days}
    assert days[MON] == [("mine-mon", ["Siti Rahayu"])]
    assert days[MON + timedelta(days=6)] == [("mine-sun-night", [])]
    assert days[MON + timedelta(days=2)] == [] and len(week.days) == 7
    assert (week.hours_week, week.hours_month) == (16, 16)
