"""Clock in and out: the punch state machine, shift rules, corrections and the today view."""

import itertools
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.attendance import (
    HONG_KONG,
    AttendanceState,
    AttendanceStatus,
    Punch,
    PunchCorrection,
    PunchKind,
    ShiftRules,
    ShiftWindow,
    apply_corrections,
    attendance_today,
    check_punch,
    find_shift,
    missing_clock_outs,
    shift_for_clock_in,
    shift_for_punch,
    state_of,
    walk,
)

HK = ZoneInfo("Asia/Hong_Kong")
RULES = ShiftRules()
IN, OUT = PunchKind.CLOCK_IN, PunchKind.CLOCK_OUT
B_START, B_END = PunchKind.BREAK_START, PunchKind.BREAK_END
_ids = itertools.count()


def hk(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=HK)


def punch(kind, at, user="u1", shift_id=None, flags=(), pid=None) -> Punch:
    return Punch(pid or f"p{next(_ids)}", user, "central", kind, at, shift_id, tuple(flags))


def shift(start, end, user="u1", sid="s1") -> ShiftWindow:
    return ShiftWindow(sid, user, "central", start, end)


SHIFT = shift(hk(25, 9), hk(25, 18))


def check(kind, at, punches=(), shift_=SHIFT, rules=RULES):
    return check_punch(kind, at, punches=list(punches), shift=shift_, rules=rules)


def fix(**kw) -> PunchCorrection:
    base = dict(new_time=hk(25, 18), reason="forgot to clock out", by_user="mgr", at=hk(26, 9))
    return PunchCorrection(**{**base, **kw})


# --- values ---------------------------------------------------------------------------


def test_defaults_match_the_issue():
    """Default rules: open 60 min before, 5 min late grace, no early-leave grace, 2 h to flag."""
    assert RULES.open_before == timedelta(minutes=60)
    assert RULES.late_grace == timedelta(minutes=5)
    assert RULES.early_leave_grace == timedelta(0)
    assert RULES.missing_clock_out_after == timedelta(hours=2)
    assert RULES.allow_unscheduled


def test_naive_times_and_backwards_shifts_and_negative_rules_are_rejected():
    """Punches and shifts need aware times; a shift must end after it starts; rules are non-negative."""
    with pytest.raises(ValueError):
        punch(IN, datetime(2026, 11, 25, 9))
    with pytest.raises(ValueError):
        shift(hk(25, 9), hk(25, 9))
    with pytest.raises(ValueError):
        ShiftRules(late_grace=timedelta(minutes=-1))


def test_punch_kind_strings_are_coerced():
    """A punch built from the wire string "clock_in" has the enum kind."""
    assert punch("clock_in", hk(25, 9)).kind is PunchKind.CLOCK_IN


# --- clock-in window and lateness -----------------------------------------------------


@pytest.mark.parametrize(("before", "allowed"), [
    (timedelta(minutes=61), False),
    (timedelta(minutes=60, seconds=1), False),
    (timedelta(minutes=60), True),
    (timedelta(minutes=59), True),
])
def test_clock_in_opens_exactly_sixty_minutes_before_the_shift(before, allowed):
    """Clock-in 61 min (or 60 min 1 s) before the shift is too early; 60 and 59 min before are allowed."""
    got = check(IN, SHIFT.starts_at - before)
    assert got.allowed is allowed
    assert got.reason == (None if allowed else "too_early")
    assert got.shift_id == "s1"
    if allowed:
        assert got.flags == ()


@pytest.mark.parametrize(("after", "late"), [
    (timedelta(0), False),
    (timedelta(minutes=4, seconds=59), False),
    (timedelta(minutes=5), False),
    (timedelta(minutes=5, seconds=1), True),
    (timedelta(hours=3), True),
])
def test_late_only_after_the_grace_period(after, late):
    """A clock-in exactly at start + 5 min is on time; one second later it is flagged late."""
    got = check(IN, SHIFT.starts_at + after)
    assert got.allowed
    assert ("late" in got.flags) is late


