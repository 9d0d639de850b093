"""Issue 13, traintrainer: scanning a training session's QR code with the camera, where the device
can read QR codes (desktop, kiosk, server-driven web, native builds with zxing-cpp); never in the
browser web app (Pyodide), where staff type the code.

The hook for the staff sign-in screen: ``scan_button(ctx, on_scanned)`` (None where scanning is not
offered: show only the typing field then), or ``await scan_training_code(ctx)`` for
``(session_id, code)`` / None (a message already shown).
"""

import inspect
import logging
from collections.abc import Awaitable, Callable

import flet as ft

from app.media import qr
from app.platform import in_browser, offload
from app.ui.capture import CaptureError, camera_scan
from app.ui.chrome import big_button
from app.ui.context import AppContext

log = logging.getLogger(__name__)


def can_scan() -> bool:
    """Whether this device offers scanning (not the browser web app; zxing-cpp installed)."""
    return not in_browser() and qr.can_read()


async def scan_training_code(ctx: AppContext) -> tuple[str, str] | None:
    """Take a picture and read the session QR code in it: ``(session_id, code)``, or None after
    telling the person why (no camera, cancelled, no session QR code in the picture)."""
    try:
        picture = await camera_scan(ctx)
    except CaptureError as exc:
        ctx.notify(exc.message, error=True)
        return None
    found = await offload(qr.read_training_code, picture)  # seconds on a big picture: off the event loop
    if found is None:
        ctx.notify(ctx._("No training QR code was found in the picture. Try again, or type the code."), error=True)
        return None
    log.info("training QR code read for session %s", found.session_id)  # never the code itself
    return found.session_id, found.code


def scan_button(ctx: AppContext, on_scanned: Callable[[str, str], Awaitable[None] | None]) -> ft.Control | None:
    """A "Scan QR code" button that calls ``on_scanned(session_id, code)`` after a good scan;
    None where scanning is not offered (the browser web app)."""
    if not can_scan():
        return None

    async def scan() -> None:
        found = await scan_training_code(ctx)
        if found is not None:
            done = on_scanned(*found)
            if inspect.isawaitable(done):
                await done

    return big_button(ctx, ctx._("Scan QR code"), lambda e: ctx.page.run_task(scan), icon=ft.Icons.QR_CODE_SCANNER)
