"""Clock: clock in/out and breaks, checked for place (geofence) and person (face) on the device.

The punch is recorded locally at once (offline too) and the server re-checks it on sync.
Staff who did not consent to face data use the PIN path: their punch waits for the store
manager's confirmation.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain import attendance
from app.domain.geofence import Fence, GeofenceVerdict, decide_any
from app.domain.punch_flow import PunchMethod, fix_needs_refresh, offers_pin_path, offers_unscheduled, punch_method
from app.i18n import N_
from app.platform import in_browser, offload
from app.store import PunchActions, face_profile, queries
from app.ui.capture import CaptureError, camera_frames, location_fix
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screens.home import clock_status, local_day_start, shift_line

KIND_LABELS = {"clock_in": N_("Clock in"), "clock_out": N_("Clock out"), "break_start": N_("Start break"),
               "break_end": N_("End break")}


def local_punches(ctx: AppContext, since: datetime, user_id: str | None = None) -> list[attendance.Punch]:
    """The person's punches on this device (the signed-in user's unless a kiosk says whose)."""
    with ctx.store.reading() as db:
        return queries.punches(db, [user_id or ctx.user["id"]], since)


def local_shifts(ctx: AppContext, around: datetime, user_id: str | None = None) -> list[attendance.ShiftWindow]:
    with ctx.store.reading() as db:
        return queries.shift_windows(db, queries.shifts_for_user(
            db, user_id or ctx.user["id"], around - timedelta(days=1), around + timedelta(days=1)))


def shift_check(ctx: AppContext, kind: str, at: datetime, *, user_id: str | None = None,
                unscheduled: bool = False) -> attendance.PunchCheck:
    """The shared shift rules for this punch, on what this device knows (the server re-checks)."""
    return attendance.check_new_punch(kind, at, punches=local_punches(ctx, at - timedelta(days=2), user_id),
                                      shifts=local_shifts(ctx, at, user_id), rules=attendance.ShiftRules(),
                                      unscheduled=unscheduled)


def fences(ctx: AppContext) -> list[Fence]:
    with ctx.store.reading() as db:
        rows = db.query("SELECT id, latitude, longitude, radius_m FROM stores")
        return [Fence(r["id"], r["latitude"], r["longitude"], r["radius_m"]) for r in rows
                if r["id"] in ctx.user["store_ids"]]


def distance_text(ctx: AppContext, metres: float) -> str:
    if metres >= 1000:
        return ctx._("{km} km", km=ctx.tr.format_decimal(round(metres / 1000, 1)))
    return ctx._("{m} m", m=ctx.tr.format_number(round(metres)))


def where_message(ctx: AppContext, decision, store_names: dict) -> str:
    """Why a location was refused, with the distance, in the user's language."""
    if decision.verdict is GeofenceVerdict.OUTSIDE:
        return ctx._("You are {distance} from {store}. Clock in at the store.",
                     distance=distance_text(ctx, decision.distance_m),
                     store=store_names.get(decision.store_id, decision.store_id))
    return {
        "mocked": ctx._("Your location looks simulated. Turn off mock locations and try again."),
        "inaccurate": ctx._("Your location is not accurate enough. Move near a window or outside and try again."),
        "stale": ctx._("Your location is out of date. Try again."),
    }.get(decision.reason or "", ctx._("Your location could not be checked. Try again."))


async def checked_location(ctx: AppContext, names: dict, kind: str, pin_path: bool, offer_instead):
    """A fix and its geofence decision, or CaptureError saying why not. A fix refused only for
    poor accuracy offers (or, once chosen, takes) the PIN path with the manager's confirmation."""
    fix = await location_fix(ctx)
    decision = decide_any(fix, fences(ctx), now=datetime.now(UTC))
    if decision.allowed or (pin_path and offers_pin_path(decision)):
        return fix, decision
    if offers_pin_path(decision):
        offer_instead(ctx._("Use my PIN instead (your manager confirms)"), kind, pin_path=True)
    raise CaptureError(where_message(ctx, decision, names))