def test_configured_open_window_and_grace_are_used():
    """Custom rules (open 30 min before, 0 grace) move both boundaries."""
    rules = ShiftRules(open_before=timedelta(minutes=30), late_grace=timedelta(0))
    assert check(IN, hk(25, 8, 29), rules=rules).reason == "too_early"
    assert check(IN, hk(25, 8, 30), rules=rules).allowed
    assert check(IN, hk(25, 9, 0, 1), rules=rules).flags == ("late",)


def test_no_clock_in_while_already_in_or_on_break():
    """A second clock-in is refused already_clocked_in, whether in or on break."""
    first = punch(IN, hk(25, 9), shift_id="s1")
    assert check(IN, hk(25, 10), [first]).reason == "already_clocked_in"
    on_break = [first, punch(B_START, hk(25, 12))]
    got = check(IN, hk(25, 12, 30), on_break)
    assert (got.allowed, got.reason, got.shift_id) == (False, "already_clocked_in", "s1")


def test_clock_in_without_a_shift_is_allowed_but_flagged_unscheduled():
    """No shift: allowed and flagged unscheduled by default; refused no_shift when the chain forbids it."""
    got = check(IN, hk(25, 9), shift_=None)
    assert (got.allowed, got.flags, got.shift_id) == (True, ("unscheduled",), None)
    strict = ShiftRules(allow_unscheduled=False)
    got = check(IN, hk(25, 9), shift_=None, rules=strict)
    assert (got.allowed, got.reason) == (False, "no_shift")


def test_clock_in_after_the_shift_ended_says_so_unless_asked_unscheduled():
    """A clock-in at or after the given shift's end is refused shift_ended; asked unscheduled, it is flagged so."""
    assert (check(IN, SHIFT.ends_at).reason, check(IN, SHIFT.ends_at).shift_id) == ("shift_ended", SHIFT.id)
    got = check_punch(IN, SHIFT.ends_at, punches=[], shift=SHIFT, rules=RULES, unscheduled=True)
    assert (got.allowed, got.flags, got.shift_id) == (True, ("unscheduled",), None)


def test_returning_after_clocking_out_mid_shift_is_not_late_again():
    """Lateness applies to the first clock-in of a shift only."""
    earlier = [punch(IN, hk(25, 9), shift_id="s1"), punch(OUT, hk(25, 11), shift_id="s1")]
    got = check(IN, hk(25, 14), earlier)
    assert got.allowed and got.flags == () and got.shift_id == "s1"


# --- breaks and clock-out -------------------------------------------------------------


def test_break_rules():
    """Break start only while in, break end only while on break; refusal codes name the reason."""
    clocked_in = [punch(IN, hk(25, 9), shift_id="s1")]
    on_break = clocked_in + [punch(B_START, hk(25, 12))]
    assert check(B_START, hk(25, 12)).reason == "not_clocked_in"
    assert check(B_END, hk(25, 12)).reason == "not_clocked_in"
    assert check(B_END, hk(25, 12), clocked_in).reason == "not_on_break"
    assert check(B_START, hk(25, 12, 5), on_break).reason == "already_on_break"
    ok = check(B_START, hk(25, 12), clocked_in)
    assert (ok.allowed, ok.shift_id) == (True, "s1")
    assert check(B_END, hk(25, 13), on_break).allowed


def test_clock_out_needs_a_clock_in():
    """Clock-out while out is refused not_clocked_in."""
    assert check(OUT, hk(25, 18)).reason == "not_clocked_in"
    done = [punch(IN, hk(25, 9)), punch(OUT, hk(25, 18))]
    assert check(OUT, hk(25, 18, 5), done).reason == "not_clocked_in"


def test_clock_out_while_on_break_ends_the_break_at_clock_out():
    """Clock-out on break is allowed, flagged break_auto_ended, and the break closes at the clock-out."""
    punches = [punch(IN, hk(25, 9), shift_id="s1"), punch(B_START, hk(25, 17))]
    got = check(OUT, hk(25, 18), punches)
    assert got.allowed and got.flags == ("break_auto_ended",)
    session = walk(punches + [punch(OUT, hk(25, 18))]).sessions[0]
    assert session.breaks == ((hk(25, 17), hk(25, 18)),)
    assert session.worked == timedelta(hours=8)


