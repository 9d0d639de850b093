"""Test-only: make the API process die at a chosen point of a write, as a crash would.

``SHOPFLOOR_TEST_DIE_BEFORE="<SQL prefix>#<n>"`` makes the process SIGKILL itself just
before the n-th statement (counted over the process's life) whose SQL starts with
``<SQL prefix>`` (case-insensitive), e.g. ``INSERT INTO notes#3`` dies in the middle of a
pushed batch, after two notes were written and before the transaction commits. The prefix
``COMMIT`` counts commits instead. The statements are SQLAlchemy's, so the same prefixes
land at the same points on SQLite and PostgreSQL. The fault tests
(tests/test_fault_server_kill.py) use it to kill the server at a deterministic point; it is
never set in production, and when it is unset nothing is installed.
"""

import logging
import os
import signal

from sqlalchemy import event
from sqlalchemy.engine import Engine

ENV_VAR = "SHOPFLOOR_TEST_DIE_BEFORE"
log = logging.getLogger(__name__)


def install(engine: Engine, spec: str | None = None) -> None:
    """Arm the kill switch named by ``spec`` (default: the environment variable)."""
    spec = os.environ.get(ENV_VAR) if spec is None else spec
    if not spec:
        return
    prefix, _, nth = spec.rpartition("#")
    prefix, target, seen = prefix.strip().upper(), int(nth), [0]
    log.warning("test kill switch armed: dying before %s #%d", prefix, target)

    def count(statement: str) -> None:
        if statement.lstrip().upper().startswith(prefix):
            seen[0] += 1
            if seen[0] == target:
                os.kill(os.getpid(), signal.SIGKILL)

    if prefix == "COMMIT":
        event.listen(engine, "commit", lambda conn: count("COMMIT"))
    else:
        event.listen(engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *rest: count(statement))