def verify_on_device(ctx: AppContext, frames: list[bytes]) -> str:
    """'matched' or 'pending' (no face engine on this device); raises CaptureError to try again.

    ``app.face.decide`` is the function the server calls on the same selfie, so both agree.
    """
    if in_browser():
        return "pending"  # no dlib or numpy in the browser: the server verifies the synced selfie
    try:
        from app.face import FaceError, Outcome, check_liveness, decide
    except ImportError:
        return "pending"  # phone builds have no dlib: the server verifies the synced selfie
    decision = decide(frames[0], face_profile.embeddings(ctx.store, ctx.user["id"]))
    if decision.outcome in (Outcome.UNAVAILABLE, Outcome.NOT_ENROLLED):
        return "pending"
    if decision.outcome is Outcome.RETRY:
        raise CaptureError(ctx.tr.reason_message(decision.reason))
    if decision.outcome is Outcome.MISMATCH:
        raise CaptureError(ctx._("This face does not match your enrolment. Try again, or ask your manager."))
    try:
        # One frame (a chosen photo file, no camera): no liveness here; the server flags it.
        live = check_liveness(frames).live if len(frames) >= 2 else True
    except FaceError:
        live = False
    if not live:
        raise CaptureError(ctx._("Move your head slightly while the photos are taken, then try again."))
    return "matched"


NOTE_KEY = "clock_note"
#: Where a person stands once each punch is recorded.
AFTER_PUNCH = {"clock_in": attendance.AttendanceState.IN, "break_start": attendance.AttendanceState.ON_BREAK,
               "break_end": attendance.AttendanceState.IN, "clock_out": attendance.AttendanceState.OUT}


@dataclass(frozen=True)
class ClockNote:
    """The line under the punch buttons: the last punch's outcome, for the person who punched."""

    user_id: str
    text: str
    error: bool
    #: For a recorded punch: the state it led to. If the server refused the punch, the device
    #: rolled it back and the state differs: "it will sync" would then be a lie.
    after: attendance.AttendanceState | None = None


def shown_note(ctx: AppContext, state: attendance.AttendanceState) -> ClockNote | None:
    """The note to show now, or None (another person's, or about a punch since undone)."""
    note = ctx.page.data.get(NOTE_KEY)
    if note is None or note.user_id != ctx.user["id"] or (note.after is not None and note.after is not state):
        return None
    return note


