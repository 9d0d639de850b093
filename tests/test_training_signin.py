"""Issue 13, trainsign: the sign-in rules (app.domain.training.signin, .sessions). Table tests:
every refusal reason reached, the order of the checks, on time vs late at the boundary, the
window's ends, sign-out, the trainer's manual addition, and an offline sign-in judged on sync
at its recorded (drift-corrected) time."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

from app.domain.access import AccessDenied
from app.domain.clock import assess_event_time
from app.domain.geofence import Fence, Fix, GeofenceVerdict
from app.domain.roles import Actor, Role
from app.domain.training import codes as c
from app.domain.training import sessions as s
from app.domain.training import signin as si
from app.domain.training.sessions import Roll, TrainingSession
from app.domain.training.signin import Attempt, Outcome

SECRET = bytes(range(32))
START = datetime(2026, 12, 2, 10, 0, 7, tzinfo=UTC)  # not on a 30-second step: steps and window differ
END = START + timedelta(hours=2)
ROOM = Fence("st-1", 22.2819, 114.1582, 80.0)
SESSION = TrainingSession("ts-1", "u-trainer", ROOM, START, END, capacity=3, sign_out_required=True)
NOBODY = Roll()


def fix(at: datetime, metres: float = 0.0, accuracy: float = 10.0, **kw) -> Fix:
    p = geodesic(meters=metres).destination((ROOM.latitude, ROOM.longitude), 90) if metres else None
    lat, lon = (p.latitude, p.longitude) if p else (ROOM.latitude, ROOM.longitude)
    return Fix(lat, lon, accuracy, at, **kw)


def attempt(at: datetime, user: str = "u-1", role: str = "staff", code: str | None = None, **kw) -> Attempt:
    kw.setdefault("fix", fix(at))
    return Attempt(user, role, c.code_at(SECRET, at) if code is None else code, at, **kw)


def sign_in(at: datetime, session: TrainingSession = SESSION, roll: Roll = NOBODY, **kw) -> si.SignInDecision:
    return si.check_sign_in(session, roll, attempt(at, **kw), SECRET)


def test_sign_in_on_time_then_late_at_the_boundary():
    """Up to and including start + late allowance a sign-in is on time; a second later it is late."""
    boundary = SESSION.on_time_until
    assert boundary == START + s.DEFAULT_LATE_ALLOWANCE
    assert sign_in(START - timedelta(minutes=10)).outcome is Outcome.ON_TIME
    assert sign_in(boundary).outcome is Outcome.ON_TIME
    late = sign_in(boundary + timedelta(seconds=1))
    assert late.outcome is Outcome.LATE and late.accepted and late.reason is None
    assert sign_in(SESSION.sign_in_closes).outcome is Outcome.LATE


def test_window_ends_are_included():
    """Sign-in opens at start - early margin and closes at start + late margin, both moments included."""
    opens, closes = SESSION.sign_in_opens, SESSION.sign_in_closes
    assert (opens, closes) == (START - s.DEFAULT_EARLY_MARGIN, START + s.DEFAULT_LATE_MARGIN)
    assert sign_in(opens).accepted and sign_in(closes).accepted
    assert sign_in(opens - timedelta(seconds=1)).reason == si.REASON_NOT_OPEN_YET
    assert sign_in(closes + timedelta(seconds=1)).reason == si.REASON_CLOSED


def test_sign_in_closes_by_the_end_of_a_short_session():
    """A session shorter than its late margin stops taking sign-ins when it ends."""
    short = replace(SESSION, ends_at=START + timedelta(minutes=20))
    assert short.sign_in_closes == short.ends_at
    assert sign_in(short.ends_at + timedelta(seconds=1), short).reason == si.REASON_CLOSED


MID = START + timedelta(minutes=2)
OTHER_CODE = c.code_at(bytes(range(1, 33)), MID)
EXPIRED_CODE = c.code_at(SECRET, MID - timedelta(minutes=2))

#: One attempt per refusal reason: (reason, session changes, roll, attempt changes).
REFUSALS = [
    (si.REASON_SESSION_CANCELLED, dict(cancelled=True), NOBODY, {}),
    (si.REASON_ALREADY_SIGNED_IN, {}, Roll(frozenset({"u-1"})), {}),
    (si.REASON_NOT_INVITED, dict(invite_only=True, invited_user_ids=frozenset({"u-2"})), NOBODY, {}),
    (c.REASON_CODE_MALFORMED, {}, NOBODY, dict(code="12345")),
    (c.REASON_CODE_WRONG, {}, NOBODY, dict(code=OTHER_CODE)),
    (c.REASON_CODE_EXPIRED, {}, NOBODY, dict(code=EXPIRED_CODE)),
    (si.REASON_NOT_OPEN_YET, dict(starts_at=MID + timedelta(minutes=16)), NOBODY, {}),
    (si.REASON_CLOSED, dict(starts_at=MID - timedelta(minutes=31)), NOBODY, {}),
    (si.REASON_NO_LOCATION, {}, NOBODY, dict(fix=None)),
    (si.REASON_LOCATION_MOCKED, {}, NOBODY, dict(fix=fix(MID, mocked=True))),
    (si.REASON_LOCATION_INACCURATE, {}, NOBODY, dict(fix=fix(MID, accuracy=150.0))),
    (si.REASON_LOCATION_STALE, {}, NOBODY, dict(fix=fix(MID - timedelta(minutes=5)))),
    (si.REASON_LOCATION_STALE, {}, NOBODY, dict(fix=fix(MID + timedelta(minutes=5)))),  # a fix from the future
    (si.REASON_OUTSIDE_FENCE, {}, NOBODY, dict(fix=fix(MID, metres=2_000))),
    (si.REASON_SESSION_FULL, {}, Roll(frozenset({"u-a", "u-b", "u-c"})), {}),
]


@pytest.mark.parametrize("reason, session_changes, roll, attempt_changes", REFUSALS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REFUSALS)])
def test_each_refusal_reason_is_reached(reason, session_changes, roll, attempt_changes):
    """Each rule refuses with its own reason, and only that one, when it alone is broken."""
    session = replace(SESSION, **session_changes)
    decision = si.check_sign_in(session, roll, replace(attempt(MID), **attempt_changes), SECRET)
    assert decision.outcome is Outcome.REFUSED and not decision.accepted
    assert decision.reason == reason and decision.message


def test_the_table_names_every_sign_in_refusal():
    """No sign-in refusal code is left untested by the table above."""
    sign_in_codes = {si.REASON_SESSION_CANCELLED, si.REASON_ALREADY_SIGNED_IN, si.REASON_NOT_INVITED,
                     si.REASON_NOT_OPEN_YET, si.REASON_CLOSED, si.REASON_NO_LOCATION, si.REASON_LOCATION_MOCKED,
                     si.REASON_LOCATION_INACCURATE, si.REASON_LOCATION_STALE, si.REASON_OUTSIDE_FENCE,
                     si.REASON_SESSION_FULL, c.REASON_CODE_MALFORMED, c.REASON_CODE_WRONG, c.REASON_CODE_EXPIRED}
    assert {r[0] for r in REFUSALS} == sign_in_codes


def test_checks_run_in_the_documented_order():
    """Several broken rules: the first of cancelled, signed in, invited, code, window, place, seats is given."""
    everything_wrong = replace(attempt(START + timedelta(hours=5), code="999999"), fix=None)
    full_roll = Roll(frozenset({"u-1", "u-a", "u-b"}))
    closed_invite_only = replace(SESSION, invite_only=True, invited_roles=frozenset({"store_manager"}))
    steps = [
        (replace(closed_invite_only, cancelled=True), full_roll, si.REASON_SESSION_CANCELLED),
        (closed_invite_only, full_roll, si.REASON_ALREADY_SIGNED_IN),
        (closed_invite_only, Roll(frozenset({"u-a", "u-b", "u-c"})), si.REASON_NOT_INVITED),
        (SESSION, Roll(frozenset({"u-a", "u-b", "u-c"})), c.REASON_CODE_WRONG),
    ]
    for session, roll, reason in steps:
        assert si.check_sign_in(session, roll, everything_wrong, SECRET).reason == reason
    late_no_fix = replace(everything_wrong, code=c.code_at(SECRET, everything_wrong.at))
    assert si.check_sign_in(SESSION, NOBODY, late_no_fix, SECRET).reason == si.REASON_CLOSED
    in_time_no_fix = replace(attempt(MID), fix=None)
    assert si.check_sign_in(SESSION, Roll(frozenset({"u-a", "u-b", "u-c"})), in_time_no_fix,
                            SECRET).reason == si.REASON_NO_LOCATION


def test_invited_by_name_or_by_role():
    """An invite-only session takes the people named and everyone of the roles named."""
    session = replace(SESSION, invite_only=True, invited_user_ids=frozenset({"u-1"}),
                      invited_roles=frozenset({"store_manager"}))
    assert sign_in(MID, session).accepted
    assert sign_in(MID, session, user="u-9", role=Role.STORE_MANAGER).accepted
    assert sign_in(MID, session, user="u-9").reason == si.REASON_NOT_INVITED


def test_near_the_fence_edge_is_accepted_and_kept_for_the_list():
    """A fix whose circle straddles the fence is accepted, as for clock-in; the verdict is kept."""
    decision = sign_in(MID, fix=fix(MID, metres=75, accuracy=20))
    assert decision.accepted and decision.geofence.verdict is GeofenceVerdict.UNCERTAIN
    assert sign_in(MID).geofence.verdict is GeofenceVerdict.INSIDE


def test_location_accuracy_follows_the_chain_rules():
    """The chain's clock-in accuracy limit applies: a 60 m fix passes by default, not under a 50 m rule."""
    rough = attempt(MID, fix=fix(MID, accuracy=60))
    assert si.check_sign_in(replace(SESSION, fence=replace(ROOM, radius_m=200)), NOBODY, rough, SECRET).accepted
    strict = si.LocationRules(max_accuracy_m=50)
    assert si.check_sign_in(SESSION, NOBODY, rough, SECRET, strict).reason == si.REASON_LOCATION_INACCURATE


