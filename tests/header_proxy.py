"""A tiny real HTTP proxy for tests: forwards to the API and rewrites what proxies rewrite.

It runs in a thread on 127.0.0.1 and can add a second Date header (as many proxies do),
rewrite Date (``-0000``, garbage, none at all) or answer a path with an HTML page (a
captive portal), so the client meets these over a real socket.
"""

import threading
from email.utils import format_datetime
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "date",
        "server"}


class HeaderProxy:
    """``date_mode``: pass | double | minus0000 | garbage | absent.
    ``portal_paths``: path prefixes answered 200 with an HTML page instead of the API.
    ``broken_paths``: path prefixes answered 502 (a gateway whose API is down)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.date_mode = "pass"
        self.portal_paths: tuple[str, ...] = ()
        self.broken_paths: tuple[str, ...] = ()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _relay(self) -> None:
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _relay

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._client = httpx.Client(base_url=upstream, timeout=30)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> "HeaderProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._client.close()

    def _dates(self, upstream_date: str | None) -> list[str]:
        now = datetime.now(UTC)
        return {
            "pass": [upstream_date] if upstream_date else [],
            # The proxy's own stamp beside the server's, a second later (as a slow proxy would).
            "double": [upstream_date or format_datetime(now, usegmt=True),
                       format_datetime(now + timedelta(seconds=1), usegmt=True)],
            "minus0000": [now.strftime("%a, %d %b %Y %H:%M:%S -0000")],
            "garbage": ["yesterday-ish"],
            "absent": [],
        }[self.date_mode]

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        if any(req.path.startswith(p) for p in self.portal_paths):
            status, headers, content = 200, [("Content-Type", "text/html")], b"<html>Sign in to Wi-Fi</html>"
            upstream_date = None
        elif any(req.path.startswith(p) for p in self.broken_paths):
            status, headers, content = 502, [("Content-Type", "text/html")], b"<html>502 Bad Gateway</html>"
            upstream_date = None
        else:
            fwd = {k: v for k, v in req.headers.items() if k.lower() not in ("host", "content-length")}
            resp = self._client.request(req.command, req.path, content=body, headers=fwd)
            status, content = resp.status_code, resp.content
            headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in _HOP]
            upstream_date = resp.headers.get("date")
            if req.command == "HEAD":
                headers.append(("Content-Length", resp.headers.get("content-length", "0")))
        req.send_response_only(status)
        for key, value in headers:
            req.send_header(key, value)
        for value in self._dates(upstream_date):
            req.send_header("Date", value)
        if req.command != "HEAD":
            req.send_header("Content-Length", str(len(content)))
        req.send_header("Connection", "close")
        req.end_headers()
        if req.command != "HEAD":
            req.wfile.write(content)

