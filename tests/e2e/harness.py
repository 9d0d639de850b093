"""Reusable helpers to serve a Flet 1.0 web app and drive it in real Chromium.

No app-specific logic lives here. See docs/flet-web-testing.md for why each helper
does what it does. Typical use (sync Playwright API):

    from playwright.sync_api import sync_playwright
    from tests.e2e import harness   # or: from . import harness

    with harness.serve_flet_app(script="app/main.py", cwd=ROOT) as app, \\
            sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        page = harness.new_phone_page(browser)
        external = harness.record_external_requests(page)
        harness.open_app(page, app.url)            # goto + wait + enable_semantics
        harness.type_into(page, page.get_by_label("Password"), "s3cret")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Welcome").wait_for()
        assert external == []
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional, Sequence, Union

CHROMIUM = os.environ.get("SHOPFLOOR_CHROMIUM", "/usr/bin/chromium")

#: Flags that keep headless Chromium quiet and off the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: A phone-sized viewport (Pixel 7-ish CSS pixels).
PHONE_VIEWPORT = {"width": 412, "height": 915}

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class FletAppError(RuntimeError):
    """The Flet app subprocess failed to start or died; the message holds its log."""


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class FletApp:
    """A running Flet web app subprocess (yielded by :func:`serve_flet_app`)."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False, default_factory=dict)

    def log(self) -> str:
        """Everything the app wrote to stdout/stderr so far."""
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None


def _wait_http_ok(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_err: Optional[BaseException] = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise FletAppError(f"app exited with code {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                body = resp.read()
                # Flet's index.html is patched on first request; it must carry the
                # app config or the browser will not connect.
                if resp.status == 200 and b"flet" in body:
                    return
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            last_err = e
        time.sleep(0.1)
    raise FletAppError(f"app not serving {url} after {timeout}s (last error: {last_err})")


@contextlib.contextmanager
def serve_flet_app(
    *,
    module: Optional[str] = None,
    script: Optional[Union[str, os.PathLike]] = None,
    args: Sequence[str] = (),
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[Union[str, os.PathLike]] = None,
    port: Optional[int] = None,
    port_env: Optional[str] = None,
    python: str = sys.executable,
    ready_timeout: float = 30.0,
    assets_dir: Optional[Union[str, os.PathLike]] = None,
) -> Iterator[FletApp]:
    """Start a Flet app in web-server mode in a subprocess; yield a :class:`FletApp`.

    Works with an unmodified ``ft.run(main)`` app: the Flet env overrides force web
    mode, the port, loopback binding and no-CDN, whatever the script passes:
    ``FLET_FORCE_WEB_SERVER=true``, ``FLET_SERVER_PORT``, ``FLET_SERVER_IP=127.0.0.1``,
    ``FLET_WEB_NO_CDN=true`` (and ``FLET_ASSETS_DIR`` when *assets_dir* is given).
    *port_env* additionally exports the port under another name for apps that read
    their own variable. Ready means ``GET /`` returns Flet's index.html.

    The process runs in its own process group and is terminated (then killed) on
    exit. If it dies or never gets ready, :class:`FletAppError` carries its log; if
    the ``with`` body raises, the log is printed to stderr so pytest shows it.
    """
    if (module is None) == (script is None):
        raise ValueError("pass exactly one of module= or script=")
    port = port or free_port()
    full_env = dict(os.environ)
    full_env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "FLET_FORCE_WEB_SERVER": "true",
            "FLET_SERVER_PORT": str(port),
            "FLET_SERVER_IP": "127.0.0.1",
            "FLET_WEB_NO_CDN": "true",
        }
    )
    if assets_dir is not None:
        full_env["FLET_ASSETS_DIR"] = str(Path(assets_dir).resolve())
    if port_env:
        full_env[port_env] = str(port)
    if env:
        full_env.update(env)

    cmd = [python, "-m", module] if module else [python, str(script)]
    cmd += list(args)
    log_fd, log_name = tempfile.mkstemp(prefix="flet-app-", suffix=".log")
    log_path = Path(log_name)
    with os.fdopen(log_fd, "wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=str(cwd) if cwd else None,
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    app = FletApp(url=f"http://127.0.0.1:{port}/", port=port, process=proc,
                  log_path=log_path, env=full_env)
    try:
        try:
            _wait_http_ok(app.url, proc, ready_timeout)
        except FletAppError as e:
            raise FletAppError(f"{e}\ncommand: {cmd}\n--- app log ---\n{app.log()}") from None
        try:
            yield app
        except BaseException:
            sys.stderr.write(f"\n--- Flet app log ({log_path}) ---\n{app.log()}\n")
            raise
    finally:
        _stop(proc)
        with contextlib.suppress(OSError):
            log_path.unlink()


def _stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # our own session/group only
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(grace)


# ---- browser ---------------------------------------------------------------------------


def launch_browser(playwright, *, fake_camera_y4m: Optional[Union[str, os.PathLike]] = None,
                   headless: bool = True, extra_args: Sequence[str] = ()):
    """Launch Debian's Chromium (sync or async Playwright object) with quiet flags.

    *fake_camera_y4m*: also pass Chromium's fake media-stream flags so getUserMedia
    succeeds without a prompt, playing that .y4m file as the camera (see make_y4m).
    With the async API, ``await`` the result.
    """
    args = list(CHROMIUM_ARGS)
    if fake_camera_y4m is not None:
        args += [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={Path(fake_camera_y4m).resolve()}",
        ]
    args += list(extra_args)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=headless)