def test_previous_code_accepted_at_a_step_change():
    """A code read just before it changed, recorded just after, is accepted (the grace step)."""
    step_start = datetime.fromtimestamp(c.time_step(MID) * c.STEP_S, UTC)
    shown = c.code_at(SECRET, step_start - timedelta(seconds=1))
    assert sign_in(step_start + timedelta(seconds=2), code=shown).accepted
    assert sign_in(step_start + timedelta(seconds=32), code=shown).reason == c.REASON_CODE_EXPIRED


def test_staff_phone_without_the_secret_checks_only_the_form():
    """The staff phone holds no secret: it refuses a malformed code, the rest waits for the server."""
    wrong = attempt(MID, code=OTHER_CODE)
    assert si.check_sign_in(SESSION, NOBODY, wrong, None).outcome is Outcome.ON_TIME
    assert si.check_sign_in(SESSION, NOBODY, wrong, SECRET).reason == c.REASON_CODE_WRONG
    assert si.check_sign_in(SESSION, NOBODY, attempt(MID, code="12 34"), None).reason == c.REASON_CODE_MALFORMED


def _synced(event_device: datetime, received_at: datetime, elapsed: timedelta, boot_same: bool = True):
    """The server's drift-corrected estimate of an event pushed ``elapsed`` after it happened."""
    return assess_event_time(
        event_device_time=event_device, event_monotonic_ms=1_000, event_boot_id="b1",
        sent_device_time=event_device + elapsed, sent_monotonic_ms=1_000 + int(elapsed / timedelta(milliseconds=1)),
        sent_boot_id="b1" if boot_same else "b2", received_at=received_at)


