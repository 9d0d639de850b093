"""Training for staff (issue 13, trainstaff): the sessions of my stores I may attend, upcoming or
now, and one session: type the trainer's 6-digit code to sign in ("signed in, confirming" at
once, offline too; then signed in, late marked, or refused with the rule's reason), sign out at
the end when the course asks, and the quiz. What is allowed is decided by
``app.store.training_actions`` with the shared rules; this screen only shows and asks.
"""

from datetime import datetime

import flet as ft

from app.domain.access import AccessDenied
from app.store import training_queries as q
from app.store.training_actions import TrainingActions
from app.store.training_queries import SignInState
from app.ui import training_views as tv
from app.ui.capture import CaptureError, location_fix
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.training_scan import scan_button

ROUTE = "/training"
#: page.data key: per (user, session, kind) the code being typed and the last refusal on this phone.
_TYPED, _NOTES = "training_typed", "training_notes"


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def view(ctx: AppContext) -> ft.View:
    """Upcoming and current sessions I may attend (a tap opens one)."""
    t = ctx.typo
    with ctx.store.reading() as db:
        rows = q.my_sessions(db, ctx.actor, ctx.tr.now())
        states = {r["id"]: q.attendance(db, ctx.user["id"], r["id"]) for r in rows}
    tiles = [ft.ListTile(leading=ft.Icon(ft.Icons.SCHOOL_OUTLINED), title=t.text(r["course_title"], 16),
                         subtitle=t.text(ctx.tr.join(tv.session_time(ctx, r), tv.place(ctx, r),
                                                     *([tv.state_word(ctx, states[r["id"]])]
                                                       if states[r["id"]].state is not SignInState.NONE else [])), 14),
                         trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT, semantics_label=ctx._("Open")),
                         on_click=lambda e, sid=r["id"]: ctx.page.navigate(f"{ROUTE}/{sid}"))
             for r in rows]
    return frame(ctx, ROUTE, ctx._("Training"), [
        section(ctx, ctx._("Sessions"), tiles or [t.text(ctx._("No training session for you now or soon."), 15)]),
        ft.ListTile(leading=ft.Icon(ft.Icons.WORKSPACE_PREMIUM_OUTLINED), title=t.text(ctx._("My training"), 16),
                    on_click=lambda e: ctx.page.navigate(tv.MY_ROUTE)),
    ], back=True)


def _key(ctx: AppContext, session_id: str, kind: str) -> str:
    return f"{ctx.user['id']}:{session_id}:{kind}"


def _code_form(ctx: AppContext, session_id: str, kind: str, label: str) -> list[ft.Control]:
    """The code field and its button (``kind``: sign_in or sign_out); a refusal said on this
    phone stays under it until the next try."""
    typed, notes = ctx.page.data.setdefault(_TYPED, {}), ctx.page.data.setdefault(_NOTES, {})
    key = _key(ctx, session_id, kind)
    box = ft.TextField(label=ctx._("Session code"), hint_text=ctx._("6 digits"), value=typed.get(key, ""),
                       keyboard_type=ft.KeyboardType.NUMBER, max_length=12, text_style=ctx.typo.style(20))

    def changed(e) -> None:
        typed[key] = e.control.value or ""

    box.on_change = changed
    box.on_submit = lambda e: ctx.page.run_task(_send, ctx, session_id, kind)
    out = [box, big_button(ctx, label, lambda e: ctx.page.run_task(_send, ctx, session_id, kind),
                           icon=ft.Icons.LOGIN if kind == "sign_in" else ft.Icons.LOGOUT)]

    async def scanned(found_session: str, code: str) -> None:
        if found_session != session_id:
            notes[key] = ctx._("This QR code is for another training session.")
            ctx.rerender()
            return
        typed[key] = code
        await _send(ctx, session_id, kind)

    scan = scan_button(ctx, scanned)  # None in the browser web app: the code is typed there
    if scan is not None:
        out.append(scan)
    if notes.get(key):
        out.append(ctx.typo.text(notes[key], 15, color=ft.Colors.RED_900))
    return out


