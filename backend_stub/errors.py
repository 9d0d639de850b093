"""API errors. Every error body is ``{"code", "message", "details"}`` (``app.protocol.ErrorBody``).

Hierarchy::

    ApiError                 any error with a stable code and an HTTP status
    ├── BadRequest           400
    ├── Unauthorized         401 (expired or invalid token, wrong PIN)
    ├── Forbidden            403 (role, device mismatch)
    ├── NotFound             404
    ├── Conflict             409 (sequence gap)
    ├── PayloadTooLarge      413
    ├── UnsupportedMedia     415
    └── TooManyRequests      429 (PIN guessing; carries Retry-After)
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.protocol import ErrorBody, Reason
from backend_stub.methods import allow_header


class ApiError(Exception):
    """Base of every error the API answers on purpose."""

    status_code = 400
    headers: dict[str, str] | None = None

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class BadRequest(ApiError):
    status_code = 400


class Unauthorized(ApiError):
    status_code = 401


class Forbidden(ApiError):
    status_code = 403


class NotFound(ApiError):
    status_code = 404


class Conflict(ApiError):
    status_code = 409


class PayloadTooLarge(ApiError):
    status_code = 413


class UnsupportedMedia(ApiError):
    status_code = 415


class FaceUnavailable(ApiError):
    """503: this server has no face engine (dlib): face work cannot be done, PIN still can."""

    status_code = 503


#: The framework's own refusals (no such route, wrong method, unparsable body) in our codes.
_HTTP_CODES = {404: Reason.NOT_FOUND, 405: Reason.METHOD_NOT_ALLOWED, 413: Reason.PAYLOAD_TOO_LARGE,
               415: Reason.UNSUPPORTED_MEDIA_TYPE}


class TooManyRequests(ApiError):
    """429: wait ``retry_after_s`` seconds (also in the Retry-After header and the details)."""

    status_code = 429

    def __init__(self, code: str, message: str, retry_after_s: int, details: dict | None = None) -> None:
        super().__init__(code, message, {"retry_after_s": retry_after_s, **(details or {})})
        self.headers = {"Retry-After": str(retry_after_s)}


def _body(code: str, message: str, details: Any = None) -> dict:
    return ErrorBody(code=code, message=message, details=details).model_dump()


def internal_error_json(request_id: str) -> bytes:
    """The 500 body: no detail of what failed, only the id that finds its log line."""
    return ErrorBody(code=Reason.INTERNAL_ERROR, message="Internal server error",
                     details={"request_id": request_id}).model_dump_json().encode()


def install_handlers(app: FastAPI) -> None:
    """Map every error, ours and the framework's, to the one error body."""

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
        headers.update(exc.headers or {})
        return JSONResponse(_body(exc.code, exc.message, exc.details), exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(req: Request, exc: RequestValidationError) -> JSONResponse:
        from backend_stub.deps import ended_session  # deps builds on this module

        refusal = await ended_session(req)
        if refusal is not None:  # auth before input: an ended session learns nothing more
            return await _api_error(req, refusal)
        fields = []
        for err in exc.errors():
            if err.get("type") == "json_invalid":
                fields.append({"field": "body", "problem": f"malformed JSON: {err.get('ctx', {}).get('error', '')}"})
                continue
            loc = [str(p) for p in err.get("loc", ()) if p != "body"]
            fields.append({"field": ".".join(loc), "problem": err.get("msg", "")})
        names = ", ".join(f["field"] or "body" for f in fields[:5])
        return JSONResponse(
            _body(Reason.VALIDATION_ERROR, f"Invalid request: {names}", fields), 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(req: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # The framework's only 400: a body it cannot parse (not UTF-8, broken multipart).
            # Malformed input is a 422 everywhere else, so here too.
            return JSONResponse(_body(Reason.VALIDATION_ERROR, f"Invalid request: {exc.detail}",
                                      [{"field": "body", "problem": str(exc.detail)}]), 422)
        code = _HTTP_CODES.get(exc.status_code, Reason.VALIDATION_ERROR if exc.status_code < 500
                               else Reason.INTERNAL_ERROR)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only its first route's
            headers["Allow"] = allow_header(req.scope)
        return JSONResponse(_body(code, str(exc.detail)), exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, _exc: Exception) -> Response:
        # Normally the access log middleware answers first; this is the last resort.
        rid = getattr(req.state, "request_id", "")
        return Response(internal_error_json(rid), 500, media_type="application/json",
                        headers={"X-Request-ID": rid} if rid else None)