@pytest.mark.parametrize(("grace", "before_end", "early"), [
    (timedelta(0), timedelta(0), False),
    (timedelta(0), timedelta(seconds=1), True),
    (timedelta(minutes=10), timedelta(minutes=10), False),
    (timedelta(minutes=10), timedelta(minutes=10, seconds=1), True),
])
def test_early_leave_before_shift_end_minus_grace(grace, before_end, early):
    """Clock-out before the shift end (minus the optional grace) is flagged early_leave; at the boundary it is not."""
    rules = ShiftRules(early_leave_grace=grace)
    got = check(OUT, SHIFT.ends_at - before_end, [punch(IN, hk(25, 9), shift_id="s1")], rules=rules)
    assert got.allowed
    assert ("early_leave" in got.flags) is early


def test_clock_out_without_shift_takes_the_open_sessions_shift_id():
    """With no shift passed, a clock-out reports the shift its clock-in was booked to."""
    got = check(OUT, hk(25, 18), [punch(IN, hk(25, 9), shift_id="s1")], shift_=None)
    assert (got.allowed, got.flags, got.shift_id) == (True, (), "s1")


# --- state machine --------------------------------------------------------------------


def test_state_follows_the_punches_in_time_order():
    """State is derived in time order, whatever order the punches arrive in."""
    p = [punch(B_START, hk(25, 12)), punch(IN, hk(25, 9))]
    assert state_of([]) is AttendanceState.OUT
    assert state_of(p[1:]) is AttendanceState.IN
    assert state_of(p) is AttendanceState.ON_BREAK
    assert state_of(p + [punch(B_END, hk(25, 13))]) is AttendanceState.IN
    assert state_of(p + [punch(OUT, hk(25, 18))]) is AttendanceState.OUT


def test_punches_that_fit_no_state_are_set_aside_as_stray():
    """A clock-out while out or a second clock-in is stray and does not change the state."""
    a, b = punch(OUT, hk(25, 8)), punch(IN, hk(25, 9))
    c, d = punch(IN, hk(25, 10)), punch(B_END, hk(25, 11))
    w = walk([a, b, c, d])
    assert w.stray == (a, c, d)
    assert w.state is AttendanceState.IN
    assert w.sessions[0].clock_in == b


_KINDS = st.sampled_from(list(PunchKind))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_KINDS, st.integers(1, 120)), max_size=30))
def test_punches_accepted_by_check_punch_follow_the_state_machine(attempts):
    """Applying only allowed punches never produces a stray punch, and state_of matches a reference model."""
    model = {
        (AttendanceState.OUT, IN): AttendanceState.IN,
        (AttendanceState.IN, B_START): AttendanceState.ON_BREAK,
        (AttendanceState.ON_BREAK, B_END): AttendanceState.IN,
        (AttendanceState.IN, OUT): AttendanceState.OUT,
        (AttendanceState.ON_BREAK, OUT): AttendanceState.OUT,
    }
    state, at, punches = AttendanceState.OUT, hk(25, 6), []
    for kind, minutes in attempts:
        at += timedelta(minutes=minutes)
        got = check_punch(kind, at, punches=punches, shift=None, rules=RULES)
        assert got.allowed is ((state, kind) in model)
        if got.allowed:
            state = model[(state, kind)]
            punches.append(punch(kind, at, flags=got.flags))
        assert state_of(punches) is state
    assert walk(punches).stray == ()


# --- which shift ----------------------------------------------------------------------


def test_find_shift_picks_the_window_containing_the_clock_in_with_the_nearest_start():
    """Of two overlapping windows the one starting nearest wins; outside every window there is none."""
    morning = shift(hk(25, 7), hk(25, 13), sid="am")
    afternoon = shift(hk(25, 12), hk(25, 20), sid="pm")
    shifts = [morning, afternoon]
    assert find_shift(hk(25, 6), shifts, RULES) is morning
    assert find_shift(hk(25, 5, 59), shifts, RULES) is None
    assert find_shift(hk(25, 11, 15), shifts, RULES) is afternoon
    assert find_shift(hk(25, 9, 29), shifts, RULES) is morning
    assert find_shift(hk(25, 20), shifts, RULES) is None