def test_offline_sign_in_inside_the_window_accepted_when_it_arrives_after_it_closed():
    """A phone offline in the room records the code at 10:02; it syncs at 15:00, long after sign-in
    closed: the code and the window are judged at the recorded time, so it is accepted on time.
    The phone's clock is 7 minutes slow: the monotonic clock gives the real time."""
    real = MID
    slow = timedelta(minutes=7)
    device_at = real - slow
    received = START + timedelta(hours=5)
    timing = _synced(device_at, received, received - real)
    assert timing.estimated_time == real and timing.drifted
    recorded = Attempt("u-1", "staff", c.code_at(SECRET, real), timing.estimated_time,
                       fix(device_at), device_time=device_at)
    assert received > SESSION.sign_in_closes
    assert si.check_sign_in(SESSION, NOBODY, recorded, SECRET).outcome is Outcome.ON_TIME


def test_offline_recorded_time_outside_the_window_refused():
    """A code recorded offline is checked at its recorded time, and that time itself must lie in the
    window: a valid code recorded after sign-in closed is refused, however it is synced."""
    after = SESSION.sign_in_closes + timedelta(minutes=1)
    timing = _synced(after, after + timedelta(hours=1), timedelta(hours=1))
    recorded = Attempt("u-1", "staff", c.code_at(SECRET, after), timing.estimated_time, fix(after))
    assert si.check_sign_in(SESSION, NOBODY, recorded, SECRET).reason == si.REASON_CLOSED


