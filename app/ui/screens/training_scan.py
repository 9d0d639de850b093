"""Issue 13, traintrainer: Me -> Scan a training QR code: the camera reads the trainer's QR code and
the screen shows the session and code it carries. Where scanning is not offered (the browser web
app) it says to type the code. The staff sign-in screen takes the same scan through
``app.ui.training_scan`` and signs in with it."""

from dataclasses import dataclass

import flet as ft

from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.training_scan import scan_button

ROUTE = "/me/scan-training"
_KEY = "training_scan"


@dataclass
class Scanned:
    """The last code read on this phone by the signed-in person."""

    user_id: str
    session_id: str | None = None
    code: str | None = None


def scanned_of(ctx: AppContext) -> Scanned:
    found = ctx.page.data.get(_KEY)
    if found is None or found.user_id != ctx.user["id"]:
        found = ctx.page.data[_KEY] = Scanned(ctx.user["id"])
    return found


def spaced(code: str) -> str:
    """``123456`` as ``123 456``: two groups of three are read and typed without mistakes."""
    return f"{code[:3]} {code[3:]}"


def view(ctx: AppContext) -> ft.View:
    t, scanned = ctx.typo, scanned_of(ctx)

    def got(session_id: str, code: str) -> None:
        scanned.session_id, scanned.code = session_id, code
        ctx.rerender()

    button = scan_button(ctx, got)
    body: list[ft.Control] = [t.text(ctx._("Point the camera at the QR code on the trainer's phone."), 15)
                              if button else t.text(ctx._("Scanning is not available here. Type the 6-digit code "
                                                          "the trainer shows instead."), 15)]
    if button:
        body.append(button)
    if scanned.code:
        body.append(section(ctx, ctx._("Code scanned"), [
            t.text(ctx._("Session {session}", session=scanned.session_id), 15),
            ft.Text(spaced(scanned.code), size=40 * ctx.display.scale, weight=ft.FontWeight.BOLD,
                    semantics_label=ctx._("Code {code}", code=" ".join(scanned.code)), key="scanned-code"),
        ]))
    return frame(ctx, ROUTE, ctx._("Scan a training QR code"), body, back=True)