def test_arriving_hours_early_is_too_early_not_unscheduled():
    """shift_for_clock_in returns the upcoming shift so a 2 h early clock-in is refused too_early."""
    at = hk(25, 7)
    assert find_shift(at, [SHIFT], RULES) is None
    chosen = shift_for_clock_in(at, [SHIFT], RULES)
    assert chosen is SHIFT
    assert check(IN, at, shift_=chosen).reason == "too_early"
    assert shift_for_clock_in(hk(24, 20), [SHIFT], RULES) is None  # beyond the 12 h horizon


def test_shift_for_punch_picks_the_clock_in_shift_or_the_open_sessions_shift():
    """Clock-in: the shift being clocked into; later punches: the open session's shift; out: none."""
    morning = shift(hk(25, 7), hk(25, 13), sid="am")
    shifts = [morning, SHIFT]

    def pick(kind, at, punches):
        return shift_for_punch(kind, at, punches=punches, shifts=shifts, rules=RULES)

    assert pick("clock_in", hk(25, 6, 30), []) is morning
    clocked_in = [punch(IN, hk(25, 6, 30))]  # untagged: matched by time
    assert pick(OUT, hk(25, 12), clocked_in) is morning
    assert pick(OUT, hk(25, 12), [punch(IN, hk(25, 8, 30), shift_id="s1")]) is SHIFT
    assert pick(B_START, hk(25, 12), []) is None
    early = pick(OUT, hk(25, 12), clocked_in)
    got = check(OUT, hk(25, 12), clocked_in, shift_=early)
    assert got.flags == ("early_leave",) and got.shift_id == "am"


# --- corrections ----------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_correction_requires_a_reason(reason):
    """A correction with an empty or blank reason is rejected."""
    with pytest.raises(ValueError, match="reason"):
        fix(shift_id="s1", reason=reason)


def test_a_correction_targets_exactly_one_of_punch_or_shift():
    """Naming both a punch and a shift, or neither, is rejected; as are a missing manager and naive times."""
    with pytest.raises(ValueError):
        fix()
    with pytest.raises(ValueError):
        fix(punch_id="p", shift_id="s1")
    with pytest.raises(ValueError):
        fix(shift_id="s1", by_user="")
    with pytest.raises(ValueError):
        fix(shift_id="s1", new_time=datetime(2026, 11, 25, 18))


def test_corrections_move_punches_and_add_missing_ones_latest_wins():
    """A punch correction moves the punch; a shift correction adds the missing clock-out; the latest fix wins."""
    clock_in = punch(IN, hk(25, 9, 20), shift_id="s1", pid="in1")
    fixes = [
        fix(punch_id="in1", new_time=hk(25, 9), at=hk(26, 9)),
        fix(punch_id="in1", new_time=hk(25, 8, 55), at=hk(26, 10), reason="CCTV shows 08:55"),
        fix(shift_id="s1", new_time=hk(25, 18, 5)),
        fix(shift_id="other", new_time=hk(25, 18)),  # unknown shift: ignored
        fix(punch_id="nope", new_time=hk(25, 18)),  # unknown punch: ignored
    ]
    got = sorted(apply_corrections([clock_in], fixes, [SHIFT]), key=lambda p: p.at)
    assert [(p.kind, p.at, p.flags) for p in got] == [
        (IN, hk(25, 8, 55), ("corrected",)),
        (OUT, hk(25, 18, 5), ("corrected",)),
    ]
    assert got[1].id == "correction:s1:clock_out"
    assert (got[1].user_id, got[1].store_id, got[1].shift_id) == ("u1", "central", "s1")
    assert clock_in.at == hk(25, 9, 20)  # the original is untouched


def test_a_shift_correction_moves_an_existing_punch_of_that_kind():
    """A shift correction of a kind that exists moves that punch instead of adding one; other flags survive."""
    out = punch(OUT, hk(25, 23), shift_id="s1", flags=("outside",), pid="out1")
    got = apply_corrections([out], [fix(shift_id="s1", new_time=hk(25, 18))], [SHIFT])
    assert [(p.id, p.at, p.flags) for p in got] == [("out1", hk(25, 18), ("outside", "corrected"))]


# --- missing clock-outs ---------------------------------------------------------------