def view(ctx: AppContext) -> ft.View:
    t, user = ctx.typo, ctx.user
    now = ctx.tr.now()
    with ctx.store.reading() as db:
        today = queries.todays_shift(db, user["id"], local_day_start(ctx))
        names = queries.store_names(db)
    punches = local_punches(ctx, now - timedelta(days=2))
    state = attendance.state_of(punches)
    consented, enrolled = face_profile.status(ctx.store, user["id"])
    note = shown_note(ctx, state)
    message = t.text(note.text if note else "", 16, color=ft.Colors.RED_900 if note and note.error else None)
    busy = ft.ProgressRing(visible=False, width=28, height=28)

    offer = ft.Column([], spacing=8)

    def say(text: str, *, error: bool = False) -> None:
        # Set the colour every time: a success or progress line is never left in an error's red.
        message.value, message.color = text, (ft.Colors.RED_900 if error else None)

    def offer_instead(label: str, kind: str, **how) -> None:
        """After a refusal, the way that does apply (PIN path, unscheduled clock-in)."""
        offer.controls = [big_button(ctx, label, lambda e: ctx.page.run_task(punch, kind, **how),
                                     icon=ft.Icons.FINGERPRINT, filled=False)]

    async def punch(kind: str, pin_path: bool = False, unscheduled: bool = False) -> None:
        offer.controls = []
        say(ctx._("Checking your location…"))
        busy.visible = True
        ctx.page.update()
        try:
            fix, decision = await checked_location(ctx, names, kind, pin_path, offer_instead)
            method, frames, device_face = (PunchMethod.PIN if pin_path else punch_method(consented, enrolled)), [], "not_used"
            if method is PunchMethod.FACE:
                frames = await camera_frames(ctx)
                say(ctx._("Checking your face…"))
                ctx.page.update()
                device_face = await offload(verify_on_device, ctx, frames)
                if fix_needs_refresh(fix.timestamp, datetime.now(UTC)):
                    # The camera step took a while: the server judges the fix's age, so take it again.
                    fix, decision = await checked_location(ctx, names, kind, pin_path, offer_instead)
            at = datetime.now(UTC)
            check = shift_check(ctx, kind, at, unscheduled=unscheduled)
            if not check.allowed:
                if offers_unscheduled(check, attendance.ShiftRules()):
                    offer_instead(ctx._("Clock in without a shift (your manager approves)"), kind, unscheduled=True)
                raise CaptureError(ctx.reason_text(check.reason))
            flags = list(check.flags) + ([decision.verdict.value] if decision.verdict is GeofenceVerdict.UNCERTAIN else [])
            actions = PunchActions(ctx.store, ctx.store.clock, ctx.actor)
            done = ctx._("{action} at {time}. It will sync when online.", action=ctx._(KIND_LABELS[kind]),
                         time=ctx.tr.format_time(at, "short"))
            ctx.page.data[NOTE_KEY] = ClockNote(user["id"], done, error=False, after=AFTER_PUNCH[kind])
            ctx.act(lambda: actions.record_punch(
                kind=kind, store_id=decision.store_id, method=method.value, selfie=frames[0] if frames else None,
                frames=frames[1:], device_geofence=decision.verdict.value, device_face=device_face, flags=flags,
                shift_id=check.shift_id, unscheduled=unscheduled,
                fix={"latitude": fix.latitude, "longitude": fix.longitude, "accuracy_m": fix.accuracy_m,
                     "timestamp": fix.timestamp.isoformat(), "mocked": fix.mocked}), done)
        except CaptureError as exc:
            ctx.page.data[NOTE_KEY] = ClockNote(user["id"], exc.message, error=True)
            say(exc.message, error=True)
            busy.visible = False
            ctx.notify(exc.message, error=True)
            ctx.page.update()

    kinds = [k.value for k in attendance.kinds_available(state)]
    status = clock_status(ctx, punches)
    buttons = [big_button(ctx, ctx._(KIND_LABELS[k]), lambda e, k=k: ctx.page.run_task(punch, k),
                          icon=ft.Icons.FINGERPRINT, filled=(i == 0)) for i, k in enumerate(kinds)]
    pending = [p for p in punches if p.at >= local_day_start(ctx)]
    face_line = (ctx._("Face check is on.") if consented and enrolled else
                 ctx._("Face check is off: your manager confirms your punches."))
    return frame(ctx, "/clock", ctx._("Clock"), [
        section(ctx, ctx._("Today's shift"), [t.text(shift_line(ctx, today) if today else ctx._("No shift today"), 17)]),
        section(ctx, ctx._("Status"), [t.text(status, 18, weight=ft.FontWeight.BOLD), *buttons,
                                       ft.Row([busy, message], wrap=True), offer]),
        section(ctx, ctx._("Today"), [t.text(ctx.tr.join(ctx._(KIND_LABELS[p.kind.value]),
                                                         ctx.tr.format_time(p.at, 'short')), 15) for p in pending]
                or [t.text(ctx._("No punches yet today."), 15)]),
        # Translators: {status} is "Face check is on." or "Face check is off: …"; "Change" is a link
        # to the face check settings.
        ft.TextButton(content=t.text(ctx._("{status} Change", status=face_line), 14),
                      on_click=lambda e: ctx.page.navigate("/me/face")),
    ])
