"""An httpx transport over the browser's ``fetch``, for the client running on Pyodide.

The ``ApiClient`` and the sync engine are synchronous and stay so: this transport blocks on
the fetch promise with ``pyodide.ffi.run_sync``, which suspends the WebAssembly stack (JS
Promise Integration) instead of the thread, so the page keeps running while it waits. It
works wherever Flet calls the app (``main``, sync and async event handlers, tasks): checked
in Chromium, see docs/web-app.md.

A fetch that fails (offline, refused, CORS refused, timed out) raises ``httpx.ConnectError``,
which the ``ApiClient`` turns into the same ``NetworkError`` as natively: the strip says offline.
"""

import logging

import httpx

log = logging.getLogger(__name__)

# The browser sets these itself (and refuses or ignores ours); sending them only adds noise.
_BROWSER_OWNED = {"host", "content-length", "connection", "accept-encoding", "user-agent"}
# The browser already decoded the body: a Content-Encoding left on it would decode it twice.
_DECODED = {"content-encoding", "content-length", "transfer-encoding"}


def request_timeout_s(request: httpx.Request, default: float = 15.0) -> float:
    """The longest of the request's httpx timeouts, in seconds (fetch has one deadline)."""
    parts = [v for v in (request.extensions.get("timeout") or {}).values() if v]
    return max(parts) if parts else default


def fetch_options(request: httpx.Request) -> dict:
    """The ``fetch`` init for an httpx request: method, headers, body; no cookies, no cache."""
    headers = {k: v for k, v in request.headers.multi_items() if k.lower() not in _BROWSER_OWNED}
    options = {"method": request.method, "headers": headers, "credentials": "omit",
               "cache": "no-store", "redirect": "follow"}
    body = request.read()
    if body and request.method not in ("GET", "HEAD"):
        options["body"] = body
    return options


def response_headers(pairs) -> list[tuple[str, str]]:
    """Response headers as httpx should see them (without the ones about the wire encoding)."""
    return [(k, v) for k, v in pairs if k.lower() not in _DECODED]


class FetchTransport(httpx.BaseTransport):
    """Sends each request with the browser's fetch and waits for it by stack switching."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from pyodide.ffi import can_run_sync, run_sync  # Pyodide only

        if not can_run_sync():  # e.g. called from a plain JS callback: it must not hang
            raise httpx.ConnectError("the network cannot be waited for from here", request=request)
        try:
            status, headers, content = run_sync(self._fetch(request))
        except httpx.HTTPError:
            raise
        except Exception as exc:  # JS TypeError 'Failed to fetch', AbortError on timeout, ...
            raise httpx.ConnectError(f"fetch failed: {type(exc).__name__}: {exc}", request=request) from exc
        return httpx.Response(status, headers=response_headers(headers), content=content, request=request)

    @staticmethod
    async def _fetch(request: httpx.Request):
        import js
        from pyodide.ffi import to_js
        from pyodide.http import pyfetch

        options = fetch_options(request)
        if "body" in options:
            options["body"] = to_js(options["body"])  # bytes -> Uint8Array
        signal = js.AbortSignal.timeout(int(request_timeout_s(request) * 1000))
        resp = await pyfetch(str(request.url), signal=signal, **options)
        pairs = list(resp.headers.items())
        return resp.status, pairs, await resp.bytes()