def new_phone_page(browser, **context_options):
    """New context + page with a phone viewport; options go to ``new_context``.

    E.g. ``geolocation={...}, permissions=["geolocation"], locale="zh-HK"``.
    Sync API only (for async, call ``browser.new_context`` yourself).
    """
    # A Hong Kong phone unless told otherwise: the app follows the browser's language on
    # first start, and Chromium would otherwise say en-US.
    opts = {"viewport": PHONE_VIEWPORT, "service_workers": "block", "locale": "zh-HK"}
    opts.update(context_options)
    context = browser.new_context(**opts)
    return context.new_page()


# ---- Flutter page helpers (sync Playwright API) ---------------------------------------

_ENABLE_SEMANTICS_JS = """() => {
  const p = document.querySelector('flt-semantics-placeholder');
  if (p) { p.click(); return true; }
  return false;
}"""


def wait_for_flutter(page, timeout: float = 60_000) -> None:
    """Wait until the Flutter engine has painted its first frame.

    index.html removes ``#loading`` on the ``flutter-first-frame`` event; the
    ``flt-semantics-placeholder`` exists once the engine is up.
    """
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=timeout)
    page.wait_for_function("() => !document.getElementById('loading')", timeout=timeout)


def enable_semantics(page, timeout: float = 15_000) -> None:
    """Turn on Flutter's accessibility (DOM) tree so locators can see controls.

    The placeholder sits off-screen (Playwright's click refuses it even with
    force=True: "outside of the viewport"), so it is clicked from JS. Idempotent:
    once semantics are on, the placeholder is gone and this only waits for nodes.
    """
    page.wait_for_selector("flt-semantics-placeholder, flt-semantics", state="attached",
                           timeout=timeout)
    page.evaluate(_ENABLE_SEMANTICS_JS)
    page.wait_for_selector("flt-semantics", state="attached", timeout=timeout)


def open_app(page, url: str, *, timeout: float = 60_000) -> None:
    """goto(url), wait for Flutter's first frame, enable semantics."""
    page.goto(url)
    wait_for_flutter(page, timeout=timeout)
    enable_semantics(page)


def _holds(value: str, text: str) -> bool:
    """The field shows just ``text`` (a password field shows as many bullets)."""
    return value == text or (len(value) == len(text) and set(value) <= {"\u2022"})


_FOCUSED_TEXT = "() => { const e = document.activeElement; return e && 'value' in e ? e.value : null; }"


def _field_text(page, locator) -> str:
    """What the focused field holds: Flutter's own editing element (the accessibility tree's
    copy of a focused field can lag behind, or stay empty until it loses the focus)."""
    value = page.evaluate(_FOCUSED_TEXT)
    return locator.input_value() if value is None else value


def wait_to_hold(page, locator, text: str, timeout_s: float = 6) -> str:
    """The field's text once it holds ``text``, or whatever it holds after ``timeout_s`` (on
    a busy machine Flutter can take seconds to take typed keys in)."""
    deadline = time.monotonic() + timeout_s
    value = _field_text(page, locator)
    while not _holds(value, text) and time.monotonic() < deadline:
        time.sleep(0.2)
        value = _field_text(page, locator)
    return value


def type_into(page, locator, text: str, *, clear: bool = True, delay: float = 0) -> None:
    """Type into a Flutter TextField (works for password fields, where fill() does not).

    Clicks the field so Flutter focuses its editing element, optionally selects
    everything already there, then sends real key events. When clearing, the field must
    end up holding just ``text`` (bullets for a password), else it is typed again: on a busy
    machine Control+A can land before Flutter has taken the field over, which then puts its
    old text back in front of what was typed.
    """
    for _attempt in range(3):
        locator.click()
        if clear:
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
        page.keyboard.type(text, delay=delay)
        if not clear:
            return
        value = wait_to_hold(page, locator, text)
        if _holds(value, text):
            return
    raise AssertionError(f"typed {text!r} but the field reads {value!r}")


