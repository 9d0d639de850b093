"""Kiosk (a store tablet signed in by the manager): staff walk up, are identified, confirm, punch."""

import asyncio
from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance
from app.store import PunchActions, queries
from app.sync import RequestRejected, SyncError
from app.ui.capture import CaptureError, camera_frames
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screens.clock import KIND_LABELS
from app.ui.screens.login import sign_in_refusal


def _next_kind(ctx: AppContext, user_id: str) -> str:
    with ctx.store.reading() as db:
        state = attendance.state_of(queries.punches(db, [user_id], datetime.now(UTC) - timedelta(days=2)))
    return "clock_in" if state is attendance.AttendanceState.OUT else "clock_out"


def view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    store_id = ctx.user.get("home_store_id") or ctx.user["store_ids"][0]
    status = t.text(ctx._("Tap Start, look at the camera and turn your head slightly."), 16)
    staff_no = ft.TextField(label=ctx._("Staff number"), text_style=t.style(16))
    pin = ft.TextField(label=ctx._("PIN"), password=True, text_style=t.style(16))

    def confirm(who: dict, frames: list[bytes]) -> None:
        kind = _next_kind(ctx, who["user_id"])
        actions = PunchActions(ctx.store, ctx.store.clock, ctx.actor)

        def yes(e) -> None:
            ctx.page.pop_dialog()
            ctx.act(lambda: actions.record_punch(
                kind=kind, store_id=store_id, method="kiosk", user_id=who["user_id"],
                selfie=frames[0] if frames else None, frames=frames[1:],
                device_face="matched" if frames else "not_used"),
                ctx._("{action} for {name}.", action=ctx._(KIND_LABELS[kind]), name=who["name"]))

        ctx.page.show_dialog(ft.AlertDialog(
            title=t.text(ctx._("Are you {name}?", name=who["name"]), 18),
            actions=[ft.TextButton(ctx._("No"), on_click=lambda e: ctx.page.pop_dialog()),
                     ft.FilledButton(ctx._(KIND_LABELS[kind]), on_click=yes)]))

    async def start(e) -> None:
        try:
            frames = await camera_frames(ctx)
            status.value = ctx._("Checking your face…")
            ctx.page.update()
            who = await asyncio.to_thread(ctx.api.kiosk_identify, store_id, frames[0])
        except CaptureError as exc:
            status.value = exc.message
        except SyncError:
            status.value = ctx._("Face check needs the network. Use your staff number and PIN below.")
        else:
            if who.get("matched"):
                confirm(who, frames)
                status.value = ""
            else:
                status.value = ctx._("Not recognised. Try again or use your staff number and PIN below.")
        ctx.page.update()

    async def with_pin(e) -> None:
        try:
            who = await asyncio.to_thread(ctx.api.kiosk_pin, store_id, (staff_no.value or "").strip().upper(),
                                          (pin.value or "").strip())
        except RequestRejected as exc:
            status.value = sign_in_refusal(ctx.tr, exc)
        except SyncError:
            status.value = ctx._("Cannot reach the server. Check your connection and try again.")
        else:
            pin.value = ""
            confirm(who, [])
        ctx.page.update()

    return frame(ctx, "/kiosk", ctx._("Kiosk"), [
        section(ctx, ctx._("Clock in or out here"), [status, big_button(ctx, ctx._("Start"), start, icon=ft.Icons.FACE)]),
        section(ctx, ctx._("No face check?"), [staff_no, pin, big_button(ctx, ctx._("Continue"), with_pin, filled=False)]),
    ], back=True)
