"""A small static server for ``dist/web`` (``python -m webapp.serve``; scripts/start.sh runs it).

Correct types for ``.wasm`` (streaming compilation needs ``application/wasm``) and ``.mjs``
(module scripts), ``no-cache`` so the browser always revalidates (the service worker does
the offline caching), and ``index.html`` for any path that is not a file (Flet routes by path).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

log = logging.getLogger("webapp.serve")

DEFAULT_DIST = Path(__file__).resolve().parents[1] / "dist" / "web"
TYPES = {
    ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
    ".json": "application/json", ".whl": "application/zip", ".otf": "font/otf",
    ".ttf": "font/ttf", ".webmanifest": "application/manifest+json",
}


class AppHandler(SimpleHTTPRequestHandler):
    """Serves one folder; unknown extension-less paths get index.html."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if not path.exists() and not Path(self.path.split("?", 1)[0]).suffix:
            self.path = "/index.html"
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib's name)
        log.debug("%s " + format, self.address_string(), *args)


class AppServer(ThreadingHTTPServer):
    """Quiet about browsers that hang up mid-answer (a reload, a tab closed): that is no error."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def make_server(dist: Path, host: str, port: int) -> ThreadingHTTPServer:
    """A server for ``dist`` (not started); port 0 picks a free one."""
    if not (dist / "index.html").exists():
        raise FileNotFoundError(f"{dist} has no index.html: run scripts/build_web.sh first")
    handler = functools.partial(AppHandler, directory=str(dist))
    return AppServer((host, port), handler)


@contextlib.contextmanager
def serving(dist: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``dist`` in a background thread; yield its base URL."""
    server = make_server(dist, host, port)
    thread = threading.Thread(target=server.serve_forever, name="webapp-serve", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m webapp.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8551)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = make_server(args.dist, args.host, args.port)
    log.info("serving %s on http://%s:%d/", args.dist, args.host, args.port)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