async def _send(ctx: AppContext, session_id: str, kind: str) -> None:
    """Take a fix (clock-in's geolocator), then record the typed code: one local transaction."""
    typed, notes = ctx.page.data.setdefault(_TYPED, {}), ctx.page.data.setdefault(_NOTES, {})
    key = _key(ctx, session_id, kind)
    code = typed.get(key, "")
    try:
        fix = await location_fix(ctx)
    except CaptureError:
        fix = None  # the shared rules refuse it with the reason (training_no_location)
    actions = TrainingActions(ctx.store, ctx.store.clock, ctx.actor)
    record = actions.sign_in_to_session if kind == "sign_in" else actions.sign_out_of_session

    def do() -> None:
        try:
            record(session_id, code, fix)
        except AccessDenied as exc:
            notes[key] = ctx.reason_text(exc.reason, exc.message)
            raise
        notes.pop(key, None)
        typed.pop(key, None)

    ctx.act(do, ctx._("Signed in, confirming") if kind == "sign_in" else ctx._("Signed out, confirming"))
    if notes.get(key):
        ctx.rerender()  # ctx.act redraws only what it recorded: show the refusal under the field


def _sign_in_part(ctx: AppContext, row: dict, mine: q.Attendance) -> list[ft.Control]:
    t = ctx.typo
    if mine.state in (SignInState.NONE, SignInState.REFUSED):
        refused = [t.text(tv.refusal_text(ctx, mine.refusal), 15, color=ft.Colors.RED_900)] if mine.refusal else []
        return refused + _code_form(ctx, row["id"], "sign_in", ctx._("Sign in"))
    return [t.text(tv.state_word(ctx, mine), 17, weight=ft.FontWeight.BOLD)]


def _sign_out_part(ctx: AppContext, row: dict, mine: q.Attendance) -> list[ft.Control]:
    t = ctx.typo
    if mine.signed_out_at:
        word = ctx._("Signed out, confirming") if mine.sign_out_confirming else ctx._(
            "Signed out at {time}", time=ctx.tr.format_time(mine.signed_out_at, "short"))
        return [t.text(word, 17, weight=ft.FontWeight.BOLD)]
    session = q.domain_session(row)
    opens = t.text(ctx._("Sign out from {time}", time=ctx.tr.format_time(session.sign_out_opens, "short")), 15)
    refused = [t.text(tv.refusal_text(ctx, mine.refusal), 15, color=ft.Colors.RED_900)] if mine.refusal else []
    return [opens, *refused, *_code_form(ctx, row["id"], "sign_out", ctx._("Sign out"))]


def detail_view(ctx: AppContext, route: str, session_id: str) -> ft.View:
    """One session: when and where, my sign-in, sign-out when the course asks, its quiz."""
    t = ctx.typo
    with ctx.store.reading() as db:
        row = q.session_row(db, session_id)
        mine = q.attendance(db, ctx.user["id"], session_id) if row else None
        graded = q.results(db, ctx.user["id"], session_id) if row else []
    if row is None:
        return frame(ctx, route, ctx._("Training"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    session = q.domain_session(row)
    about = [t.text(tv.session_time(ctx, row), 16), t.text(tv.place(ctx, row), 15),
             t.text(ctx._("Sign-in from {opens} to {closes}", opens=ctx.tr.format_time(session.sign_in_opens, "short"),
                          closes=ctx.tr.format_time(session.sign_in_closes, "short")), 14)]
    body = [section(ctx, ctx._("Session"), about), section(ctx, ctx._("Sign in"), _sign_in_part(ctx, row, mine))]
    if row["sign_out_required"] and mine.signed_in:
        body.append(section(ctx, ctx._("Sign out"), _sign_out_part(ctx, row, mine)))
    if row["quiz_id"] and mine.signed_in:
        lines = [t.text(tv.result_text(ctx, graded[-1]), 15)] if graded else []
        body.append(section(ctx, ctx._("Quiz"), [*lines, big_button(
            ctx, ctx._("Open the quiz"), lambda e: ctx.page.navigate(f"{ROUTE}/{session_id}/quiz"),
            icon=ft.Icons.QUIZ_OUTLINED, filled=False)]))
    if row["quiz_id"]:
        ctx.page.run_task(tv.refresh_quiz, ctx, session_id, row["quiz_id"])  # kept for answering offline
    return frame(ctx, route, row["course_title"], body, back=True)
