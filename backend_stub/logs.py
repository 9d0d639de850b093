"""Logging set-up for the API process: one format, and a filter that masks secrets."""

import logging
import re

#: JWTs, bearer credentials and calendar feed tokens (the secret in a feed URL), should any
#: message ever carry one (defence in depth: the code logs no headers or bodies, and the
#: access log masks feed paths itself).
_SECRETS = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+|(?i:bearer)\s+\S+|(?<=/calendar/)[\w-]{16,}")


class MaskSecrets(logging.Filter):
    """Replace anything shaped like a token with ``[masked]`` before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRETS.sub("[masked]", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr as ``time level logger message``, secrets masked."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskSecrets())
    # Alembic lists every plugin it loads at INFO; the migrations it runs stay visible.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
