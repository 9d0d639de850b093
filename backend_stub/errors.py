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
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.protocol import ErrorBody, Reason


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


class TooManyRequests(ApiError):
    """429: wait ``retry_after_s`` seconds (also in the Retry-After header and the details)."""

    status_code = 429

    def __init__(self, code: str, message: str, retry_after_s: int, details: dict | None = None) -> None:
        super().__init__(code, message, {"retry_after_s": retry_after_s, **(details or {})})
        self.headers = {"Retry-After": str(retry_after_s)}


def error_responses(*statuses: int) -> dict:
    """OpenAPI ``responses=`` for the error statuses a route answers, all with the error body."""
    out: dict = {status: {"model": ErrorBody} for status in statuses}
    if 429 in statuses:
        out[429]["description"] = "Too many tries: wait Retry-After seconds (also details.retry_after_s)"
        out[429]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}
    return out


def _body(code: str, message: str, details: Any = None) -> dict:
    return ErrorBody(code=code, message=message, details=details).model_dump()


def install_handlers(app: FastAPI) -> None:
    """Map every error, ours and the framework's, to the one error body."""

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
        headers.update(exc.headers or {})
        return JSONResponse(_body(exc.code, exc.message, exc.details), exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
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
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(_body(code, str(exc.detail)), exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse(_body(Reason.INTERNAL_ERROR, "Internal server error"), 500)
