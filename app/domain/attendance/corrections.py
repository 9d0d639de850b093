"""Managers' audited fixes to punches, and the missing clock-outs they are there to fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.domain.attendance.common import FLAG_CORRECTED, _require_aware, _unique
from app.domain.attendance.punches import Punch, PunchKind, Session, _by_user, walk
from app.domain.attendance.shifts import ShiftRules, ShiftWindow, shift_of


@dataclass(frozen=True, kw_only=True)
class PunchCorrection:
    """A manager's audited fix to a punch. The original punch is kept; this overrides it.

    Target either an existing punch (``punch_id``: its time is moved) or a shift
    (``shift_id`` + ``kind``: that shift's punch of this kind is moved, or added when it
    is missing, typically the forgotten clock-out). To move a punch that is not booked
    against a shift, target its id.

    Attributes:
        new_time: the corrected time (aware).
        reason: why; required, not blank (it is shown in the audit log).
        by_user: the manager who made the fix.
        at: when the fix was made (aware); the latest fix of a target wins.
        punch_id: the punch to move, or None.
        shift_id: the shift whose punch to set, or None.
        kind: which punch of the shift (only with ``shift_id``).
    """

    new_time: datetime
    reason: str
    by_user: str
    at: datetime
    punch_id: str | None = None
    shift_id: str | None = None
    kind: PunchKind = PunchKind.CLOCK_OUT

    def __post_init__(self) -> None:
        if (self.punch_id is None) == (self.shift_id is None):
            raise ValueError("a correction targets exactly one of punch_id or shift_id")
        if not self.reason or not self.reason.strip():
            raise ValueError("a correction needs a reason")
        if not self.by_user:
            raise ValueError("a correction needs the user who made it")
        _require_aware("PunchCorrection.new_time", self.new_time)
        _require_aware("PunchCorrection.at", self.at)
        object.__setattr__(self, "kind", PunchKind(self.kind))




def _corrected(punch: Punch, correction: PunchCorrection) -> Punch:
    return replace(punch, at=correction.new_time, flags=_unique((*punch.flags, FLAG_CORRECTED)))


def apply_corrections(
    punches: Iterable[Punch],
    corrections: Iterable[PunchCorrection],
    shifts: Iterable[ShiftWindow] = (),
) -> list[Punch]:
    """The punches as corrected by managers; corrected punches are flagged ``corrected``.

    The latest correction (by ``at``) of each target wins. Corrections whose punch or
    shift is not among those given are ignored, so one list of corrections can serve
    every user. A punch added for a shift gets the id ``correction:<shift_id>:<kind>``.
    """
    def latest(items: list[PunchCorrection]) -> dict:
        chosen: dict = {}
        for c in sorted(items, key=lambda c: c.at):
            chosen[c.punch_id if c.punch_id is not None else (c.shift_id, c.kind)] = c
        return chosen

    corrections = list(corrections)
    by_punch = latest([c for c in corrections if c.punch_id is not None])
    by_shift = latest([c for c in corrections if c.shift_id is not None])

    out = [_corrected(p, by_punch[p.id]) if p.id in by_punch else p for p in punches]
    shifts_by_id = {s.id: s for s in shifts}
    for (shift_id, kind), c in by_shift.items():
        shift = shifts_by_id.get(shift_id)
        if shift is None:
            continue
        matches = [i for i, p in enumerate(out)
                   if p.shift_id == shift_id and p.kind is kind and p.user_id == shift.user_id]
        if matches:
            i = max(matches, key=lambda i: out[i].at)
            out[i] = _corrected(out[i], c)
        else:
            out.append(Punch(f"correction:{shift_id}:{kind}", shift.user_id, shift.store_id, kind,
                             c.new_time, shift_id, (FLAG_CORRECTED,)))
    return out




#: An unscheduled session (no shift to end it) counts as still at work this long after its
#: clock-in, plus the grace: the longest plausible working day stands in for a shift's end.
UNSCHEDULED_DAY = timedelta(hours=12)


def clock_out_due(session: Session, shift: ShiftWindow | None, rules: ShiftRules) -> datetime:
    """The moment an open session becomes a missing clock-out (before it: still at work)."""
    end = shift.ends_at if shift is not None else session.clock_in.at + UNSCHEDULED_DAY
    return end + rules.missing_clock_out_after


def clock_out_missing(session: Session, shift: ShiftWindow | None, rules: ShiftRules,
                      now: datetime | None) -> bool:
    """True if an open session has no clock-out past its due time; ``now`` None means a closed period."""
    if not session.is_open:
        return False
    if now is None:
        return True
    _require_aware("now", now)
    return now >= clock_out_due(session, shift, rules)


def missing_clock_outs(
    punches: Iterable[Punch],
    shifts: Iterable[ShiftWindow],
    now: datetime,
    rules: ShiftRules,
    *,
    corrections: Iterable[PunchCorrection] = (),
) -> list[str]:
    """Ids of shifts clocked into but not out, ``missing_clock_out_after`` past their end.

    Flagged from exactly ``ends_at + missing_clock_out_after`` on. A shift never clocked
    into is an absence, not a missing clock-out. Corrections are applied first, so a
    fixed shift drops off the list. Sorted by shift start.
    """
    _require_aware("now", now)
    shifts = list(shifts)
    fixed = apply_corrections(punches, corrections, shifts)
    missing: list[ShiftWindow] = []
    for user_punches in _by_user(fixed).values():
        for session in walk(user_punches).sessions:
            shift = shift_of(session, shifts, rules) if session.is_open else None
            if shift is not None and clock_out_missing(session, shift, rules, now):
                missing.append(shift)
    return [s.id for s in sorted(missing, key=lambda s: (s.starts_at, s.id))]