def test_missing_clock_out_is_flagged_two_hours_after_shift_end_but_not_before():
    """An open shift is not flagged at end + 1:59:59 and is flagged from end + 2:00 on."""
    punches = [punch(IN, hk(25, 9), shift_id="s1")]
    end = SHIFT.ends_at
    assert missing_clock_outs(punches, [SHIFT], end + timedelta(hours=2, seconds=-1), RULES) == []
    assert missing_clock_outs(punches, [SHIFT], end + timedelta(hours=2), RULES) == ["s1"]
    assert missing_clock_outs(punches, [SHIFT], end + timedelta(days=3), RULES) == ["s1"]


def test_missing_clock_out_ignores_closed_and_never_started_shifts_and_honours_fixes():
    """Closed shifts and absences are not missing clock-outs; a manager's fix clears the flag."""
    late_evening = hk(26, 12)
    other = shift(hk(25, 9), hk(25, 18), user="u2", sid="s2")
    absent = shift(hk(25, 9), hk(25, 18), user="u3", sid="s3")
    punches = [
        punch(IN, hk(25, 9), shift_id="s1"),
        punch(IN, hk(25, 9), user="u2", shift_id="s2"),
        punch(OUT, hk(25, 18), user="u2", shift_id="s2"),
    ]
    shifts = [SHIFT, other, absent]
    assert missing_clock_outs(punches, shifts, late_evening, RULES) == ["s1"]
    fixed = missing_clock_outs(punches, shifts, late_evening, RULES,
                               corrections=[fix(shift_id="s1")])
    assert fixed == []


def test_missing_clock_out_finds_the_shift_of_an_untagged_clock_in():
    """A clock-in without a shift id is matched to its shift by time."""
    punches = [punch(IN, hk(25, 8, 30))]
    assert missing_clock_outs(punches, [SHIFT], hk(25, 20), RULES) == ["s1"]


def test_missing_clock_out_threshold_is_configurable():
    """With missing_clock_out_after = 30 min the flag comes 30 min after the end."""
    rules = ShiftRules(missing_clock_out_after=timedelta(minutes=30))
    punches = [punch(IN, hk(25, 9), shift_id="s1")]
    assert missing_clock_outs(punches, [SHIFT], hk(25, 18, 29), rules) == []
    assert missing_clock_outs(punches, [SHIFT], hk(25, 18, 30), rules) == ["s1"]


# --- today view -----------------------------------------------------------------------


def _shifts_for(*users, start=hk(25, 9), end=hk(25, 18)):
    return [shift(start, end, user=u, sid=f"s-{u}") for u in users]


def test_today_statuses():
    """in, late, on_break, absent, not_yet and done, one per staff member, in the order given."""
    now = hk(25, 10)
    shifts = _shifts_for("in", "late", "break", "absent", "done") + [
        shift(hk(25, 14), hk(25, 22), user="later", sid="s-later")]
    punches = [
        punch(IN, hk(25, 8, 50), user="in", shift_id="s-in"),
        punch(IN, hk(25, 9, 12), user="late", shift_id="s-late", flags=("late",)),
        punch(IN, hk(25, 9), user="break", shift_id="s-break"),
        punch(B_START, hk(25, 9, 45), user="break"),
        punch(IN, hk(25, 8), user="done"),
        punch(OUT, hk(25, 9, 30), user="done"),
    ]
    users = ["in", "late", "break", "absent", "later", "done", "nobody"]
    lines = attendance_today(users, shifts, punches, now, RULES)
    got = {line.user_id: line for line in lines}
    assert [line.user_id for line in lines] == users[:-1]  # nothing today: left out
    assert got["in"].status is AttendanceStatus.IN
    assert got["in"].clocked_in_at == hk(25, 8, 50) and got["in"].late_minutes == 0
    assert got["late"].status is AttendanceStatus.LATE
    assert got["late"].late_minutes == 12 and got["late"].flags == ("late",)
    assert got["break"].status is AttendanceStatus.ON_BREAK
    assert got["absent"].status is AttendanceStatus.ABSENT
    assert got["absent"].clocked_in_at is None and got["absent"].shift_id == "s-absent"
    assert got["later"].status is AttendanceStatus.NOT_YET
    assert got["done"].status is AttendanceStatus.DONE
    assert got["done"].clocked_in_at == hk(25, 8)


