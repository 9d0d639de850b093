"""PIN guessing at /v1/auth/login and /v1/kiosk/{store}/pin: 429 with Retry-After, growing waits,
a lock a manager clears (audited), counters shared by every server process."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from app.domain.login_throttle import ACCOUNT_POLICY
from app.sync import ApiClient, RequestRejected
from backend_stub import db
from tests.servers import ApiServer
from tests.tokens import session_bearer

DEVICE = "dev-throttle-01"


def login(api, staff_no: str, pin: str, device_id: str = DEVICE):
    return api.post("/v1/auth/login", json={"staff_no": staff_no, "pin": pin, "device_id": device_id})


def time_passes(api, seconds: float) -> None:
    """Every wrong-PIN counter's last failure happened ``seconds`` earlier."""
    with api.engine.begin() as conn:
        for scope, key, last in conn.execute(select(db.login_attempts.c.scope, db.login_attempts.c.key,
                                                    db.login_attempts.c.last_failure_at)).all():
            if last is not None:
                conn.execute(update(db.login_attempts).where(
                    db.login_attempts.c.scope == scope, db.login_attempts.c.key == key).values(
                    last_failure_at=last - timedelta(seconds=seconds)))


def assert_wait(resp, code: str = "login_throttled") -> int:
    """A 429 naming the wait in its Retry-After header and its details; the wait in seconds."""
    assert resp.status_code == 429, resp.text
    body = resp.json()
    assert body["code"] == code
    wait = int(resp.headers["Retry-After"])
    assert wait > 0 and body["details"]["retry_after_s"] == wait
    assert "access_token" not in body
    return wait


def test_sixty_wrong_pins_then_the_right_one_does_not_log_in(api):
    """60 wrong PINs, then the right one: refused with 429 and a wait, not logged in."""
    statuses = [login(api, "S3001", f"{n:04d}").status_code for n in range(2000, 2060)]
    assert statuses[:4] == [401] * 4
    assert set(statuses[4:]) == {429}
    wait = assert_wait(login(api, "S3001", "1111"))
    assert 20 <= wait <= 30  # 30 s from the last wrong PIN, a busy machine later
    with api.engine.connect() as conn:
        assert conn.execute(select(db.refresh_tokens)).first() is None
    # Once the wait is over the right PIN works, and the count starts again.
    time_passes(api, wait)
    assert login(api, "S3001", "1111").status_code == 200
    assert login(api, "S3001", "0000").status_code == 401


def test_waits_grow_then_the_account_locks_and_the_right_pin_is_refused(api):
    """Each wrong PIN past the free ones doubles the wait; the tenth locks the account for a day."""
    waits = []
    for n in range(10):
        resp = login(api, "S3002", f"{9000 + n}", device_id=f"dev-throttle-{n:02d}")
        assert resp.status_code == 401, resp.text
        if n >= 3:  # four free tries; the right PIN is then refused until the wait is over
            refused = login(api, "S3002", "2222", device_id=f"dev-throttle-{n:02d}")
            waits.append(assert_wait(refused, "account_locked" if n == 9 else "login_throttled"))
            time_passes(api, waits[-1] if n < 9 else 0)
    assert waits == pytest.approx([30, 60, 120, 240, 480, 900, ACCOUNT_POLICY.lock_s], abs=3)
    locked = login(api, "S3002", "2222", device_id="dev-throttle-fresh")
    assert assert_wait(locked, "account_locked") > 23 * 3600
    assert locked.json()["details"]["locked"] is True
    # Another staff number is not affected.
    assert login(api, "S3001", "1111", device_id="dev-throttle-other").status_code == 200


def lock(api, staff_no: str) -> None:
    for n in range(10):
        login(api, staff_no, f"{9100 + n}", device_id=f"dev-lock-{n:04d}")
        time_passes(api, 86400 / 2)  # never past a lock, always past a wait
    assert login(api, staff_no, "0000", device_id="dev-lock-last").json()["code"] == "account_locked"


def test_manager_of_the_store_clears_a_lock_and_it_is_audited(api):
    """The Causeway Bay manager unlocks S3001; the right PIN then works; who/whose/when is kept."""
    lock(api, "S3001")
    assert api.post("/v1/staff/u-s01/unlock", headers=session_bearer(api, "u-s02", "dev-peer-0001")).status_code == 403
    assert api.post("/v1/staff/u-s01/unlock", headers=session_bearer(api, "u-sm-mk", "dev-mk-00001")).status_code == 403
    assert api.post("/v1/staff/u-nobody/unlock", headers=session_bearer(api, "u-hq", "dev-hq-00001")).status_code == 404
    assert login(api, "S3001", "1111").json()["code"] == "account_locked"
    resp = api.post("/v1/staff/u-s01/unlock", headers=session_bearer(api, "u-sm-cwb", "dev-cwb-0001"))
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert out["was_locked"] is True and out["failures"] >= 10 and out["by_user"] == "u-sm-cwb"
    assert login(api, "S3001", "1111").status_code == 200
    with api.engine.connect() as conn:
        audit = conn.execute(select(db.sign_in_audit)).mappings().all()
    assert [(a["user_id"], a["action"], a["by_user"], a["was_locked"]) for a in audit] == [
        ("u-s01", "unlock", "u-sm-cwb", True)]
    assert audit[0]["at"] is not None and audit[0]["failures"] >= 10


