"""Gathering evidence for a punch on the device: a location fix and camera frames."""

import asyncio
from datetime import UTC, datetime

import flet as ft

from app.domain.geofence import Fix
from app.platform import later
from app.ui.context import AppContext
from app.ui.dialogs import ShownDialog


class CaptureError(Exception):
    """The device could not provide a fix or a photo; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def location_fix(ctx: AppContext) -> Fix:
    """A fresh fix from the geolocator (flet-geolocator)."""
    await later.ready()  # the browser app loads the geolocator and geopy after its first view
    import flet_geolocator as fg

    geo = ctx.page.data.setdefault("geolocator", fg.Geolocator())
    try:
        await geo.request_permission()
        pos = await asyncio.wait_for(geo.get_current_position(), timeout=20)
    except Exception as exc:  # permission refused, no GPS, timeout
        raise CaptureError(ctx._("Your location is not available. Allow location access and try again.")) from exc
    if pos is None or pos.latitude is None:
        raise CaptureError(ctx._("Your location is not available. Allow location access and try again."))
    stamp = pos.timestamp or datetime.now(UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    # flet-geolocator does not report Android's isMocked; a native build sets it here.
    return Fix(float(pos.latitude), float(pos.longitude), float(pos.accuracy or 9999), stamp,
               mocked=bool(getattr(pos, "is_mocked", False)))


async def picked_photo(ctx: AppContext) -> list[bytes]:
    """Fallback when no camera works: let the person choose a photo file."""
    picker = ctx.page.data.setdefault("file_picker", ft.FilePicker())
    files = await picker.pick_files(file_type=ft.FilePickerFileType.IMAGE, with_data=True)
    data = [f.bytes for f in (files or []) if getattr(f, "bytes", None)]
    if not data:
        raise CaptureError(ctx._("No photo was taken."))
    return data[:1]


async def camera_frames(ctx: AppContext, count: int = 3, gap_s: float = 0.5) -> list[bytes]:
    """Show the camera, ask for a small head turn, and take ``count`` pictures.

    Without a usable camera, falls back to choosing a photo file (then only one frame,
    so a punch cannot pass the liveness check on the device and is verified by the server).
    """
    try:
        return await _camera_frames(ctx, count, gap_s)
    except CaptureError:
        if ctx.page.data.pop("no_file_fallback", False):
            raise
        return await picked_photo(ctx)


async def camera_photo(ctx: AppContext) -> bytes:
    """Issue 11, bcattach: one photo with the back camera (a broadcast's photo); without a usable
    camera, a photo file chosen instead."""
    try:
        return (await _camera_frames(ctx, 1, 0, title=ctx._("Take photo"), hint=ctx._("Hold the phone still."),
                                     lens="back", resolution="VERY_HIGH"))[0]
    except (CaptureError, IndexError):
        if ctx.page.data.pop("no_file_fallback", False):
            raise CaptureError(ctx._("No photo was taken.")) from None
        return (await picked_photo(ctx))[0]


async def camera_scan(ctx: AppContext) -> bytes:
    """Issue 13, traintrainer: one picture of a QR code with the back camera; without a usable
    camera, a photo file chosen instead (``CaptureError`` when cancelled)."""
    try:
        return (await _camera_frames(ctx, 1, 0, title=ctx._("Scan QR code"),
                                     hint=ctx._("Hold the trainer's QR code in front of the camera."),
                                     lens="back"))[0]
    except (CaptureError, IndexError):
        if ctx.page.data.pop("no_file_fallback", False):
            raise CaptureError(ctx._("No photo was taken.")) from None
        return (await picked_photo(ctx))[0]


async def _camera_frames(ctx: AppContext, count: int, gap_s: float, *, title: str | None = None,
                         hint: str | None = None, lens: str = "front", resolution: str = "MEDIUM") -> list[bytes]:
    """``count`` pictures from the ``lens`` camera (the face check's words unless told others).

    ``resolution``: a ``flet_camera.ResolutionPreset`` name. A face check needs little; a photo
    kept as proof asks for 1080p (issue 12, webphoto: medium is 720x480, below the 1600 px a
    prepared photo may keep)."""
    await later.ready()  # the browser app loads the camera after its first view
    import flet_camera as fc

    cam = fc.Camera(width=300, height=300, preview_enabled=True)
    hint = ctx.typo.text(hint or ctx._("Look at the camera and turn your head slightly."), 16)
    cancelled = asyncio.Event()
    dialog = ft.AlertDialog(modal=True, title=ctx.typo.text(title or ctx._("Face check"), 18),
                            content=ft.Column([cam, hint], tight=True, width=300),
                            actions=[ft.TextButton(ctx._("Cancel"), on_click=lambda e: cancelled.set())])
    shown = ShownDialog(ctx, dialog)
    try:
        async def shoot() -> list[bytes]:
            await asyncio.sleep(0.3)  # the preview must be on screen before it initialises
            cameras = await cam.get_available_cameras()
            if not cameras:
                raise CaptureError(ctx._("No camera found."))
            front = next((c for c in cameras if lens in str(getattr(c, "lens_direction", "")).lower()),
                         cameras[0])
            await cam.initialize(front, fc.ResolutionPreset[resolution], enable_audio=False)
            await asyncio.sleep(0.6)
            frames = []
            for _ in range(count):
                frames.append(await cam.take_picture())
                await asyncio.sleep(gap_s)
            return [f for f in frames if f]

        # A camera that never answers must not trap the person in this dialog.
        shooting = asyncio.ensure_future(shoot())
        stop = asyncio.ensure_future(cancelled.wait())
        done, _ = await asyncio.wait({shooting, stop}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        if shooting not in done:
            shooting.cancel()
            stop.cancel()
            if cancelled.is_set():
                ctx.page.data["no_file_fallback"] = True  # cancelled on purpose: no file picker
                raise CaptureError(ctx._("No photo was taken."))
            raise CaptureError(ctx._("The camera is not available. Allow camera access and try again."))
        stop.cancel()
        return shooting.result()
    except CaptureError:
        raise
    except Exception as exc:
        raise CaptureError(ctx._("The camera is not available. Allow camera access and try again.")) from exc
    finally:
        await shown.close_and_wait()  # what follows (a snack bar, the result) after it has gone
