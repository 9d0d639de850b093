"""One log line per request, tied to a request id, and the 500 answer that names it.

The id is the caller's ``X-Request-ID`` when it is sane (a proxy's or the app's), else a
new one; it is echoed in the response header and in 5xx error bodies, so a person
reporting an error gives the id and the log line is found. Lines hold method, path,
status and duration only: never headers, bodies or query strings, so no PIN, token or
face data can reach the log. The one secret a path carries, a calendar feed token
(``/v1/calendar/{token}.ics``: calendar apps cannot send headers), is masked.
"""

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend_stub.errors import internal_error_json

logger = logging.getLogger("backend_stub.access")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_CALENDAR_TOKEN = re.compile(r"^(/v1/calendar/)[^/]*")
#: Issue 12, insprun: an inspection report link (``/v1/inspection-reports/{link}.pdf``) is one too.
_REPORT_LINK = re.compile(r"^(/v1/inspection-reports/|/v1/training/matrix-files/)[^/]*")  # issue 13: matrix export


def loggable_path(path: str) -> str:
    """``path`` with a calendar feed token or a report link masked (each is its own credential)."""
    return _REPORT_LINK.sub(r"\1[masked]", _CALENDAR_TOKEN.sub(r"\1[masked]", path))


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SANE_ID.match(text):
                return text
    return uuid.uuid4().hex


class AccessLogMiddleware:
    """Outermost: sees every answer, including the body limit's 413 and unexpected errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        status, started = 0, False  # 0 in the log: no answer was sent (e.g. the client left)
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("request_id=%s unexpected error", rid)
            if started:
                raise  # the answer is half sent: only closing the connection is left
            await self._internal_error(send_with_id, rid)
        finally:
            logger.info("request_id=%s method=%s path=%s status=%d duration_ms=%.1f", rid,
                        scope["method"], loggable_path(scope["path"]), status, (time.perf_counter() - began) * 1000)

    @staticmethod
    async def _internal_error(send: Send, rid: str) -> None:
        body = internal_error_json(rid)
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
