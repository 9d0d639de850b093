"""The PIN-guessing rule (app.domain.login_throttle): waits, lock, forgetting, who clears a lock."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.login_throttle import (
    ACCOUNT_POLICY,
    DEVICE_POLICY,
    Counter,
    Verdict,
    after_failure,
    check,
    require_may_manage_sign_in,
    worst,
)
from app.domain.roles import Actor, Role

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def fail_times(n: int, policy=ACCOUNT_POLICY) -> tuple[Counter, datetime]:
    """``n`` wrong PINs, each as soon as allowed: the counter and the time of the last."""
    counter, now = Counter(), T0
    for _ in range(n):
        verdict = check(counter, policy, now)
        now += timedelta(seconds=verdict.retry_after_s)
        assert check(counter, policy, now).allowed
        counter = after_failure(counter, policy, now)
    return counter, now


def test_account_waits_grow_then_lock_for_a_day():
    """Four typos are free; then 30 s, 1, 2, 4, 8 min; the tenth wrong PIN locks for a day."""
    waits = []
    for n in range(1, 11):
        counter, now = fail_times(n)
        waits.append(check(counter, ACCOUNT_POLICY, now).retry_after_s)
    assert waits == [0, 0, 0, 30, 60, 120, 240, 480, 900, 86400]
    counter, now = fail_times(10)
    assert check(counter, ACCOUNT_POLICY, now) == Verdict(allowed=False, retry_after_s=86400, locked=True)
    # Guessing a 4-digit PIN takes over a year at this pace.
    assert sum(waits) > 86400 and ACCOUNT_POLICY.wait_after(11) == 86400


def test_refusal_counts_down_and_is_never_zero():
    """While refused, the wait shown shrinks with time and is at least one second."""
    counter, now = fail_times(5)
    assert check(counter, ACCOUNT_POLICY, now + timedelta(seconds=59.5)).retry_after_s == 1
    assert check(counter, ACCOUNT_POLICY, now + timedelta(seconds=20)).retry_after_s == 40
    assert check(counter, ACCOUNT_POLICY, now + timedelta(seconds=60)).allowed


def test_old_typos_are_forgotten_but_a_lock_is_not():
    """Failures a day old no longer count, unless they locked the account."""
    counter, now = fail_times(6)
    later = now + timedelta(seconds=ACCOUNT_POLICY.forget_after_s)
    assert after_failure(counter, ACCOUNT_POLICY, later).failures == 1
    locked, now = fail_times(10)
    assert after_failure(locked, ACCOUNT_POLICY, now + timedelta(days=2)).failures == 11
    assert check(locked, ACCOUNT_POLICY, now + timedelta(hours=23)).locked


def test_device_is_slowed_never_locked():
    """A device (a shared phone, a kiosk) gets ten free failures, then growing waits capped at 15 min."""
    assert [DEVICE_POLICY.wait_after(n) for n in (9, 10, 11, 20, 200)] == [0, 30, 60, 900, 900]
    counter, now = fail_times(40, DEVICE_POLICY)
    assert not check(counter, DEVICE_POLICY, now).locked


def test_worst_verdict_wins():
    """The account's and the device's verdicts combine: the longer wait, locked if either is."""
    assert worst([Verdict(True), Verdict(True)]).allowed
    combined = worst([Verdict(False, 30), Verdict(False, 86400, locked=True), Verdict(True)])
    assert combined == Verdict(False, 86400, locked=True)


MK_MANAGER = Actor("u-sm-mk", Role.STORE_MANAGER, frozenset({"st-mk"}))
AREA = Actor("u-am-kln", Role.AREA_MANAGER, frozenset({"st-mk", "st-tst"}))
HQ = Actor("u-hq", Role.HQ_ADMIN, frozenset({"st-cwb", "st-mk", "st-st", "st-tst"}))
STAFF = Actor("u-s03", Role.STAFF, frozenset({"st-mk"}))


@pytest.mark.parametrize(("actor", "subject", "role", "stores", "allowed"), [
    (MK_MANAGER, "u-s03", Role.STAFF, ["st-mk"], True),
    (MK_MANAGER, "u-s06", Role.STAFF, ["st-tst", "st-mk"], True),
    (MK_MANAGER, "u-s01", Role.STAFF, ["st-cwb"], False),
    (MK_MANAGER, "u-sm-tst", Role.STORE_MANAGER, ["st-mk"], False),
    (AREA, "u-sm-mk", Role.STORE_MANAGER, ["st-mk"], True),
    (HQ, "u-am-kln", Role.AREA_MANAGER, [], True),
    (STAFF, "u-s04", Role.STAFF, ["st-mk"], False),
    (MK_MANAGER, "u-sm-mk", Role.STORE_MANAGER, ["st-mk"], False),
    (HQ, "u-hq", Role.HQ_ADMIN, [], False),
], ids=["own-store-staff", "staff-of-two-stores", "other-store", "peer-manager", "area-over-store",
        "hq-anyone", "staff-cannot", "not-own-lock", "hq-not-own-lock"])
def test_who_may_clear_a_lock(actor, subject, role, stores, allowed):
    """A manager above the person in one of their stores, or HQ, clears a lock; nobody their own."""
    if allowed:
        require_may_manage_sign_in(actor, subject, role, stores)
    else:
        with pytest.raises(AccessDenied) as exc:
            require_may_manage_sign_in(actor, subject, role, stores)
        assert exc.value.reason == "forbidden_role"


def test_a_free_try_is_never_refused_for_a_clock_a_hair_behind():
    """Within the free tries, a check stamped just before the last failure (another worker's
    clock, or a try that waited for the row lock) is still allowed."""
    counter = Counter(failures=1, last_failure_at=T0)
    assert check(counter, ACCOUNT_POLICY, T0 - timedelta(microseconds=50)).allowed
    assert check(counter, DEVICE_POLICY, T0 - timedelta(milliseconds=3)).allowed