def test_absent_only_once_start_plus_grace_has_passed():
    """At exactly start + 5 min a no-show is still not_yet; a second later absent."""
    shifts = _shifts_for("u1")
    at_grace = attendance_today(["u1"], shifts, [], hk(25, 9, 5), RULES)
    after = attendance_today(["u1"], shifts, [], hk(25, 9, 5, 1), RULES)
    assert at_grace[0].status is AttendanceStatus.NOT_YET
    assert after[0].status is AttendanceStatus.ABSENT


def test_today_passes_punch_flags_through_and_adds_missing_clock_out():
    """Server flags on today's punches reach the line, and an open shift 2 h past its end adds missing_clock_out."""
    shifts = [shift(hk(25, 9), hk(25, 13))]
    punches = [punch(IN, hk(25, 9), shift_id="s1", flags=("mocked_gps", "face_mismatch")),
               punch(B_START, hk(25, 11), flags=("outside", "mocked_gps"))]
    before = attendance_today(["u1"], shifts, punches, hk(25, 14, 59), RULES)[0]
    after = attendance_today(["u1"], shifts, punches, hk(25, 15), RULES)[0]
    assert before.status is AttendanceStatus.ON_BREAK
    assert before.flags == ("mocked_gps", "face_mismatch", "outside")
    assert after.flags == ("mocked_gps", "face_mismatch", "outside", "missing_clock_out")


def test_today_ignores_punches_after_now_and_honours_corrections():
    """Punches stamped after now do not count yet; a corrected clock-out makes the person done."""
    shifts = _shifts_for("u1")
    punches = [punch(IN, hk(25, 9), shift_id="s-u1"), punch(OUT, hk(25, 18), shift_id="s-u1")]
    assert attendance_today(["u1"], shifts, punches, hk(25, 12), RULES)[0].status is AttendanceStatus.IN
    open_only = punches[:1]
    fixed = attendance_today(["u1"], shifts, open_only, hk(25, 21), RULES,
                             corrections=[fix(shift_id="s-u1", new_time=hk(25, 18))])[0]
    assert fixed.status is AttendanceStatus.DONE
    assert fixed.flags == ("corrected",)


def test_today_uses_hong_kong_dates_for_utc_times():
    """At 16:30 UTC it is already tomorrow in Hong Kong: yesterday's finished shift is not today's."""
    day_shift = shift(datetime(2026, 11, 25, 1, tzinfo=UTC), datetime(2026, 11, 25, 10, tzinfo=UTC))
    punches = [punch(IN, datetime(2026, 11, 25, 1, tzinfo=UTC)),
               punch(OUT, datetime(2026, 11, 25, 10, tzinfo=UTC))]
    # 15:59 UTC = 23:59 HKT on the 25th: done today.
    lines = attendance_today(["u1"], [day_shift], punches, datetime(2026, 11, 25, 15, 59, tzinfo=UTC), RULES)
    assert lines[0].status is AttendanceStatus.DONE
    # 16:00 UTC = 00:00 HKT on the 26th: nothing today.
    assert attendance_today(["u1"], [day_shift], punches,
                            datetime(2026, 11, 25, 16, tzinfo=UTC), RULES) == []


def test_a_night_shift_from_yesterday_still_shows_after_midnight():
    """A 22:00-06:00 shift started yesterday: clocked in shows in at 01:00; not clocked in shows absent."""
    night = [shift(hk(24, 22), hk(25, 6), user=u, sid=f"n-{u}") for u in ("a", "b")]
    punches = [punch(IN, hk(24, 21, 55), user="a", shift_id="n-a")]
    lines = attendance_today(["a", "b"], night, punches, hk(25, 1), RULES)
    assert [(line.user_id, line.status) for line in lines] == [
        ("a", AttendanceStatus.IN), ("b", AttendanceStatus.ABSENT)]


def test_hong_kong_zone_has_no_summer_time():
    """Hong Kong is UTC+8 all year, matching the fixed-offset fallback."""
    for month in (1, 3, 4, 7, 10, 11):
        assert datetime(2026, month, 15, 12, tzinfo=HONG_KONG).utcoffset() == timedelta(hours=8)
    fixed = timezone(timedelta(hours=8))
    assert datetime(2026, 7, 1, tzinfo=HONG_KONG) == datetime(2026, 7, 1, tzinfo=fixed)
