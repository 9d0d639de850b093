"""The OpenAPI document as a contract: every status a route can answer, with its body.

Routes declare the errors their own code raises with ``responses=errors(...)``; what every
route of a kind can answer is added centrally by ``document_errors``: 401 (and its
``WWW-Authenticate``) wherever the bearer token is required, 413 wherever there is a
body, 422 wherever there is input to validate, 500 everywhere. All error bodies are
``ErrorBody``. ``tests/test_api_fuzz.py`` checks the server against this document.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.protocol import ErrorBody
from backend_stub.deps import needs_token
from backend_stub.errors import ApiError

_DESCRIPTIONS = {
    400: "Bad request: `code` says what is wrong",
    401: "Missing, expired or invalid token, or wrong credentials: sign in again",
    403: "Your role, stores or device do not allow this",
    404: "Not found (or not yours to see)",
    409: "Conflict: `details` says how to continue",
    413: "Request body (or batch) too large",
    415: "Not a supported photo type (JPEG, PNG, WebP)",
    422: "Invalid input: `details` lists each field and its problem",
    429: "Too many attempts: wait `Retry-After` seconds",
    500: "Internal error: `details.request_id` names the log line",
    503: "Face check is not available on this server: use the PIN path",
}
_HEADERS = {
    401: {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait before trying again",
                          "schema": {"type": "integer"}}},
}


def errors(*kinds: int | type[ApiError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the error statuses (or ApiError classes) it raises itself."""
    out: dict[int | str, dict[str, Any]] = {}
    for kind in kinds:
        status = kind if isinstance(kind, int) else kind.status_code
        out[status] = {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        if status in _HEADERS:
            out[status]["headers"] = _HEADERS[status]
    return out


def _has_input(dependant: Dependant) -> bool:
    """Whether the route (or a dependency of it) reads a parameter or a body to validate."""
    own = (dependant.path_params or dependant.query_params or dependant.header_params
           or dependant.cookie_params or dependant.body_params)
    return bool(own) or any(_has_input(dep) for dep in dependant.dependencies)


def _error_response(status: int) -> dict[str, Any]:
    out: dict[str, Any] = {"description": _DESCRIPTIONS[status], "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    if status in _HEADERS:
        out["headers"] = _HEADERS[status]
    return out


def _common_statuses(route: APIRoute) -> list[int]:
    """What any route of this kind can answer, whatever its own code does."""
    kinds = [500]
    if needs_token(route.dependant):
        kinds.append(401)
    if route.body_field is not None:
        kinds.append(413)
    if _has_input(route.dependant):
        kinds.append(422)
    return kinds


def document_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` list, for every route, the statuses its kind can answer."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = build()
        for ctx in iter_route_contexts(app.routes):
            route = ctx.original_route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            for method in ctx.methods or ():
                responses = doc["paths"][ctx.path_format][method.lower()]["responses"]
                for status in _common_statuses(route):
                    if status == 422 or str(status) not in responses:  # ours, not HTTPValidationError
                        responses[str(status)] = _error_response(status)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
