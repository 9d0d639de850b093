"""HTTP methods a path does not route itself: HEAD on GET routes, OPTIONS, and the ``Allow``
list of a 405 (RFC 9110: every method of the path, not only those of its first route)."""

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def install_methods(app: FastAPI) -> None:
    """Answer HEAD and OPTIONS for every path, and 405s with the full ``Allow`` list.

    Call once every route is included: the path -> methods table is built here."""
    app.state.path_methods = [(ctx.path_regex, frozenset(ctx.methods or ()))
                              for ctx in iter_route_contexts(app.routes)]
    app.add_middleware(MethodsMiddleware)


def allowed_methods(scope: Scope) -> set[str]:
    """Every method some route serves at this path (HEAD wherever GET, OPTIONS anywhere); empty if none."""
    methods: set[str] = set()
    for pattern, route_methods in scope["app"].state.path_methods:
        if pattern.match(scope["path"]):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")
    return methods | {"OPTIONS"} if methods else methods


def allow_header(scope: Scope) -> str:
    return ", ".join(sorted(allowed_methods(scope)))


class MethodsMiddleware:
    """Answer OPTIONS with the path's ``Allow`` list and HEAD as GET without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or method not in ("HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        allowed = allowed_methods(scope)
        if method == "OPTIONS" and allowed:
            await send({"type": "http.response.start", "status": 204,
                        "headers": [(b"allow", ", ".join(sorted(allowed)).encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        if method == "HEAD" and not _routes_head(scope) and "GET" in allowed:
            async def without_body(message: Message) -> None:
                if message["type"] == "http.response.body":
                    message = {**message, "body": b""}
                await send(message)

            await self.app({**scope, "method": "GET"}, receive, without_body)
            return
        await self.app(scope, receive, send)


def _routes_head(scope: Scope) -> bool:
    """Whether a route declares HEAD itself (e.g. the photo upload's status probe)."""
    return any("HEAD" in route_methods and pattern.match(scope["path"])
               for pattern, route_methods in scope["app"].state.path_methods)
