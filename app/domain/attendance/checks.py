"""May this punch be made now? The one check the device runs before queueing a punch and
the server runs again when it arrives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain.attendance.common import (
    FLAG_BREAK_AUTO_ENDED, FLAG_EARLY_LEAVE, FLAG_LATE, FLAG_UNSCHEDULED, REASON_ALREADY_CLOCKED_IN,
    REASON_ALREADY_ON_BREAK, REASON_NO_SHIFT, REASON_NOT_CLOCKED_IN, REASON_NOT_ON_BREAK, REASON_SHIFT_ENDED,
    REASON_TOO_EARLY, _require_aware)
from app.domain.attendance.punches import AttendanceState, Punch, PunchKind, walk
from app.domain.attendance.shifts import ShiftRules, ShiftWindow, lateness, shift_for_punch


@dataclass(frozen=True)
class PunchCheck:
    """Verdict on a punch about to be made.

    Attributes:
        allowed: whether the punch may be recorded.
        reason: the refusal reason code, None when allowed.
        flags: flags to store on the punch when allowed.
        shift_id: the shift the punch belongs to, if any.
    """

    allowed: bool
    reason: str | None = None
    flags: tuple[str, ...] = ()
    shift_id: str | None = None




def check_punch(
    kind: PunchKind,
    at: datetime,
    *,
    punches: Iterable[Punch],
    shift: ShiftWindow | None,
    rules: ShiftRules,
    unscheduled: bool = False,
) -> PunchCheck:
    """May this user punch ``kind`` at ``at``?

    Args:
        kind: the punch about to be made.
        at: when (aware).
        punches: the user's punches before this one.
        shift: ``shift_for_punch(...)``'s pick: for a clock-in the shift being clocked
            into, for other punches the open session's shift (for early leave), or None.
        rules: the chain's rules.
        unscheduled: the person asked to clock in without a shift (offered after
            ``shift_ended``); flagged ``unscheduled`` for the manager to approve.

    Returns:
        Refused with ``already_clocked_in``, ``not_clocked_in``, ``too_early``,
        ``shift_ended``, ``not_on_break``, ``already_on_break`` or ``no_shift``; or allowed with flags
        ``late``, ``early_leave``, ``unscheduled``, ``break_auto_ended``.

    Notes:
        A clock-in at or after the given shift's end is refused ``shift_ended``, unless
        it asks to be ``unscheduled``; an asked-for unscheduled clock-in never bypasses
        ``too_early``.
        Lateness applies to the first clock-in of a shift only, so coming back after
        clocking out mid-shift is not "late" again.
    """
    _require_aware("at", at)
    kind = PunchKind(kind)
    w = walk(punches)
    open_session = w.sessions[-1] if w.state is not AttendanceState.OUT else None

    if kind is PunchKind.CLOCK_IN:
        if open_session is not None:
            return PunchCheck(False, REASON_ALREADY_CLOCKED_IN, shift_id=open_session.shift_id)
        if shift is not None and at >= shift.ends_at:
            if not unscheduled:
                return PunchCheck(False, REASON_SHIFT_ENDED, shift_id=shift.id)
            shift = None
        if shift is None:
            if not rules.allow_unscheduled:
                return PunchCheck(False, REASON_NO_SHIFT)
            return PunchCheck(True, flags=(FLAG_UNSCHEDULED,))
        if at < shift.starts_at - rules.open_before:
            return PunchCheck(False, REASON_TOO_EARLY, shift_id=shift.id)
        first = all(s.shift_id != shift.id for s in w.sessions)
        flags = (FLAG_LATE,) if first and lateness(at, shift, rules) else ()
        return PunchCheck(True, flags=flags, shift_id=shift.id)

    if open_session is None:
        return PunchCheck(False, REASON_NOT_CLOCKED_IN)
    shift_id = shift.id if shift is not None else open_session.shift_id
    on_break = w.state is AttendanceState.ON_BREAK

    if kind is PunchKind.BREAK_START:
        if on_break:
            return PunchCheck(False, REASON_ALREADY_ON_BREAK, shift_id=shift_id)
        return PunchCheck(True, shift_id=shift_id)
    if kind is PunchKind.BREAK_END:
        if not on_break:
            return PunchCheck(False, REASON_NOT_ON_BREAK, shift_id=shift_id)
        return PunchCheck(True, shift_id=shift_id)

    flags: list[str] = []
    if on_break:
        flags.append(FLAG_BREAK_AUTO_ENDED)
    if shift is not None and at < shift.ends_at - rules.early_leave_grace:
        flags.append(FLAG_EARLY_LEAVE)
    return PunchCheck(True, flags=tuple(flags), shift_id=shift_id)


def check_new_punch(
    kind: PunchKind,
    at: datetime,
    *,
    punches: Iterable[Punch],
    shifts: Iterable[ShiftWindow],
    rules: ShiftRules,
    unscheduled: bool = False,
) -> PunchCheck:
    """``check_punch`` against the shift ``shift_for_punch`` picks: the whole shift check of
    a punch, run by the device before queueing it and by the server when it arrives."""
    punches = list(punches)
    shift = shift_for_punch(kind, at, punches=punches, shifts=shifts, rules=rules)
    return check_punch(kind, at, punches=punches, shift=shift, rules=rules, unscheduled=unscheduled)


def next_kind(punches: Iterable[Punch]) -> PunchKind:
    """The one punch a kiosk offers: clock in when out, else clock out (which also ends a break)."""
    return PunchKind.CLOCK_IN if walk(punches).state is AttendanceState.OUT else PunchKind.CLOCK_OUT


def kinds_available(state: AttendanceState) -> list[PunchKind]:
    """The punches a person may make from ``state``, the usual one first."""
    return {AttendanceState.OUT: [PunchKind.CLOCK_IN],
            AttendanceState.IN: [PunchKind.BREAK_START, PunchKind.CLOCK_OUT],
            AttendanceState.ON_BREAK: [PunchKind.BREAK_END, PunchKind.CLOCK_OUT]}[state]
