"""Face check set-up (PDPO): informed consent, enrolment from 3 photos, withdrawal."""


import flet as ft

from app.platform import in_browser, offload
from app.protocol.consent import CONSENT_TEXT_VERSION
from app.store import face_profile
from app.sync import SyncError
from app.ui.capture import CaptureError, camera_frames
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext

STATUS_KEY = "face_setup_status"  # the set-up's last progress or error message, in page.data


def consent_text(ctx: AppContext) -> list[str]:
    return [
        ctx._("Why: to confirm that it is really you who clocks in, so nobody can clock in for you."),
        ctx._("What we keep: a face template (a list of 128 numbers), encrypted. Not your photos: "
              "the set-up photos are deleted at once."),
        ctx._("Clock-in selfies are kept for 30 days in case of a dispute, then deleted automatically."),
        ctx._("Who can see it: nobody sees the template. Your store manager can see your clock-in "
              "selfies for 30 days."),
        ctx._("It is your choice: without face check you clock in with your PIN and your manager "
              "confirms. Saying no costs you nothing, and you can change your mind at any time here."),
    ]


def _quality_problem(photo: bytes) -> str | None:
    """The quality code of a set-up photo checked on the device (None when fine or when
    this device cannot run the face engine: the server checks again anyway)."""
    if in_browser():
        return None
    try:
        from app.face import FaceError, encode_photo
    except ImportError:
        return None
    try:
        encode_photo(photo)
    except FaceError as exc:
        return str(getattr(exc, "code", None) or "no_face")
    except ImportError:
        return None
    return None


def view(ctx: AppContext) -> ft.View:
    t, user = ctx.typo, ctx.user
    consented, enrolled = face_profile.status(ctx.store, user["id"])
    # Kept in page.data and shown by re-rendering: a background sync re-renders the screen
    # at any time, and a message set on this view's own Text would then be lost.
    # Red only for a problem: progress ("Photo 1 of 3") and success are never shown in red.
    shown, problem = ctx.page.data.get(STATUS_KEY, ("", False))
    status = t.text(shown, 15, color=ft.Colors.RED_900 if problem else None)

    def say(message: str, *, error: bool = False) -> None:
        ctx.page.data[STATUS_KEY] = (message, error)
        ctx.rerender()

    async def agree(e) -> None:
        say(ctx._("Saving…"))
        try:
            await offload(ctx.api.face_consent, True, CONSENT_TEXT_VERSION, ctx.tr.locale)
            face_profile.save(ctx.store, user["id"], consented=True, version=CONSENT_TEXT_VERSION)
            frames, attempts = [], 0
            while len(frames) < 3:
                attempts += 1
                if attempts > 9:
                    raise CaptureError(ctx._("The photos could not be used. Try again in better light."))
                say(ctx._("Photo {n} of 3", n=len(frames) + 1))
                shot = (await camera_frames(ctx, count=1))[0]
                problem = await offload(_quality_problem, shot)
                if problem:  # retake this one photo, saying exactly what is wrong
                    ctx.notify(ctx.reason_text(problem), error=True)
                    continue
                frames.append(shot)
            say(ctx._("Setting up…"))
            embeddings = await offload(ctx.api.face_enrol, frames)
            face_profile.save(ctx.store, user["id"], consented=True, version=CONSENT_TEXT_VERSION,
                              embeddings=embeddings)
            ctx.page.data.pop(STATUS_KEY, None)
            ctx.notify(ctx._("Face check is on."))
            ctx.rerender()
        except CaptureError as exc:
            say(exc.message, error=True)
        except SyncError as exc:
            code = getattr(exc, "code", None)
            say(ctx.reason_text(code, getattr(exc, "message", None)) if code else
                ctx._("Cannot reach the server. Check your connection and try again."), error=True)

    async def withdraw(e) -> None:
        try:
            await offload(ctx.api.face_consent, False, CONSENT_TEXT_VERSION, ctx.tr.locale)
        except SyncError:
            say(ctx._("Cannot reach the server. Check your connection and try again."), error=True)
            return
        face_profile.forget(ctx.store, user["id"])
        ctx.page.data.pop(STATUS_KEY, None)
        ctx.notify(ctx._("Face data deleted. You clock in with your PIN now."))
        ctx.rerender()

    if consented and enrolled:
        actions = [t.text(ctx._("Face check is on."), 16, weight=ft.FontWeight.BOLD),
                   big_button(ctx, ctx._("Turn off and delete my face data"), withdraw, filled=False,
                              icon=ft.Icons.DELETE_OUTLINE)]
    else:
        actions = [big_button(ctx, ctx._("I agree, set up face check"), agree, icon=ft.Icons.FACE),
                   big_button(ctx, ctx._("No thanks, use my PIN"), lambda e: ctx.page.navigate("/clock"),
                              filled=False)]
    return frame(ctx, "/me/face", ctx._("Face check"), [
        section(ctx, ctx._("Before you decide"), [t.text(p, 15) for p in consent_text(ctx)]),
        t.text(ctx._("Consent text version {version}", version=CONSENT_TEXT_VERSION), 12, color=ft.Colors.GREY_700),
        *actions, status,
    ], back=True)
