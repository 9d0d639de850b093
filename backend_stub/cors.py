"""CORS for the installable web app (issue 9): its origins only, and nothing at all for others.

Starlette's middleware still adds some CORS headers (exposed headers, allowed methods) to
answers for origins it refuses; harmless to a browser, but an answer to another site should
not look like CORS was considered for it. This one leaves such answers exactly as they were.
"""

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from backend_stub.settings import Settings


class WebAppCORS(CORSMiddleware):
    """Starlette's CORS, silent towards origins not on the list."""

    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(request_headers["origin"]):
            return PlainTextResponse("Disallowed CORS origin", status_code=400)
        return super().preflight_response(request_headers)

    async def simple_response(self, scope: Scope, receive: Receive, send: Send, request_headers: Headers) -> None:
        origin = request_headers.get("origin")
        if origin is None or not self.is_allowed_origin(origin):
            await self.app(scope, receive, send)
            return
        await super().simple_response(scope, receive, send, request_headers)


def allow_web_app(app: FastAPI, settings: Settings) -> None:
    """CORS for the web app's origins (``SHOPFLOOR_WEB_ORIGINS``). The app reads the server's
    clock (Date), a 429's wait (Retry-After) and a resumed upload's offset from headers, so
    they are exposed; no cookies are involved (tokens go in Authorization)."""
    app.add_middleware(
        WebAppCORS, allow_origins=settings.cors_origins, allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Content-Range"],
        expose_headers=["Date", "Retry-After", "Upload-Offset"], max_age=600)
