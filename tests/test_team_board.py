"""app.domain.team_board: who is on the manager's Team board today, under which store."""

from datetime import UTC, datetime, timedelta

from app.domain import attendance, team_board
from app.domain.attendance import Punch, PunchKind, ShiftWindow

START = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # midnight in Hong Kong
END = START + timedelta(days=1)
NOW = START + timedelta(hours=12)


def _lines(shifts, punches):
    people = team_board.people_on_today(shifts, punches, START, END)
    return attendance.attendance_today(people, shifts, punches, NOW, attendance.ShiftRules())


def test_a_clock_in_off_the_roster_is_on_the_board_flagged_unscheduled():
    """Someone who clocked in without a shift shows as in, flagged "unscheduled", under the
    store where they clocked in, next to the rostered people."""
    shifts = [ShiftWindow("sh-1", "u-s01", "st-cwb", START + timedelta(hours=9), START + timedelta(hours=18))]
    punches = [Punch("pu-1", "u-s01", "st-cwb", PunchKind.CLOCK_IN, START + timedelta(hours=9)),
               Punch("pu-2", "u-s08", "st-cwb", PunchKind.CLOCK_IN, START + timedelta(hours=10),
                     flags=("unscheduled",))]
    groups = team_board.board(_lines(shifts, punches), shifts, punches, START, END, {"u-s08": "st-st"})
    rows = {r.line.user_id: r for r in groups["st-cwb"]}
    assert set(rows) == {"u-s01", "u-s08"}
    assert rows["u-s08"].line.status == "in" and "unscheduled" in rows["u-s08"].line.flags
    assert rows["u-s08"].shifts == () and rows["u-s08"].last_punch.id == "pu-2"
    assert rows["u-s01"].shifts[0].id == "sh-1"


def test_people_are_grouped_by_the_store_of_their_shift():
    """An area manager's board has one group per store, each person under today's shift's store."""
    shifts = [ShiftWindow("sh-1", "u-s01", "st-cwb", START + timedelta(hours=9), START + timedelta(hours=18)),
              ShiftWindow("sh-2", "u-s07", "st-st", START + timedelta(hours=13), START + timedelta(hours=22))]
    groups = team_board.board(_lines(shifts, []), shifts, [], START, END, {})
    assert {sid: [r.line.user_id for r in rows] for sid, rows in groups.items()} == {
        "st-cwb": ["u-s01"], "st-st": ["u-s07"]}
