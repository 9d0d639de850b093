"""Wrong-PIN counters per staff number and per device, kept in the server database so every
uvicorn worker sees the same ones. The policy itself is ``app.domain.login_throttle``."""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, true
from sqlalchemy.engine import Connection, Engine

from app.domain import login_throttle as rule
from app.protocol import Reason
from backend_stub import db
from backend_stub.errors import TooManyRequests

log = logging.getLogger(__name__)

ACCOUNT, DEVICE = "account", "device"
_POLICIES = {ACCOUNT: rule.ACCOUNT_POLICY, DEVICE: rule.DEVICE_POLICY}
_t = db.login_attempts


def account_key(staff_no: str) -> str:
    """Staff numbers are typed in any case; all spellings share one counter."""
    return staff_no.strip().upper()


def _ensure_rows(conn: Connection, keys: list[tuple[str, str]]) -> None:
    """Create missing counter rows without racing another worker doing the same."""
    for scope, key in keys:
        db.insert_missing(conn, _t, scope=scope, key=key, failures=0)


def _load(conn: Connection, scope: str, key: str) -> rule.Counter:
    # FOR UPDATE on PostgreSQL; SQLite's write transaction (BEGIN IMMEDIATE) already serialises.
    query = select(_t.c.failures, _t.c.last_failure_at).where(_t.c.scope == scope, _t.c.key == key)
    row = conn.execute(query.with_for_update()).first()
    if row is None:  # ``forget_idle`` deleted it since ``_ensure_rows``: a fresh counter again
        _ensure_rows(conn, [(scope, key)])
        row = conn.execute(query.with_for_update()).one()
    last = db.aware(row.last_failure_at) if row.last_failure_at is not None else None
    return rule.Counter(failures=row.failures, last_failure_at=last)


def _store(conn: Connection, scope: str, key: str, counter: rule.Counter) -> None:
    conn.execute(_t.update().where(_t.c.scope == scope, _t.c.key == key).values(
        failures=counter.failures, last_failure_at=counter.last_failure_at))


def reserve_attempt(engine: Engine, *, staff_no: str, device_id: str) -> None:
    """Refuse with 429 while the account or the device must wait; else count this try as failed.

    The try is counted before the PIN is checked, in its own committed transaction: parallel
    guesses all count, and the failed request's rollback cannot undo it. ``succeeded`` resets.
    """
    keys = [(ACCOUNT, account_key(staff_no)), (DEVICE, device_id)]
    with engine.begin() as conn:
        _ensure_rows(conn, keys)
        counters = {k: _load(conn, *k) for k in keys}
        now = datetime.now(UTC)  # once the rows are ours: never before a failure another try stored
        verdict = rule.worst(rule.check(c, _POLICIES[k[0]], now) for k, c in counters.items())
        if not verdict.allowed:
            log.info("PIN try refused: wait %ss (locked=%s)", verdict.retry_after_s, verdict.locked)
            refuse(verdict)
        for k, counter in counters.items():
            _store(conn, *k, rule.after_failure(counter, _POLICIES[k[0]], now))


def refuse(verdict: rule.Verdict) -> None:
    """Raise the 429 for a refused verdict."""
    if verdict.locked:
        raise TooManyRequests(Reason.ACCOUNT_LOCKED, "Too many wrong PINs: this account is locked. "
                              "A manager can unlock it.", verdict.retry_after_s, {"locked": True})
    raise TooManyRequests(Reason.LOGIN_THROTTLED, f"Too many wrong PINs. Wait {verdict.retry_after_s} s "
                          "before trying again.", verdict.retry_after_s, {"locked": False})


def succeeded(engine: Engine, *, staff_no: str, device_id: str) -> None:
    """A correct PIN: both counters start again from zero."""
    with engine.begin() as conn:
        for scope, key in ((ACCOUNT, account_key(staff_no)), (DEVICE, device_id)):
            _store(conn, scope, key, rule.Counter())


def forget_idle(engine: Engine, now: datetime | None = None) -> int:
    """Delete counters the policy has forgotten anyway (idle past ``forget_after_s``, not
    locked), so guesses at made-up staff numbers and device ids cannot grow the table without
    bound. A locked count stays: each wrong PIN after a lock locks again. Returns rows deleted."""
    now = now or datetime.now(UTC)
    deleted = 0
    with engine.begin() as conn:
        for scope, policy in _POLICIES.items():
            idle = _t.c.last_failure_at.is_(None) | (_t.c.last_failure_at < now - timedelta(seconds=policy.forget_after_s))
            below_lock = _t.c.failures < policy.lock_at if policy.lock_at is not None else true()
            deleted += conn.execute(_t.delete().where(_t.c.scope == scope, idle, below_lock)).rowcount
    return deleted


def clear_account(conn: Connection, staff_no: str) -> tuple[int, bool]:
    """Forget a staff number's wrong PINs (a manager's unlock): (failures held, was it locked)."""
    key = account_key(staff_no)
    _ensure_rows(conn, [(ACCOUNT, key)])
    held = rule.effective(_load(conn, ACCOUNT, key), rule.ACCOUNT_POLICY, datetime.now(UTC))
    _store(conn, ACCOUNT, key, rule.Counter())
    return held.failures, rule.ACCOUNT_POLICY.is_locked(held.failures)