def test_offline_code_typed_later_from_a_photo_refused():
    """A code passed on as a photo and typed offline ten minutes later does not match its recorded time."""
    later = MID + timedelta(minutes=10)
    recorded = Attempt("u-1", "staff", c.code_at(SECRET, MID), later, fix(later))
    assert si.check_sign_in(SESSION, NOBODY, recorded, SECRET).reason == c.REASON_CODE_EXPIRED


SIGNED_IN = Roll(frozenset({"u-1"}))
END_MID = END - timedelta(minutes=2)


def sign_out(at: datetime, session: TrainingSession = SESSION, roll: Roll = SIGNED_IN, **kw) -> si.SignInDecision:
    return si.check_sign_out(session, roll, attempt(at, **kw), SECRET)


def test_sign_out_at_the_end():
    """Someone signed in signs out with the current code, at the place, near the end."""
    assert sign_out(END_MID).outcome is Outcome.SIGNED_OUT
    assert sign_out(SESSION.sign_out_opens).accepted and sign_out(SESSION.sign_out_closes).accepted
    assert SIGNED_IN.with_sign_out("u-1").signed_out == {"u-1"}


@pytest.mark.parametrize("reason, session, roll, at, changes", [
    (si.REASON_SESSION_CANCELLED, replace(SESSION, cancelled=True), SIGNED_IN, END_MID, {}),
    (si.REASON_NO_SIGN_OUT, replace(SESSION, sign_out_required=False), SIGNED_IN, END_MID, {}),
    (si.REASON_NOT_SIGNED_IN, SESSION, NOBODY, END_MID, {}),
    (si.REASON_ALREADY_SIGNED_OUT, SESSION, SIGNED_IN.with_sign_out("u-1"), END_MID, {}),
    (c.REASON_CODE_WRONG, SESSION, SIGNED_IN, END_MID, dict(code=OTHER_CODE)),
    (si.REASON_SIGN_OUT_TOO_EARLY, SESSION, SIGNED_IN, SESSION.sign_out_opens - timedelta(seconds=1), {}),
    (si.REASON_CLOSED, SESSION, SIGNED_IN, SESSION.sign_out_closes + timedelta(seconds=1), {}),
    (si.REASON_OUTSIDE_FENCE, SESSION, SIGNED_IN, END_MID, dict(fix=fix(END_MID, metres=2_000))),
])
def test_sign_out_refusals(reason, session, roll, at, changes):
    """Sign-out only after signing in, once, with the code, inside the end margin, at the place."""
    decision = si.check_sign_out(session, roll, replace(attempt(at), **changes), SECRET)
    assert decision.outcome is Outcome.REFUSED and decision.reason == reason


