"""Kiosk (a store tablet signed in by the manager): staff walk up, are identified, confirm, punch.

Opening the kiosk locks the device there (kept in its database, so a reload, a new tab or a
restart stays locked): no Back, no navigation. Only the manager's PIN, checked by the
server, unlocks it; offline it stays locked rather than trusting the device.
"""

from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance
from app.domain.punch_flow import PunchMethod, offers_unscheduled
from app.platform import offload
from app.protocol import Reason
from app.store import PunchActions, queries
from app.sync import RequestRejected, ServerError, SyncError
from app.ui.capture import CaptureError, camera_frames
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog
from app.ui.screens.clock import KIND_LABELS, shift_check
from app.ui.screens.login import sign_in_refusal


LOCK_KEY = "kiosk_locked_by"
#: The last punch's outcome ("Clock in for <name>."), kept in page.data until the next
#: person starts: a sync re-renders the screen at any time and must not wipe it.
NOTE_KEY = "kiosk_note"
#: After "Your shift has ended": whose unscheduled clock-in is offered (who, frames), kept
#: like the note; cleared when the next person starts. Taking it asks "Are you …?" again.
OFFER_KEY = "kiosk_unscheduled_offer"


def lock(ctx: AppContext) -> None:
    """Enter kiosk mode: this device shows only the kiosk until the manager's PIN unlocks it."""
    if ctx.is_manager:
        ctx.store.set_meta(LOCK_KEY, ctx.user["id"])


def locked(ctx: AppContext) -> bool:
    """Whether the signed-in manager left this device in kiosk mode."""
    return ctx.is_manager and ctx.store.get_meta(LOCK_KEY) == ctx.user["id"]


def _ask_manager_pin(ctx: AppContext) -> None:
    """The way out of kiosk mode: the signed-in manager's PIN, verified by the server."""
    t = ctx.typo
    pin = ft.TextField(label=ctx._("PIN"), password=True, text_style=t.style(16), autofocus=True)
    problem = t.text("", 14, color=ft.Colors.RED_800)

    async def unlock(e) -> None:
        try:  # a fresh sign-in is the server's PIN check (and its lockout applies)
            await offload(ctx.api.login, ctx.user["staff_no"], (pin.value or "").strip())
        except RequestRejected as exc:  # too many tries: say how long to wait, as at login
            problem.value = (ctx._("Wrong PIN. Kiosk mode stays on.") if exc.code == Reason.INVALID_CREDENTIALS
                             else sign_in_refusal(ctx.tr, exc))
        except ValueError:  # not a PIN at all (empty, too short, letters): never sent
            problem.value = ctx._("Wrong PIN. Kiosk mode stays on.")
        except SyncError:
            problem.value = ctx._("The PIN can only be checked online. Kiosk mode stays on.")
        else:
            ctx.store.set_meta(LOCK_KEY, None)
            shown.close(leave)
            return
        pin.value = ""
        ctx.page.update()

    def leave() -> None:
        ctx.page.navigate("/home")
        ctx.rerender()  # also when the route already was /home (a reload while locked)

    shown = ShownDialog(ctx, ft.AlertDialog(
        modal=True,
        title=t.text(ctx._("Leave kiosk mode"), 18),
        content=ft.Column([t.text(ctx._("Enter the manager's PIN to leave kiosk mode."), 15), pin, problem],
                          tight=True, spacing=8),
        actions=[ft.TextButton(ctx._("Cancel"), on_click=lambda e: shown.close()),
                 ft.FilledButton(ctx._("Continue"), on_click=unlock)]))


def _next_kind(ctx: AppContext, user_id: str) -> str:
    with ctx.store.reading() as db:
        return attendance.next_kind(queries.punches(db, [user_id], datetime.now(UTC) - timedelta(days=2))).value


def identify_face(ctx: AppContext, store_id: str, selfie: bytes) -> tuple[dict | None, str]:
    """The server's 1:N answer for ``selfie``: (the person, "") or (None, what to tell them).

    The server judges the photo with the same quality gates as ``app.face.decide``: a face
    too small, blurry or masked comes back as its reason, said as "try again", never as
    "not recognised" or a network problem.
    """
    try:
        who = ctx.api.kiosk_identify(store_id, selfie)
    except RequestRejected as exc:
        return None, ctx.reason_text(exc.code, exc.message)
    except SyncError as exc:
        if isinstance(exc, ServerError) and exc.code == Reason.FACE_ENGINE_UNAVAILABLE:
            return None, ctx.reason_text(exc.code)  # online, but no face engine: the PIN still works
        return None, ctx._("Face check needs the network. Use your staff number and PIN below.")
    if not who.get("matched"):
        return None, ctx._("Not recognised. Try again or use your staff number and PIN below.")
    return who, ""


