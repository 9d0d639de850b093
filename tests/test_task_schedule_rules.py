"""Issue 12, taskrecur: the recurring-task rules (app.domain.tasks.schedules). Table tests:
daily and weekly occurrences (weekday choice) between two times in the store's zone (Hong Kong,
no DST: 09:00 local is 01:00 UTC every day of the year), the lead time, the catch-up window, a
paused schedule, deterministic task ids and the refusals of a bad schedule."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.access import AccessDenied
from app.domain.tasks.model import Assignees
from app.domain.tasks.schedules import (Recurrence, Schedule, check_schedule, due_to_create, occurrences,
                                        task_id)

HK = ZoneInfo("Asia/Hong_Kong")
MON = datetime(2026, 11, 30, tzinfo=HK)  # a Monday, local midnight


def schedule(**kw) -> Schedule:
    base = dict(id="sc-1", store_id="st-1", title="Opening checklist", assignees=Assignees(role="staff"),
                recurrence=Recurrence.DAILY, due_time=time(9, 30), lead=timedelta(hours=2))
    return Schedule(**{**base, **kw})


@pytest.mark.parametrize("kw, start, end, days", [
    (dict(), MON, MON + timedelta(days=3), [30, 1, 2]),
    (dict(recurrence=Recurrence.WEEKLY, weekdays=frozenset({0, 3})), MON, MON + timedelta(days=7), [30, 3]),
    (dict(recurrence=Recurrence.WEEKLY, weekdays=frozenset({6})), MON, MON + timedelta(days=14), [6, 13]),
    # the bounds: due after start, at or before end
    (dict(), MON + timedelta(hours=9, minutes=30), MON + timedelta(days=1, hours=9, minutes=30), [1]),
    (dict(paused=True), MON, MON + timedelta(days=3), []),
    (dict(), MON, MON, []),
])
def test_occurrences_table(kw, start, end, days) -> None:
    """Daily: every day; weekly: only the chosen weekdays (0 = Monday); due after start and at
    or before end; a paused schedule has none."""
    assert [o.day.day for o in occurrences(schedule(**kw), start, end, HK)] == days


def test_hong_kong_local_time_is_the_same_utc_hour_all_year() -> None:
    """The due time is the store's local time: 09:30 in Hong Kong (no DST) is 01:30 UTC in
    winter and in summer; the task appears the lead time before."""
    for month in (1, 7):
        start = datetime(2026, month, 10, tzinfo=UTC)
        occ = next(occurrences(schedule(), start, start + timedelta(days=1), HK))
        assert occ.due_at.astimezone(UTC).time() == time(1, 30)
        assert occ.appears_at == occ.due_at - timedelta(hours=2)


def test_due_to_create_window() -> None:
    """A pass creates occurrences already appearing (due within the lead time), due after the
    schedule was made and at most a day ago (missed while the server was down)."""
    s = schedule()
    made = MON + timedelta(hours=8)  # Monday 08:00: Monday's 09:30 is still ahead
    assert [o.day.day for o in due_to_create(s, made, MON + timedelta(hours=7, minutes=29), HK)] == []
    assert [o.day.day for o in due_to_create(s, made, MON + timedelta(hours=8), HK)] == [30]
    assert [o.day.day for o in due_to_create(s, MON + timedelta(hours=10), MON + timedelta(hours=10), HK)] == []
    # made long ago, the server down from Monday to Wednesday 08:00: only Tuesday's and Wednesday's
    late = MON + timedelta(days=2, hours=8)
    assert [o.day.day for o in due_to_create(s, MON - timedelta(days=30), late, HK)] == [1, 2]


def test_task_id_is_deterministic() -> None:
    """The same schedule and date give the same task id (two workers create one task); another
    date or schedule another id."""
    d = date(2026, 12, 1)
    assert task_id("sc-1", d) == task_id("sc-1", d)
    assert len({task_id("sc-1", d), task_id("sc-1", d + timedelta(days=1)), task_id("sc-2", d)}) == 3


@pytest.mark.parametrize("kw, code", [
    (dict(title=" "), "task_bad_task"),
    (dict(assignees=Assignees()), "task_bad_task"),
    (dict(photos_required=11), "task_bad_task"),
    (dict(recurrence=Recurrence.WEEKLY), "task_bad_schedule"),
    (dict(recurrence=Recurrence.WEEKLY, weekdays=frozenset({7})), "task_bad_schedule"),
    (dict(weekdays=frozenset({1})), "task_bad_schedule"),
    (dict(lead=timedelta(days=7)), "task_bad_schedule"),
    (dict(lead=timedelta(minutes=-1)), "task_bad_schedule"),
])
def test_bad_schedules_refused(kw, code) -> None:
    """A schedule's task needs what a one-off task needs; weekly needs weekdays 0..6, daily
    none; the lead time is 0..6 days."""
    with pytest.raises(AccessDenied) as err:
        check_schedule(schedule(**kw))
    assert err.value.reason == code


def test_good_schedule_passes() -> None:
    """A weekly promotion set-up on Mondays and Thursdays is accepted."""
    check_schedule(schedule(recurrence=Recurrence.WEEKLY, weekdays=frozenset({0, 3}), checklist=("Posters",)))
