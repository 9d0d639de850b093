"""When a session without a clock-out is a *missing* clock-out, and when the person is still at work.

Pure rule shared by the timesheet (and so the export) and any screen that reports open
sessions: a session stays "still at work" until its shift has ended plus the chain's
``missing_clock_out_after`` grace. Without a shift (an unscheduled clock-in) there is no end
to wait for, so the longest plausible working day stands in for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.domain.attendance import Session, ShiftRules, ShiftWindow

#: An unscheduled session counts as still at work this long after its clock-in (plus the grace).
UNSCHEDULED_DAY = timedelta(hours=12)


def clock_out_due(session: Session, shift: ShiftWindow | None, rules: ShiftRules) -> datetime:
    """The moment an open session becomes a missing clock-out."""
    end = shift.ends_at if shift is not None else session.clock_in.at + UNSCHEDULED_DAY
    return end + rules.missing_clock_out_after


def clock_out_missing(session: Session, shift: ShiftWindow | None, rules: ShiftRules,
                      now: datetime | None) -> bool:
    """True if an open session has no clock-out past its due time; ``now`` None means a closed period."""
    if not session.is_open:
        return False
    if now is None:
        return True
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now >= clock_out_due(session, shift, rules)