def _record(ctx: AppContext, store_id: str, who: dict, kind: str, frames: list[bytes], unscheduled: bool) -> None:
    """The shared shift rules first (as on the Clock screen), then the punch."""
    ctx.page.data.pop(OFFER_KEY, None)
    check = shift_check(ctx, kind, datetime.now(UTC), user_id=who["user_id"], unscheduled=unscheduled)
    if not check.allowed:
        ctx.page.data[NOTE_KEY] = ctx.reason_text(check.reason)
        if offers_unscheduled(check, attendance.ShiftRules()):
            ctx.page.data[OFFER_KEY] = (who, frames)
        ctx.rerender()
        return
    done = ctx._("{action} for {name}.", action=ctx._(KIND_LABELS[kind]), name=who["name"])
    ctx.page.data[NOTE_KEY] = done
    actions = PunchActions(ctx.store, ctx.store.clock, ctx.actor)
    ctx.act(lambda: actions.record_punch(
        kind=kind, store_id=store_id, method=PunchMethod.KIOSK.value, user_id=who["user_id"], fix=None,
        selfie=frames[0] if frames else None, frames=frames[1:], flags=list(check.flags),
        shift_id=check.shift_id, unscheduled=unscheduled,
        # Frames come only with the server's face match (identify_face); the PIN path has none.
        device_face="matched" if frames and who.get("matched") else "not_used"), done)


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    store_id = ctx.user.get("home_store_id") or ctx.user["store_ids"][0]
    status = t.text(ctx.page.data.get(NOTE_KEY) or ctx._("Tap Start, look at the camera and turn your head slightly."),
                    16)
    staff_no = ft.TextField(label=ctx._("Staff number"), text_style=t.style(16))
    offered = ctx.page.data.get(OFFER_KEY)
    offer = ft.Column([big_button(ctx, ctx._("Clock in without a shift (your manager approves)"),
                                  lambda e: confirm(*offered, unscheduled=True), icon=ft.Icons.FINGERPRINT,
                                  filled=False)] if offered else [])
    pin = ft.TextField(label=ctx._("PIN"), password=True, text_style=t.style(16))

    def confirm(who: dict, frames: list[bytes], unscheduled: bool = False) -> None:
        kind = _next_kind(ctx, who["user_id"])

        def punch() -> None:
            # Once the dialog is gone: re-rendering the screen while it was still closing
            # left it on screen, and the next person saw the last one's question.
            _record(ctx, store_id, who, kind, frames, unscheduled)

        shown = ShownDialog(ctx, ft.AlertDialog(
            title=t.text(ctx._("Are you {name}?", name=who["name"]), 18),
            actions=[ft.TextButton(ctx._("No"), on_click=lambda e: shown.close()),
                     ft.FilledButton(ctx._(KIND_LABELS[kind]), on_click=lambda e: shown.close(punch))]))

    def say(text: str) -> None:
        # Kept in page.data too: a sync re-renders the screen at any time.
        status.value = ctx.page.data[NOTE_KEY] = text

    async def start(e) -> None:
        ctx.page.data.pop(OFFER_KEY, None)
        offer.controls = []
        try:
            frames = await camera_frames(ctx)
            say(ctx._("Checking your face…"))
            ctx.page.update()
            who, problem = await offload(identify_face, ctx, store_id, frames[0])
        except CaptureError as exc:
            say(exc.message)
        else:
            say(problem)
            if who is not None:
                confirm(who, frames)
        ctx.page.update()

    async def with_pin(e) -> None:
        ctx.page.data.pop(OFFER_KEY, None)
        offer.controls = []
        typed, pin.value = (pin.value or "").strip(), ""  # never left on screen for the next person
        try:
            who = await offload(ctx.api.kiosk_pin, store_id, (staff_no.value or "").strip().upper(), typed)
        except RequestRejected as exc:
            say(sign_in_refusal(ctx.tr, exc))
        except SyncError:
            say(ctx._("Cannot reach the server. Check your connection and try again."))
        else:
            confirm(who, [])
        ctx.page.update()

    # An icon with its name as tooltip: the words beside the title left it no room in Thai.
    named = ctx._("Leave kiosk mode")
    leave = ft.IconButton(icon=ft.Icon(ft.Icons.LOCK_OPEN, semantics_label=named), tooltip=named,
                          width=ctx.display.touch, height=ctx.display.touch, on_click=lambda e: _ask_manager_pin(ctx))
    screen = frame(ctx, "/kiosk", ctx._("Kiosk"), [
        section(ctx, ctx._("Clock in or out here"), [status, offer, big_button(ctx, ctx._("Start"), start, icon=ft.Icons.FACE)]),
        section(ctx, ctx._("No face check?"), [staff_no, pin, big_button(ctx, ctx._("Continue"), with_pin, filled=False)]),
    ], back=True, actions=[leave])
    screen.appbar.automatically_imply_leading = False  # no Back arrow: leaving needs the PIN
    return screen
