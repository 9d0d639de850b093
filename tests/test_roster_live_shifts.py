"""Issue 10, roster: only published shifts are worked. A manager's draft or a cancelled shift
never lets someone clock in, never counts as a missed day in a timesheet, and never shows on
Home, Clock or the Team board (server and device alike)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.store import queries
from backend_stub import db
from tests.test_api_punches import _punch, _shift_now, _stored
from tests.test_api_push import mutation, push


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_a_draft_or_cancelled_shift_does_not_let_anyone_clock_in(api, status):
    """Chan Tai Man's only shift now is a draft (or was cancelled): his clock-in is not tied to it
    and is flagged unscheduled for his manager (as with no shift at all)."""
    shift_id = _shift_now(api)
    with api.engine.begin() as conn:
        conn.execute(update(db.shifts).where(db.shifts.c.id == shift_id).values(status=status))
    punch_id = "pu-roster-live"
    result = push(api, "u-s01", [mutation(1, "punch.record", _punch(method="pin", device_face="not_used",
                                                                    punch_id=punch_id),
                                          age_s=1)]).json()["results"][0]
    stored = _stored(api, punch_id)
    assert (result["status"], stored["shift_id"], "unscheduled" in stored["flags"]) == ("applied", None, True)


def test_device_lists_only_published_shifts_for_work(device):
    """On a manager's phone (which holds drafts) and any phone (which holds cancelled shifts), a
    person's shifts, today's shift and the team board leave out drafts and cancelled shifts."""
    now = datetime.now(UTC)
    with device.transaction() as conn:
        for sid, status in (("sh-pub", "published"), ("sh-draft", "draft"), ("sh-gone", "cancelled")):
            conn["shifts"].insert({"id": sid, "store_id": "st-cwb", "user_id": "u-s01", "position": "",
                                   "starts_at": (now + timedelta(hours=1)).isoformat(),
                                   "ends_at": (now + timedelta(hours=5)).isoformat(), "status": status})
    with device.reading() as conn:
        mine = queries.shifts_for_user(conn, "u-s01", now - timedelta(days=1), now + timedelta(days=1))
        team = queries.shifts_for_stores(conn, ["st-cwb"], now - timedelta(days=1), now + timedelta(days=1))
        roster = queries.shifts_for_stores(conn, ["st-cwb"], now - timedelta(days=1), now + timedelta(days=1),
                                           live_only=False)
    assert [s.id for s in mine] == [s.id for s in team] == ["sh-pub"]
    assert sorted(s.id for s in roster) == ["sh-draft", "sh-gone", "sh-pub"]
