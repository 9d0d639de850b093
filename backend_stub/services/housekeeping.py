"""The server's periodic job: what must be deleted as time passes."""

import logging
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from backend_stub.services.biometrics import purge_selfies
from backend_stub.services import open_shift_handlers
from backend_stub.services import task_schedules, task_schedules_overdue  # issue 12, taskrecur
from backend_stub.services.changes import flush
from backend_stub.services.throttle import forget_idle
from backend_stub.services.training_reminders import run_training_reminders  # issue 13, trainmanage
from backend_stub.services.trade_handlers import expire_started
from backend_stub.services.uploads import expire_partial_uploads
from backend_stub.settings import Settings

log = logging.getLogger(__name__)


def _expire_trades(engine: Engine) -> None:
    """Swap, offer and cover requests (and open-shift claims) still waiting when their shift starts expire."""
    with engine.begin() as conn:
        now = datetime.now(UTC)
        expired = expire_started(conn, now)
        claims = open_shift_handlers.expire_started(conn, now)  # issue 10, openshifts
        flush(conn)
    if expired or claims:
        log.info("%d trade requests and %d open-shift claims expired (their shift started)", expired, claims)


#: Issue 12, taskrecur: how often the task pass runs (recurring tasks appear, overdue reminders go).
TASK_PASS_SECONDS = 60


def run_task_pass(engine: Engine, now: datetime | None = None) -> tuple[int, int]:
    """Issue 12, taskrecur: put recurring tasks that have appeared on their boards, then remind
    the people of tasks that became overdue; each in its own transaction, each occurrence and
    reminder once whatever the number of workers running it. Returns (created, reminded)."""
    counts = []
    for name, step in (("recurring tasks", task_schedules.create_due_tasks),
                       ("overdue reminders", task_schedules_overdue.remind_overdue)):
        try:
            with engine.begin() as conn:
                counts.append(step(conn, now or datetime.now(UTC)))
                flush(conn)
        except Exception:
            log.exception("%s failed; retried next pass", name)
            counts.append(0)
    created, reminded = counts
    if created or reminded:
        log.info("%d recurring tasks created, %d overdue tasks reminded", created, reminded)
    return created, reminded


def run_housekeeping(engine: Engine, settings: Settings) -> None:
    """Purge selfies past their retention (PDPO), abandoned partial uploads and wrong-PIN
    counters the throttle has forgotten.

    Each task runs even when the other fails; failures are logged and retried next round.
    """
    for name, task in (("selfie purge", lambda: purge_selfies(engine, settings)),
                       ("partial upload expiry", lambda: expire_partial_uploads(settings)),
                       ("idle PIN counters", lambda: forget_idle(engine)),
                       ("trade expiry", lambda: _expire_trades(engine)),
                       ("training expiry reminders", lambda: run_training_reminders(engine))):  # issue 13
        try:
            task()
        except Exception:
            log.exception("%s failed; retried next round", name)