def test_hq_clears_a_managers_lock_but_nobody_their_own(api):
    """HQ unlocks a store manager; a manager cannot unlock themselves (another must vouch)."""
    lock(api, "M2001")
    own = api.post("/v1/staff/u-sm-cwb/unlock", headers=session_bearer(api, "u-sm-cwb", "dev-cwb-0009"))
    assert own.status_code == 403 and own.json()["code"] == "forbidden_role"
    assert api.post("/v1/staff/u-sm-cwb/unlock", headers=session_bearer(api, "u-hq", "dev-hq-00001")).status_code == 200
    assert login(api, "M2001", "7100").status_code == 200


def test_one_device_guessing_across_staff_numbers_is_slowed(api):
    """One device trying a PIN on many staff numbers waits after ten failures, whatever the number."""
    for n in range(10):
        assert login(api, f"S30{n:02d}", "1234").status_code == 401
    assert_wait(login(api, "S3009", "9999"))
    # The staff member is not punished for the device: from their own phone they log in.
    assert login(api, "S3009", "9999", device_id="dev-own-phone").status_code == 200


def test_kiosk_pin_is_throttled_like_login(api):
    """At a kiosk, wrong PINs for one staff number lead to 429 with a wait; the right one is refused too."""
    kiosk = session_bearer(api, "u-sm-cwb", "dev-kiosk-0001")
    results = [api.post("/v1/kiosk/st-cwb/pin", json={"staff_no": "S3002", "pin": f"{n:04d}"}, headers=kiosk)
               for n in range(3000, 3020)]
    assert [r.status_code for r in results[:4]] == [401] * 4
    assert {r.status_code for r in results[4:]} == {429}
    right = api.post("/v1/kiosk/st-cwb/pin", json={"staff_no": "S3002", "pin": "2222"}, headers=kiosk)
    assert 20 <= assert_wait(right) <= 30
    # The same staff number is throttled at login too: the counter is the person's.
    assert assert_wait(login(api, "S3002", "2222")) > 0


def test_kiosk_client_counts_a_wrong_pin_once_and_reports_the_wait(api):
    """The app's kiosk call does not resend a wrong PIN (as if the token had expired); a 429 carries the wait."""
    client = ApiClient("http://testserver", "dev-kiosk-0002", transport=api._transport)
    client.login("M2001", "7100")
    for n in range(4):
        with pytest.raises(RequestRejected) as wrong:
            client.kiosk_pin("st-cwb", "S3001", f"{4000 + n}")
        assert wrong.value.code == "invalid_credentials"
    with pytest.raises(RequestRejected) as slowed:
        client.kiosk_pin("st-cwb", "S3001", "1111")
    assert slowed.value.status == 429 and slowed.value.code == "login_throttled"
    assert 20 <= slowed.value.details["retry_after_s"] <= 30


def test_counters_are_shared_by_server_processes_and_parallel_guesses(tmp_path):
    """Two API processes on one database, 24 parallel wrong PINs: only the 4 free ones are checked,
    and the right PIN afterwards is refused by either process."""
    first = ApiServer(tmp_path / "server").start()
    # The same database (on PostgreSQL a new ApiServer would otherwise get a database of its own).
    second = ApiServer(tmp_path / "server", database_url=first.db_url).start()
    try:
        def guess(n: int) -> int:
            url = (first if n % 2 else second).url
            return httpx.post(f"{url}/v1/auth/login", timeout=30, json={
                "staff_no": "S3003", "pin": f"{5000 + n}", "device_id": f"dev-par-{n:04d}"}).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(guess, range(24)))
        assert sorted(statuses) == [401] * 4 + [429] * 20
        for srv in (first, second):
            resp = httpx.post(f"{srv.url}/v1/auth/login", json={"staff_no": "S3003", "pin": "3333",
                                                                "device_id": "dev-par-right"})
            assert_wait(resp)
    finally:
        second.stop()
        first.stop()


def test_housekeeping_forgets_idle_counters_but_never_a_lock(api):
    """Guesses at made-up staff numbers from made-up devices leave a counter each; once idle past
    the policy's forgetting time the housekeeping job deletes them (the table cannot grow without
    bound), while a locked account's count stays (each wrong PIN after a lock locks again)."""
    from backend_stub.services.housekeeping import run_housekeeping

    for n in range(30):
        assert login(api, f"X{n:05d}", "0000", f"made-up-device-{n:03d}").status_code == 401
    for n in range(10):
        login(api, "S3002", f"{3000 + n:04d}")
        time_passes(api, 3600)  # past every wait: each try counts
    time_passes(api, ACCOUNT_POLICY.forget_after_s + 1)
    run_housekeeping(api.engine, api.app.state.settings)
    with api.engine.connect() as conn:
        left = conn.execute(select(db.login_attempts.c.scope, db.login_attempts.c.key,
                                   db.login_attempts.c.failures)).all()
    assert left == [("account", "S3002", 10)], left