def record_external_requests(page, allowed_hosts: Sequence[str] = LOOPBACK_HOSTS) -> list:
    """Return a live list that collects every request URL NOT to an allowed host.

    Attach before ``goto``. data:/blob: URLs are never network requests and are
    ignored. Covers the page and its workers (Playwright reports both).
    """
    external: list = []
    from urllib.parse import urlsplit

    def on_request(request):
        url = request.url
        if url.startswith(("data:", "blob:")):
            return
        host = urlsplit(url).hostname or ""
        if host not in {h.strip("[]") for h in allowed_hosts}:
            external.append(url)

    page.on("request", on_request)
    return external


def semantics_dump(page) -> str:
    """The flt-semantics-host HTML (for debugging a locator that finds nothing)."""
    return page.evaluate(
        "() => (document.querySelector('flt-semantics-host') || {}).outerHTML || ''"
    )


# ---- fake camera ----------------------------------------------------------------------


_HOLD_CAMERA_JS = """async () => {
  window.heldCamera = await navigator.mediaDevices.getUserMedia({video: true, audio: false});
  return window.heldCamera.getVideoTracks().filter(t => t.readyState === 'live').length;
}"""


def keep_fake_camera_running(context, url: str = "http://127.0.0.1:9/camera-keeper"):
    """Open a tab in *context* (sync API) that holds the fake camera open; returns the tab.

    Chromium's fake camera starts its clip again from the first frame whenever the camera
    starts (a new stream after every stream was stopped). An app that opens the camera for
    each photo and shoots a fixed time after the preview starts then gets the very same frame
    every time, which a real camera never gives. While this tab holds a stream the device keeps
    running, and each new stream joins it where it is: pictures taken at different moments
    show different frames of the clip. The page is served by a route (nothing listens on *url*;
    127.0.0.1 is a secure origin, so getUserMedia works). The context needs the camera permission.
    """
    page = context.new_page()
    page.route(url, lambda route: route.fulfill(body="<!doctype html><title>camera</title>",
                                               content_type="text/html"))
    page.goto(url)
    if page.evaluate(_HOLD_CAMERA_JS) != 1:
        raise RuntimeError("the fake camera did not start")
    return page


def make_y4m(image_path: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]],
             out_path: Union[str, os.PathLike], *, frames: int = 30,
             size: tuple = (640, 480), fps: int = 15, switch_every: int = 0) -> Path:
    """Write a Y4M (YUV 4:2:0) clip for ``--use-file-for-fake-video-capture``.

    *image_path* may be one image or a sequence; with several, frames cycle through
    them, changing every *switch_every* frames (default: frames // len(images)).
    Each image is letterboxed into *size* (even width/height required by 4:2:0).
    Chromium loops the file.
    """
    from PIL import Image

    paths = [image_path] if isinstance(image_path, (str, os.PathLike)) else list(image_path)
    w, h = size
    stills = []
    for p in paths:
        img = Image.open(p).convert("RGB")
        img.thumbnail((w, h))
        canvas = Image.new("RGB", (w, h), (0, 0, 0))
        canvas.paste(img, ((w - img.width) // 2, (h - img.height) // 2))
        stills.append(canvas)
    step = switch_every or max(1, frames // len(stills))
    return write_y4m((stills[(i // step) % len(stills)] for i in range(frames)), out_path, size=size, fps=fps)


def write_y4m(frames: Iterable, out_path: Union[str, os.PathLike], *, size: tuple, fps: int) -> Path:
    """Write PIL images of exactly *size* as a Y4M (YUV 4:2:0) clip, one frame each.

    Chromium's fake camera plays the clip at *fps* and loops it. It starts the clip again
    from its first frame whenever the camera starts again (a new stream after every stream
    was stopped), see docs/flet-web-testing.md.
    """
    from PIL import Image

    w, h = size
    if w % 2 or h % 2:
        raise ValueError("Y4M 4:2:0 needs even width and height")
    out = Path(out_path)
    with open(out, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for img in frames:
            if img.size != (w, h):
                raise ValueError(f"frame of {img.size}, expected {size}")
            y, u, v = img.convert("YCbCr").split()
            u = u.resize((w // 2, h // 2), Image.BILINEAR)
            v = v.resize((w // 2, h // 2), Image.BILINEAR)
            f.write(b"FRAME\n" + y.tobytes() + u.tobytes() + v.tobytes())
    return out
