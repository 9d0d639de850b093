"""Issue 13, trainmanage: the expiry-reminder job on a fixed clock (SQLite and PostgreSQL): a
completion is reminded 30 and 7 days before it expires, each once (across runs and across two
server processes running at the same moment), to the person and their store's managers only; a
renewal silences the old completion's reminders."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from backend_stub import db
from backend_stub.engine import make_engine
from backend_stub.services.training_reminders import run_training_reminders
from tests.test_api_push import pull_all
from tests.test_api_trades_race import _at_once
from tests.training_helpers import CWB_MANAGER, MK_MANAGER, STAFF, STAFF_MK, hq_course

BASE = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
EXPIRES = BASE + timedelta(days=60)


def _complete(api, completion_id: str, user_id: str, expires_at: datetime,
              completed_at: datetime | None = None) -> None:
    with api.engine.begin() as conn:
        conn.execute(db.training_completions.insert().values(
            id=completion_id, user_id=user_id, course_id="hygiene",
            completed_at=completed_at or expires_at - timedelta(days=365),
            expires_at=expires_at, via="attendance"))


def _sent(api) -> list[tuple[str, int]]:
    r = db.training_reminders.c
    with api.engine.connect() as conn:
        return sorted(conn.execute(select(r.user_id, r.days_before)).all())


def _feed(api, user_id: str) -> list[dict]:
    return [c["data"] for c in pull_all(api, user_id) if c["entity"] == "training_reminder"]


def test_thirty_and_seven_days_before_each_once_to_the_person_and_their_manager(api):
    """Nothing 31 days before; at 30 days one reminder (days_before 30, course title, expiry), a rerun
    sends nothing; at 7 days the second; the person and Causeway Bay's manager see both, Mong Kok's
    manager none; after expiry nothing more."""
    hq_course(api)
    _complete(api, "c-1", STAFF, EXPIRES)
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=31)) == 0
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=30)) == 1
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=29)) == 0
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=7, hours=-1)) == 1
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=1)) == 0
    assert run_training_reminders(api.engine, EXPIRES + timedelta(days=1)) == 0
    assert _sent(api) == [(STAFF, 7), (STAFF, 30)]
    mine = _feed(api, STAFF)
    assert [(d["days_before"], d["course_title"]) for d in mine] == [(30, "Food hygiene"), (7, "Food hygiene")]
    assert datetime.fromisoformat(mine[0]["expires_at"]) == EXPIRES
    assert len(_feed(api, CWB_MANAGER)) == 2
    assert _feed(api, MK_MANAGER) == []


def test_two_server_processes_at_once_send_each_reminder_once(api):
    """Two passes on their own engines released together: each due reminder is recorded once and
    reaches each feed once."""
    hq_course(api)
    _complete(api, "c-a", STAFF, EXPIRES)
    _complete(api, "c-b", STAFF_MK, EXPIRES + timedelta(hours=3))
    at = EXPIRES - timedelta(days=7)
    engines = [make_engine(api.app.state.settings.db_url) for _ in range(2)]
    try:
        results = _at_once(*[lambda e=e: run_training_reminders(e, at) for e in engines])
    finally:
        for e in engines:
            e.dispose()
    assert sum(results) == 2  # STAFF_MK's 7 days begin 3 hours later: still the 30-day one
    assert _sent(api) == [(STAFF, 7), (STAFF_MK, 30)]
    c = db.changes.c
    with api.engine.connect() as conn:
        sent = conn.execute(select(func.count()).where(c.entity == "training_reminder")).scalar()
    assert sent == 4  # each to the person and to their stores' managers


def test_a_renewal_silences_the_old_completions_reminders(api):
    """Someone who renewed (a completion lasting a year longer) gets no reminder for the old one."""
    hq_course(api)
    _complete(api, "c-old", STAFF, EXPIRES)
    _complete(api, "c-new", STAFF, EXPIRES + timedelta(days=365), completed_at=BASE)
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=30)) == 0
    assert run_training_reminders(api.engine, EXPIRES - timedelta(days=7)) == 0
    assert _sent(api) == []