def test_manual_add_by_the_trainer():
    """The trainer adds someone by hand with a reason: no code, place or invitation is asked."""
    invite_only = replace(SESSION, invite_only=True, invited_user_ids=frozenset({"u-2"}))
    decision = si.check_manual_add(invite_only, NOBODY, "u-1", "Phone battery dead", MID)
    assert decision.outcome is Outcome.MANUAL and decision.accepted
    assert si.check_manual_add(SESSION, NOBODY, "u-1", "Left early", SESSION.manual_add_closes).accepted


@pytest.mark.parametrize("reason, text, session, roll, at", [
    (si.REASON_MANUAL_REASON_REQUIRED, "", SESSION, NOBODY, MID),
    (si.REASON_MANUAL_REASON_REQUIRED, "  ok  ", SESSION, NOBODY, MID),
    (si.REASON_SESSION_CANCELLED, "Phone dead", replace(SESSION, cancelled=True), NOBODY, MID),
    (si.REASON_ALREADY_SIGNED_IN, "Phone dead", SESSION, SIGNED_IN, MID),
    (si.REASON_NOT_OPEN_YET, "Phone dead", SESSION, NOBODY, SESSION.sign_in_opens - timedelta(seconds=1)),
    (si.REASON_CLOSED, "Phone dead", SESSION, NOBODY, SESSION.manual_add_closes + timedelta(seconds=1)),
    (si.REASON_SESSION_FULL, "Phone dead", SESSION, Roll(frozenset({"u-a", "u-b", "u-c"})), MID),
])
def test_manual_add_refusals(reason, text, session, roll, at):
    """A manual addition needs a reason (checked first), a session not cancelled, not yet on the
    roll, between the opening and the manual-add limit, and a free seat."""
    assert si.check_manual_add(session, roll, "u-1", text, at).reason == reason


def test_who_runs_the_roll():
    """The session's trainer and the store's managers add people; staff and other stores' managers do not."""
    s.require_runs(Actor("u-trainer", Role.STAFF, frozenset({"st-9"})), SESSION)
    s.require_runs(Actor("u-m", Role.STORE_MANAGER, frozenset({"st-1"})), SESSION)
    staff = Actor("u-1", Role.STAFF, frozenset({"st-1"}))
    other_manager = Actor("u-m2", Role.STORE_MANAGER, frozenset({"st-2"}))
    for actor in (staff, other_manager):
        with pytest.raises(AccessDenied) as err:
            s.require_runs(actor, SESSION)
        assert err.value.reason == "forbidden_role"


@pytest.mark.parametrize("changes", [
    dict(ends_at=START),
    dict(ends_at=START + timedelta(hours=13)),
    dict(starts_at=datetime(2026, 12, 2, 10)),
    dict(early_margin=timedelta(minutes=-1)),
    dict(late_margin=timedelta(hours=5)),
    dict(late_allowance=timedelta(minutes=40)),  # on time after sign-in closed
    dict(manual_add_margin=timedelta(days=8)),
    dict(capacity=0),
    dict(invite_only=True),  # nobody invited
])
def test_a_session_that_cannot_run_is_refused(changes):
    """Times out of order or too long, negative or huge margins, no seats, invite-only with no invitees."""
    bad = replace(SESSION, **changes)
    assert s.session_problem(bad)
    with pytest.raises(AccessDenied) as err:
        s.check_session(bad)
    assert err.value.reason == s.REASON_BAD_SESSION
    assert s.session_problem(SESSION) is None


def test_the_sign_in_rules_are_pure_domain_code():
    """app/domain/training's sign-in modules import no database, network, UI or wire-format module,
    and the code module only the standard library (the trainer's phone runs it on Pyodide)."""
    import ast
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "app" / "domain" / "training"
    for name in ("__init__", "codes", "sessions", "signin"):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        outside = {m for m in imported
                   if not m.startswith("app.domain") and m.split(".")[0] not in sys.stdlib_module_names}
        assert outside == set(), (name, outside)
        if name == "codes":
            assert all(m.split(".")[0] in sys.stdlib_module_names for m in imported), imported
