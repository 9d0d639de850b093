"""The server's periodic job: what must be deleted as time passes."""

import logging
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from backend_stub.services.biometrics import purge_selfies
from backend_stub.services import open_shift_handlers
from backend_stub.services.changes import flush
from backend_stub.services.throttle import forget_idle
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


def run_housekeeping(engine: Engine, settings: Settings) -> None:
    """Purge selfies past their retention (PDPO), abandoned partial uploads and wrong-PIN
    counters the throttle has forgotten.

    Each task runs even when the other fails; failures are logged and retried next round.
    """
    for name, task in (("selfie purge", lambda: purge_selfies(engine, settings)),
                       ("partial upload expiry", lambda: expire_partial_uploads(settings)),
                       ("idle PIN counters", lambda: forget_idle(engine)),
                       ("trade expiry", lambda: _expire_trades(engine))):
        try:
            task()
        except Exception:
            log.exception("%s failed; retried next round", name)
