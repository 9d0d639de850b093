"""The manager's Team board: who is on today, with their shifts and punches, store by store.

``attendance.attendance_today`` says each person's status; this module decides *who* is on
the board (rostered today, or clocked in today without a shift: a manager must see those)
and under which store each person is shown.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from app.domain.attendance import AttendanceLine, Punch, ShiftWindow


@dataclass(frozen=True)
class TeamRow:
    """One person on the board: their status line, today's shifts and today's punches."""

    line: AttendanceLine
    store_id: str | None
    shifts: tuple[ShiftWindow, ...]
    punches: tuple[Punch, ...]

    @property
    def last_punch(self) -> Punch | None:
        return self.punches[-1] if self.punches else None


def _today(items, start: datetime, end: datetime, when) -> list:
    return [i for i in items if start <= when(i) < end]


def people_on_today(shifts: Iterable[ShiftWindow], punches: Iterable[Punch], start: datetime,
                    end: datetime) -> list[str]:
    """Who belongs on today's board: rostered today, or punched today (also off the roster).

    In order of their first shift, then of their first punch; each person once.
    """
    rostered = [s.user_id for s in sorted(shifts, key=lambda s: (s.starts_at, s.id))
                if s.starts_at < end and s.ends_at > start]
    punched = [p.user_id for p in sorted(_today(punches, start, end, lambda p: p.at), key=lambda p: p.at)]
    return list(dict.fromkeys(rostered + punched))


def board(lines: Iterable[AttendanceLine], shifts: Iterable[ShiftWindow], punches: Iterable[Punch],
          start: datetime, end: datetime, home_stores: Mapping[str, str | None]) -> dict[str | None, list[TeamRow]]:
    """Today's rows grouped by store, stores in order of first appearance.

    A person shows under the store of today's first shift, else of their latest punch
    today (a clock-in off the roster), else their home store.
    """
    shifts, punches = list(shifts), list(punches)
    groups: dict[str | None, list[TeamRow]] = {}
    for line in lines:
        own_shifts = tuple(sorted((s for s in shifts if s.user_id == line.user_id and s.starts_at < end
                                   and s.ends_at > start), key=lambda s: (s.starts_at, s.id)))
        own_punches = tuple(sorted((p for p in _today(punches, start, end, lambda p: p.at)
                                    if p.user_id == line.user_id), key=lambda p: (p.at, p.id)))
        if own_shifts:
            store_id = own_shifts[0].store_id
        elif own_punches:
            store_id = own_punches[-1].store_id
        else:
            store_id = home_stores.get(line.user_id)
        groups.setdefault(store_id, []).append(TeamRow(line, store_id, own_shifts, own_punches))
    return groups
