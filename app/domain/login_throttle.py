"""PIN guessing: how long a staff number or a device must wait after wrong PINs, and when an
account is locked until a manager clears it.

A 4-digit PIN space falls in minutes without this. The rule is pure: the server keeps the
counters (so every worker sees the same ones) and asks :func:`check` before verifying a PIN.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role


@dataclass(frozen=True)
class ThrottlePolicy:
    """Thresholds of one kind of counter (per account or per device).

    Attributes:
        free_failures: wrong PINs in a row that cost nothing (typos happen).
        base_delay_s: the wait after the first failure past the free ones; it doubles each time.
        max_delay_s: the longest growing wait.
        lock_at: failures in a row that lock the account (``None``: never locked, only delayed).
        lock_s: how long a lock lasts unless a manager clears it first.
        forget_after_s: failures this old are forgotten (not while locked).
    """

    free_failures: int
    base_delay_s: int
    max_delay_s: int
    lock_at: int | None
    lock_s: int
    forget_after_s: int

    def wait_after(self, failures: int) -> int:
        """Seconds to wait after ``failures`` wrong PINs in a row before the next try."""
        if self.lock_at is not None and failures >= self.lock_at:
            return self.lock_s
        if failures < self.free_failures:
            return 0
        return min(self.max_delay_s, self.base_delay_s * 2 ** (failures - self.free_failures))

    def is_locked(self, failures: int) -> bool:
        return self.lock_at is not None and failures >= self.lock_at


#: Per staff number: 4 free tries, then 30 s, 1, 2, 4, 8 min; the 10th wrong PIN in a row locks
#: the account for a day (a manager can clear it sooner). At most ~11 guesses a day after that.
ACCOUNT_POLICY = ThrottlePolicy(free_failures=4, base_delay_s=30, max_delay_s=15 * 60,
                                lock_at=10, lock_s=24 * 3600, forget_after_s=24 * 3600)
#: Per device (a shared phone or a store kiosk sees many people's typos): delays only, no lock,
#: so one person guessing across many staff numbers is slowed without blocking the store.
DEVICE_POLICY = ThrottlePolicy(free_failures=10, base_delay_s=30, max_delay_s=15 * 60,
                               lock_at=None, lock_s=0, forget_after_s=3600)


@dataclass(frozen=True)
class Counter:
    """Wrong PINs in a row for one staff number or device, and when the last one came."""

    failures: int = 0
    last_failure_at: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether a PIN may be tried now; if not, how long to wait and whether it is a lock."""

    allowed: bool
    retry_after_s: int = 0
    locked: bool = False


def effective(counter: Counter, policy: ThrottlePolicy, now: datetime) -> Counter:
    """The counter as it stands at ``now``: old failures below the lock are forgotten."""
    if counter.last_failure_at is None or counter.failures == 0:
        return Counter()
    idle = (now - counter.last_failure_at).total_seconds()
    if not policy.is_locked(counter.failures) and idle >= policy.forget_after_s:
        return Counter()
    return counter


def check(counter: Counter, policy: ThrottlePolicy, now: datetime) -> Verdict:
    """May a PIN be tried now? A correct PIN tried too early is refused like a wrong one."""
    current = effective(counter, policy, now)
    wait_s = policy.wait_after(current.failures)
    # No wait means no wait, even when another worker's clock stamped the last failure a hair later.
    if current.last_failure_at is None or wait_s == 0:
        return Verdict(allowed=True)
    ready_at = current.last_failure_at + timedelta(seconds=wait_s)
    if now >= ready_at:
        return Verdict(allowed=True)
    # Round up: "wait 0 s" must never be said while the try would still be refused.
    wait = int((ready_at - now).total_seconds() + 0.999)
    return Verdict(allowed=False, retry_after_s=max(1, wait), locked=policy.is_locked(current.failures))


def after_failure(counter: Counter, policy: ThrottlePolicy, now: datetime) -> Counter:
    """The counter once one more wrong PIN is recorded at ``now``."""
    return Counter(failures=effective(counter, policy, now).failures + 1, last_failure_at=now)


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """Combine the account's and the device's verdicts: refused if either refuses."""
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return Verdict(allowed=True)
    return Verdict(allowed=False, retry_after_s=max(v.retry_after_s for v in refused),
                   locked=any(v.locked for v in refused))


def require_may_manage_sign_in(actor: Actor, subject_id: str, subject_role: Role,
                               subject_store_ids: Iterable[str]) -> None:
    """Who may clear a person's PIN lock or sign them out of every device: an HQ admin, or a
    manager above them in one of their stores.

    Never for oneself: someone else must vouch that the guesses were not the person's.
    """
    if subject_id == actor.user_id:
        raise AccessDenied("forbidden_role", "Another manager must do this for you.")
    if actor.role is Role.HQ_ADMIN:
        return
    if not actor.role.is_manager:
        raise AccessDenied("forbidden_role", "Only managers can do this.")
    if not actor.role.outranks(subject_role):
        raise AccessDenied("forbidden_role", "Only someone above this person can clear their lock.")
    if not actor.store_ids & set(subject_store_ids):
        raise AccessDenied("forbidden_role", "This person does not work at a store you manage.")
