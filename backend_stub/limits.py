"""Request body limits, enforced while the body streams in (a missing or lying
Content-Length cannot get a huge body past it)."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.protocol import ErrorBody, Reason


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Answer 413 to a body over ``default`` bytes (``photos`` bytes under /v1/photos)."""

    def __init__(self, app: ASGIApp, *, default: int, photos: int) -> None:
        self.app, self.default, self.photos = app, default, photos

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = (self.photos if path.startswith("/v1/photos")
                 else 3 * self.photos if path.startswith("/v1/face/enrol") else self.default)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(send, limit)
            return
        seen = 0
        started = too_large = False

        async def counting_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                # The app may have turned _TooLarge into its own answer (FastAPI wraps body
                # read errors as "400 error parsing the body"): drop it, 413 is sent below.
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            pass
        if too_large and not started:
            await self._reject(send, limit)

    @staticmethod
    async def _reject(send: Send, limit: int) -> None:
        body = json.dumps(ErrorBody(code=Reason.PAYLOAD_TOO_LARGE,
                                    message=f"Request body over {limit} bytes").model_dump()).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
